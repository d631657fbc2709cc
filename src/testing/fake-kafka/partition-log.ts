/**
 * One partition's log in memory: stored record batches (as the producer sent
 * them, re-stamped with their offsets), the high watermark, the last stable
 * offset under open transactions, aborted transactions and the idempotent
 * producers' sequence state.
 */
import { ErrorCode } from '../../protocol/errors.js'
import { ATTR_TIMESTAMP_TYPE, RecordBatchBuilder, crc32c, type RecordBatch } from '../../protocol/records/index.js'

export interface StoredBatch {
  baseOffset: bigint
  /** Offset after the batch. */
  nextOffset: bigint
  maxTimestamp: bigint
  bytes: Buffer
}

export interface AbortedTxn {
  producerId: bigint
  firstOffset: bigint
  lastOffset: bigint
}

interface ProducerEntry {
  epoch: number
  /** Last appended sequence; -1 before the first batch. */
  lastSeq: number
  /** The last five batches (duplicates are answered with their original offset). */
  recent: Array<{ baseSeq: number, lastSeq: number, baseOffset: bigint }>
}

export interface AppendResult {
  errorCode: number
  baseOffset: bigint
  errorMessage?: string
}

const MAX_RECENT_BATCHES = 5

export class PartitionLog {
  leader: number
  leaderEpoch = 0
  replicas: number[]
  logStartOffset = 0n
  private readonly batches: StoredBatch[] = []
  private endOffset = 0n
  private readonly producers = new Map<bigint, ProducerEntry>()
  /** Open transactions: producer id → first offset. */
  private readonly ongoing = new Map<bigint, bigint>()
  readonly aborted: AbortedTxn[] = []

  constructor (readonly topic: string, readonly index: number, replicas: number[]) {
    this.replicas = replicas
    this.leader = replicas[0]!
  }

  /** Log end offset; the fake replicates instantly, so it is also the high watermark. */
  get highWatermark (): bigint { return this.endOffset }

  /** The first offset of the oldest open transaction, or the high watermark. */
  get lastStableOffset (): bigint {
    let lso = this.endOffset
    for (const first of this.ongoing.values()) if (first < lso) lso = first
    return lso
  }

  /** Appends one batch (already CRC-checked) with producer checks; `bytes` is copied. */
  append (batch: RecordBatch, bytes: Buffer, now: number, logAppendTime = false): AppendResult {
    const pid = batch.producerId
    const count = batch.lastOffsetDelta + 1
    let entry: ProducerEntry | undefined
    if (pid >= 0n) {
      entry = this.producers.get(pid)
      const lastSeq = batch.baseSequence + batch.lastOffsetDelta
      if (entry !== undefined) {
        if (batch.producerEpoch < entry.epoch) {
          return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1n, errorMessage: `epoch ${batch.producerEpoch} is older than ${entry.epoch}` }
        }
        if (batch.producerEpoch === entry.epoch) {
          const dup = entry.recent.find((b) => b.baseSeq === batch.baseSequence && b.lastSeq === lastSeq)
          if (dup !== undefined) return { errorCode: ErrorCode.NONE, baseOffset: dup.baseOffset }
          if (batch.baseSequence !== ((entry.lastSeq + 1) | 0) && !(entry.lastSeq === 2147483647 && batch.baseSequence === 0)) {
            return {
              errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
              baseOffset: -1n,
              errorMessage: `sequence ${batch.baseSequence} after ${entry.lastSeq} for producer ${pid}`,
            }
          }
        } else if (batch.baseSequence !== 0) {
          return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n, errorMessage: `a new epoch must start at sequence 0, not ${batch.baseSequence}` }
        }
      } else if (batch.baseSequence !== 0) {
        return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n, errorMessage: `producer ${pid} is unknown here and starts at sequence ${batch.baseSequence}` }
      }
    }
    const baseOffset = this.endOffset
    const copy = Buffer.from(bytes)
    copy.writeBigInt64BE(baseOffset, 0)
    copy.writeInt32BE(this.leaderEpoch, 12)
    if (logAppendTime) {
      // the broker's clock replaces the producer's: attribute bit, max timestamp, new CRC
      copy.writeInt16BE(copy.readInt16BE(21) | ATTR_TIMESTAMP_TYPE, 21)
      copy.writeBigInt64BE(BigInt(now), 35)
      copy.writeUInt32BE(crc32c(copy.subarray(21)), 17)
    }
    const maxTimestamp = logAppendTime ? now : batch.maxTimestamp >= 0 ? batch.maxTimestamp : now
    this.batches.push({ baseOffset, nextOffset: baseOffset + BigInt(count), maxTimestamp: BigInt(maxTimestamp), bytes: copy })
    this.endOffset = baseOffset + BigInt(count)
    if (pid >= 0n) {
      if (entry === undefined || entry.epoch !== batch.producerEpoch) {
        entry = { epoch: batch.producerEpoch, lastSeq: -1, recent: [] }
        this.producers.set(pid, entry)
      }
      entry.lastSeq = batch.baseSequence + batch.lastOffsetDelta
      entry.recent.push({ baseSeq: batch.baseSequence, lastSeq: entry.lastSeq, baseOffset })
      if (entry.recent.length > MAX_RECENT_BATCHES) entry.recent.shift()
      if (batch.isTransactional && !this.ongoing.has(pid)) this.ongoing.set(pid, baseOffset)
    }
    return { errorCode: ErrorCode.NONE, baseOffset }
  }

  /** Whether `pid` has an open transaction on this partition. */
  hasOngoing (pid: bigint): boolean { return this.ongoing.has(pid) }

  /** Writes a COMMIT or ABORT marker for `pid` and closes its transaction here. */
  writeMarker (pid: bigint, epoch: number, commit: boolean, now: number): void {
    const first = this.ongoing.get(pid)
    const builder = new RecordBatchBuilder({ capacity: 128, baseTimestamp: now })
    const key = Buffer.alloc(4)
    key.writeInt16BE(0, 0)
    key.writeInt16BE(commit ? 1 : 0, 2)
    const value = Buffer.alloc(6) // version 0, coordinator epoch 0
    builder.tryAppend(now, key, value)
    const bytes = builder.buildSync({ producerId: pid, producerEpoch: epoch, baseSequence: -1, isTransactional: true, isControl: true })
    const offset = this.endOffset
    const copy = Buffer.from(bytes)
    copy.writeBigInt64BE(offset, 0)
    copy.writeInt32BE(this.leaderEpoch, 12)
    this.batches.push({ baseOffset: offset, nextOffset: offset + 1n, maxTimestamp: BigInt(now), bytes: copy })
    this.endOffset = offset + 1n
    if (first !== undefined && !commit) this.aborted.push({ producerId: pid, firstOffset: first, lastOffset: offset })
    this.ongoing.delete(pid)
  }

  /**
   * Batches from the one holding `offset` up to `limit` (exclusive), at most
   * `maxBytes` (but always a whole first batch).
   */
  read (offset: bigint, limit: bigint, maxBytes: number): Buffer {
    const out: Buffer[] = []
    let size = 0
    let i = this.indexOf(offset)
    for (; i < this.batches.length; i++) {
      const b = this.batches[i]!
      if (b.nextOffset > limit) break
      if (out.length > 0 && size + b.bytes.length > maxBytes) break
      out.push(b.bytes)
      size += b.bytes.length
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out)
  }

  /** Aborted transactions overlapping [from, to). */
  abortedBetween (from: bigint, to: bigint): AbortedTxn[] {
    return this.aborted.filter((a) => a.lastOffset >= from && a.firstOffset < to)
  }

  /** Index of the first batch whose range ends after `offset`. */
  private indexOf (offset: bigint): number {
    let lo = 0
    let hi = this.batches.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.batches[mid]!.nextOffset <= offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** ListOffsets by timestamp: the first offset whose batch's max timestamp is ≥ `ts`, or null. */
  offsetForTimestamp (ts: bigint): { offset: bigint, timestamp: bigint } | null {
    for (const b of this.batches) {
      if (b.baseOffset < this.logStartOffset) continue
      if (b.maxTimestamp >= ts) return { offset: b.baseOffset > this.logStartOffset ? b.baseOffset : this.logStartOffset, timestamp: b.maxTimestamp }
    }
    return null
  }

  /** The batch with the largest timestamp (ListOffsets MAX_TIMESTAMP). */
  maxTimestampOffset (): { offset: bigint, timestamp: bigint } | null {
    let best: StoredBatch | undefined
    for (const b of this.batches) if (best === undefined || b.maxTimestamp > best.maxTimestamp) best = b
    return best === undefined ? null : { offset: best.nextOffset - 1n, timestamp: best.maxTimestamp }
  }

  /** DeleteRecords-style truncation of the log start. */
  deleteBefore (offset: bigint): void {
    if (offset > this.logStartOffset) this.logStartOffset = offset > this.endOffset ? this.endOffset : offset
  }
}
