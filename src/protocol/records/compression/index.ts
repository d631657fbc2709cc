/**
 * The record-batch compression codecs, by Kafka's names and attribute ids.
 *
 * Contract: `compress` output is what the Java client writes for the codec
 * (gzip; xerial-framed snappy; LZ4 frame; zstd frame), and `decompress`
 * accepts what Java and other common clients write. `decompress` never
 * produces (or lets a codec allocate) more than `maxOutputBytes`: it throws a
 * ProtocolError of type `DECOMPRESSED_TOO_LARGE` instead; corrupt input is a
 * ProtocolError too. A codec whose optional package is missing throws a
 * KafkaError of type `MISSING_DEPENDENCY` naming the package. Inputs and
 * outputs above a few tens of KiB are processed on the libuv thread pool, so
 * big batches never stall the event loop; smaller ones synchronously (cheaper
 * than the thread-pool round trip; LZ4 compression up to 256 KiB, see
 * LZ4_COMPRESS_SYNC_MAX_BYTES). Both functions always return promises.
 */
import { ProtocolError } from '../../../errors.js'
import { loadOptional } from '../optional.js'
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from './common.js'
import { compressGzip, decompressGzip } from './gzip.js'
import { compressLz4, compressLz4Behind, decompressLz4 } from './lz4.js'
import { compressSnappy, compressSnappyBehind, decompressSnappy } from './snappy.js'
import { compressZstd, compressZstdBehind, decompressZstd } from './zstd.js'

export { DEFAULT_MAX_DECOMPRESSED_BYTES } from './common.js'

export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** The id of each codec in the low 3 bits of a batch's attributes. */
export const COMPRESSION_CODEC_IDS: Readonly<Record<CompressionCodec, number>> = Object.freeze({
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
})

const CODECS_BY_ID: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** The codec for an attribute id (0..4); ProtocolError for any other. */
export function codecFromId(id: number): CompressionCodec {
  const codec = CODECS_BY_ID[id]
  if (codec === undefined) throw new ProtocolError(`unknown compression codec id ${id}`)
  return codec
}

const PACKAGES: Readonly<Record<CompressionCodec, string | null>> = {
  none: null,
  gzip: null, // node:zlib
  snappy: 'snappy',
  lz4: 'lz4-napi',
  zstd: '@mongodb-js/zstd',
}

/**
 * Throws the MISSING_DEPENDENCY KafkaError now if `codec`'s optional package
 * cannot be loaded: for producers to check `compression.type` at construction
 * instead of failing on their first batch.
 */
export function assertCodecAvailable(codec: CompressionCodec): void {
  const pkg = PACKAGES[codec]
  if (pkg === undefined) throw new ProtocolError(`unknown compression codec ${String(codec)}`)
  if (pkg !== null) loadOptional(pkg, `${codec} compression`)
}

export interface CompressOptions {
  /** Codec level (gzip 1..9, zstd 1..22); ignored by snappy and lz4. Default: the codec's default. */
  level?: number
}

/** Compresses `data` with `codec` ('none' returns `data` itself). */
export async function compress(codec: CompressionCodec, data: Buffer, options: CompressOptions = {}): Promise<Buffer> {
  switch (codec) {
    case 'none': return data
    case 'gzip': return compressGzip(data, options.level)
    case 'snappy': return compressSnappy(data)
    case 'lz4': return compressLz4(data)
    case 'zstd': return compressZstd(data, options.level)
    default: throw new ProtocolError(`unknown compression codec ${String(codec)}`)
  }
}

/**
 * {@link compress} for a record batch: the compressed bytes are written
 * `headroom` bytes into the result (room for the batch header, left to the
 * caller), into `output` when it is large enough (the result is then a view
 * of it), else into a new buffer; `output` may have been written either way.
 * lz4, and snappy and zstd with samsa's native modules, are written in
 * place; gzip's output is copied behind the headroom. Not for 'none'.
 */
export async function compressBehind(codec: CompressionCodec, data: Buffer, headroom: number,
  options: CompressOptions & { output?: Buffer } = {}): Promise<Buffer> {
  if (codec === 'lz4') return compressLz4Behind(data, headroom, options.output)
  if (codec === 'zstd') return compressZstdBehind(data, headroom, options.output, options.level)
  if (codec === 'snappy') return compressSnappyBehind(data, headroom, options.output)
  const compressed = await compress(codec, data, options)
  const size = headroom + compressed.length
  const output = options.output
  const out = output !== undefined && output.length >= size ? output.subarray(0, size) : Buffer.allocUnsafe(size)
  compressed.copy(out, headroom)
  return out
}

/**
 * Decompresses `data` written with `codec` ('none' returns `data` itself),
 * refusing output above `maxOutputBytes` (default 256 MiB).
 */
export async function decompress(codec: CompressionCodec, data: Buffer,
  maxOutputBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES): Promise<Buffer> {
  switch (codec) {
    case 'none': return data
    case 'gzip': return decompressGzip(data, maxOutputBytes)
    case 'snappy': return decompressSnappy(data, maxOutputBytes)
    case 'lz4': return decompressLz4(data, maxOutputBytes)
    case 'zstd': return decompressZstd(data, maxOutputBytes)
    default: throw new ProtocolError(`unknown compression codec ${String(codec)}`)
  }
}
