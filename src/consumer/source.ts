/**
 * Fetching: one Source per broker, each with its own socket (purpose
 * 'fetch') and its own KIP-227 fetch session, fetching ahead of poll in the
 * background.
 *
 * Contract:
 * - A Source has at most one Fetch in flight. A partition is fetched when it
 *   has a position, is not paused, is not in backoff after an error, and
 *   holds less than `max.partition.fetch.bytes` of prefetched data; no fetch
 *   is sent while the consumer holds `fetch.max.bytes` or more of prefetched
 *   data overall. So prefetch memory stays within about `fetch.max.bytes`
 *   plus one response per broker.
 * - Fetch sessions: the first request of a session is full; later ones carry
 *   only the partitions whose fetch state changed and name the partitions to
 *   forget. Session errors (FETCH_SESSION_ID_NOT_FOUND,
 *   INVALID_FETCH_SESSION_EPOCH, ...) and broken connections start a new
 *   session; nothing is lost, since fetch offsets live in the partition state.
 * - Errors that a metadata refresh fixes (NOT_LEADER_OR_FOLLOWER,
 *   FENCED_LEADER_EPOCH, ...) refresh metadata and back off the partition by
 *   `retry.backoff.ms`; OFFSET_OUT_OF_RANGE resets per `auto.offset.reset`
 *   (or, with "none", is reported to poll); a divergent epoch (log
 *   truncation, KIP-320) moves the position back to the end of the last epoch
 *   both sides agree on. Errors the user must see are queued for poll.
 * - A response whose records do not check out (CRC mismatch, malformed batch,
 *   offsets out of order, before the fetch offset or beyond the high
 *   watermark) is taken for corruption in transit: it is dropped and the
 *   partition is fetched again from the same offset after `retry.backoff.ms`.
 *   Only when the same offset fails in exactly the same way twice in a row
 *   does poll report it (the log itself is then corrupt, or the format is
 *   one samsa cannot read); damage in transit differs from fetch to fetch.
 * - Partition errors poll reports: TOPIC_AUTHORIZATION_FAILED, and
 *   OFFSET_OUT_OF_RANGE with auto.offset.reset "none". Any other code (an
 *   unexpected one, or one outside the error table, as a corrupt response
 *   may carry) is handled as Java handles UNKNOWN_SERVER_ERROR in a fetch:
 *   logged, and the partition is fetched again after a backoff.
 */
import createDebug from 'debug'
import type { Cluster } from '../cluster/cluster.js'
import type { ConsumerConfig } from '../config/consumer.js'
import { brokerError, KafkaError, ProtocolError } from '../errors.js'
import { FetchApi, type FetchResponse, type PartitionData } from '../protocol/messages/fetch.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { readBatches, type RecordBatch } from '../protocol/records/decode.js'
import { ZERO_UUID } from '../protocol/writer.js'
import { CompletedFetch } from './fetch-buffer.js'
import type { PartitionState, SubscriptionState } from './positions.js'

const log = createDebug('samsa:consumer:fetch')

/** Errors cured by fresh metadata: retry the partition after a backoff. */
const METADATA_ERRORS = new Set([3, 5, 6, 9, 56, 74, 75, 78, 100, 103])
const SESSION_ERRORS = new Set([70, 71, 106])
/** Partition errors of a fetch that poll reports (besides OFFSET_OUT_OF_RANGE with auto.offset.reset "none"). */
const USER_ERRORS = new Set(['TOPIC_AUTHORIZATION_FAILED'])
/** Identical failures to read the records at one offset, in a row, before poll reports it. */
export const CORRUPT_FETCH_REPEATS = 2
const MAX_EPOCH = 2147483647

export interface FetcherHost {
  readonly config: ConsumerConfig
  readonly cluster: Cluster
  readonly subscriptions: SubscriptionState
  /** New data (or an error) is available to poll. */
  onData(): void
  /** An error poll must report. */
  onError(error: KafkaError): void
  /** A partition's position must be looked up again (after OFFSET_OUT_OF_RANGE). */
  onReset(state: PartitionState): void
}

interface SessionEntry {
  topic: string
  topicId: string
  partition: number
  fetchOffset: bigint
  currentLeaderEpoch: number
  lastFetchedEpoch: number
  maxBytes: number
  /** Partition epoch when sent, to drop responses made stale by a seek. */
  epoch: number
}

export class Fetcher {
  private readonly host: FetcherHost
  private readonly sources = new Map<number, Source>()
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private closed = false

  constructor(host: FetcherHost) {
    this.host = host
  }

  /** Starts fetches for every broker that has fetchable partitions and no fetch in flight. */
  wake(): void {
    if (this.closed) return
    const { config, cluster, subscriptions } = this.host
    const limit = config['max.partition.fetch.bytes']
    let total = 0
    for (const s of subscriptions.states()) if (!s.paused) total += s.bufferedBytes
    if (total >= config['fetch.max.bytes'] && total > 0) return
    const now = Date.now()
    let nextRetry = Infinity
    let missingLeader = false
    const byNode = new Map<number, PartitionState[]>()
    for (const s of subscriptions.states()) {
      if (s.paused || s.position === null || s.inFlight) continue
      if (s.buffered.length > 0 && s.bufferedBytes >= limit) continue
      if (s.retryAt > now) {
        nextRetry = Math.min(nextRetry, s.retryAt)
        continue
      }
      let node = -1
      if (s.preferredReplica >= 0 && now < s.preferredUntil && cluster.broker(s.preferredReplica)) node = s.preferredReplica
      else node = cluster.partition(s.topic, s.partition)?.leader ?? -1
      if (node < 0) {
        missingLeader = true
        s.retryAt = now + config['retry.backoff.ms']
        nextRetry = Math.min(nextRetry, s.retryAt)
        continue
      }
      let list = byNode.get(node)
      if (!list) byNode.set(node, (list = []))
      list.push(s)
    }
    if (missingLeader) cluster.requestRefresh()
    for (const [node, parts] of byNode) {
      let source = this.sources.get(node)
      if (!source) this.sources.set(node, (source = new Source(node, this.host, () => this.wake())))
      if (!source.busy) source.fetch(parts)
    }
    if (nextRetry < Infinity) this.schedule(nextRetry)
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt <= at) return
    if (this.timer) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Infinity
      this.wake()
    }, Math.max(0, at - Date.now()))
    this.timer.unref()
  }

  /**
   * Stops fetching and closes each broker's fetch session (a FINAL fetch,
   * epoch -1, as Java does), waiting at most until `deadline`.
   */
  async close(deadline: number): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    await Promise.allSettled([...this.sources.values()].map((s) => s.close(deadline)))
  }
}

/** Fetches from one broker. */
class Source {
  readonly nodeId: number
  busy = false
  private readonly host: FetcherHost
  private readonly done: () => void
  private sessionId = 0
  private sessionEpoch = 0
  private sessionUsesIds = false
  private session = new Map<string, SessionEntry>()
  private closed = false
  /** Per partition key: the offset whose fetched records did not check out, and how many times in a row. */
  private readonly corrupt = new Map<string, { offset: bigint; message: string }>()

  constructor(nodeId: number, host: FetcherHost, done: () => void) {
    this.nodeId = nodeId
    this.host = host
    this.done = done
  }

  private resetSession(): void {
    this.sessionId = 0
    this.sessionEpoch = 0
    this.session = new Map()
  }

  fetch(parts: PartitionState[]): void {
    this.busy = true
    for (const p of parts) p.inFlight = true
    this.run(parts)
      .catch((e) => log('fetch from node %d failed: %s', this.nodeId, (e as Error).message))
      .finally(() => {
        for (const p of parts) p.inFlight = false
        this.busy = false
        if (!this.closed) this.done()
      })
  }

  private async run(parts: PartitionState[]): Promise<void> {
    const { config, cluster } = this.host
    const backoff = (e: unknown) => {
      const at = Date.now() + config['retry.backoff.ms']
      for (const p of parts) p.retryAt = at
      this.resetSession()
      log('fetch from node %d failed: %s', this.nodeId, (e as Error).message)
    }
    let conn
    try {
      conn = await cluster.connectionTo(this.nodeId, 'fetch')
    } catch (e) {
      cluster.requestRefresh()
      for (const p of parts) p.preferredReplica = -1
      return backoff(e)
    }
    let version = conn.versionFor(FetchApi as ApiDescriptor<unknown, unknown>, FetchApi.maxVersion, 4)
    const ids = new Map<string, string>()
    let useIds = version >= 13
    for (const p of parts) {
      const id = cluster.topic(p.topic)?.topicId
      if (!id || id === ZERO_UUID) useIds = false
      else ids.set(p.topic, id)
    }
    if (!useIds && version >= 13) version = 12
    if (useIds !== this.sessionUsesIds) this.resetSession()
    this.sessionUsesIds = useIds

    const next = new Map<string, SessionEntry>()
    for (const p of parts) {
      next.set(p.key, {
        topic: p.topic,
        topicId: ids.get(p.topic) ?? ZERO_UUID,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        currentLeaderEpoch: cluster.partition(p.topic, p.partition)?.leaderEpoch ?? -1,
        lastFetchedEpoch: p.lastFetchedEpoch,
        maxBytes: config['max.partition.fetch.bytes'],
        epoch: p.epoch,
      })
    }
    const full = this.sessionEpoch === 0
    const toSend: SessionEntry[] = []
    const forgotten = new Map<string, { topic: string; topicId: string; partitions: number[] }>()
    for (const [k, e] of next) {
      const old = this.session.get(k)
      if (full || !old || old.fetchOffset !== e.fetchOffset || old.currentLeaderEpoch !== e.currentLeaderEpoch ||
        old.lastFetchedEpoch !== e.lastFetchedEpoch || old.maxBytes !== e.maxBytes) toSend.push(e)
    }
    if (!full) {
      for (const [k, e] of this.session) {
        if (next.has(k)) continue
        let f = forgotten.get(e.topic)
        if (!f) forgotten.set(e.topic, (f = { topic: e.topic, topicId: e.topicId, partitions: [] }))
        f.partitions.push(e.partition)
      }
    }
    const topics = new Map<string, { topic: string; topicId: string; partitions: object[] }>()
    for (const e of toSend) {
      let t = topics.get(e.topic)
      if (!t) topics.set(e.topic, (t = { topic: e.topic, topicId: e.topicId, partitions: [] }))
      t.partitions.push({
        partition: e.partition,
        currentLeaderEpoch: e.currentLeaderEpoch,
        fetchOffset: e.fetchOffset,
        lastFetchedEpoch: e.lastFetchedEpoch,
        logStartOffset: -1n,
        partitionMaxBytes: e.maxBytes,
      })
    }
    let res: FetchResponse
    try {
      res = await conn.request(
        FetchApi,
        {
          replicaId: -1,
          maxWaitMs: config['fetch.max.wait.ms'],
          minBytes: config['fetch.min.bytes'],
          maxBytes: config['fetch.max.bytes'],
          isolationLevel: config['isolation.level'] === 'read_committed' ? 1 : 0,
          sessionId: this.sessionId,
          sessionEpoch: this.sessionEpoch,
          topics: [...topics.values()],
          forgottenTopicsData: [...forgotten.values()],
          rackId: config['client.rack'],
        },
        { version, timeoutMs: config['request.timeout.ms'] + config['fetch.max.wait.ms'] },
      )
    } catch (e) {
      return backoff(e)
    }
    if (this.closed) return
    if (res.errorCode !== 0) {
      const err = brokerError(res.errorCode, { broker: this.nodeId })
      if (SESSION_ERRORS.has(res.errorCode)) {
        log('fetch session %d on node %d: %s; starting a new session', this.sessionId, this.nodeId, err.message)
        this.resetSession()
        return
      }
      return backoff(err)
    }
    if (full) {
      this.sessionId = res.sessionId
      this.sessionEpoch = res.sessionId !== 0 ? 1 : 0
    } else {
      this.sessionEpoch = this.sessionEpoch >= MAX_EPOCH ? 1 : this.sessionEpoch + 1
    }
    this.session = next
    const byId = new Map<string, string>()
    if (useIds) for (const [name, id] of ids) byId.set(id, name)
    let data = false
    for (const t of res.responses) {
      const topic = useIds ? byId.get(t.topicId) : t.topic
      if (topic === undefined) continue
      for (const p of t.partitions) {
        const key = `${topic}\u0000${p.partitionIndex}`
        const sent = next.get(key)
        const s = this.host.subscriptions.get(topic, p.partitionIndex)
        if (!sent || !s || s.epoch !== sent.epoch || s.position === null) continue
        if (this.onPartition(s, p)) data = true
      }
    }
    if (data) this.host.onData()
  }

  /** Applies one partition's response; true when it added data or an error for poll. */
  private onPartition(s: PartitionState, p: PartitionData): boolean {
    const { config, cluster } = this.host
    const now = Date.now()
    if (p.errorCode === 0) {
      s.highWatermark = p.highWatermark
      s.lastStableOffset = p.lastStableOffset
      s.logStartOffset = p.logStartOffset
      if (p.preferredReadReplica >= 0 && p.preferredReadReplica !== this.nodeId) {
        s.preferredReplica = p.preferredReadReplica
        s.preferredUntil = now + config['metadata.max.age.ms']
      }
      if (p.divergingEpoch.epoch >= 0) {
        const end = p.divergingEpoch.endOffset
        const to = s.position! < end ? s.position! : end
        log('%s-%d: log truncated (diverging epoch %d ends at %s); position %s -> %s', s.topic, s.partition, p.divergingEpoch.epoch, end, s.position, to)
        s.seek(to)
        return false
      }
      const records = p.records
      if (!records || records.length === 0) return false
      let batches
      try {
        batches = readBatches(records, { checkCrc: config['check.crcs'] })
        checkOffsets(batches, s.fetchOffset, p.highWatermark)
      } catch (e) {
        const err = e instanceof KafkaError ? e : new KafkaError(String(e), { cause: e })
        s.retryAt = now + config['retry.backoff.ms']
        // Damage in transit differs from fetch to fetch; a corrupt log (or a format samsa cannot read)
        // fails the same way every time.
        const seen = this.corrupt.get(s.key)
        const same = seen !== undefined && seen.offset === s.fetchOffset && seen.message === err.message
        if (!same) {
          this.corrupt.set(s.key, { offset: s.fetchOffset, message: err.message })
          log('%s-%d at offset %s: unreadable records (%s); fetching again', s.topic, s.partition, s.fetchOffset, err.message)
          return false
        }
        this.corrupt.delete(s.key)
        this.host.onError(new KafkaError(`${s.topic}-${s.partition} at offset ${s.fetchOffset}: ${err.message} (the same in ${CORRUPT_FETCH_REPEATS} fetches in a row)`, { type: err.type, cause: err, context: { topic: s.topic, partition: s.partition } }))
        return true
      }
      if (this.corrupt.size > 0) this.corrupt.delete(s.key)
      if (batches.length === 0) return false
      let bytes = 0
      for (const b of batches) bytes += b.sizeInBytes
      s.buffered.push(new CompletedFetch(batches, bytes, s.epoch, config['isolation.level'] === 'read_committed' ? p.abortedTransactions : null))
      s.bufferedBytes += bytes
      const last = batches[batches.length - 1]!
      s.fetchOffset = last.nextOffset
      if (last.partitionLeaderEpoch >= 0) s.lastFetchedEpoch = last.partitionLeaderEpoch
      return true
    }
    const err = brokerError(p.errorCode, { topic: s.topic, partition: s.partition, broker: this.nodeId })
    if (p.errorCode === 1) {
      if (s.buffered.length > 0 || s.fetchOffset !== s.position) {
        s.clearBuffer()
        return false
      }
      const policy = config['auto.offset.reset']
      if (policy === 'none') {
        s.retryAt = Infinity
        this.host.onError(new KafkaError(
          `fetch position ${s.position} of ${s.topic}-${s.partition} is out of range and auto.offset.reset is "none"; seek to a valid offset`,
          { type: 'OFFSET_OUT_OF_RANGE', code: 1, context: { topic: s.topic, partition: s.partition, offset: s.position } },
        ))
        return true
      }
      log('%s-%d: offset %s out of range, resetting to %s', s.topic, s.partition, s.position, policy)
      s.invalidate(policy)
      this.host.onReset(s)
      return false
    }
    if (METADATA_ERRORS.has(p.errorCode) || err.retriable) {
      log('%s-%d: %s; refreshing metadata', s.topic, s.partition, err.message)
      s.preferredReplica = -1
      s.retryAt = now + config['retry.backoff.ms']
      if (p.errorCode === 100 || p.errorCode === 103) this.resetSession()
      cluster.requestRefresh()
      return false
    }
    if (USER_ERRORS.has(err.type)) {
      s.retryAt = now + config['retry.backoff.max.ms']
      this.host.onError(err)
      return true
    }
    // Java's UNKNOWN_SERVER_ERROR in a fetch: nothing the user can act on; fetch again later.
    log('%s-%d: unexpected %s in a fetch response; fetching again', s.topic, s.partition, err.message)
    s.retryAt = now + config['retry.backoff.ms']
    return false
  }

  async close(deadline: number): Promise<void> {
    this.closed = true
    if (this.sessionId === 0) return
    const sessionId = this.sessionId
    this.resetSession()
    const ms = Math.min(deadline - Date.now(), this.host.config['request.timeout.ms'])
    if (ms <= 0) return
    try {
      const conn = await this.host.cluster.connectionTo(this.nodeId, 'fetch')
      const version = conn.versionFor(FetchApi as ApiDescriptor<unknown, unknown>, FetchApi.maxVersion, 7)
      await conn.request(FetchApi, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 0, sessionId, sessionEpoch: -1, topics: [], forgottenTopicsData: [], rackId: '' }, { version, timeoutMs: ms })
    } catch (e) {
      log('closing fetch session %d on node %d failed: %s', sessionId, this.nodeId, (e as Error).message)
    }
  }
}

/**
 * The offsets of fetched batches must make sense for the request: in order,
 * the first one reaching the fetch offset, none beyond the high watermark.
 * Base offsets are not covered by a batch's CRC, so this is what catches a
 * corrupted one. Throws ProtocolError.
 */
function checkOffsets(batches: RecordBatch[], fetchOffset: bigint, highWatermark: bigint): void {
  let next = fetchOffset
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!
    const ok = i === 0 ? b.nextOffset > fetchOffset && b.baseOffset >= 0n : b.baseOffset >= next
    if (!ok || (highWatermark >= 0n && b.nextOffset > highWatermark)) {
      throw new ProtocolError(
        `fetched batch ${i} covers offsets ${b.baseOffset}..${b.nextOffset - 1n}, which cannot follow fetch offset ${fetchOffset} ` +
        `(next expected ${next}, high watermark ${highWatermark})`,
      )
    }
    next = b.nextOffset
  }
}
