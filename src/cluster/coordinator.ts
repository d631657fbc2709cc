/**
 * Reaching a coordinator: the broker that owns a consumer group, a
 * transactional id, or (key type `share`, for share groups, KIP-932) a share
 * partition's state. Part of the routing layer (see router.ts).
 *
 * Contract:
 * - `findCoordinator` asks any broker (FindCoordinator). Retriable errors
 *   (COORDINATOR_NOT_AVAILABLE while the coordinator loads, connection
 *   failures) are retried under the retry policy until the deadline, then a
 *   TimeoutError carries the last error; other errors (e.g. authorization)
 *   fail at once with the broker's type. The coordinator's address is the
 *   one the metadata agreed on for its node id (refreshed once when it does
 *   not know the node); for a node the metadata does not name, the answer's
 *   address once a second answer repeats it (and a broker can have it:
 *   addresses.ts); until then it is asked again. The cluster caches the answer
 *   (`Cluster.coordinator`) until someone invalidates it.
 * - `Coordinator.send` makes ONE attempt, on the coordinator's socket of the
 *   given purpose ('coordinator' by default, so heartbeats and commits never
 *   queue behind a long-polling Fetch). It fails with the connection's error
 *   when the coordinator cannot be reached or the request timed out, after
 *   forgetting the cached coordinator, so the next call looks it up again.
 *   Error codes in the response are the caller's to read; callers forget the
 *   coordinator when `isCoordinatorMoved(code)` (protocol/error-classes.ts).
 * - `withCoordinator` runs `fn` on a connection to the coordinator under the
 *   retry policy until the deadline. When the coordinator moved or is
 *   unreachable (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE thrown by `fn`, a
 *   connection error) the cached coordinator is forgotten before the retry;
 *   COORDINATOR_LOAD_IN_PROGRESS and other retriable errors are retried as
 *   they are. `fn` reports response error codes by throwing `brokerError(...)`;
 *   a non-retriable error fails the call as it is.
 */
import type { Cluster } from './cluster.js'
import type { BrokerInfo } from './metadata.js'
import { retry } from './retry.js'
import { addressOf, implausibleAddress } from './addresses.js'
import { ConnectionError, KafkaError, brokerError } from '../errors.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { FindCoordinatorApi } from '../protocol/messages/find-coordinator.js'
import type { Connection, RequestOptions } from '../network/connection.js'
import { isCoordinatorMoved } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'

/** What a coordinator is looked up for: FindCoordinator key types 0, 1 and 2. */
export type CoordinatorType = 'group' | 'transaction' | 'share'

const KEY_TYPES: Record<CoordinatorType, number> = { group: 0, transaction: 1, share: 2 }
/** FindCoordinator versions that know each key type (share: KIP-932, v6). */
const MIN_VERSION: Record<CoordinatorType, number> = { group: 0, transaction: 1, share: 6 }
/** How errors name the key. */
const KEY_NAMES: Record<CoordinatorType, string> = { group: 'group', transaction: 'transactionalId', share: 'shareKey' }


/**
 * FindCoordinator for `key`, retried until `deadline` (see the module
 * comment). Not cached: use `Cluster.coordinator`, which caches.
 */
export async function findCoordinator(cluster: Cluster, type: CoordinatorType, key: string, deadline: number): Promise<BrokerInfo> {
  let unknownNode: BrokerInfo | undefined
  return retry(
    `FindCoordinator(${type} "${key}")`,
    async () => {
      const conn = await cluster.anyConnection()
      const version = conn.versionFor(FindCoordinatorApi as ApiDescriptor<unknown, unknown>)
      if (version < MIN_VERSION[type]) {
        throw new KafkaError(`FindCoordinator for ${type} keys needs v${MIN_VERSION[type]}+; this broker (${conn.brokerRelease}) offers v${version}`, {
          type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION, context: { [KEY_NAMES[type]]: key },
        })
      }
      const keyType = KEY_TYPES[type]
      const res = await conn.request(FindCoordinatorApi, version >= 4 ? { keyType, coordinatorKeys: [key] } : { keyType, key }, { version })
      let info: { errorCode: number; errorMessage: string | null; nodeId: number; host: string; port: number }
      if (version >= 4) {
        const c = res.coordinators[0]
        if (!c) throw new KafkaError(`FindCoordinator returned no coordinator for ${type} "${key}"`, { retriable: true })
        info = c
      } else {
        info = res
      }
      if (info.errorCode !== ErrorCode.NONE) throw brokerError(info.errorCode, { [KEY_NAMES[type]]: key }, info.errorMessage)
      // The address the metadata agreed on for this node (addresses.ts); else the answer's, if it can be one.
      if (cluster.broker(info.nodeId) === undefined) await cluster.refreshMetadata()
      const known = cluster.broker(info.nodeId)
      if (known !== undefined) return known
      // A node the metadata does not name: its address is believed when the next answer repeats it.
      const answer = { nodeId: info.nodeId, host: info.host, port: info.port, rack: null }
      const wrong = implausibleAddress(info.host, info.port)
      const seen = unknownNode !== undefined && unknownNode.nodeId === answer.nodeId && addressOf(unknownNode) === addressOf(answer)
      unknownNode = answer
      if (wrong === undefined && seen) return answer
      throw new KafkaError(`FindCoordinator answer cannot be believed yet: coordinator ${info.nodeId} at ${addressOf(answer)} is not in the metadata` +
        `${wrong === undefined ? '' : ` (${wrong})`}; asking again`, { type: 'CORRUPT_RESPONSE', retriable: true, context: { [KEY_NAMES[type]]: key } })
    },
    { ...cluster.backoff, deadline },
  )
}

/** One coordinator (a key of a type): look it up, send to it once, forget it. */
export class Coordinator {
  readonly cluster: Cluster
  readonly type: CoordinatorType
  readonly key: string

  constructor(cluster: Cluster, type: CoordinatorType, key: string) {
    this.cluster = cluster
    this.type = type
    this.key = key
  }

  invalidate(): void {
    this.cluster.invalidateCoordinator(this.type, this.key)
  }

  /** The coordinator (FindCoordinator until `deadline`, cached). */
  broker(deadline: number): Promise<BrokerInfo> {
    return this.cluster.coordinator(this.type, this.key, deadline)
  }

  /** The coordinator's node id (FindCoordinator until `deadline`). */
  async nodeId(deadline: number): Promise<number> {
    return (await this.broker(deadline)).nodeId
  }

  /**
   * Sends to the coordinator. `purpose` 'join' keeps JoinGroup/SyncGroup,
   * which the broker may hold for up to the rebalance timeout, off the socket
   * that heartbeats and commits use.
   */
  async send<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, deadline: number, options: RequestOptions = {}, purpose = 'coordinator'): Promise<Res> {
    const broker = await this.broker(deadline)
    try {
      const conn = await this.cluster.pool.get(broker, purpose)
      return await conn.request(api, body, options)
    } catch (e) {
      if (e instanceof ConnectionError || (e instanceof KafkaError && e.type === 'TIMEOUT')) this.invalidate()
      throw e
    }
  }

  /** A connection to the coordinator; when it cannot be made the coordinator is forgotten and the error thrown. */
  async connection(deadline: number, purpose = 'coordinator'): Promise<Connection> {
    const broker = await this.broker(deadline)
    try {
      return await this.cluster.pool.get(broker, purpose)
    } catch (e) {
      this.invalidate()
      throw e
    }
  }

  /** The highest version of `api` the coordinator supports, or -1 when it offers none. */
  async versionOf(api: ApiDescriptor<unknown, unknown>, deadline: number, purpose = 'coordinator'): Promise<number> {
    const conn = await this.connection(deadline, purpose)
    return conn.supports(api) ? conn.versionFor(api) : -1
  }
}

/** A consumer group's coordinator (the consumer's handle). */
export class GroupCoordinator extends Coordinator {
  readonly groupId: string

  constructor(cluster: Cluster, groupId: string) {
    super(cluster, 'group', groupId)
    this.groupId = groupId
  }
}

/**
 * Runs `fn` on a connection (purpose 'default') to the coordinator of `key`,
 * retrying until `deadline` as the module comment says.
 */
export async function withCoordinator<T>(
  cluster: Cluster,
  type: CoordinatorType,
  key: string,
  what: string,
  deadline: number,
  fn: (conn: Connection, coordinator: BrokerInfo) => Promise<T>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<T> {
  return retry(
    `${what}(${type} "${key}")`,
    async () => {
      const coordinator = await cluster.coordinator(type, key, deadline)
      try {
        const conn = await cluster.pool.get(coordinator)
        return await fn(conn, coordinator)
      } catch (e) {
        if (e instanceof ConnectionError || (e instanceof KafkaError && isCoordinatorMoved(e.code))) {
          cluster.invalidateCoordinator(type, key)
        }
        throw e
      }
    },
    { ...cluster.backoff, deadline, signal: options.signal },
  )
}

/** `withCoordinator` for a consumer group (the admin's group calls). */
export function withGroupCoordinator<T>(
  cluster: Cluster,
  groupId: string,
  what: string,
  deadline: number,
  fn: (conn: Connection, coordinator: BrokerInfo) => Promise<T>,
): Promise<T> {
  return withCoordinator(cluster, 'group', groupId, what, deadline, fn)
}
