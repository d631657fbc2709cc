/**
 * Fetching: one Source per broker, each with its own socket (purpose
 * 'fetch') and its own KIP-227 fetch session, fetching ahead of poll in the
 * background.
 *
 * Contract:
 * - A Source has at most one Fetch in flight. A partition is fetched when it
 *   has a position, is not paused, has no rebalance listener callback running,
 *   is not in backoff after an error, and
 *   holds less than `max.partition.fetch.bytes` of prefetched data; no fetch
 *   is sent while the consumer holds `fetch.max.bytes` or more of prefetched
 *   data overall. So prefetch memory stays within about `fetch.max.bytes`
 *   plus one response per broker.
 * - Fetch sessions (kept by FetchSession, fetch-session.ts): the first
 *   request of a session is full; later ones carry only the partitions whose
 *   fetch state changed and name the partitions to forget. Session errors (FETCH_SESSION_ID_NOT_FOUND,
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
 * - Partition errors poll reports: TOPIC_AUTHORIZATION_FAILED, CORRUPT_MESSAGE
 *   (the broker cannot read its log there: fetchPartitionError), and
 *   OFFSET_OUT_OF_RANGE with auto.offset.reset "none", each (and a reset
 *   for OFFSET_OUT_OF_RANGE) only when the next answer for the partition
 *   repeats it at the same position. Any other code (an
 *   unexpected one, or one outside the error table, as a corrupt response
 *   may carry) is handled as Java handles UNKNOWN_SERVER_ERROR in a fetch:
 *   logged, and the partition is fetched again after a backoff.
 */
import type { ConsumerMetricsRecorder } from '../metrics/consumer.js'
import type { Cluster } from '../cluster/cluster.js'
import type { Connection } from '../network/connection.js'
import { traced, tracing, type FetchContext } from '../network/diagnostics.js'
import { brokerError, fetchPartitionError, KafkaError, ProtocolError } from '../errors.js'
import { FetchApi, type FetchRequestInput, type FetchResponse, type PartitionData } from '../protocol/messages/fetch.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { isStaleMetadata, isTopicIdStale } from '../protocol/error-classes.js'
import { ErrorCode, type ErrorName } from '../protocol/errors.js'
import { checkBatchCrcs, readBatches, type RecordBatch } from '../protocol/records/decode.js'
import { ZERO_UUID } from '../protocol/writer.js'
import { CompletedFetch } from './fetch-buffer.js'
import { FetchSession, type SessionPartition, type SessionRequest } from './fetch-session.js'
import { fetchBytes, fetchSizeHint } from './fetch-size.js'
import type { PartitionState, SubscriptionState } from './positions.js'
import { Log } from '../logger.js'

/** What fetching needs from the consumer's config, translated once by the consumer. */
export interface FetchSettings {
  /** fetch.max.wait.ms: how long the broker may hold a Fetch for fetch.min.bytes. */
  maxWaitMs: number
  /** fetch.min.bytes */
  minBytes: number
  /** fetch.max.bytes: per response, and the bound on prefetched data overall. */
  maxBytes: number
  /** max.partition.fetch.bytes: per partition and response, and per partition prefetched. */
  maxPartitionBytes: number
  /** isolation.level is read_committed. */
  readCommitted: boolean
  /** client.rack (KIP-392: the broker may name a closer replica to fetch from). */
  rackId: string
  /** request.timeout.ms (a Fetch may take fetch.max.wait.ms more). */
  requestTimeoutMs: number
  /** retry.backoff.ms: a partition's wait after a retriable error. */
  retryBackoffMs: number
  /** retry.backoff.max.ms: a partition's wait after an error reported to poll. */
  retryBackoffMaxMs: number
  /** metadata.max.age.ms: how long a preferred read replica is used. */
  preferredReplicaMs: number
  /** check.crcs */
  checkCrcs: boolean
  /** auto.offset.reset, applied after OFFSET_OUT_OF_RANGE. */
  autoOffsetReset: 'earliest' | 'latest' | 'none'
}

/** Partition errors of a fetch that poll reports (besides OFFSET_OUT_OF_RANGE with auto.offset.reset "none"), as Java's consumer. */
const USER_ERRORS: ReadonlySet<ErrorName> = new Set<ErrorName>(['TOPIC_AUTHORIZATION_FAILED', 'CORRUPT_MESSAGE'])
/** Identical failures to read the records at one offset, in a row, before poll reports it. */
export const CORRUPT_FETCH_REPEATS = 2

export interface FetcherHost {
  readonly settings: FetchSettings
  readonly cluster: Cluster
  readonly subscriptions: SubscriptionState
  /** New data (or an error) is available to poll. */
  onData(): void
  /** An error poll must report. */
  onError(error: KafkaError): void
  /** A partition's position must be looked up again (after OFFSET_OUT_OF_RANGE). */
  onReset(state: PartitionState): void
  /** The consumer's metrics (src/metrics/consumer.ts). */
  readonly metrics?: ConsumerMetricsRecorder
  /** group.id, for the `samsa:fetch` tracing channel. */
  readonly groupId?: string | undefined
}

export class Fetcher {
  private readonly host: FetcherHost
  private readonly sources = new Map<number, Source>()
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private closed = false

  private readonly log: Log

  constructor(host: FetcherHost) {
    this.log = Log.of(host.cluster, 'consumer:fetch')
    this.host = host
  }

  /** Starts fetches for every broker that has fetchable partitions and no fetch in flight. */
  wake(): void {
    if (this.closed) return
    const { settings, cluster, subscriptions } = this.host
    const limit = settings.maxPartitionBytes
    let total = 0
    for (const s of subscriptions.states()) if (!s.paused) total += s.bufferedBytes
    if (total >= settings.maxBytes && total > 0) return
    const now = Date.now()
    let nextRetry = Infinity
    let missingLeader = false
    const byNode = new Map<number, PartitionState[]>()
    for (const s of subscriptions.states()) {
      if (s.paused || s.inCallback || s.position === null || s.inFlight) continue
      if (s.bufferedBytes >= limit) continue
      if (s.retryAt > now) {
        nextRetry = Math.min(nextRetry, s.retryAt)
        continue
      }
      let node = -1
      if (s.preferredReplica >= 0 && now < s.preferredUntil && cluster.broker(s.preferredReplica)) node = s.preferredReplica
      else node = cluster.partition(s.topic, s.partition)?.leader ?? -1
      if (node < 0) {
        missingLeader = true
        s.retryAt = now + settings.retryBackoffMs
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
  private readonly session = new FetchSession()
  private closed = false
  /** Per partition key: the offset whose fetched records did not check out, and how many times in a row. */
  private readonly corrupt = new Map<string, { offset: bigint; message: string }>()
  /**
   * Per partition key: the error a fetch answer last gave it that poll would act on (OFFSET_OUT_OF_RANGE,
   * TOPIC_AUTHORIZATION_FAILED) and the position it was given at, as `code@position`; believed when
   * the next answer repeats it (`repeated`).
   */
  private readonly unconfirmed = new Map<string, string>()
  /** Data received and counted (fetch offset moved on) whose CRCs are not checked yet. */
  private unchecked: Unchecked[] = []

  private readonly log: Log

  constructor(nodeId: number, host: FetcherHost, done: () => void) {
    this.log = Log.of(host.cluster, 'consumer:fetch')
    this.nodeId = nodeId
    this.host = host
    this.done = done
  }

  fetch(parts: PartitionState[]): void {
    this.busy = true
    for (const p of parts) p.inFlight = true
    this.run(parts)
      .catch((e) => this.log.debug(`fetch from node ${this.nodeId} failed: ${(e as Error).message}`))
      .finally(() => {
        for (const p of parts) p.inFlight = false
        this.busy = false
        if (this.closed) return
        // The next fetch goes out now; this one's CRCs are checked once it is on the wire.
        this.done()
        if (this.unchecked.length > 0) setImmediate(() => this.checkReceived())
      })
  }

  /**
   * Checks the CRCs of the data received last and hands what checks out to
   * poll. Runs before the next response is applied, so each partition's
   * data is buffered in offset order.
   */
  private checkReceived(): void {
    if (this.unchecked.length === 0) return
    const todo = this.unchecked
    this.unchecked = []
    let data = false
    for (const u of todo) if (this.accept(u)) data = true
    if (data && !this.closed) this.host.onData()
  }

  /** One Fetch for `parts`: the session says what to send, the partitions take the answer. */
  private async run(parts: PartitionState[]): Promise<void> {
    const { settings, cluster } = this.host
    let conn
    try {
      conn = await cluster.connectionTo(this.nodeId, 'fetch')
    } catch (e) {
      cluster.requestRefresh()
      for (const p of parts) p.preferredReplica = -1
      return this.backoff(parts, e)
    }
    const maxVersion = conn.versionFor(FetchApi as ApiDescriptor<unknown, unknown>, FetchApi.maxVersion, 4)
    const request = this.session.build(parts.map((p) => this.sessionPartition(p)), maxVersion >= 13)
    // Each partition's epoch and fetch offset as the request asks for them: a seek (or a reset, a
    // revoke) while the request is in flight makes its answer for that partition stale.
    const asked = new Map<string, { epoch: number; fetchOffset: bigint }>()
    for (const p of parts) asked.set(p.key, { epoch: p.epoch, fetchOffset: p.fetchOffset })
    let res: FetchResponse
    const sentAt = Date.now()
    const trace = traced(tracing.fetch) ? this.fetchContext(conn, request, parts) : undefined
    try {
      const send = () => conn.request(FetchApi, this.fetchRequest(request), {
        version: request.useTopicIds ? maxVersion : Math.min(maxVersion, 12),
        timeoutMs: settings.requestTimeoutMs + settings.maxWaitMs,
      })
      res = await (trace === undefined ? send() : tracing.fetch.tracePromise(() => send().then((r) => {
        trace.bytes = fetchedBytes(r)
        return r
      }), trace))
    } catch (e) {
      return this.backoff(parts, e)
    }
    if (this.closed) return
    if (this.host.metrics !== undefined) this.host.metrics.fetched(Date.now() - sentAt, res.throttleTimeMs, bytesByTopic(request, res))
    this.checkReceived()
    if (!this.session.handleResponse(res.errorCode, res.sessionId)) {
      const err = brokerError(res.errorCode, { broker: this.nodeId })
      if (!FetchSession.isSessionError(res.errorCode)) return this.backoff(parts, err)
      this.log.debug(`fetch session ${request.sessionId} on node ${this.nodeId}: ${err.message}; starting a new session`)
      return
    }
    if (this.deliver(asked, request, res)) this.host.onData()
  }

  /** The `samsa:fetch` payload. */
  private fetchContext(conn: Connection, request: SessionRequest, parts: PartitionState[]): FetchContext {
    const context: FetchContext = {
      broker: conn.address,
      nodeId: this.nodeId,
      clientId: this.host.cluster.config['client.id'],
      groupId: this.host.groupId,
      sessionId: request.sessionId,
      partitions: parts.map((p) => ({ topic: p.topic, partition: p.partition, fetchOffset: p.fetchOffset })),
    }
    return context
  }

  private fetchRequest(request: SessionRequest): FetchRequestInput {
    const { settings } = this.host
    return {
      replicaId: -1,
      maxWaitMs: settings.maxWaitMs,
      minBytes: settings.minBytes,
      maxBytes: settings.maxBytes,
      isolationLevel: settings.readCommitted ? 1 : 0,
      sessionId: request.sessionId,
      sessionEpoch: request.sessionEpoch,
      topics: request.topics,
      forgottenTopicsData: request.forgottenTopicsData,
      rackId: settings.rackId,
    }
  }

  /** Hands each partition its part of the response; true when any added data or an error for poll. */
  private deliver(asked: Map<string, { epoch: number; fetchOffset: bigint }>, request: SessionRequest, res: FetchResponse): boolean {
    let data = false
    for (const t of res.responses) {
      const topic = request.useTopicIds ? request.topicNames.get(t.topicId) : t.topic
      if (topic === undefined) continue
      for (const p of t.partitions) {
        const s = this.host.subscriptions.get(topic, p.partitionIndex)
        // A seek since the request was sent makes its answer stale (the epochs are the ones the request was
        // built with: taken when the response arrives, they would let a seek's stale answer through).
        const a = asked.get(s?.key ?? '')
        if (!s || !a || s.epoch !== a.epoch || s.fetchOffset !== a.fetchOffset || s.position === null) continue
        if (this.onPartition(s, p, a.fetchOffset)) data = true
      }
    }
    return data
  }

  /** What the session is asked to fetch for one partition. */
  private sessionPartition(p: PartitionState): SessionPartition {
    const { settings, cluster } = this.host
    return {
      topic: p.topic,
      topicId: cluster.topic(p.topic)?.topicId ?? ZERO_UUID,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      currentLeaderEpoch: cluster.partition(p.topic, p.partition)?.leaderEpoch ?? -1,
      lastFetchedEpoch: p.lastFetchedEpoch,
      maxBytes: fetchBytes(p.fetchSizeHint, p.fetchOffset, settings.maxPartitionBytes),
    }
  }

  /** A failed fetch: the partitions wait `retry.backoff.ms`, the session starts over. */
  private backoff(parts: PartitionState[], e: unknown): void {
    const at = Date.now() + this.host.settings.retryBackoffMs
    for (const p of parts) p.retryAt = at
    this.session.reset()
    this.log.debug(`fetch from node ${this.nodeId} failed: ${(e as Error).message}`)
  }

  /**
   * Applies one partition's response; true when it added an error for poll.
   * Records are parsed as far as their batch headers and counted at once
   * (the next fetch asks for what follows them); `checkReceived` checks their
   * CRCs and hands them to poll, or takes them back.
   */
  private onPartition(s: PartitionState, p: PartitionData, askedOffset: bigint): boolean {
    const { settings, cluster } = this.host
    const now = Date.now()
    if (p.errorCode === ErrorCode.NONE) {
      if (this.unconfirmed.size > 0) this.unconfirmed.delete(s.key)
      s.highWatermark = p.highWatermark
      s.lastStableOffset = p.lastStableOffset
      s.logStartOffset = p.logStartOffset
      if (p.preferredReadReplica >= 0 && p.preferredReadReplica !== this.nodeId) {
        s.preferredReplica = p.preferredReadReplica
        s.preferredUntil = now + settings.preferredReplicaMs
      }
      if (p.divergingEpoch.epoch >= 0 || p.divergingEpoch.endOffset >= 0) {
        const end = p.divergingEpoch.endOffset
        // A divergence names an epoch at most the one asked about, ending at or before the fetch offset;
        // anything else is a corrupt answer, and believing it would move the position.
        if (p.divergingEpoch.epoch < 0 || end < 0 || end > askedOffset || p.divergingEpoch.epoch > s.lastFetchedEpoch) {
          return this.unreadable(s, askedOffset, new ProtocolError(`implausible diverging epoch ${p.divergingEpoch.epoch} ending at ${end} for fetch offset ${askedOffset} (last fetched epoch ${s.lastFetchedEpoch})`))
        }
        const to = s.position! < end ? s.position! : end
        this.log.warn(`${s.topic}-${s.partition}: log truncated (diverging epoch ${p.divergingEpoch.epoch} ends at ${end}); position ${s.position} -> ${to}`, { topic: s.topic, partition: s.partition })
        s.seek(to)
        return false
      }
      const records = p.records
      if (!records || records.length === 0) return false
      let batches
      try {
        batches = readBatches(records, { checkCrc: false })
        const within = checkOffsets(batches, s.fetchOffset, p.highWatermark)
        if (within < batches.length) batches = batches.slice(0, within)
      } catch (e) {
        return this.unreadable(s, askedOffset, e)
      }
      let bytes = 0
      for (const b of batches) bytes += b.sizeInBytes
      const last = batches[batches.length - 1]
      s.fetchSizeHint = fetchSizeHint(records, bytes, last === undefined ? s.fetchOffset : last.nextOffset, settings.maxPartitionBytes)
      if (last === undefined) {
        if (this.corrupt.size > 0) this.corrupt.delete(s.key)
        return false
      }
      this.unchecked.push({
        state: s, epoch: s.epoch, askedOffset, lastFetchedEpoch: s.lastFetchedEpoch, nextOffset: last.nextOffset, bytes,
        fetch: new CompletedFetch(batches, bytes, s.epoch, settings.readCommitted ? p.abortedTransactions : null),
      })
      s.bufferedBytes += bytes
      s.fetchOffset = last.nextOffset
      if (last.partitionLeaderEpoch >= 0) s.lastFetchedEpoch = last.partitionLeaderEpoch
      return false
    }
    const err = fetchPartitionError(p.errorCode, { topic: s.topic, partition: s.partition, broker: this.nodeId, offset: s.position })
    if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (s.buffered.length > 0 || s.fetchOffset !== s.position) {
        s.clearBuffer()
        return false
      }
      // Frames carry no checksum, and NONE becomes OFFSET_OUT_OF_RANGE by one flipped bit: the partition is
      // fetched again at once, and reset (or reported) when the next answer says so at the same position.
      if (!this.repeated(s, p.errorCode)) {
        this.log.debug(`${s.topic}-${s.partition}: offset ${s.position} out of range; fetching once more to confirm`)
        return false
      }
      const policy = settings.autoOffsetReset
      if (policy === 'none') {
        s.retryAt = Infinity
        this.host.onError(new KafkaError(
          `fetch position ${s.position} of ${s.topic}-${s.partition} is out of range and auto.offset.reset is "none"; seek to a valid offset`,
          { type: 'OFFSET_OUT_OF_RANGE', code: ErrorCode.OFFSET_OUT_OF_RANGE, context: { topic: s.topic, partition: s.partition, offset: s.position } },
        ))
        return true
      }
      this.log.info(`${s.topic}-${s.partition}: offset ${s.position} out of range, resetting to ${policy}`, { topic: s.topic, partition: s.partition, offset: s.position, policy })
      s.invalidate(policy)
      this.host.onReset(s)
      return false
    }
    // Errors cured by fresh metadata (and any other retriable one): retry the partition after a backoff.
    if (isStaleMetadata(p.errorCode) || err.retriable) {
      this.log.debug(`${s.topic}-${s.partition}: ${err.message}; refreshing metadata`)
      s.preferredReplica = -1
      s.retryAt = now + settings.retryBackoffMs
      if (isTopicIdStale(p.errorCode)) this.session.reset()
      cluster.requestRefresh()
      return false
    }
    if (USER_ERRORS.has(err.type as ErrorName)) {
      // Reported to poll once the next answer repeats it (a damaged frame can carry any code).
      if (!this.repeated(s, p.errorCode)) {
        this.log.debug(`${s.topic}-${s.partition}: ${err.message}; fetching once more to confirm`)
        s.retryAt = now + settings.retryBackoffMs
        return false
      }
      s.retryAt = now + settings.retryBackoffMaxMs
      this.host.onError(err)
      return true
    }
    // Java's UNKNOWN_SERVER_ERROR in a fetch: nothing the user can act on; fetch again later.
    this.log.debug(`${s.topic}-${s.partition}: unexpected ${err.message} in a fetch response; fetching again`)
    s.retryAt = now + settings.retryBackoffMs
    return false
  }

  /** True when the previous answer for this partition gave the same error at the same position (then forgotten); else remembers this one. */
  private repeated(s: PartitionState, code: number): boolean {
    const seen = `${code}@${s.position}`
    if (this.unconfirmed.get(s.key) === seen) {
      this.unconfirmed.delete(s.key)
      return true
    }
    this.unconfirmed.set(s.key, seen)
    return false
  }

  /** Hands received data to poll once its CRCs check out; else takes it back. True when poll has something new. */
  private accept(u: Unchecked): boolean {
    const s = u.state
    // A seek (or reset, revoke) since it arrived dropped it already.
    if (s.epoch !== u.epoch || s.fetchOffset !== u.nextOffset || this.host.subscriptions.get(s.topic, s.partition) !== s) return false
    try {
      if (this.host.settings.checkCrcs) checkBatchCrcs(u.fetch.batches)
    } catch (e) {
      s.bufferedBytes -= u.bytes
      s.fetchOffset = u.askedOffset
      s.lastFetchedEpoch = u.lastFetchedEpoch
      return this.unreadable(s, u.askedOffset, e)
    }
    if (this.corrupt.size > 0) this.corrupt.delete(s.key)
    s.buffered.push(u.fetch)
    return true
  }

  /**
   * Records at `offset` that do not check out: fetched again after a backoff,
   * reported to poll (true) when the same offset failed the same way before.
   */
  private unreadable(s: PartitionState, offset: bigint, e: unknown): boolean {
    const err = e instanceof KafkaError ? e : new KafkaError(String(e), { cause: e })
    s.retryAt = Date.now() + this.host.settings.retryBackoffMs
    // Damage in transit differs from fetch to fetch; a corrupt log (or a format samsa cannot read)
    // fails the same way every time.
    const seen = this.corrupt.get(s.key)
    const same = seen !== undefined && seen.offset === offset && seen.message === err.message
    if (!same) {
      this.corrupt.set(s.key, { offset, message: err.message })
      this.log.debug(`${s.topic}-${s.partition} at offset ${offset}: unreadable records (${err.message}); fetching again`)
      return false
    }
    this.corrupt.delete(s.key)
    this.host.onError(new KafkaError(`${s.topic}-${s.partition} at offset ${offset}: ${err.message} (the same in ${CORRUPT_FETCH_REPEATS} fetches in a row)`, { type: err.type, cause: err, context: { topic: s.topic, partition: s.partition } }))
    return true
  }

  async close(deadline: number): Promise<void> {
    this.closed = true
    const final = this.session.close()
    if (final === undefined) return
    const ms = Math.min(deadline - Date.now(), this.host.settings.requestTimeoutMs)
    if (ms <= 0) return
    try {
      const conn = await this.host.cluster.connectionTo(this.nodeId, 'fetch')
      const version = conn.versionFor(FetchApi as ApiDescriptor<unknown, unknown>, FetchApi.maxVersion, 7)
      await conn.request(FetchApi, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 0, ...final, topics: [], forgottenTopicsData: [], rackId: '' }, { version, timeoutMs: ms })
    } catch (e) {
      this.log.debug(`closing fetch session ${final.sessionId} on node ${this.nodeId} failed: ${(e as Error).message}`)
    }
  }
}

/** Fetched data counted but not yet checked (CRC) and handed to poll. */
interface Unchecked {
  state: PartitionState
  /** The partition's epoch when it arrived. */
  epoch: number
  /** The offset the request asked for, and the last fetched epoch before it: where to go back to if it does not check out. */
  askedOffset: bigint
  lastFetchedEpoch: number
  /** The fetch offset after it. */
  nextOffset: bigint
  bytes: number
  fetch: CompletedFetch
}

/**
 * The offsets of fetched batches must make sense for the request: in order,
 * the first one reaching the fetch offset. Base offsets are not covered by a
 * batch's CRC, so this is what catches a corrupted one: throws ProtocolError.
 * Returns how many batches, from the first, end within the response's high
 * watermark; the rest are not taken from this response but fetched again at
 * once. A real broker sends them: the high watermark it reports can trail
 * the records it read by the ones appended meanwhile (seen with acks=1 on one
 * replica). Judging them corrupt cost a retry.backoff.ms wait on a partition
 * that was up to date; taking them unchecked would let a base offset flipped
 * upwards in the last batch skip records.
 */
export function checkOffsets(batches: RecordBatch[], fetchOffset: bigint, highWatermark: bigint): number {
  let next = fetchOffset
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!
    const ok = i === 0 ? b.nextOffset > fetchOffset && b.baseOffset >= 0n : b.baseOffset >= next
    if (!ok) {
      throw new ProtocolError(
        `fetched batch ${i} covers offsets ${b.baseOffset}..${b.nextOffset - 1n}, which cannot follow fetch offset ${fetchOffset} ` +
        `(next expected ${next}, high watermark ${highWatermark})`,
      )
    }
    if (highWatermark >= 0n && b.nextOffset > highWatermark) return i
    next = b.nextOffset
  }
  return batches.length
}

/** Record bytes per topic in a fetch response (for the fetch metrics). */
function fetchedBytes(res: FetchResponse): number {
  let bytes = 0
  for (const t of res.responses) for (const p of t.partitions) bytes += p.records?.length ?? 0
  return bytes
}

function bytesByTopic(request: SessionRequest, res: FetchResponse): Map<string, number> {
  const out = new Map<string, number>()
  for (const t of res.responses) {
    const topic = request.useTopicIds ? request.topicNames.get(t.topicId) : t.topic
    if (topic === undefined) continue
    let bytes = 0
    for (const p of t.partitions) bytes += p.records?.length ?? 0
    out.set(topic, (out.get(topic) ?? 0) + bytes)
  }
  return out
}
