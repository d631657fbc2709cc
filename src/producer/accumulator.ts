/**
 * Accumulator: records become batches here (Java's RecordAccumulator and
 * BufferPool).
 *
 * Contract:
 * - `append` writes a record into the last open batch of its partition, or
 *   into a new batch sized `max(batch.size, record)` when it does not fit.
 *   Records without a partition go to the topic's sticky partition.
 * - A new batch reserves its size from `buffer.memory`; it is given back when
 *   the batch is done. When the memory is not there, or other sends already
 *   wait for it, `append` returns false and the caller `enqueue`s the record:
 *   waiting records are appended strictly in arrival order as memory frees,
 *   and fail with a TimeoutError at their deadline (`max.block.ms` after
 *   send). While anyone waits, every batch is sendable at once (as Java).
 * - `ready` names the brokers with a sendable batch: full, lingered for
 *   `linger.ms`, past its retry backoff, or everything when flushing, closing
 *   or out of memory. `drain` takes at most one batch per partition led by a
 *   broker, rotating the starting partition between calls, up to
 *   `max.request.size` bytes (one batch always goes, however large).
 * - `expire` takes out batches older than `delivery.timeout.ms`, queued or in
 *   flight, oldest first.
 */
import type { Snapshot } from '../cluster/metadata.js'
import { backoffDelay, type Backoff } from '../cluster/retry.js'
import { KafkaError, TimeoutError } from '../errors.js'
import { estimateSizeInBytesUpperBound, RECORD_BATCH_OVERHEAD, recordsBufferSize, type RecordHeader } from '../protocol/records/batch.js'
import type { CompressionCodec } from '../protocol/records/compression/index.js'
import { incrementSequence, invoke, ProducerBatch, RecordSlots } from './batch.js'
import { TopicEntry, type PartitionQueue } from './queue.js'
import type { SendCallback } from './types.js'
import { WaitQueue } from './wait-queue.js'
import { ErrorCode } from '../protocol/errors.js'

export interface AccumulatorSettings {
  batchSize: number
  lingerMs: number
  deliveryTimeoutMs: number
  bufferMemory: number
  maxBlockMs: number
  retryBackoff: Backoff
  compression: CompressionCodec
  compressionLevel: number | undefined
  adaptivePartitioning: boolean
  availabilityTimeoutMs: number
  /** The cluster metadata right now. */
  snapshot: () => Snapshot
}

/** What the accumulator tells the sender that drains it. */
export interface AccumulatorListener {
  /** A batch became sendable now (full, or memory is short): wake the sender. */
  onSendable(): void
  /** A batch was created (the sender arms its linger timer). */
  onNewBatch(batch: ProducerBatch): void
}

/** What `ready` found. */
export interface ReadyResult {
  /** Brokers with at least one sendable batch. */
  nodes: Set<number>
  /** Every partition queue with batches, by its leader. */
  queuesByNode: Map<number, PartitionQueue[]>
  /** Some queued batch's partition has no known leader. */
  unknownLeader: boolean
  /** Milliseconds until a batch that is not sendable yet may become so. */
  nextDelayMs: number
}

/** Node latency stats for partitioner.availability.timeout.ms (KIP-794). */
interface NodeLatency {
  readyMs: number
  drainMs: number
}

export class Accumulator {
  readonly topics = new Map<string, TopicEntry>()
  /** Batches not done yet, oldest first. */
  readonly incomplete = new Set<ProducerBatch>()
  private readonly settings: AccumulatorSettings
  /** Told about new and sendable batches; the Sink draining this accumulator subscribes when it is built. */
  listener: AccumulatorListener = { onSendable() {}, onNewBatch() {} }
  private readonly waiting = new WaitQueue()
  private waitTimer: NodeJS.Timeout | undefined
  private readonly drainIndex = new Map<number, number>()
  private readonly nodeLatency = new Map<number, NodeLatency>()
  /** Bytes of buffer.memory reserved by batches. */
  memoryUsed = 0
  /** Records appended and not done. */
  recordsInFlight = 0
  private flushes = 0
  closing = false
  /**
   * batch.size buffers of finished batches, reused for new ones (Java's
   * BufferPool free list): the records of uncompressed batches, the sealed
   * bytes of compressed ones. Every batch.size buffer the accumulator hands
   * out comes from here or is allocated here, and goes back here when its
   * batch is done, so a producer in a steady state allocates none. As Java's
   * pool: the free buffers count against buffer.memory with the batches'
   * reservations (`memoryUsed + freeBytes <= buffer.memory` once a done
   * batch is released), and free buffers are dropped (left to the
   * collector) when a batch larger than batch.size needs their room.
   */
  private readonly free: Buffer[] = []
  private readonly maxFree: number
  /**
   * With compression: the larger buffers compressed batches write their
   * uncompressed records into (recordsBufferSize), free again once the batch
   * is compressed; at most maxFree of them, counted against buffer.memory
   * with the free list and the reservations while they are free.
   */
  private readonly scratch: Buffer[] = []
  private scratchBytes = 0
  /**
   * Without compression: the buffers of batches made for one record larger
   * than batch.size (sized by {@link largeBufferSize}), reused for the next
   * such record that fits, so a stream of large records does not allocate (and
   * the kernel zero) a fresh buffer per record; at most maxFree of them and
   * buffer.memory bytes in all.
   */
  private readonly large: Buffer[] = []
  private largeBytes = 0
  private readonly recycle = (buffer: Buffer, covered: number): void => {
    const s = this.settings
    const held = this.memoryUsed + this.idleBytes
    if (buffer.length === s.batchSize) {
      // Called before the done batch's reservation is released: it still covers this buffer.
      if (this.free.length < this.maxFree && held <= s.bufferMemory) this.free.push(buffer)
    } else if (buffer.length <= s.batchSize || this.scratch.length + this.large.length >= this.maxFree ||
      // A done batch's reservation (`covered`) is released right after: the buffer takes its place. Without
      // that, a producer held at buffer.memory dropped every large buffer and allocated one per record.
      held - covered + buffer.length > s.bufferMemory) {
      // left to the collector
    } else if (s.compression !== 'none') {
      this.scratch.push(buffer)
      this.scratchBytes += buffer.length
    } else {
      this.large.push(buffer)
      this.largeBytes += buffer.length
    }
  }

  /** Without compression: a buffer for a batch of `size` > batch.size bytes, pooled if one fits. */
  private largeBuffer(size: number): Buffer {
    const large = this.large
    for (let i = large.length - 1; i >= 0; i--) {
      const b = large[i]!
      if (b.length >= size) {
        large.splice(i, 1)
        this.largeBytes -= b.length
        return b
      }
    }
    return Buffer.allocUnsafe(largeBufferSize(size))
  }

  /** Per-record slots of done batches, reused by new ones (at most maxFree). */
  private readonly freeSlots: RecordSlots[] = []
  private readonly recycleSlots = (slots: RecordSlots): void => {
    if (this.freeSlots.length < this.maxFree) this.freeSlots.push(slots)
  }

  /** A batch.size buffer: a free one, or a new one that will join the pool when its batch is done. */
  private readonly take = (): Buffer => this.free.pop() ?? Buffer.allocUnsafe(this.settings.batchSize)

  /** Bytes held by free batch.size buffers (part of buffer.memory). */
  get freeBytes(): number {
    return this.free.length * this.settings.batchSize
  }

  /** Bytes held by free buffers of every kind (batch.size, compressed batches' records buffers, large batches'). */
  get idleBytes(): number {
    return this.freeBytes + this.scratchBytes + this.largeBytes
  }

  /** Drops free buffers until `size` more bytes fit in buffer.memory beside the reservations (Java's freeUp). */
  private freeUp(size: number): void {
    const s = this.settings
    while (this.memoryUsed + this.idleBytes + size > s.bufferMemory) {
      if (this.free.length > 0) this.free.pop()
      else if (this.scratch.length > 0) this.scratchBytes -= this.scratch.pop()!.length
      else if (this.large.length > 0) this.largeBytes -= this.large.pop()!.length
      else break
    }
  }

  /** The buffer for a new batch.size batch's records (see recordsBufferSize), pooled. */
  private recordsBuffer(ratioEstimate: number): Buffer {
    const s = this.settings
    const need = recordsBufferSize(s.batchSize, s.compression, ratioEstimate)
    if (need === s.batchSize) return this.take()
    const buffer = this.scratch.pop()
    if (buffer !== undefined) {
      this.scratchBytes -= buffer.length
      // One that no longer fits (the estimate rose) is left to the collector.
      if (buffer.length >= need) return buffer
    }
    return Buffer.allocUnsafe(need)
  }

  constructor(settings: AccumulatorSettings) {
    this.settings = settings
    // As Java: up to buffer.memory of them (tiny batch sizes are not worth pooling).
    this.maxFree = settings.batchSize >= 64 ? Math.floor(settings.bufferMemory / settings.batchSize) : 0
  }

  /** The topic's state, created on first use. */
  topic(name: string, now: number): TopicEntry {
    let t = this.topics.get(name)
    if (t === undefined) {
      t = new TopicEntry(name, this.settings.batchSize, now)
      this.topics.set(name, t)
    }
    return t
  }

  /** Sends waiting for memory. */
  get waitingCount(): number {
    return this.waiting.length
  }

  /**
   * Appends a record whose topic has metadata; false when it must wait for
   * memory (then nothing was appended and the caller enqueues it).
   */
  append(t: TopicEntry, partition: number, timestamp: number, key: Buffer | null, value: Buffer | null,
    headers: RecordHeader[] | undefined, callback: SendCallback, now: number): boolean {
    if (this.waiting.length > 0) return false
    return this.tryAppend(t, partition, timestamp, key, value, headers, callback, now)
  }

  private tryAppend(t: TopicEntry, partition: number, timestamp: number, key: Buffer | null, value: Buffer | null,
    headers: RecordHeader[] | undefined, callback: SendCallback, now: number): boolean {
    const sticky = partition < 0
    let p = sticky ? t.sticky.current(t.layout) : partition
    let q = t.queue(p)
    let last = q.last
    // Java's partitionChanged: a switch held back while the last batch was
    // filling happens as soon as that batch is full, before a new one starts.
    if (sticky && (last === undefined || last.isFull) && this.completeSwitch(t, p)) {
      p = t.sticky.current(t.layout)
      q = t.queue(p)
      last = q.last
    }
    if (last !== undefined) {
      const added = last.tryAppend(timestamp, key, value, headers, callback)
      if (added >= 0) {
        this.recordsInFlight++
        const full = last.isFull
        if (sticky) t.sticky.onAppend(added, full, t.layout)
        if (full) this.listener.onSendable()
        return true
      }
      if (!last.closedForAppends) {
        last.closedForAppends = true
        this.listener.onSendable()
      }
      if (sticky && this.completeSwitch(t, p)) {
        p = t.sticky.current(t.layout)
        q = t.queue(p)
        const other = q.last
        if (other !== undefined && !other.isFull) {
          const added = other.tryAppend(timestamp, key, value, headers, callback)
          if (added >= 0) {
            this.recordsInFlight++
            t.sticky.onAppend(added, other.isFull, t.layout)
            if (other.isFull) this.listener.onSendable()
            return true
          }
          other.closedForAppends = true
        }
      }
    }
    const s = this.settings
    const upper = estimateSizeInBytesUpperBound(key, value, headers)
    const size = Math.max(s.batchSize, upper)
    if (this.memoryUsed + size > s.bufferMemory) return false
    const pooled = this.maxFree === 0 ? undefined
      : size === s.batchSize ? this.recordsBuffer(t.compressionRatio)
        : s.compression === 'none' ? this.largeBuffer(size) : undefined
    this.freeUp(size)
    const batch = new ProducerBatch(q, {
      capacity: size,
      compression: s.compression,
      compressionLevel: s.compressionLevel,
      compressionRatioEstimate: t.compressionRatio,
      ...(pooled === undefined ? {} : { buffer: pooled }),
      recycle: this.recycle,
      ...(s.compression === 'none' || this.maxFree === 0 ? {} : { take: this.take }),
      ...(this.maxFree === 0 ? {} : { slots: this.freeSlots.pop() ?? new RecordSlots(), recycleSlots: this.recycleSlots }),
    }, size, now)
    const added = batch.tryAppend(timestamp, key, value, headers, callback)
    if (added < 0) throw new KafkaError(`internal error: a ${upper}-byte record does not fit a new ${size}-byte batch`)
    this.memoryUsed += size
    this.recordsInFlight++
    this.incomplete.add(batch)
    q.batches.push(batch)
    t.queued++
    if (sticky) t.sticky.onAppend(added, batch.isFull, t.layout)
    this.listener.onNewBatch(batch)
    if (q.batches.length > 1 || batch.isFull) this.listener.onSendable()
    return true
  }

  /** Lets the sticky partitioner make a switch it held back; true when the partition changed. */
  private completeSwitch(t: TopicEntry, p: number): boolean {
    t.sticky.onAppend(0, true, t.layout)
    return t.sticky.current(t.layout) !== p
  }

  /**
   * Queues a send until memory frees; it fails at its `deadline`.
   * `partition` -1: the sticky partitioner chooses when it is appended.
   */
  enqueue(topic: TopicEntry, partition: number, timestamp: number, key: Buffer | null, value: Buffer | null,
    headers: RecordHeader[] | undefined, callback: SendCallback, deadline: number): void {
    this.waiting.push(topic, partition, timestamp, key, value, headers, callback, deadline)
    if (this.waiting.length === 1) {
      this.armWaitTimer()
      // Out of memory: everything is sendable now, to free memory as fast as possible.
      this.listener.onSendable()
    }
  }

  /** Takes back a send still waiting for memory (its caller gave up); true when it was waiting. */
  cancelWaiting(callback: SendCallback): boolean {
    const wasHead = this.waiting.length > 0 && this.waiting.headCallback === callback
    if (!this.waiting.remove(callback)) return false
    if (wasHead) this.armWaitTimer()
    return true
  }

  private armWaitTimer(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer)
    this.waitTimer = undefined
    if (this.waiting.length === 0) return
    this.waitTimer = setTimeout(() => {
      this.waitTimer = undefined
      this.serveWaiting(Date.now())
    }, Math.max(0, this.waiting.headDeadline - Date.now()))
  }

  /** Appends waiting sends in order while memory allows; fails those past their deadline. */
  serveWaiting(now: number): void {
    if (this.waiting.length === 0) return
    const snapshot = this.settings.snapshot()
    const w = this.waiting
    while (w.length > 0) {
      const topic = w.headTopic
      const partition = w.headPartition
      topic.refresh(snapshot)
      if (partition >= 0 && partition >= topic.layout.count) {
        const callback = w.headCallback
        w.shift()
        invoke(callback, new KafkaError(`partition ${partition} of topic "${topic.name}" no longer exists`, { type: 'UNKNOWN_TOPIC_OR_PARTITION', code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }), null)
        continue
      }
      if (this.tryAppend(topic, partition, w.headTimestamp, w.headKey, w.headValue, w.headHeaders, w.headCallback, now)) {
        w.shift()
        continue
      }
      if (w.headDeadline > now) break
      const needed = Math.max(this.settings.batchSize, estimateSizeInBytesUpperBound(w.headKey, w.headValue, w.headHeaders))
      const callback = w.headCallback
      w.shift()
      invoke(callback, new TimeoutError(
        `failed to allocate ${needed} bytes within the configured max blocking time ${this.settings.maxBlockMs} ms ` +
        `(max.block.ms); buffer.memory is ${this.settings.bufferMemory} bytes, ${this.settings.bufferMemory - this.memoryUsed} available: ` +
        'records are sent more slowly than they are produced',
        { type: 'BUFFER_EXHAUSTED', context: { topic: topic.name } }), null)
    }
    this.armWaitTimer()
  }

  /** Sends every batch now, whatever linger.ms says, until `endFlush`. */
  beginFlush(): void {
    this.flushes++
  }

  endFlush(): void {
    this.flushes--
  }

  /** Java's RecordAccumulator.ready, plus the KIP-794 load stats for the sticky partitioner. */
  ready(now: number, out: ReadyResult): void {
    const s = this.settings
    const snapshot = s.snapshot()
    const exhausted = this.waiting.length > 0
    const sendAll = exhausted || this.closing || this.flushes > 0
    let next = Infinity
    for (const t of this.topics.values()) {
      t.refresh(snapshot)
      const count = t.layout.count
      const adaptive = s.adaptivePartitioning && count > 1 && t.partitions.length >= count
      if (t.queued === 0 && !adaptive) continue
      let sizes: Int32Array | null = null
      let ids: Int32Array | null = null
      let n = 0
      if (adaptive) {
        sizes = new Int32Array(count)
        ids = new Int32Array(count)
      }
      for (let p = 0; p < t.partitions.length; p++) {
        const q = t.partitions[p]
        const leader = t.leader(p)
        if (leader >= 0 && sizes !== null && p < count) {
          ids![n] = p
          sizes[n] = q === undefined ? 0 : q.batches.length
          n++
          if (s.availabilityTimeoutMs > 0) {
            const lat = this.nodeLatency.get(leader)
            if (lat !== undefined && lat.readyMs - lat.drainMs > s.availabilityTimeoutMs) n--
          }
        }
        if (q === undefined) continue
        const first = q.batches[0]
        if (first === undefined) continue
        if (leader < 0) {
          out.unknownLeader = true
          continue
        }
        let list = out.queuesByNode.get(leader)
        if (list === undefined) out.queuesByNode.set(leader, (list = []))
        list.push(q)
        if (out.nodes.has(leader) || q.muted) continue
        const waited = now - first.lastAttemptMs
        const backingOff = first.attempts > 0 && waited < first.backoffMs
        const timeToWait = backingOff ? first.backoffMs : s.lingerMs
        const sendable = q.batches.length > 1 || first.isFull || waited >= timeToWait || sendAll
        if (sendable && !backingOff) out.nodes.add(leader)
        else next = Math.min(next, Math.max(timeToWait - waited, 0))
      }
      if (s.adaptivePartitioning) t.sticky.updateLoadStats(sizes, ids, n, count)
    }
    out.nextDelayMs = next
  }

  /** Records for partitioner.availability.timeout.ms whether a ready broker could be drained. */
  nodeReadiness(nodeId: number, now: number, canDrain: boolean): void {
    if (this.settings.availabilityTimeoutMs <= 0) return
    let lat = this.nodeLatency.get(nodeId)
    if (lat === undefined) this.nodeLatency.set(nodeId, (lat = { readyMs: now, drainMs: now }))
    if (canDrain) lat.drainMs = now
    lat.readyMs = now
  }

  /**
   * Takes the batches for one produce request to `nodeId`: at most one per
   * partition, while they fit in `maxSize`. `blocked(q, first)` says a
   * partition must not be drained now (idempotence ordering); `onDrain` runs
   * for each batch taken (sequence assignment).
   */
  drain(nodeId: number, queues: PartitionQueue[], maxSize: number, now: number,
    blocked: (q: PartitionQueue, first: ProducerBatch) => boolean,
    onDrain: (q: PartitionQueue, batch: ProducerBatch) => void): ProducerBatch[] {
    const out: ProducerBatch[] = []
    const n = queues.length
    if (n === 0) return out
    const start = (this.drainIndex.get(nodeId) ?? 0) % n
    let i = start
    let size = 0
    do {
      const q = queues[i]!
      // As Java: the next drain starts at the last partition this one looked at.
      this.drainIndex.set(nodeId, i)
      i = (i + 1) % n
      if (q.muted) continue
      const first = q.batches[0]
      if (first === undefined) continue
      if (first.attempts > 0 && now - first.lastAttemptMs < first.backoffMs) continue
      const batchSize = first.sizeInBytes
      if (size + batchSize > maxSize && out.length > 0) break
      if (blocked(q, first)) continue
      q.batches.shift()
      q.topic.queued--
      first.closedForAppends = true
      onDrain(q, first)
      size += batchSize
      out.push(first)
    } while (i !== start)
    return out
  }

  /**
   * Puts a batch back for a retry after its backoff. With idempotence it goes
   * in sequence order among other retried batches (Java's insertInSequenceOrder).
   */
  reenqueue(batch: ProducerBatch, now: number, bySequence: boolean): void {
    batch.attempts++
    batch.lastAttemptMs = now
    batch.backoffMs = backoffDelay(this.settings.retryBackoff, batch.attempts - 1)
    const q = batch.queue
    let at = 0
    if (bySequence && batch.hasSequence) {
      while (at < q.batches.length && q.batches[at]!.hasSequence && q.batches[at]!.baseSequence < batch.baseSequence) at++
    }
    q.batches.splice(at, 0, batch)
    q.topic.queued++
  }

  /**
   * MESSAGE_TOO_LARGE on a batch of several records (Java's splitAndReenqueue):
   * its records go into new batches of at most half its size, first in the
   * partition's deque, in order, keeping the callbacks, the creation time and,
   * with idempotence, the sequence range. (Java splits to batch.size, which
   * repeats forever when the broker's limit is below batch.size; halving
   * always converges, down to batches of one record.) Resolves with the new
   * batches; none when the batch was done meanwhile.
   */
  async split(big: ProducerBatch, now: number): Promise<ProducerBatch[]> {
    const records = await big.records()
    if (big.done || records.length === 0) return []
    const q = big.queue
    const t = q.topic
    // As Java: the compression estimate starts again from what this batch showed.
    t.compressionRatio = Math.max(1, big.compressionRatio ?? 1)
    const limit = Math.max(RECORD_BATCH_OVERHEAD + 1, Math.floor(big.sizeInBytes / 2))
    const s = this.settings
    const parts: ProducerBatch[] = []
    let current: ProducerBatch | undefined
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!
      const callback = big.callbackAt(i)
      if (current !== undefined && current.tryAppend(r.timestamp, r.key, r.value, r.headers, callback) >= 0) continue
      const capacity = Math.max(limit, estimateSizeInBytesUpperBound(r.key, r.value, r.headers))
      current = new ProducerBatch(q, {
        capacity,
        compression: s.compression,
        compressionLevel: s.compressionLevel,
        compressionRatioEstimate: t.compressionRatio,
      }, 0, big.createdMs)
      current.tryAppend(r.timestamp, r.key, r.value, r.headers, callback)
      parts.push(current)
    }
    for (const p of parts) p.closedForAppends = true
    // The same sequence range, in order, in place of the big batch.
    if (big.hasSequence) {
      let sequence = big.baseSequence
      for (const p of parts) {
        p.setProducerState(big.producerId, big.producerEpoch, sequence, big.isTransactional)
        sequence = incrementSequence(sequence, p.recordCount)
      }
      const at = q.inflight.indexOf(big)
      if (at >= 0) q.inflight.splice(at, 1, ...parts)
    }
    this.recordsInFlight += big.recordCount
    for (const p of parts) this.incomplete.add(p)
    big.abandon()
    this.release(big, now)
    // Keep `incomplete` in creation order for expiry.
    const all = [...this.incomplete].sort((a, b) => a.createdMs - b.createdMs)
    this.incomplete.clear()
    for (const b of all) this.incomplete.add(b)
    let at = 0
    if (big.hasSequence) {
      while (at < q.batches.length && q.batches[at]!.hasSequence && q.batches[at]!.baseSequence < parts[0]!.baseSequence) at++
    }
    q.batches.splice(at, 0, ...parts)
    t.queued += parts.length
    return parts
  }

  /** Removes a batch from its deque if it is there (expired or aborted while queued). */
  private unqueue(batch: ProducerBatch): void {
    const q = batch.queue
    const i = q.batches.indexOf(batch)
    if (i >= 0) {
      q.batches.splice(i, 1)
      q.topic.queued--
    }
  }

  /** Batches past delivery.timeout.ms, queued or in flight, removed from their deques. */
  expired(now: number): ProducerBatch[] {
    const limit = this.settings.deliveryTimeoutMs
    let out: ProducerBatch[] | undefined
    for (const b of this.incomplete) {
      if (now - b.createdMs < limit) break
      ;(out ??= []).push(b)
    }
    if (out === undefined) return []
    for (const b of out) {
      b.closedForAppends = true
      if (!b.inFlight) this.unqueue(b)
    }
    return out
  }

  /** Milliseconds until the oldest incomplete batch expires (Infinity when none). */
  nextExpiryDelay(now: number): number {
    for (const b of this.incomplete) return Math.max(0, b.createdMs + this.settings.deliveryTimeoutMs - now)
    return Infinity
  }

  /** Gives back a done batch's memory and lets waiting sends in. */
  release(batch: ProducerBatch, now: number): void {
    if (!this.incomplete.delete(batch)) return
    this.memoryUsed -= batch.reserved
    this.recordsInFlight -= batch.recordCount
    if (this.waiting.length > 0) this.serveWaiting(now)
  }

  /** Whether any batch is queued (not in flight). */
  get hasQueued(): boolean {
    for (const t of this.topics.values()) if (t.queued > 0) return true
    return false
  }

  /** Fails every waiting send with `error` and returns every incomplete batch not in flight, unqueued. */
  abortQueued(error: KafkaError): ProducerBatch[] {
    for (const callback of this.waiting.drainCallbacks()) invoke(callback, error, null)
    if (this.waitTimer) clearTimeout(this.waitTimer)
    this.waitTimer = undefined
    const out: ProducerBatch[] = []
    for (const b of this.incomplete) {
      if (b.inFlight) continue
      this.unqueue(b)
      out.push(b)
    }
    return out
  }

  /**
   * Topics not produced to for `idleMs` with nothing queued or in flight:
   * their metadata need not be kept fresh (metadata.max.idle.ms). Their
   * entries stay, since the idempotent producer's sequences live there.
   */
  idleTopics(now: number, idleMs: number): TopicEntry[] {
    const idle: TopicEntry[] = []
    for (const t of this.topics.values()) {
      if (t.idle || t.queued > 0 || now - t.lastUsedMs < idleMs) continue
      let busy = false
      for (const q of t.partitions) if (q !== undefined && q.inflight.length > 0) busy = true
      if (!busy) idle.push(t)
    }
    return idle
  }

  close(): void {
    if (this.waitTimer) clearTimeout(this.waitTimer)
    this.waitTimer = undefined
    this.free.length = 0
    this.scratch.length = 0
    this.scratchBytes = 0
    this.large.length = 0
    this.largeBytes = 0
    this.freeSlots.length = 0
  }
}

/** Oversized batch buffers come in steps of 64 KiB, so records of about the same size share them. */
const LARGE_STEP = 64 * 1024

/** The length of a pooled buffer for a batch of `size` bytes larger than batch.size. */
export function largeBufferSize(size: number): number {
  return Math.ceil(size / LARGE_STEP) * LARGE_STEP
}
