/**
 * ProducerBatch: the records of one partition travelling together, from the
 * first append until the broker acknowledges them or they fail.
 *
 * Contract: records are encoded once, straight into the batch's single
 * buffer ({@link RecordBatchBuilder}); per record the batch keeps only the
 * completion callback, the timestamp and the serialized sizes, in the flat
 * arrays of a {@link RecordSlots} that the accumulator reuses from batch to
 * batch (a batch lives long enough to be promoted out of V8's young
 * generation: arrays made per batch grew the old generation by about 32
 * bytes per record between full collections). `complete` and `fail` run every callback exactly once, in append
 * order; a callback that throws is reported with a process warning and does
 * not stop the others. After `complete` or `fail` the batch is done and
 * later results (a late response to an expired batch) are ignored.
 */
import type { Confirmation } from '../cluster/confirm.js'
import { KafkaError } from '../errors.js'
import { MAX_INT } from '../protocol/int32.js'
import { RecordBatchBuilder, restampProducerState, type RecordHeader } from '../protocol/records/batch.js'
import { decodeRecords, readBatches, type DecodedRecord } from '../protocol/records/decode.js'
import type { CompressionCodec } from '../protocol/records/compression/index.js'
import type { PartitionQueue } from './queue.js'
import type { RecordMetadata, SendCallback } from './types.js'

/** Java's RecordBatch.NO_SEQUENCE. */
export const NO_SEQUENCE = -1

/**
 * The per-record fields of a batch, written by index up to the batch's
 * recordCount (the arrays keep their length and capacity from batch to
 * batch). `clear` drops the callbacks' references before reuse.
 */
export class RecordSlots {
  readonly callbacks: (SendCallback | undefined)[] = []
  readonly timestamps: number[] = []
  /** serialized key size, value size; per record (-1: null). */
  readonly sizes: number[] = []

  clear(count: number): void {
    this.callbacks.fill(undefined, 0, count)
  }
}

interface BatchSettings {
  capacity: number
  compression: CompressionCodec
  compressionLevel: number | undefined
  compressionRatioEstimate: number
  /** A pooled buffer of at least recordsBufferSize() bytes to encode the records into, and where to give it back. */
  buffer?: Buffer
  /**
   * Takes a buffer back. `covered`: the bytes of this batch's reservation, still
   * counted against buffer.memory, that the buffer stands in for (the batch is
   * done and its reservation is released right after); 0 while the batch lives on.
   */
  recycle?: (buffer: Buffer, covered: number) => void
  /** Reused per-record slots (cleared), and where to give them back when the batch is done. */
  slots?: RecordSlots
  recycleSlots?: (slots: RecordSlots) => void
  /** With compression: a pooled buffer to write the sealed batch into, if one is free (given back through `recycle`). */
  take?: () => Buffer | undefined
}

export class ProducerBatch {
  readonly queue: PartitionQueue
  readonly topic: string
  readonly partition: number
  readonly createdMs: number
  /** Bytes of buffer.memory this batch holds until it is done. */
  readonly reserved: number
  private readonly compression: CompressionCodec
  private builder: RecordBatchBuilder | null
  /**
   * The pooled buffer the batch's bytes as sent live in (without compression
   * the records buffer, with it the sealed batch's), until it is given back.
   */
  private pooled: Buffer | undefined
  /** With compression: the pooled records buffer, never written to a socket; free once compressed. */
  private scratch: Buffer | undefined
  /** A compression is reading `scratch`. */
  private compressing = false
  private readonly recycle: ((buffer: Buffer, covered: number) => void) | undefined
  private readonly take: (() => Buffer | undefined) | undefined
  /** The sealed batch bytes, once drained the first time. */
  built: Buffer | null = null
  recordCount = 0
  /** Per-record callback, timestamp and sizes (indices below recordCount); undefined once done. */
  private slots: RecordSlots | undefined
  private readonly recycleSlots: ((slots: RecordSlots) => void) | undefined
  /** Appends are closed (the batch is full or about to be sent). */
  closedForAppends = false
  attempts = 0
  /** Retry backoff chosen when the batch was re-enqueued. */
  backoffMs = 0
  lastAttemptMs: number
  /** Whether it has been sent at least once (its result on the broker may be unknown). */
  sent = false
  /** Currently in a produce request awaiting its response. */
  inFlight = false
  done = false
  /** Why the last attempt failed, for the error a delivery timeout reports. */
  lastError: KafkaError | undefined
  /** A non-retriable code the last response gave, not yet confirmed by a second one (see produce-errors.ts); made at the first partition error. */
  confirmation: Confirmation | undefined
  // Idempotent producer state.
  producerId = -1n
  producerEpoch = -1
  baseSequence = NO_SEQUENCE
  /** The sequence was reassigned (Java: sequenceHasBeenReset). */
  reopened = false
  /** `built` carries an older producer stamp than the fields above. */
  private stampDirty = false
  isTransactional = false

  constructor(queue: PartitionQueue, settings: BatchSettings, reserved: number, now: number) {
    this.queue = queue
    this.topic = queue.topic.name
    this.partition = queue.partition
    this.reserved = reserved
    this.createdMs = now
    this.lastAttemptMs = now
    if (settings.compression === 'none') this.pooled = settings.buffer
    else this.scratch = settings.buffer
    this.recycle = settings.recycle
    this.slots = settings.slots ?? new RecordSlots()
    this.recycleSlots = settings.recycleSlots
    this.take = settings.take
    this.compression = settings.compression
    this.builder = new RecordBatchBuilder({
      capacity: settings.capacity,
      compression: settings.compression,
      compressionRatioEstimate: settings.compressionRatioEstimate,
      ...(settings.compressionLevel === undefined ? {} : { compressionLevel: settings.compressionLevel }),
      ...(settings.buffer === undefined ? {} : { buffer: settings.buffer }),
    })
  }

  /**
   * Appends one record; returns the bytes it added to the batch's estimated
   * size, or -1 (nothing written) when it does not fit.
   */
  tryAppend(timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[] | undefined,
    callback: SendCallback): number {
    const b = this.builder
    if (b === null || this.closedForAppends) return -1
    const before = b.sizeInBytes
    if (!b.tryAppend(timestamp, key, value, headers)) return -1
    const i = this.recordCount++
    const slots = this.slots!
    slots.callbacks[i] = callback
    slots.timestamps[i] = timestamp
    slots.sizes[2 * i] = key === null ? -1 : key.length
    slots.sizes[2 * i + 1] = value === null ? -1 : value.length
    return b.sizeInBytes - before
  }

  /** Full: no more records will be appended. */
  get isFull(): boolean {
    return this.closedForAppends || (this.builder !== null && this.builder.isFull)
  }

  /** Estimated size as sent: exact once built. */
  get sizeInBytes(): number {
    if (this.built !== null) return this.built.length
    return this.builder === null ? 0 : this.builder.sizeInBytes
  }

  get hasSequence(): boolean {
    return this.baseSequence !== NO_SEQUENCE
  }

  /** The sequence of the last record (Java wraps at Integer.MAX_VALUE). */
  get lastSequence(): number {
    return incrementSequence(this.baseSequence, this.recordCount - 1)
  }

  /** Sets the producer id, epoch and base sequence this batch is (to be) sent with. */
  setProducerState(producerId: bigint, epoch: number, baseSequence: number, transactional: boolean): void {
    this.producerId = producerId
    this.producerEpoch = epoch
    this.baseSequence = baseSequence
    this.isTransactional = transactional
    if (this.built !== null) this.stampDirty = true
  }

  /** Reassigns the producer state of a batch already sent (epoch bump, sequence rewrite). */
  resetProducerState(producerId: bigint, epoch: number, baseSequence: number): void {
    this.reopened = true
    this.setProducerState(producerId, epoch, baseSequence, this.isTransactional)
  }

  /** Whether `sealSync` can be used (no compression). */
  get sealsSync(): boolean {
    return this.compression === 'none'
  }

  /** `seal` for an uncompressed batch, synchronously. */
  sealSync(): Buffer {
    if (this.built === null) {
      const b = this.builder!
      this.builder = null
      this.closedForAppends = true
      this.built = b.buildSync({
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        baseSequence: this.baseSequence,
        isTransactional: this.isTransactional,
      })
      this.stampDirty = false
      if (this.pooled !== undefined && this.built.buffer !== this.pooled.buffer) this.givePooledBack(0)
    } else if (this.stampDirty) {
      restampProducerState(this.built, { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.baseSequence })
      this.stampDirty = false
    }
    return this.built
  }

  /**
   * The batch bytes to send, sealing the batch on first use (compression runs
   * here, off the event loop for large batches) and re-stamping the producer
   * state when it changed since.
   */
  async seal(): Promise<Buffer> {
    if (this.compression === 'none') return this.sealSync()
    if (this.built === null) {
      const b = this.builder!
      this.builder = null
      this.closedForAppends = true
      const output = this.take?.()
      let built: Buffer
      this.compressing = true
      try {
        built = await b.build({
          producerId: this.producerId,
          producerEpoch: this.producerEpoch,
          baseSequence: this.baseSequence,
          isTransactional: this.isTransactional,
          ...(output === undefined ? {} : { output }),
        })
      } catch (e) {
        if (output !== undefined) this.recycle?.(output, 0)
        throw e
      } finally {
        // The records were read: their buffer can serve another batch (it never reaches a socket).
        this.compressing = false
        this.giveScratchBack()
      }
      if (output !== undefined) {
        if (built.buffer !== output.buffer || built.byteOffset !== output.byteOffset) this.recycle?.(output, 0)
        // Done meanwhile (expired or aborted; such a batch is not written): the buffer is left to the collector.
        else if (!this.done) this.pooled = output
      }
      if (this.done) return built
      this.built = built
      this.compressionRatio = b.compressionRatio
      this.stampDirty = false
    } else if (this.stampDirty) {
      restampProducerState(this.built, { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.baseSequence })
      this.stampDirty = false
    }
    return this.built
  }

  /** compressed / uncompressed size of the records, once sealed with a codec. */
  compressionRatio: number | undefined

  /**
   * Acknowledged: every record gets its metadata. `baseOffset` -1n (acks=0,
   * or a duplicate whose offset the broker no longer knows) gives every
   * record offset -1n. `logAppendTime` >= 0 replaces the records' timestamps.
   */
  complete(baseOffset: bigint, logAppendTime: number): boolean {
    if (this.done) return false
    this.done = true
    const { topic, partition, recordCount } = this
    const { callbacks, timestamps, sizes } = this.slots!
    const known = baseOffset >= 0n
    let offset = known ? baseOffset : -1n
    for (let i = 0; i < recordCount; i++) {
      const metadata: RecordMetadata = {
        topic,
        partition,
        offset,
        timestamp: logAppendTime >= 0 ? logAppendTime : timestamps[i]!,
        serializedKeySize: sizes[2 * i]!,
        serializedValueSize: sizes[2 * i + 1]!,
      }
      if (known) offset++
      invoke(callbacks[i]!, null, metadata)
    }
    this.release()
    return true
  }

  /** The records as sealed (decompressed), for splitting a batch the broker found too large. */
  async records(): Promise<DecodedRecord[]> {
    const built = this.built
    if (built === null) return []
    const [batch] = readBatches(built, { checkCrc: false })
    return batch === undefined ? [] : decodeRecords(batch)
  }

  /** The callback of record `i` (below recordCount) while the batch is not done. */
  callbackAt(i: number): SendCallback {
    return this.slots!.callbacks[i]!
  }

  /** Done without calling back: its records (and callbacks) moved to the batches it was split into. */
  abandon(): void {
    this.done = true
    this.release()
  }

  /** Failed: every record's callback gets `error`. */
  fail(error: KafkaError): boolean {
    if (this.done) return false
    this.done = true
    const callbacks = this.slots!.callbacks
    for (let i = 0; i < this.recordCount; i++) invoke(callbacks[i]!, error, null)
    this.release()
    return true
  }

  private release(): void {
    this.builder = null
    this.built = null
    const slots = this.slots
    if (slots !== undefined) {
      this.slots = undefined
      slots.clear(this.recordCount)
      this.recycleSlots?.(slots)
    }
    // A request still in flight (a batch expired or aborted while it awaits its response) may have
    // its bytes queued on the socket (requests are written from the batch's buffer, not copied):
    // its buffer is left to the garbage collector rather than reused.
    if (this.inFlight) this.pooled = undefined
    this.givePooledBack(this.reserved)
    if (!this.compressing) this.giveScratchBack()
  }

  private giveScratchBack(): void {
    const buffer = this.scratch
    if (buffer === undefined) return
    this.scratch = undefined
    this.recycle?.(buffer, 0)
  }

  /** `covered`: see BatchSettings.recycle (the reservation when the batch is done, else 0). */
  private givePooledBack(covered: number): void {
    const buffer = this.pooled
    if (buffer === undefined) return
    this.pooled = undefined
    this.recycle?.(buffer, covered)
  }
}

/** Java's DefaultRecordBatch.incrementSequence: sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > MAX_INT - increment) return increment - (MAX_INT - sequence) - 1
  return sequence + increment
}

/** Runs a user callback; an exception is reported, never thrown into the producer. */
export function invoke(callback: SendCallback, error: KafkaError | null, metadata: RecordMetadata | null): void {
  try {
    callback(error, metadata)
  } catch (e) {
    process.emitWarning(`a producer send callback threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, {
      type: 'SamsaWarning',
      code: 'SAMSA_CALLBACK_THREW',
    })
  }
}

/** An error for records that cannot be sent because the producer is closing or closed. */
export function closedError(message: string): KafkaError {
  return new KafkaError(message, { type: 'CLIENT_CLOSED' })
}
