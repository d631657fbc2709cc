/**
 * Encoding of magic v2 record batches: the producer's hot path.
 *
 * Batch layout (61-byte header, then the records section, big-endian):
 *
 *     0 baseOffset int64          27 baseTimestamp int64
 *     8 batchLength int32         35 maxTimestamp int64
 *    12 partitionLeaderEpoch int32  43 producerId int64
 *    16 magic int8 (2)            51 producerEpoch int16
 *    17 crc uint32 (CRC-32C of bytes 21..end)  53 baseSequence int32
 *    21 attributes int16          57 recordCount int32
 *    23 lastOffsetDelta int32     61 records (compressed as a whole when a codec is set)
 *
 * Each record: length varint, attributes int8 (0), timestampDelta varlong,
 * offsetDelta varint, key (varint length, -1 for null, bytes), value (same),
 * header count varint, then per header: key (varint length + UTF-8), value
 * (varint length, -1 for null, bytes).
 */
import { KafkaError } from '../../errors.js'
import { COMPRESSION_CODEC_IDS, compressBehind, type CompressionCodec } from './compression/index.js'
import { crc32c } from './crc32c.js'
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js'

/** Size of the v2 batch header; also the size of a batch with no records. */
export const RECORD_BATCH_OVERHEAD = 61
/** The only record batch format samsa writes. */
export const CURRENT_MAGIC = 2

export const ATTR_COMPRESSION_MASK = 0x07
export const ATTR_TIMESTAMP_TYPE = 0x08
export const ATTR_TRANSACTIONAL = 0x10
export const ATTR_CONTROL = 0x20
export const ATTR_DELETE_HORIZON = 0x40

/** Byte offsets of the header fields. */
export const BATCH_OFFSETS = Object.freeze({
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
})

/** Java's allowance for compression-ratio misestimates (MemoryRecordsBuilder). */
const COMPRESSION_RATE_ESTIMATION_FACTOR = 1.05
/** A compressed batch's buffer is sized for its estimate up to this many times its capacity; beyond, it grows as records come. */
const MAX_UPFRONT_EXPANSION = 4

/**
 * The size of the buffer a builder writes its records into: the capacity
 * without compression; with it, room for every uncompressed record the
 * ratio estimate lets into a batch of that capacity (so the buffer never has
 * to grow and be copied; at most {@link MAX_UPFRONT_EXPANSION} × capacity),
 * rounded up to 1, 1.25, 1.5 or 1.75 × a power of two so that buffers
 * pooled for earlier batches fit later ones while the estimate moves.
 * `ratioEstimate` is the compressed/uncompressed estimate the builder gets.
 */
export function recordsBufferSize(capacity: number, compression: CompressionCodec, ratioEstimate = 1): number {
  const size = Math.max(capacity, RECORD_BATCH_OVERHEAD)
  if (compression === 'none') return size
  const ratio = ratioEstimate * COMPRESSION_RATE_ESTIMATION_FACTOR
  if (!(ratio < 1)) return size
  const records = size - RECORD_BATCH_OVERHEAD
  const need = RECORD_BATCH_OVERHEAD + Math.min(Math.ceil(records / ratio) + 1, records * MAX_UPFRONT_EXPANSION)
  const quarter = 2 ** Math.max(0, Math.ceil(Math.log2(need)) - 3)
  return Math.ceil(need / quarter) * quarter
}

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface RecordBatchBuilderOptions {
  /**
   * The target size of the batch in bytes (the producer's `batch.size`). The
   * records buffer is allocated once, at this size or, with compression, at
   * the uncompressed size the ratio estimate lets in
   * ({@link recordsBufferSize}); it only grows for a first record larger
   * than it (or an estimate beyond the up-front bound).
   */
  capacity: number
  /** Timestamp every record's delta is taken from. Default: the first record's timestamp (as Java does). */
  baseTimestamp?: number
  /** Default 'none'. */
  compression?: CompressionCodec
  /** Passed to the codec (gzip, zstd). */
  compressionLevel?: number
  /**
   * Estimated compressed/uncompressed ratio for the size estimate of a
   * compressed batch (Java's per-topic CompressionRatioEstimator supplies
   * this). Default 1: the uncompressed size. Ignored without compression.
   */
  compressionRatioEstimate?: number
  /** Record batch format; only 2 is supported. */
  magic?: number
  /**
   * A buffer to write the records into instead of allocating one (a
   * producer's pool); used when it holds at least {@link recordsBufferSize}
   * bytes. The builder owns it until the batch is built and, without
   * compression, the built batch (a view of it) is no longer needed; with
   * compression it is free again once `build` has settled.
   */
  buffer?: Buffer
}

export interface BuildOptions {
  /** Default -1n (no idempotence). */
  producerId?: bigint
  /** Default -1. */
  producerEpoch?: number
  /** Default -1. */
  baseSequence?: number
  /** Default false. */
  isTransactional?: boolean
  /** Default false: control batches are written by brokers (and by tests). */
  isControl?: boolean
  /** Default -1 (brokers set it). */
  partitionLeaderEpoch?: number
  /**
   * With compression: a buffer to write the built batch into when it is
   * large enough (the result is then a view of it), instead of a new one.
   * It is scratch space: its bytes may have been written even when the
   * batch did not fit in it. Ignored without compression.
   */
  output?: Buffer
}

/** Producer fields that may be re-stamped on a built batch. */
export interface ProducerStamp {
  producerId: bigint
  producerEpoch: number
  baseSequence: number
}

function invalid(message: string): KafkaError {
  return new KafkaError(message, { type: 'INVALID_ARGUMENT', retriable: false })
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

/** Scratch space for header key byte lengths (size pass → write pass), reused across records. */
let headerKeyLengths = new Int32Array(16)

/** UTF-8 byte length of `s`, with a loop for short ASCII strings instead of a native call. */
function utf8Length(s: string): number {
  const n = s.length
  if (n > 32) return Buffer.byteLength(s, 'utf8')
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8')
  }
  return n
}

/** Writes `s` (of UTF-8 length `bytes`) at `o`; short ASCII strings byte by byte. */
function writeUtf8(buf: Buffer, o: number, s: string, bytes: number): number {
  if (bytes === s.length && bytes <= 32) {
    for (let i = 0; i < bytes; i++) buf[o + i] = s.charCodeAt(i)
    return o + bytes
  }
  return o + buf.write(s, o, bytes, 'utf8')
}

/**
 * The encoded size of one record's body (everything after its length
 * prefix). Fills the header-key scratch space as a side effect.
 */
function measureBody(offsetDelta: number, timestampDelta: number, key: Buffer | null,
  value: Buffer | null, headers: readonly RecordHeader[]): number {
  let body = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta)
  body += key === null ? 1 : sizeOfVarint(key.length) + key.length
  body += value === null ? 1 : sizeOfVarint(value.length) + value.length
  const h = headers.length
  body += sizeOfVarint(h)
  if (h > 0) {
    if (headerKeyLengths.length < h) headerKeyLengths = new Int32Array(h * 2)
    for (let i = 0; i < h; i++) {
      const header = headers[i]!
      const kb = utf8Length(header.key)
      headerKeyLengths[i] = kb
      body += sizeOfVarint(kb) + kb
      const hv = header.value
      body += hv === null ? 1 : sizeOfVarint(hv.length) + hv.length
    }
  }
  return body
}

/** The exact encoded size of one record (length prefix included) at the given deltas. */
export function recordSizeInBytes(offsetDelta: number, timestampDelta: number, key: Buffer | null,
  value: Buffer | null, headers: readonly RecordHeader[] = []): number {
  const body = measureBody(offsetDelta, timestampDelta, key, value, headers)
  return sizeOfVarint(body) + body
}

/**
 * An upper bound on the size of a batch holding just this record, whatever its
 * deltas (Java's estimateSizeInBytesUpperBound): what the producer compares
 * with `max.request.size`.
 */
export function estimateSizeInBytesUpperBound(key: Buffer | null, value: Buffer | null,
  headers: readonly RecordHeader[] = []): number {
  // Worst case: a 5-byte offset delta and a 10-byte timestamp delta instead of 1 byte each.
  const body = measureBody(0, 0, key, value, headers) + 4 + 9
  return RECORD_BATCH_OVERHEAD + sizeOfVarint(body) + body
}

/**
 * Accumulates records into one v2 batch, writing each straight into a single
 * pre-sized buffer, then seals it with {@link build}.
 *
 * Contract: `tryAppend` copies the record's bytes, so the caller may reuse its
 * buffers afterwards; it returns false (and writes nothing) when the record
 * would take the batch past its capacity, except that the first record is
 * always accepted. After `build` the builder accepts nothing more.
 */
export class RecordBatchBuilder {
  readonly capacity: number
  readonly compression: CompressionCodec
  readonly magic: number
  private readonly compressionLevel: number | undefined
  private readonly ratioEstimate: number
  private buffer: Buffer
  private offset = RECORD_BATCH_OVERHEAD
  private count = 0
  private baseTs: number | undefined
  private maxTs = -1
  private closed = false
  private compressedRatio: number | undefined

  constructor(options: RecordBatchBuilderOptions) {
    const { capacity, compression = 'none', magic = CURRENT_MAGIC } = options
    if (magic !== CURRENT_MAGIC) throw invalid(`record batch magic ${magic} is not supported (only ${CURRENT_MAGIC})`)
    if (!Number.isInteger(capacity) || capacity < 0) throw invalid(`invalid batch capacity ${capacity}`)
    if (COMPRESSION_CODEC_IDS[compression] === undefined) throw invalid(`unknown compression codec ${String(compression)}`)
    if (options.baseTimestamp !== undefined && !Number.isSafeInteger(options.baseTimestamp)) {
      throw invalid(`invalid base timestamp ${options.baseTimestamp}`)
    }
    this.capacity = capacity
    this.compression = compression
    this.magic = magic
    this.compressionLevel = options.compressionLevel
    this.ratioEstimate = compression === 'none' ? 1 : (options.compressionRatioEstimate ?? 1) * COMPRESSION_RATE_ESTIMATION_FACTOR
    this.baseTs = options.baseTimestamp
    const size = recordsBufferSize(capacity, compression, options.compressionRatioEstimate)
    this.buffer = options.buffer !== undefined && options.buffer.length >= size ? options.buffer : Buffer.allocUnsafe(size)
  }

  /** Records appended so far. */
  get recordCount(): number {
    return this.count
  }

  /** Estimated size of the built batch: exact without compression, scaled by the ratio estimate with it. */
  get sizeInBytes(): number {
    return RECORD_BATCH_OVERHEAD + Math.ceil((this.offset - RECORD_BATCH_OVERHEAD) * this.ratioEstimate)
  }

  /** Bytes of the uncompressed records section so far. */
  get uncompressedRecordsSizeInBytes(): number {
    return this.offset - RECORD_BATCH_OVERHEAD
  }

  /** True once built, or once the estimated size has reached capacity (with at least one record). */
  get isFull(): boolean {
    return this.closed || (this.count > 0 && this.sizeInBytes >= this.capacity)
  }

  /** Whether {@link build} has been called. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Largest record timestamp so far; -1 with no records. */
  get maxTimestamp(): number {
    return this.maxTs
  }

  /** The base timestamp, once known (given, or the first record's). */
  get baseTimestamp(): number | undefined {
    return this.baseTs
  }

  /** After building with compression: compressed/uncompressed size of the records section, for ratio estimators. */
  get compressionRatio(): number | undefined {
    return this.compressedRatio
  }

  /**
   * Appends one record unless it doesn't fit (see the class contract).
   * `timestamp` is a millisecond safe integer.
   */
  tryAppend(timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[] = NO_HEADERS): boolean {
    if (this.closed) throw invalid('cannot append to a record batch that has been built')
    if (!Number.isSafeInteger(timestamp)) throw invalid(`invalid record timestamp ${timestamp}`)
    const count = this.count
    const base = this.baseTs ?? timestamp
    const timestampDelta = timestamp - base
    if (!Number.isSafeInteger(timestampDelta)) throw invalid(`record timestamp ${timestamp} too far from the base timestamp ${base}`)
    const body = measureBody(count, timestampDelta, key, value, headers)
    const size = sizeOfVarint(body) + body
    if (count > 0 && this.sizeInBytes + size > this.capacity) return false
    if (count === 0x7fffffff) return false

    let o = this.offset
    if (o + size > this.buffer.length) this.grow(o + size)
    const buf = this.buffer
    o = writeVarint(buf, o, body)
    buf[o++] = 0 // record attributes
    o = writeVarlong(buf, o, timestampDelta)
    o = writeVarint(buf, o, count)
    if (key === null) {
      buf[o++] = 1 // zigzag(-1)
    } else {
      o = writeVarint(buf, o, key.length)
      buf.set(key, o)
      o += key.length
    }
    if (value === null) {
      buf[o++] = 1
    } else {
      o = writeVarint(buf, o, value.length)
      buf.set(value, o)
      o += value.length
    }
    const h = headers.length
    o = writeVarint(buf, o, h)
    for (let i = 0; i < h; i++) {
      const header = headers[i]!
      const kb = headerKeyLengths[i]!
      o = writeVarint(buf, o, kb)
      o = writeUtf8(buf, o, header.key, kb)
      const hv = header.value
      if (hv === null) {
        buf[o++] = 1
      } else {
        o = writeVarint(buf, o, hv.length)
        buf.set(hv, o)
        o += hv.length
      }
    }
    this.offset = o
    this.count = count + 1
    if (this.baseTs === undefined) this.baseTs = timestamp
    if (timestamp > this.maxTs) this.maxTs = timestamp
    return true
  }

  private grow(need: number): void {
    let size = Math.max(this.buffer.length * 2, RECORD_BATCH_OVERHEAD + 64)
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buffer.copy(next, 0, 0, this.offset)
    this.buffer = next
  }

  /**
   * Seals the batch and returns its bytes (baseOffset 0). Without compression
   * the result is a view of the builder's own buffer (no copy); with it, the
   * records section is compressed into `options.output` when that is large
   * enough, else into a new buffer (on the libuv thread pool when large).
   * Always async, whatever the codec. Throws for an empty batch
   * or a second call; the builder is sealed from the call on, so a codec
   * failure (e.g. its package missing: check with assertCodecAvailable up
   * front) loses the batch.
   */
  async build(options: BuildOptions = {}): Promise<Buffer> {
    if (this.compression === 'none') return this.buildSync(options)
    this.seal()
    const section = this.buffer.subarray(RECORD_BATCH_OVERHEAD, this.offset)
    const level = this.compressionLevel
    const out = await compressBehind(this.compression, section, RECORD_BATCH_OVERHEAD, {
      ...(level === undefined ? {} : { level }),
      ...(options.output === undefined ? {} : { output: options.output }),
    })
    this.compressedRatio = (out.length - RECORD_BATCH_OVERHEAD) / section.length
    return this.writeHeader(out, options)
  }

  /**
   * {@link build} for a batch without compression, synchronously (the
   * producer writes such batches in the same tick it drains them). Throws
   * when a codec is set.
   */
  buildSync(options: BuildOptions = {}): Buffer {
    if (this.compression !== 'none') throw invalid(`a ${this.compression} batch is built with build(), not buildSync()`)
    this.seal()
    return this.writeHeader(this.buffer.subarray(0, this.offset), options)
  }

  private seal(): void {
    if (this.closed) throw invalid('record batch already built')
    if (this.count === 0) throw invalid('cannot build a record batch with no records')
    this.closed = true
  }

  private writeHeader(out: Buffer, options: BuildOptions): Buffer {
    let attributes = COMPRESSION_CODEC_IDS[this.compression]
    if (options.isTransactional) attributes |= ATTR_TRANSACTIONAL
    if (options.isControl) attributes |= ATTR_CONTROL
    out.writeBigInt64BE(0n, 0)
    out.writeInt32BE(out.length - 12, 8)
    out.writeInt32BE(options.partitionLeaderEpoch ?? -1, 12)
    out[16] = CURRENT_MAGIC
    out.writeInt16BE(attributes, 21)
    out.writeInt32BE(this.count - 1, 23)
    writeInt64(out, 27, this.baseTs!)
    writeInt64(out, 35, this.maxTs)
    out.writeBigInt64BE(options.producerId ?? -1n, 43)
    out.writeInt16BE(options.producerEpoch ?? -1, 51)
    out.writeInt32BE(options.baseSequence ?? -1, 53)
    out.writeInt32BE(this.count, 57)
    out.writeUInt32BE(crc32c(out.subarray(21)), 17)
    return out
  }
}

/** Writes a safe integer as int64 without a BigInt. */
function writeInt64(buf: Buffer, o: number, v: number): void {
  const hi = Math.floor(v / 4294967296)
  buf.writeInt32BE(hi, o)
  buf.writeUInt32BE(v - hi * 4294967296, o + 4)
}

/**
 * Re-stamps the producer id, epoch and base sequence of a built v2 batch in
 * place (the idempotent producer assigns or reassigns sequences at send time)
 * and recomputes its CRC. `batch` must be exactly one batch as returned by
 * {@link RecordBatchBuilder.build}, not currently being written to a socket.
 */
export function restampProducerState(batch: Buffer, stamp: ProducerStamp): void {
  if (batch.length < RECORD_BATCH_OVERHEAD || batch[16] !== CURRENT_MAGIC) {
    throw invalid('not a v2 record batch')
  }
  batch.writeBigInt64BE(stamp.producerId, 43)
  batch.writeInt16BE(stamp.producerEpoch, 51)
  batch.writeInt32BE(stamp.baseSequence, 53)
  batch.writeUInt32BE(crc32c(batch.subarray(21, 12 + batch.readInt32BE(8))), 17)
}

/** Sets the partition leader epoch of a built batch in place (outside the CRC, so nothing else changes). */
export function setPartitionLeaderEpoch(batch: Buffer, epoch: number): void {
  batch.writeInt32BE(epoch, 12)
}
