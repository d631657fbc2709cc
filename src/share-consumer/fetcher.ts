/**
 * The share consumer's per-broker fetch loop (KIP-932): one share session per
 * partition leader, one request in flight per broker (ShareFetch, or
 * ShareAcknowledge when there is nothing to fetch but acknowledgements to
 * send), acknowledgements piggy-backed on the next ShareFetch.
 *
 * Contract:
 * - Session: epoch 0 opens it with every assigned partition the broker leads
 *   (no acknowledgements allowed); later requests increment the epoch, list
 *   added partitions and partitions with acknowledgements, and forget the
 *   ones no longer assigned. SHARE_SESSION_NOT_FOUND,
 *   INVALID_SHARE_SESSION_EPOCH, SHARE_SESSION_LIMIT_REACHED and lost
 *   connections start a new session (the broker has released what the old
 *   one held: acknowledgements still pending for it fail).
 * - A broker is fetched from only when none of its records wait to be
 *   polled, so records are not held (and their locks not spent) in memory.
 * - Offsets the broker acquired for which no record is delivered (control
 *   records, compacted gaps) are acknowledged as gaps.
 * - Partition errors of a ShareFetch answer: stale metadata (NOT_LEADER_OR_FOLLOWER,
 *   UNKNOWN_TOPIC_ID, ...) and any other retriable code refresh metadata;
 *   TOPIC_AUTHORIZATION_FAILED and CORRUPT_MESSAGE (the broker cannot read its
 *   log there: fetchPartitionError) are reported to poll once the next answer for
 *   the partition repeats it (frames carry no checksum: one damaged answer
 *   must not fail a poll; the consumer's fetch loop does the same); any other
 *   code is logged, as Java logs UNKNOWN_SERVER_ERROR. An answer with
 *   partition errors and no records delays that broker's next ShareFetch by
 *   `retry.backoff.ms`, so an error the broker repeats is not asked for in a
 *   busy loop.
 * - An answer's own (top-level) error: see `topLevelError`; a non-retriable
 *   one reaches poll once, when the next answer repeats it.
 * - `close()` releases records fetched but never polled, sends the pending
 *   acknowledgements and closes each session (epoch -1).
 */
import type { Cluster } from '../cluster/cluster.js'
import { Confirmation, ItemConfirmations, unconfirmed } from '../cluster/confirm.js'
import { sleep, until } from '../cluster/wait.js'
import { brokerError, ConnectionError, fetchPartitionError, KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { isStaleMetadata } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import { ShareAcknowledgeApi } from '../protocol/messages/share-acknowledge.js'
import { ShareFetchApi, type ShareFetchResponse, type AcquiredRecords } from '../protocol/messages/share-fetch.js'
import { decodeRecords, readBatches, type DecodedRecord, type TimestampType } from '../protocol/records/decode.js'
import { MAX_INT } from '../protocol/int32.js'

/** Acknowledgement types on the wire (ShareFetch / ShareAcknowledge). */
export const ACK_CODES = { gap: 0, accept: 1, release: 2, reject: 3, renew: 4 } as const
export type AcknowledgeType = 'accept' | 'release' | 'reject' | 'renew'

/** A record acquired by this member and buffered until poll hands it out. */
export interface AcquiredRecord {
  record: DecodedRecord
  timestampType: TimestampType
  leaderEpoch: number | undefined
  deliveryCount: number
}

export interface FetchedPartition {
  topic: string
  partition: number
  topicId: string
  nodeId: number
  records: AcquiredRecord[]
}

/** One partition's acknowledgement outcome: null for success. */
export interface AckResult {
  topic: string
  partition: number
  offsets: bigint[]
  error: KafkaError | null
}

/** Acknowledgements of one partition waiting to be sent to the broker that acquired the records. */
interface PendingAcks {
  topic: string
  partition: number
  topicId: string
  nodeId: number
  types: Map<bigint, number>
  /** Called with the outcome once sent (commitSync/commitAsync waiters). */
  waiters: ((r: AckResult) => void)[]
}

export interface ShareFetcherSettings {
  groupId: string
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  maxRecords: number
  acquireMode: number
  checkCrc: boolean
  retryBackoffMs: number
}

export interface ShareFetcherHost {
  cluster: Cluster
  log: Log
  settings: ShareFetcherSettings
  memberId(): string
  /** Assigned partitions: topic id → partition numbers. */
  assignment(): ReadonlyMap<string, readonly number[]>
  onData(): void
  onError(e: KafkaError): void
  /** Outcome of acknowledgements, per partition (the commit callback). */
  onAcked(r: AckResult): void
  /** The acquisition lock timeout the broker reported. */
  onLockTimeout(ms: number): void
  /** A ShareFetch was answered: its latency, throttle time, record bytes and records acquired (metrics). */
  onFetched(latencyMs: number, throttleTimeMs: number, bytes: number, records: number): void
}

const SESSION_ERRORS: ReadonlySet<number> = new Set([ErrorCode.SHARE_SESSION_NOT_FOUND, ErrorCode.INVALID_SHARE_SESSION_EPOCH, ErrorCode.SHARE_SESSION_LIMIT_REACHED])

/** Partition errors of a ShareFetch that poll reports (once repeated, see the module comment), as Java's share consumer. */
const USER_ERRORS: ReadonlySet<number> = new Set([ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.CORRUPT_MESSAGE])

const pkey = (topicId: string, partition: number) => `${topicId}:${partition}`

class Source {
  epoch = 0
  readonly session = new Set<string>()
  running: Promise<void> | undefined
  wake: (() => void) | undefined
  wanted = false
  /** The answers' own non-retriable errors, believed when the next answer repeats them (confirm.ts). */
  readonly answers = new Confirmation()
  constructor(readonly nodeId: number) {}
}

export class ShareFetcher {
  private readonly host: ShareFetcherHost
  private readonly sources = new Map<number, Source>()
  /** Fetched records not yet polled, oldest first. */
  readonly buffer: FetchedPartition[] = []
  private readonly pending = new Map<string, PendingAcks>()
  private closed = false
  /** A poll is waiting for records: the loops may acquire more (Java's fetchMoreRecords). */
  private wantRecords = false
  private readonly topicNames = new Map<string, string>()
  /** Per partition: a USER_ERRORS code one answer gave, reported when the next answer repeats it (confirm.ts). */
  private readonly partitionErrors = new ItemConfirmations()

  constructor(host: ShareFetcherHost) {
    this.host = host
  }

  /** The topic name of a topic id (from metadata), or undefined. */
  topicName(topicId: string): string | undefined {
    const known = this.topicNames.get(topicId)
    if (known !== undefined) return known
    for (const t of this.host.cluster.snapshot.topics.values()) {
      if (t.topicId === topicId) {
        this.topicNames.set(topicId, t.name)
        return t.name
      }
    }
    return undefined
  }

  /** Queues one acknowledgement (sent with the next request to `nodeId`). */
  addAck(topic: string, partition: number, topicId: string, nodeId: number, offset: bigint, type: number): void {
    const k = pkey(topicId, partition)
    let p = this.pending.get(k)
    if (!p || p.nodeId !== nodeId) {
      if (p) this.failPending(p, new KafkaError(`the leader of ${topic}-${partition} changed before its acknowledgements were sent`, { type: 'INVALID_RECORD_STATE', context: { topic, partition } }))
      p = { topic, partition, topicId, nodeId, types: new Map(), waiters: [] }
      this.pending.set(k, p)
    }
    p.types.set(offset, type)
  }

  /**
   * Sends every pending acknowledgement; resolves with one result per
   * partition that had any (an empty list when nothing was pending).
   */
  flush(): Promise<AckResult[]> {
    const parts = [...this.pending.values()].filter((p) => p.types.size > 0)
    if (parts.length === 0) return Promise.resolve([])
    const all = parts.map((p) => new Promise<AckResult>((resolve) => p.waiters.push(resolve)))
    this.wake()
    return Promise.all(all)
  }

  /**
   * A poll found nothing buffered: acquire records (from every broker leading
   * an assigned partition) until some arrive.
   */
  fetchMore(): void {
    this.wantRecords = true
    this.wake()
  }

  hasPendingAcks(): boolean {
    for (const p of this.pending.values()) if (p.types.size > 0) return true
    return false
  }

  /** Starts or nudges the loop of every broker that leads an assigned partition or has acknowledgements due. */
  wake(): void {
    if (this.closed) return
    const nodes = new Set<number>()
    for (const [topicId, partitions] of this.host.assignment()) {
      const name = this.topicName(topicId)
      if (name === undefined) {
        this.host.cluster.requestRefresh()
        continue
      }
      for (const p of partitions) {
        const leader = this.host.cluster.partition(name, p)?.leader ?? -1
        if (leader >= 0) nodes.add(leader)
        else this.host.cluster.requestRefresh()
      }
    }
    for (const p of this.pending.values()) if (p.types.size > 0) nodes.add(p.nodeId)
    for (const s of this.sources.values()) if (s.session.size > 0) nodes.add(s.nodeId)
    for (const n of nodes) {
      let s = this.sources.get(n)
      if (!s) {
        s = new Source(n)
        this.sources.set(n, s)
      }
      s.wanted = true
      const w = s.wake
      s.wake = undefined
      w?.()
      if (!s.running) {
        const src = s
        src.running = this.run(src).finally(() => (src.running = undefined))
      }
    }
  }

  /** The partitions `nodeId` leads among the assigned ones (topic id keys). */
  private ledBy(nodeId: number): Map<string, { topicId: string; partition: number }> {
    const out = new Map<string, { topicId: string; partition: number }>()
    for (const [topicId, partitions] of this.host.assignment()) {
      const name = this.topicName(topicId)
      if (name === undefined) continue
      for (const p of partitions) if (this.host.cluster.partition(name, p)?.leader === nodeId) out.set(pkey(topicId, p), { topicId, partition: p })
    }
    return out
  }

  private buffered(nodeId: number): boolean {
    return this.buffer.some((b) => b.nodeId === nodeId)
  }

  private takeAcks(nodeId: number): PendingAcks[] {
    const out: PendingAcks[] = []
    for (const [k, p] of this.pending) {
      if (p.nodeId !== nodeId || (p.types.size === 0 && p.waiters.length === 0)) continue
      out.push(p)
      this.pending.delete(k)
    }
    return out
  }

  private async run(s: Source): Promise<void> {
    while (!this.closed) {
      s.wanted = false
      const led = this.ledBy(s.nodeId)
      // Partitions no longer assigned leave the session with the next ShareFetch.
      const forget = s.epoch > 0 && [...s.session].some((k) => !led.has(k))
      const fetchable = this.wantRecords && !this.buffered(s.nodeId) && (led.size > 0 || forget)
      const hasAcks = [...this.pending.values()].some((p) => p.nodeId === s.nodeId && p.types.size > 0)
      if (!fetchable && !hasAcks) {
        if (led.size === 0 && s.session.size === 0) return
        await new Promise<void>((resolve) => {
          s.wake = resolve
          if (s.wanted || this.closed) resolve()
        })
        continue
      }
      const acks = s.epoch === 0 ? [] : this.takeAcks(s.nodeId)
      if (s.epoch === 0) this.failAll(s.nodeId, 'the share session was reset before these acknowledgements were sent; the broker has released the records')
      try {
        const renew = acks.some((a) => [...a.types.values()].includes(ACK_CODES.renew))
        if (fetchable && !renew) {
          if (await this.fetch(s, led, acks) && !this.closed) await sleep(this.host.settings.retryBackoffMs)
        } else await this.acknowledge(s, led, acks, false)
      } catch (e) {
        const err = e instanceof KafkaError ? e : new KafkaError(String(e), { cause: e })
        this.host.log.debug(`share fetch from broker ${s.nodeId} failed: ${err.message}`)
        for (const a of acks) this.finish(a, err)
        if (err instanceof ConnectionError || err.type === 'TIMEOUT') this.reset(s)
        else if (!err.retriable) this.host.onError(err)
        this.host.cluster.requestRefresh()
        if (!this.closed) await sleep(this.host.settings.retryBackoffMs)
      }
    }
  }

  private reset(s: Source): void {
    s.epoch = 0
    s.session.clear()
    for (let i = this.buffer.length - 1; i >= 0; i--) if (this.buffer[i]!.nodeId === s.nodeId) this.buffer.splice(i, 1)
  }

  private nextEpoch(s: Source): void {
    s.epoch = s.epoch >= MAX_INT ? 1 : s.epoch + 1
  }

  /** The request's topics: (in a new session) every led partition, else added ones and those with acknowledgements. */
  private topicsFor(s: Source, led: Map<string, { topicId: string; partition: number }>, acks: PendingAcks[], withAdded: boolean) {
    const byTopic = new Map<string, { partitionIndex: number; acknowledgementBatches: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] }[]>()
    const add = (topicId: string, partition: number, batches: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[]) => {
      let list = byTopic.get(topicId)
      if (!list) byTopic.set(topicId, (list = []))
      const existing = list.find((x) => x.partitionIndex === partition)
      if (existing) existing.acknowledgementBatches.push(...batches)
      else list.push({ partitionIndex: partition, acknowledgementBatches: batches })
    }
    for (const a of acks) add(a.topicId, a.partition, ackBatches(a.types))
    if (withAdded) for (const [k, p] of led) if (s.epoch === 0 || !s.session.has(k)) add(p.topicId, p.partition, [])
    return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }))
  }

  /** One ShareFetch; true when its answer had partition errors and no records (the loop then backs off). */
  private async fetch(s: Source, led: Map<string, { topicId: string; partition: number }>, acks: PendingAcks[]): Promise<boolean> {
    const st = this.host.settings
    const topics = this.topicsFor(s, led, acks, true)
    const forgotten = new Map<string, number[]>()
    if (s.epoch > 0) {
      for (const k of s.session) {
        if (led.has(k)) continue
        const [topicId, p] = splitKey(k)
        if (acks.some((a) => a.topicId === topicId && a.partition === p)) continue
        const list = forgotten.get(topicId) ?? []
        list.push(p)
        forgotten.set(topicId, list)
      }
    }
    const conn = await this.host.cluster.connectionTo(s.nodeId, 'share-fetch')
    const version = conn.versionFor(ShareFetchApi as ApiDescriptor<unknown, unknown>)
    const sentAt = Date.now()
    const res: ShareFetchResponse = await conn.request(ShareFetchApi, {
      groupId: st.groupId,
      memberId: this.host.memberId(),
      shareSessionEpoch: s.epoch,
      maxWaitMs: st.maxWaitMs,
      minBytes: st.minBytes,
      maxBytes: st.maxBytes,
      maxRecords: st.maxRecords,
      batchSize: st.maxRecords,
      shareAcquireMode: st.acquireMode,
      topics,
      forgottenTopicsData: [...forgotten].map(([topicId, partitions]) => ({ topicId, partitions })),
    }, { version, timeoutMs: this.host.cluster.config['request.timeout.ms'] + st.maxWaitMs })
    if (res.errorCode !== ErrorCode.NONE) {
      this.topLevelError(s, res.errorCode, res.errorMessage, acks)
      return false
    }
    s.answers.reset()
    if (res.acquisitionLockTimeoutMs > 0) this.host.onLockTimeout(res.acquisitionLockTimeoutMs)
    for (const t of topics) for (const p of t.partitions) s.session.add(pkey(t.topicId, p.partitionIndex))
    for (const [topicId, ps] of forgotten) for (const p of ps) s.session.delete(pkey(topicId, p))
    this.nextEpoch(s)
    const ackByKey = new Map(acks.map((a) => [pkey(a.topicId, a.partition), a]))
    let data = false
    let failed = false
    let bytes = 0
    let acquired = 0
    for (const t of res.responses) {
      const topic = this.topicName(t.topicId)
      for (const p of t.partitions) {
        const k = pkey(t.topicId, p.partitionIndex)
        const a = ackByKey.get(k)
        if (a) {
          ackByKey.delete(k)
          this.finish(a, p.acknowledgeErrorCode === ErrorCode.NONE ? null : brokerError(p.acknowledgeErrorCode, { topic: a.topic, partition: a.partition }, p.acknowledgeErrorMessage))
        }
        if (topic === undefined) continue
        if (p.errorCode !== ErrorCode.NONE) {
          failed = true
          this.partitionError(topic, k, p.partitionIndex, p.errorCode, p.errorMessage)
          continue
        }
        this.partitionErrors.reset(k)
        if (p.acquiredRecords.length === 0 || p.records === null) continue
        bytes += p.records.length
        const records = await this.acquired(topic, p.partitionIndex, t.topicId, s.nodeId, p.records, p.acquiredRecords)
        acquired += records.length
        if (records.length > 0) {
          this.buffer.push({ topic, partition: p.partitionIndex, topicId: t.topicId, nodeId: s.nodeId, records })
          data = true
          this.wantRecords = false
        }
      }
    }
    for (const a of ackByKey.values()) this.finish(a, null)
    this.host.onFetched(Date.now() - sentAt, res.throttleTimeMs, bytes, acquired)
    if (data) this.host.onData()
    return failed && !data
  }

  /** A partition error of a ShareFetch answer (see the module comment). */
  private partitionError(topic: string, k: string, partition: number, code: number, message: string | null): void {
    const err = fetchPartitionError(code, { topic, partition, group: this.host.settings.groupId }, message)
    if (isStaleMetadata(code) || err.retriable) {
      this.host.log.debug(`${topic}-${partition}: ${err.message} in a share fetch; refreshing metadata`)
      this.host.cluster.requestRefresh()
    } else if (!USER_ERRORS.has(code)) {
      this.host.log.debug(`${topic}-${partition}: unexpected ${err.message} in a share fetch; fetching again`)
    } else if (!this.partitionErrors.believe(k, err)) {
      this.host.log.debug(`${topic}-${partition}: ${err.message} in a share fetch; fetching once more to confirm`)
    } else {
      this.host.onError(err)
    }
  }

  private async acknowledge(s: Source, led: Map<string, { topicId: string; partition: number }>, acks: PendingAcks[], closing: boolean): Promise<void> {
    if (acks.length === 0 && !closing) return // a reset session failed them
    const conn = await this.host.cluster.connectionTo(s.nodeId, 'share-fetch')
    const version = conn.versionFor(ShareAcknowledgeApi as ApiDescriptor<unknown, unknown>)
    const renew = acks.some((a) => [...a.types.values()].includes(ACK_CODES.renew))
    if (renew && version < 2) {
      const e = new KafkaError(`acknowledge(record, 'renew') needs ShareAcknowledge v2 (Kafka 4.2+); broker ${s.nodeId} offers v${version}`, { type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION })
      for (const a of acks) {
        for (const [o, t] of a.types) if (t === ACK_CODES.renew) a.types.delete(o)
      }
      this.host.onError(e)
    }
    const epoch = closing ? -1 : s.epoch
    const res = await conn.request(ShareAcknowledgeApi, {
      groupId: this.host.settings.groupId,
      memberId: this.host.memberId(),
      shareSessionEpoch: epoch,
      isRenewAck: renew && version >= 2,
      topics: this.topicsFor(s, led, acks, false),
    }, { version })
    if (res.errorCode !== ErrorCode.NONE) {
      this.topLevelError(s, res.errorCode, res.errorMessage, acks)
      return
    }
    s.answers.reset()
    if (closing) {
      s.epoch = 0
      s.session.clear()
    } else this.nextEpoch(s)
    const ackByKey = new Map(acks.map((a) => [pkey(a.topicId, a.partition), a]))
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const k = pkey(t.topicId, p.partitionIndex)
        const a = ackByKey.get(k)
        if (!a) continue
        ackByKey.delete(k)
        if (isStaleMetadata(p.errorCode)) this.host.cluster.requestRefresh()
        this.finish(a, p.errorCode === ErrorCode.NONE ? null : brokerError(p.errorCode, { topic: a.topic, partition: a.partition }, p.errorMessage))
      }
    }
    for (const a of ackByKey.values()) this.finish(a, null)
  }

  /**
   * A ShareFetch or ShareAcknowledge answer's own error code. Session errors and fences start a new
   * session (the acknowledgements it carried fail). Any other code is thrown to the loop, which fails
   * the acknowledgements, backs off and reports a non-retriable error to poll; a non-retriable code
   * only once the broker's next answer repeats it (thrown as retriable the first time: one damaged
   * frame can carry any code).
   */
  private topLevelError(s: Source, code: number, message: string | null, acks: PendingAcks[]): void {
    const err = brokerError(code, { group: this.host.settings.groupId, broker: s.nodeId }, message)
    if (SESSION_ERRORS.has(code) || code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.FENCED_MEMBER_EPOCH) {
      if (SESSION_ERRORS.has(code)) this.host.log.debug(`share session on broker ${s.nodeId} reset: ${err.message}`)
      for (const a of acks) this.finish(a, err)
      this.reset(s)
      return
    }
    throw s.answers.believe(err) ? err : unconfirmed(err)
  }

  /** The acquired records of a partition's response, decoded; acquired offsets without a record are acknowledged as gaps. */
  private async acquired(topic: string, partition: number, topicId: string, nodeId: number, data: Buffer, ranges: AcquiredRecords[]): Promise<AcquiredRecord[]> {
    const countOf = (o: bigint): number => {
      for (const r of ranges) if (o >= r.firstOffset && o <= r.lastOffset) return r.deliveryCount
      return 0
    }
    const out: AcquiredRecord[] = []
    const seen = new Set<bigint>()
    for (const batch of readBatches(data, { checkCrc: this.host.settings.checkCrc })) {
      if (batch.isControl) continue
      const epoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : undefined
      for (const r of await decodeRecords(batch)) {
        const n = countOf(r.offset)
        if (n === 0 || seen.has(r.offset)) continue
        seen.add(r.offset)
        out.push({ record: r, timestampType: batch.timestampType, leaderEpoch: epoch, deliveryCount: n })
      }
    }
    for (const r of ranges) {
      if (r.lastOffset - r.firstOffset > 100000n) continue
      for (let o = r.firstOffset; o <= r.lastOffset; o++) if (!seen.has(o)) this.addAck(topic, partition, topicId, nodeId, o, ACK_CODES.gap)
    }
    return out
  }

  private finish(a: PendingAcks, error: KafkaError | null): void {
    const r: AckResult = { topic: a.topic, partition: a.partition, offsets: [...a.types].filter(([, t]) => t !== ACK_CODES.gap).map(([o]) => o), error }
    if (r.offsets.length > 0) this.host.onAcked(r)
    for (const w of a.waiters) w(r)
  }

  private failPending(p: PendingAcks, error: KafkaError): void {
    this.finish(p, error)
    p.types.clear()
    p.waiters = []
  }

  private failAll(nodeId: number, why: string): void {
    for (const [k, p] of this.pending) {
      if (p.nodeId !== nodeId) continue
      this.pending.delete(k)
      this.failPending(p, new KafkaError(why, { type: 'INVALID_RECORD_STATE', code: ErrorCode.INVALID_RECORD_STATE, context: { topic: p.topic, partition: p.partition } }))
    }
  }

  /** Releases unpolled records, sends pending acknowledgements and closes every session, within `deadline`. */
  async close(deadline: number): Promise<void> {
    this.closed = true
    for (const b of this.buffer.splice(0)) for (const r of b.records) this.addAck(b.topic, b.partition, b.topicId, b.nodeId, r.record.offset, ACK_CODES.release)
    const sources = [...this.sources.values()]
    for (const s of sources) s.wake?.()
    await until(Promise.allSettled(sources.map((s) => s.running ?? Promise.resolve())), deadline)
    await until(
      Promise.allSettled(sources.map(async (s) => {
        const acks = this.takeAcks(s.nodeId)
        if (s.epoch === 0) {
          for (const a of acks) this.finish(a, new KafkaError('no share session to send these acknowledgements in', { type: 'INVALID_RECORD_STATE', code: ErrorCode.INVALID_RECORD_STATE }))
          return
        }
        try {
          await this.acknowledge(s, new Map(), acks, true)
        } catch (e) {
          this.host.log.debug(`closing the share session on broker ${s.nodeId}: ${(e as Error).message}`)
        }
      })),
      deadline,
    )
    for (const p of this.pending.values()) this.failPending(p, new KafkaError('the share consumer closed before these acknowledgements were sent', { type: 'CLIENT_CLOSED' }))
    this.pending.clear()
  }
}

function splitKey(k: string): [string, number] {
  const i = k.lastIndexOf(':')
  return [k.slice(0, i), Number(k.slice(i + 1))]
}

/** Offsets and types → batches of consecutive offsets sharing one type. */
export function ackBatches(types: ReadonlyMap<bigint, number>): { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] {
  const offsets = [...types.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const out: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] = []
  for (const o of offsets) {
    const t = types.get(o)!
    const last = out[out.length - 1]
    if (last && last.lastOffset + 1n === o && last.acknowledgeTypes[0] === t) last.lastOffset = o
    else out.push({ firstOffset: o, lastOffset: o, acknowledgeTypes: [t] })
  }
  return out
}
