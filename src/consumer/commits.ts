/**
 * Offset commits and committed-offset look-ups (OffsetCommit, OffsetFetch).
 *
 * Contract:
 * - Every commit, sync or async, goes through one queue: commits are sent and
 *   complete in the order they were made.
 * - `commitSync` retries retriable errors (coordinator moved or loading,
 *   connection lost, KIP-848 stale member epoch) until its deadline, then
 *   fails with a TimeoutError carrying the last error. REBALANCE_IN_PROGRESS,
 *   ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID fail at once
 *   with a COMMIT_FAILED error: the group moved on, the partitions may belong
 *   to another member now.
 * - `commitAsync` makes one attempt and reports through its callback.
 * - The committed offset is the offset of the next record to read.
 */
import { tracePromise, tracing, type CommitContext } from '../network/diagnostics.js'
import { brokerError, KafkaError } from '../errors.js'
import { retry } from '../cluster/retry.js'
import { throwIfAborted } from '../util/abort.js'
import { OffsetCommitApi, type OffsetCommitResponse } from '../protocol/messages/offset-commit.js'
import { OffsetFetchApi } from '../protocol/messages/offset-fetch.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { isCommitFenced, isCoordinatorMoved } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { GroupCoordinator } from '../cluster/router.js'
import { tpKey } from './positions.js'
import { Log } from '../logger.js'

export interface CommitIdentity {
  generationIdOrMemberEpoch: number
  memberId: string
  groupInstanceId: string | null
}

/** What commits need from the consumer's config, translated once by the consumer. */
export interface CommitSettings {
  /** retry.backoff.ms and retry.backoff.max.ms: between attempts of commitSync and look-ups. */
  backoffMs: number
  backoffMaxMs: number
  /** default.api.timeout.ms: how long an async commit may take. */
  asyncTimeoutMs: number
  /** group.protocol is "consumer" (KIP-848): OffsetFetch names the member. */
  kip848: boolean
}

export interface CommitterHost {
  readonly settings: CommitSettings
  readonly coordinator: GroupCoordinator
  /** The member identity commits carry (generation -1 and no member id outside a group). */
  identity(): CommitIdentity
  /** The coordinator says this member is out of date: rejoin. */
  onFenced(error: KafkaError): void
  /** An OffsetCommit response arrived `latencyMs` after the request; `error` when it refused some offsets. */
  onCommitted?(offsets: TopicPartitionOffset[], latencyMs: number, error: KafkaError | undefined): void
}

export class Committer {
  private readonly host: CommitterHost
  private queue: Promise<unknown> = Promise.resolve()
  /** In-flight commits, for close(). */
  private pending = 0

  private readonly log: Log

  constructor(host: CommitterHost) {
    this.log = Log.of(host.coordinator.cluster, 'consumer:commit')
    this.host = host
  }

  get inFlight(): number {
    return this.pending
  }

  /** Commits `offsets`, retrying until `deadline`; once `signal` fires, no (further) attempt is made. */
  commitSync(offsets: TopicPartitionOffset[], deadline: number, signal?: AbortSignal): Promise<void> {
    return tracePromise(tracing.commit, () => this.commitContext(offsets, true), () => this.enqueue(() =>
      retry('commitSync', () => {
        throwIfAborted(signal, 'commitSync()')
        return this.send(offsets, deadline)
      }, {
        backoffMs: this.host.settings.backoffMs,
        backoffMaxMs: this.host.settings.backoffMaxMs,
        deadline,
      }),
    ))
  }

  /** Commits `offsets` once, in order after every earlier commit. */
  commitAsync(offsets: TopicPartitionOffset[]): Promise<void> {
    return tracePromise(tracing.commit, () => this.commitContext(offsets, false), () => this.enqueue(() => this.send(offsets, Date.now() + this.host.settings.asyncTimeoutMs)))
  }

  /** The `samsa:commit` payload. */
  private commitContext(offsets: TopicPartitionOffset[], sync: boolean): CommitContext {
    const { coordinator } = this.host
    return {
      groupId: coordinator.groupId,
      clientId: coordinator.cluster.config['client.id'],
      sync,
      offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
    }
  }

  /** Waits for every commit made so far. */
  async drain(): Promise<void> {
    await this.queue.catch(() => undefined)
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.pending++
    const p = this.queue.then(fn, fn).finally(() => this.pending--)
    this.queue = p.catch(() => undefined)
    return p
  }

  private async send(offsets: TopicPartitionOffset[], deadline: number): Promise<void> {
    if (offsets.length === 0) return
    const { coordinator } = this.host
    const id = this.host.identity()
    const topics = new Map<string, { name: string; partitions: object[] }>()
    for (const o of offsets) {
      let t = topics.get(o.topic)
      if (!t) topics.set(o.topic, (t = { name: o.topic, partitions: [] }))
      t.partitions.push({
        partitionIndex: o.partition,
        committedOffset: o.offset,
        committedLeaderEpoch: o.leaderEpoch ?? -1,
        commitTimestamp: -1n,
        committedMetadata: o.metadata ?? '',
      })
    }
    const sentAt = Date.now()
    const res = await coordinator.send(
      OffsetCommitApi,
      {
        groupId: coordinator.groupId,
        generationIdOrMemberEpoch: id.generationIdOrMemberEpoch,
        memberId: id.memberId,
        groupInstanceId: id.groupInstanceId,
        retentionTimeMs: -1n,
        topics: [...topics.values()],
      },
      deadline,
    )
    const latencyMs = Date.now() - sentAt
    let retriable: KafkaError | undefined
    try {
      retriable = this.check(res, coordinator)
    } catch (e) {
      this.host.onCommitted?.(offsets, latencyMs, e as KafkaError)
      throw e
    }
    this.host.onCommitted?.(offsets, latencyMs, retriable)
    if (retriable) throw retriable
    this.log.debug(`committed ${offsets.length} offsets for group ${coordinator.groupId}`)
  }

  /** Throws the commit's fatal partition error; returns its retriable one. */
  private check(res: OffsetCommitResponse, coordinator: GroupCoordinator): KafkaError | undefined {
    let retriable: KafkaError | undefined
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.NONE) continue
        const err = brokerError(p.errorCode, { group: coordinator.groupId, topic: t.name, partition: p.partitionIndex })
        if (isCoordinatorMoved(p.errorCode)) coordinator.invalidate()
        if (isCommitFenced(p.errorCode)) {
          const failed = new KafkaError(
            p.errorCode === ErrorCode.REBALANCE_IN_PROGRESS
              ? `commit failed: the group "${coordinator.groupId}" is rebalancing; poll() to complete the rebalance, then commit the offsets of partitions still assigned (${err.message})`
              : `commit failed: the group "${coordinator.groupId}" has rebalanced and this member's generation is stale, so its partitions may belong to another member now (${err.message})`,
            { type: 'COMMIT_FAILED', code: p.errorCode, cause: err, context: err.context },
          )
          if (p.errorCode !== ErrorCode.REBALANCE_IN_PROGRESS) this.host.onFenced(failed)
          throw failed
        }
        // STALE_MEMBER_EPOCH (KIP-848): the next attempt carries the new epoch.
        if (err.retriable || p.errorCode === ErrorCode.STALE_MEMBER_EPOCH) retriable = err.retriable ? err : new KafkaError(err.message, { code: err.code, type: err.type, retriable: true, context: err.context })
        else throw err
      }
    }
    return retriable
  }

  /** The committed offsets of `tps` (null where the group has none). */
  async fetchCommitted(tps: TopicPartition[], deadline: number): Promise<Map<string, TopicPartitionOffset | null>> {
    const { coordinator, settings } = this.host
    const asked = new Set(tps.map((tp) => tpKey(tp.topic, tp.partition)))
    const once = async (): Promise<Map<string, TopicPartitionOffset | null>> => {
      const version = await coordinator.versionOf(OffsetFetchApi as ApiDescriptor<unknown, unknown>, deadline)
      const byTopic = new Map<string, number[]>()
      for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
      const id = this.host.identity()
      const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
      const kip848 = version >= 9 && settings.kip848 && id.generationIdOrMemberEpoch > 0
      const res = await coordinator.send(
        OffsetFetchApi,
        version >= 8
          ? {
              groups: [{
                groupId: coordinator.groupId,
                // KIP-848 members name themselves so the coordinator can check their epoch; others don't.
                memberId: kip848 ? id.memberId : null,
                memberEpoch: kip848 ? id.generationIdOrMemberEpoch : -1,
                topics,
              }],
              requireStable: true,
            }
          : { groupId: coordinator.groupId, topics, requireStable: true },
        deadline,
      )
      const out = new Map<string, TopicPartitionOffset | null>()
      const group = version >= 8 ? res.groups[0] : undefined
      const topErr = group ? group.errorCode : res.errorCode
      if (topErr !== ErrorCode.NONE) {
        if (isCoordinatorMoved(topErr)) coordinator.invalidate()
        throw brokerError(topErr, { group: coordinator.groupId })
      }
      const rows = group
        ? group.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, ...p })))
        : res.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, ...p })))
      for (const r of rows) {
        if (r.errorCode !== ErrorCode.NONE) throw brokerError(r.errorCode, { group: coordinator.groupId, topic: r.topic, partition: r.partitionIndex })
        if (!asked.has(tpKey(r.topic, r.partitionIndex))) throw corruptOffsetFetch(coordinator.groupId, `it names ${r.topic}-${r.partitionIndex}, which was not asked for`)
        out.set(
          tpKey(r.topic, r.partitionIndex),
          r.committedOffset < 0n
            ? null
            : {
                topic: r.topic,
                partition: r.partitionIndex,
                offset: r.committedOffset,
                ...(r.committedLeaderEpoch >= 0 ? { leaderEpoch: r.committedLeaderEpoch } : {}),
                ...(r.metadata ? { metadata: r.metadata } : {}),
              },
        )
      }
      return out
    }
    return retry(
      'committed offsets',
      async () => {
        // Frames carry no checksum, and a flipped bit in a committed offset still decodes: it would
        // silently skip records or read them again. The same question asked twice at once (pipelined,
        // so it costs no round trip) must get the same answer to be believed.
        const [a, b] = await Promise.all([once(), once()])
        const differs = [...asked].find((k) => !sameOffset(a.get(k), b.get(k)))
        if (differs !== undefined) throw corruptOffsetFetch(coordinator.groupId, `two look-ups disagree on ${differs}`)
        return a
      },
      { backoffMs: settings.backoffMs, backoffMaxMs: settings.backoffMaxMs, deadline },
    )
  }
}

function sameOffset(a: TopicPartitionOffset | null | undefined, b: TopicPartitionOffset | null | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return a === b
  return a.offset === b.offset && a.leaderEpoch === b.leaderEpoch && a.metadata === b.metadata
}

function corruptOffsetFetch(groupId: string, why: string): KafkaError {
  return new KafkaError(`committed offsets of group ${groupId} cannot be believed: ${why}; asking again`, { type: 'CORRUPT_RESPONSE', retriable: true, context: { group: groupId } })
}
