/**
 * Prefetched fetch data of one partition and its conversion to
 * ConsumerRecords (Java's CompletedFetch).
 *
 * Contract:
 * - Batch headers are parsed when the response arrives (cheap); records are
 *   parsed only when poll reaches their batch, as views into the response
 *   buffer. A compressed batch is decompressed when poll reaches it, with the
 *   next compressed batch decompressed ahead: large ones off the event loop,
 *   small ones (and LZ4 and Snappy up to 2 MiB with samsa's native
 *   decoders) on it, see compression/common.ts.
 * - Records before the position (the head of a batch that straddles it) are
 *   skipped; a finished batch moves the position to its `nextOffset`, so gaps
 *   left by compaction and control batches are stepped over.
 * - With `read_committed`, records of aborted transactions are skipped using
 *   the response's aborted-transaction list and the ABORT markers; control
 *   records never reach the user, whatever the isolation level.
 * - A deserializer failure throws a DeserializationError naming the topic,
 *   partition and offset; the position stays at that record, so the next
 *   poll throws again (seek past it to skip it), as Java's consumer does.
 * - A deserializer that returns a promise stops the drain at that record:
 *   drainPartition returns a promise that settles the record's key and value
 *   (kept on the CompletedFetch) and the next call delivers it.
 */
import { DeserializationError, KafkaError } from '../errors.js'
import type { AbortedTransaction } from '../protocol/messages/fetch.js'
import {
  decodeControlRecordKey, decodeRecords, parseRecords, ControlRecordType,
  type RecordBatch, type RecordFactory,
} from '../protocol/records/decode.js'
import { isThenable, type Deserializer } from '../serde/serde.js'
import type { Header } from '../types.js'
import type { PartitionState } from './positions.js'
import type { ConsumerRecord } from './records.js'

export class CompletedFetch {
  readonly batches: RecordBatch[]
  /** The partition's epoch when this was fetched. */
  readonly epoch: number
  batchIndex = 0
  /**
   * Parsed records of `batches[batchIndex]`, once reached: already the
   * ConsumerRecords poll returns, with key and value still serialized (drain
   * deserializes them in place), so each record is one object.
   */
  records: ConsumerRecord<unknown, unknown>[] | null = null
  recordIndex = 0
  /** Decompressions started ahead, by batch index. */
  readonly decoding = new Map<number, Promise<ConsumerRecord<unknown, unknown>[]>>()
  /** Bytes still held (decremented batch by batch). */
  remainingBytes: number
  /** The key and value an async deserializer gave for the record at `offset` (delivered by the next drain). */
  deserialized: { offset: bigint; key: unknown; value: unknown } | null = null
  private readonly aborted: AbortedTransaction[]
  private abortedIndex = 0
  private readonly abortedProducers = new Set<bigint>()

  constructor(batches: RecordBatch[], bytes: number, epoch: number, aborted: AbortedTransaction[] | null) {
    this.batches = batches
    this.remainingBytes = bytes
    this.epoch = epoch
    this.aborted = aborted ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : []
  }

  get done(): boolean {
    return this.batchIndex >= this.batches.length
  }

  /** read_committed: whether `batch` belongs to an aborted transaction (Java's algorithm). */
  isAborted(batch: RecordBatch): boolean {
    if (!batch.isTransactional) return false
    const last = batch.baseOffset + BigInt(batch.lastOffsetDelta)
    while (this.abortedIndex < this.aborted.length && this.aborted[this.abortedIndex]!.firstOffset <= last) {
      this.abortedProducers.add(this.aborted[this.abortedIndex]!.producerId)
      this.abortedIndex++
    }
    return this.abortedProducers.has(batch.producerId)
  }

  /** read_committed: an ABORT marker ends that producer's aborted transaction. */
  onControlBatch(batch: RecordBatch): void {
    if (batch.recordCount === 0 || batch.compression !== 'none') return
    const [marker] = parseRecords(batch, batch.records)
    if (marker && decodeControlRecordKey(marker.key).type === ControlRecordType.ABORT) this.abortedProducers.delete(batch.producerId)
  }
}

export interface DrainOptions<K, V> {
  keyDeserializer: Deserializer<K | null>
  valueDeserializer: Deserializer<V | null>
  readCommitted: boolean
  maxDecompressedBytes: number
}

/**
 * Moves up to `max - out.length` records of `state` into `out`, advancing the
 * position. Returns null when done (out is full or the buffer is empty), or a
 * promise to await (a decompression) before calling again.
 */
export function drainPartition<K, V>(state: PartitionState, out: ConsumerRecord<K, V>[], max: number, opts: DrainOptions<K, V>): Promise<void> | null {
  const topic = state.topic
  const partition = state.partition
  const kd = opts.keyDeserializer
  const vd = opts.valueDeserializer
  while (state.buffered.length > 0 && out.length < max) {
    const cf = state.buffered[0]!
    if (cf.epoch !== state.epoch || state.position === null) {
      state.clearBuffer()
      return null
    }
    while (!cf.done && out.length < max) {
      const batch = cf.batches[cf.batchIndex]!
      let records = cf.records
      if (records === null) {
        let skip = batch.nextOffset <= state.position!
        if (!skip && batch.isControl) {
          if (opts.readCommitted) cf.onControlBatch(batch)
          skip = true
        } else if (!skip && opts.readCommitted && cf.isAborted(batch)) {
          skip = true
        }
        if (skip || batch.recordCount === 0) {
          finishBatch(state, cf, batch)
          continue
        }
        if (batch.compression === 'none') {
          records = parseRecords(batch, batch.records, recordFactory(topic, partition, batch))
        } else {
          const pending = cf.decoding.get(cf.batchIndex)
          if (!pending) {
            startDecode(state, cf, cf.batchIndex, opts.maxDecompressedBytes)
            return cf.decoding.get(cf.batchIndex)!.then(() => undefined)
          }
          const settled = settledValue(pending)
          if (settled === undefined) return pending.then(() => undefined)
          records = settled
          cf.decoding.delete(cf.batchIndex)
          // Decompress the next compressed batch while this one is consumed.
          for (let i = cf.batchIndex + 1; i < cf.batches.length; i++) {
            if (cf.batches[i]!.compression !== 'none') {
              if (!cf.decoding.has(i)) startDecode(state, cf, i, opts.maxDecompressedBytes)
              break
            }
          }
        }
        cf.records = records
        cf.recordIndex = 0
      }
      const epoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : undefined
      let position: bigint = state.position!
      let i = cf.recordIndex
      const n = records.length
      let what: 'key' | 'value' = 'key'
      try {
        for (; i < n && out.length < max; i++) {
          const r = records[i]!
          if (r.offset < position) continue
          const headers = r.headers as Header[]
          const key = r.key as Buffer | null
          const value = r.value as Buffer | null
          let k: K | null | Promise<K | null>
          let v: V | null | Promise<V | null>
          const ready = cf.deserialized
          if (ready !== null && ready.offset === r.offset) {
            cf.deserialized = null
            k = ready.key as K | null
            v = ready.value as V | null
          } else {
            // Both first: a failure leaves the record as parsed, to be tried again.
            what = 'key'
            k = kd.deserialize(topic, key, headers)
            what = 'value'
            v = vd.deserialize(topic, value, headers)
            if (isThenable(k) || isThenable(v)) {
              // Stop here: the caller awaits both, then drains again from this record.
              state.position = position
              state.positionEpoch = epoch
              cf.recordIndex = i
              return settleAsync(cf, r.offset, k, v, topic, partition)
            }
          }
          r.key = k
          r.value = v
          out.push(r as ConsumerRecord<K, V>)
          position = r.offset + 1n
        }
      } catch (e) {
        const r = records[i]!
        state.position = position
        state.positionEpoch = epoch
        cf.recordIndex = i
        throw deserializationFailed(e, topic, partition, r.offset, what)
      }
      state.position = position
      state.positionEpoch = epoch
      cf.recordIndex = i
      if (i >= n) finishBatch(state, cf, batch)
    }
    if (cf.done) {
      state.buffered.shift()
      state.bufferedBytes -= cf.remainingBytes
      cf.remainingBytes = 0
    }
  }
  return null
}

/** Awaits an async deserializer's key and value; a failure becomes the record's DeserializationError. */
async function settleAsync(cf: CompletedFetch, offset: bigint, k: unknown, v: unknown, topic: string, partition: number): Promise<void> {
  let what: 'key' | 'value' = 'key'
  try {
    const key = await k
    what = 'value'
    const value = await v
    cf.deserialized = { offset, key, value }
  } catch (e) {
    throw deserializationFailed(e, topic, partition, offset, what)
  } finally {
    // Both are awaited, so a rejection of the other one is never unhandled.
    if (isThenable(v)) Promise.resolve(v).catch(() => undefined)
  }
}

function deserializationFailed(e: unknown, topic: string, partition: number, offset: bigint, what: 'key' | 'value'): KafkaError {
  if (e instanceof DeserializationError) return e
  return new DeserializationError(
    `cannot deserialize the ${what} of the record at offset ${offset} of ${topic}-${partition}: ${(e as Error)?.message ?? String(e)}; seek past it to skip it`,
    { cause: e, context: { topic, partition, offset, what } },
  )
}

function finishBatch(state: PartitionState, cf: CompletedFetch, batch: RecordBatch): void {
  if (state.position! < batch.nextOffset) {
    state.position = batch.nextOffset
    if (batch.partitionLeaderEpoch >= 0) state.positionEpoch = batch.partitionLeaderEpoch
  }
  cf.records = null
  cf.recordIndex = 0
  cf.batchIndex++
  cf.remainingBytes -= batch.sizeInBytes
  state.bufferedBytes -= batch.sizeInBytes
}

/** A batch's records as ConsumerRecords, key and value still serialized. */
function recordFactory(topic: string, partition: number, batch: RecordBatch): RecordFactory<ConsumerRecord<unknown, unknown>> {
  const timestampType = batch.timestampType
  const leaderEpoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : undefined
  return (offset, timestamp, key, value, headers) => ({
    topic,
    partition,
    offset,
    timestamp,
    timestampType,
    key,
    value,
    headers: headers as Header[],
    leaderEpoch,
    serializedKeySize: key === null ? -1 : key.length,
    serializedValueSize: value === null ? -1 : value.length,
  })
}

const settled = new WeakMap<Promise<ConsumerRecord<unknown, unknown>[]>, ConsumerRecord<unknown, unknown>[]>()

function startDecode(state: PartitionState, cf: CompletedFetch, index: number, maxDecompressedBytes: number): void {
  const batch = cf.batches[index]!
  const p = decodeRecords(batch, { maxDecompressedBytes }, recordFactory(state.topic, state.partition, batch))
  p.then((r) => settled.set(p, r), () => undefined)
  cf.decoding.set(index, p)
}

/** The value of a decode that has already finished, or undefined while pending (or failed: awaiting it rethrows). */
function settledValue(p: Promise<ConsumerRecord<unknown, unknown>[]>): ConsumerRecord<unknown, unknown>[] | undefined {
  return settled.get(p)
}
