/**
 * Decoding of the `records` bytes of a Fetch response partition: a sequence
 * of v2 record batches, possibly ending in a partial batch the broker cut off
 * at the fetch size limit (ignored, as Java does).
 *
 * Contract: every length and count is checked against the bytes that hold it
 * before anything is allocated for it; malformed data throws
 * {@link ProtocolError}. Keys, values, header values and each batch's
 * `records` are views into the input (or into the decompressed buffer), not
 * copies: keep them only as long as that memory may stay alive.
 */
import { ProtocolError } from '../../errors.js'
import { codecFromId, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES, type CompressionCodec } from './compression/index.js'
import { crc32c } from './crc32c.js'
import {
  ATTR_COMPRESSION_MASK, ATTR_CONTROL, ATTR_DELETE_HORIZON, ATTR_TIMESTAMP_TYPE, ATTR_TRANSACTIONAL,
  CURRENT_MAGIC, RECORD_BATCH_OVERHEAD, type RecordHeader,
} from './batch.js'

export type TimestampType = 'CreateTime' | 'LogAppendTime'

/** A v2 batch's header, and a view of its (possibly compressed) records section. */
export interface RecordBatch {
  baseOffset: bigint
  lastOffsetDelta: number
  /** baseOffset + lastOffsetDelta + 1: the offset after this batch, even when compaction emptied it. */
  nextOffset: bigint
  /** Bytes of the whole batch, header included. */
  sizeInBytes: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  compression: CompressionCodec
  timestampType: TimestampType
  isTransactional: boolean
  isControl: boolean
  /** Set by the log cleaner (KIP-534); record timestamps still decode as baseTimestamp + delta. */
  hasDeleteHorizon: boolean
  baseTimestamp: number
  maxTimestamp: number
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordCount: number
  /** View of the records section as stored (compressed when `compression` isn't 'none'). */
  records: Buffer
}

export interface DecodedRecord {
  offset: bigint
  /** CreateTime: the producer's; LogAppendTime: the batch's maxTimestamp. */
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/**
 * Builds the object a parsed record becomes: parsers call it once per record,
 * so a caller that wants its own record type (the consumer's ConsumerRecord)
 * gets one object per record instead of a DecodedRecord and then its own.
 */
export type RecordFactory<T> = (offset: bigint, timestamp: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[]) => T

const decodedRecord: RecordFactory<DecodedRecord> = (offset, timestamp, key, value, headers) => ({ offset, timestamp, key, value, headers })

export interface ReadBatchesOptions {
  /** Verify each batch's CRC-32C (Java's `check.crcs`). Default true. */
  checkCrc?: boolean
}

export interface DecodeRecordsOptions {
  /** Bound on a batch's decompressed records section. Default 256 MiB. */
  maxDecompressedBytes?: number
}

/** The smallest possible record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
const MIN_RECORD_SIZE = 7

const EMPTY = Buffer.alloc(0)

function readInt64Number(buf: Buffer, o: number): number {
  return buf.readInt32BE(o) * 4294967296 + buf.readUInt32BE(o + 4)
}

/**
 * Splits fetched `data` into batches (headers parsed, records left encoded).
 * A partial batch at the end is ignored, so an empty result for non-empty
 * data means the first batch is incomplete (the fetch size was too small).
 * Throws ProtocolError for a CRC mismatch (when checked), a legacy (magic 0
 * or 1) or unknown format, or an impossible length or count.
 */
export function readBatches(data: Buffer, options: ReadBatchesOptions = {}): RecordBatch[] {
  const checkCrc = options.checkCrc ?? true
  const batches: RecordBatch[] = []
  let at = 0
  const end = data.length
  while (end - at >= 12) {
    const batchLength = data.readInt32BE(at + 8)
    const size = 12 + batchLength
    if (batchLength < 0) throw new ProtocolError(`negative batch length ${batchLength} at byte ${at} of the fetched records`)
    if (size > end - at) break // partial trailing batch
    const baseOffset = data.readBigInt64BE(at)
    if (size < 17) {
      throw new ProtocolError(`record batch at offset ${baseOffset} is ${size} bytes, too short to hold a header`)
    }
    const magic = data.readInt8(at + 16)
    if (magic !== CURRENT_MAGIC) {
      if (magic === 0 || magic === 1) {
        throw new ProtocolError(
          `message set at offset ${baseOffset} uses the legacy message format (magic v${magic}), which samsa does not support; ` +
          'only record batches (magic v2, Kafka 0.11+) can be read',
          { type: 'UNSUPPORTED_MESSAGE_FORMAT', context: { offset: baseOffset, magic } },
        )
      }
      throw new ProtocolError(`record batch at offset ${baseOffset} has unknown magic ${magic}`, { context: { offset: baseOffset, magic } })
    }
    if (size < RECORD_BATCH_OVERHEAD) {
      throw new ProtocolError(`record batch at offset ${baseOffset} is ${size} bytes, less than the ${RECORD_BATCH_OVERHEAD}-byte header`)
    }
    const crc = data.readUInt32BE(at + 17)
    if (checkCrc) checkCrcOf(data.subarray(at + 21, at + size), crc, baseOffset)
    const attributes = data.readInt16BE(at + 21)
    const lastOffsetDelta = data.readInt32BE(at + 23)
    const recordCount = data.readInt32BE(at + 57)
    const records = data.subarray(at + RECORD_BATCH_OVERHEAD, at + size)
    const compression = codecFromId(attributes & ATTR_COMPRESSION_MASK)
    if (recordCount < 0 || (compression === 'none' && recordCount * MIN_RECORD_SIZE > records.length)) {
      throw new ProtocolError(
        `record batch at offset ${baseOffset} claims ${recordCount} records in ${records.length} bytes`,
        { context: { offset: baseOffset } },
      )
    }
    batches.push({
      baseOffset,
      lastOffsetDelta,
      nextOffset: baseOffset + BigInt(lastOffsetDelta) + 1n,
      sizeInBytes: size,
      partitionLeaderEpoch: data.readInt32BE(at + 12),
      magic,
      crc,
      attributes,
      compression,
      timestampType: (attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'LogAppendTime' : 'CreateTime',
      isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
      isControl: (attributes & ATTR_CONTROL) !== 0,
      hasDeleteHorizon: (attributes & ATTR_DELETE_HORIZON) !== 0,
      baseTimestamp: readInt64Number(data, at + 27),
      maxTimestamp: readInt64Number(data, at + 35),
      producerId: data.readBigInt64BE(at + 43),
      producerEpoch: data.readInt16BE(at + 51),
      baseSequence: data.readInt32BE(at + 53),
      recordCount,
      records,
    })
    at += size
  }
  return batches
}

/** Throws ProtocolError (CORRUPT_MESSAGE) unless `covered` (attributes to the end of a batch) has CRC-32C `crc`. */
function checkCrcOf(covered: Buffer, crc: number, baseOffset: bigint): void {
  const computed = crc32c(covered)
  if (computed !== crc) {
    throw new ProtocolError(
      `record batch at offset ${baseOffset} is corrupt: stored CRC 0x${crc.toString(16)}, computed 0x${computed.toString(16)}`,
      { type: 'CORRUPT_MESSAGE', context: { offset: baseOffset } },
    )
  }
}

/**
 * Checks the CRC of batches that `readBatches` returned with `checkCrc: false`
 * (their `records` are views into the fetched data, so the bytes the CRC
 * covers are right before them). Throws as `readBatches` does.
 */
export function checkBatchCrcs(batches: readonly RecordBatch[]): void {
  for (const b of batches) {
    const r = b.records
    const from = RECORD_BATCH_OVERHEAD - 21
    checkCrcOf(Buffer.from(r.buffer, r.byteOffset - from, r.length + from), b.crc, b.baseOffset)
  }
}

/**
 * The records of `batch`, decompressing its records section first when it is
 * compressed (off the event loop, bounded by `maxDecompressedBytes`).
 */
export async function decodeRecords(batch: RecordBatch, options?: DecodeRecordsOptions): Promise<DecodedRecord[]>
export async function decodeRecords<T>(batch: RecordBatch, options: DecodeRecordsOptions, make: RecordFactory<T>): Promise<T[]>
export async function decodeRecords<T>(batch: RecordBatch, options: DecodeRecordsOptions = {}, make?: RecordFactory<T>): Promise<T[]> {
  const m = (make ?? decodedRecord) as RecordFactory<T>
  if (batch.compression === 'none' || batch.recordCount === 0) return parseRecords(batch, batch.compression === 'none' ? batch.records : EMPTY, m)
  const bytes = await decompress(batch.compression, batch.records, options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES)
  return parseRecords(batch, bytes, m)
}

// Cursor of the record parser. Parsing is synchronous, so module state is safe
// and keeps the varint readers free of allocations and property lookups.
let buf: Buffer = Buffer.alloc(0)
let pos = 0
let lim = 0

function fail(detail: string): never {
  throw new ProtocolError(`malformed record: ${detail} at byte ${pos} of the records section`)
}

function readVarint(): number {
  let b = pos < lim ? buf[pos++]! : fail('truncated varint')
  let u = b & 0x7f
  if (b >= 0x80) {
    b = pos < lim ? buf[pos++]! : fail('truncated varint')
    u |= (b & 0x7f) << 7
    if (b >= 0x80) {
      b = pos < lim ? buf[pos++]! : fail('truncated varint')
      u |= (b & 0x7f) << 14
      if (b >= 0x80) {
        b = pos < lim ? buf[pos++]! : fail('truncated varint')
        u |= (b & 0x7f) << 21
        if (b >= 0x80) {
          b = pos < lim ? buf[pos++]! : fail('truncated varint')
          if (b > 0x0f) fail('varint longer than 32 bits')
          u |= b << 28
        }
      }
    }
  }
  return (u >>> 1) ^ -(u & 1)
}

/** A zigzag varlong as a number (exact below 2^53). */
function readVarlong(): number {
  let u = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    const b = pos < lim ? buf[pos++]! : fail('truncated varlong')
    u += (b & 0x7f) * scale
    if (b < 0x80) return u % 2 === 0 ? u / 2 : -(u + 1) / 2
    scale *= 128
  }
  return fail('varlong longer than 10 bytes')
}

/** Reads a varint length (-1 = null) and returns a view of that many bytes. */
function readNullableBytes(what: string): Buffer | null {
  const n = readVarint()
  if (n < 0) {
    if (n === -1) return null
    fail(`negative ${what} length ${n}`)
  }
  if (n > lim - pos) fail(`${what} of ${n} bytes runs past the end of its record`)
  const v = buf.subarray(pos, pos + n)
  pos += n
  return v
}

/**
 * Parses the uncompressed records section `bytes` of `batch` (synchronous;
 * {@link decodeRecords} calls it after decompressing). Exactly `recordCount`
 * records must fill `bytes`, each exactly its declared length.
 */
export function parseRecords(batch: RecordBatch, bytes: Buffer): DecodedRecord[]
export function parseRecords<T>(batch: RecordBatch, bytes: Buffer, make: RecordFactory<T>): T[]
export function parseRecords<T>(batch: RecordBatch, bytes: Buffer, make?: RecordFactory<T>): T[] {
  const build = (make ?? decodedRecord) as RecordFactory<T>
  const count = batch.recordCount
  if (count < 0 || count * MIN_RECORD_SIZE > bytes.length) {
    throw new ProtocolError(
      `record batch at offset ${batch.baseOffset} claims ${count} records in ${bytes.length} bytes of records`,
      { context: { offset: batch.baseOffset } },
    )
  }
  const out: T[] = new Array(count)
  const logAppendTime = batch.timestampType === 'LogAppendTime'
  const baseTimestamp = batch.baseTimestamp
  const maxTimestamp = batch.maxTimestamp
  const baseOffset = batch.baseOffset
  // Offsets as numbers while exact, so each record costs one BigInt, not two.
  const smallOffsets = baseOffset >= 0n && baseOffset < 2n ** 52n
  const baseOffsetNumber = Number(baseOffset)
  const sectionEnd = bytes.length
  buf = bytes
  pos = 0
  lim = sectionEnd
  try {
    for (let i = 0; i < count; i++) {
      lim = sectionEnd
      const length = readVarint()
      if (length < 6 || length > sectionEnd - pos) fail(`record length ${length} (record ${i} of ${count})`)
      const recordEnd = pos + length
      lim = recordEnd
      pos++ // record attributes: unused
      const timestampDelta = readVarlong()
      const offsetDelta = readVarint()
      const key = readNullableBytes('key')
      const value = readNullableBytes('value')
      const headerCount = readVarint()
      if (headerCount < 0 || headerCount * 2 > recordEnd - pos) fail(`impossible header count ${headerCount}`)
      const headers: RecordHeader[] = []
      for (let h = 0; h < headerCount; h++) {
        const keyLength = readVarint()
        if (keyLength < 0 || keyLength > recordEnd - pos) fail(`header key length ${keyLength}`)
        const headerKey = buf.toString('utf8', pos, pos + keyLength)
        pos += keyLength
        headers.push({ key: headerKey, value: readNullableBytes('header value') })
      }
      if (pos !== recordEnd) fail(`record ${i} declares ${length} bytes but its fields take ${length - (recordEnd - pos)}`)
      out[i] = build(
        smallOffsets ? BigInt(baseOffsetNumber + offsetDelta) : baseOffset + BigInt(offsetDelta),
        logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      )
    }
    if (pos !== sectionEnd) {
      throw new ProtocolError(
        `record batch at offset ${baseOffset} has ${sectionEnd - pos} bytes after its ${count} records`,
        { context: { offset: baseOffset } },
      )
    }
  } finally {
    buf = EMPTY
  }
  return out
}

/** Control record types (the `type` of a control record's key). */
export const ControlRecordType = Object.freeze({
  ABORT: 0,
  COMMIT: 1,
})

export interface ControlRecordKey {
  version: number
  /** 0 ABORT, 1 COMMIT; brokers use other values for KRaft-internal control records. */
  type: number
}

/** Decodes the key of a record in a control batch: int16 version, int16 type. */
export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < 4) {
    throw new ProtocolError(`control record key of ${key === null ? 'null' : `${key.length} bytes`} is too short`)
  }
  return { version: key.readInt16BE(0), type: key.readInt16BE(2) }
}

export interface EndTransactionMarker {
  version: number
  coordinatorEpoch: number
}

/** Decodes the value of an ABORT or COMMIT control record: int16 version, int32 coordinatorEpoch. */
export function decodeEndTransactionMarker(value: Buffer | null): EndTransactionMarker {
  if (value === null || value.length < 6) {
    throw new ProtocolError(`transaction marker value of ${value === null ? 'null' : `${value.length} bytes`} is too short`)
  }
  return { version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) }
}
