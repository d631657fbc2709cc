/**
 * Reaching a group's coordinator: FindCoordinator (cached by the cluster),
 * then the request on the coordinator's own socket (purpose 'coordinator', so
 * heartbeats and commits never queue behind a long-polling Fetch).
 *
 * Contract: `send` fails with the connection's error when the coordinator
 * cannot be reached, after forgetting the cached coordinator, so the next
 * call looks it up again. Which group errors mean "find the coordinator
 * again" is `isCoordinatorMoved` (protocol/error-classes.ts).
 */
import type { Cluster } from '../../cluster/cluster.js'
import { ConnectionError, KafkaError } from '../../errors.js'
import type { ApiDescriptor } from '../../protocol/api.js'
import type { RequestOptions } from '../../network/connection.js'

export class GroupCoordinator {
  readonly cluster: Cluster
  readonly groupId: string

  constructor(cluster: Cluster, groupId: string) {
    this.cluster = cluster
    this.groupId = groupId
  }

  invalidate(): void {
    this.cluster.invalidateCoordinator('group', this.groupId)
  }

  /** The coordinator's node id (FindCoordinator until `deadline`). */
  async nodeId(deadline: number): Promise<number> {
    return (await this.cluster.coordinator('group', this.groupId, deadline)).nodeId
  }

  /**
   * Sends to the coordinator. `purpose` 'join' keeps JoinGroup/SyncGroup,
   * which the broker may hold for up to the rebalance timeout, off the socket
   * that heartbeats and commits use.
   */
  async send<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, deadline: number, options: RequestOptions = {}, purpose = 'coordinator'): Promise<Res> {
    const broker = await this.cluster.coordinator('group', this.groupId, deadline)
    try {
      const conn = await this.cluster.pool.get(broker, purpose)
      return await conn.request(api, body, options)
    } catch (e) {
      if (e instanceof ConnectionError || (e instanceof KafkaError && e.type === 'TIMEOUT')) this.invalidate()
      throw e
    }
  }

  /** The highest version of `api` the coordinator supports, or -1 when it offers none. */
  async versionOf(api: ApiDescriptor<unknown, unknown>, deadline: number): Promise<number> {
    const broker = await this.cluster.coordinator('group', this.groupId, deadline)
    let conn
    try {
      conn = await this.cluster.pool.get(broker, 'coordinator')
    } catch (e) {
      this.invalidate()
      throw e
    }
    return conn.supports(api) ? conn.versionFor(api) : -1
  }
}
