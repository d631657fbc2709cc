/**
 * snappy (attribute id 2) as the Java client writes it: snappy-java's "xerial"
 * stream framing, the magic header `\x82SNAPPY\x00`, int32 version (1) and
 * int32 minimum compatible version (1), then blocks of int32 big-endian
 * compressed length + one raw snappy block (32 KiB of input each, Java's
 * default block size). Decoding accepts xerial streams (including several
 * concatenated, as snappy-java does) and bare raw snappy, which some non-Java
 * clients write.
 *
 * Each raw snappy block starts with its uncompressed length (a varint), which
 * the decoder enforces; those lengths are summed and checked against the limit
 * before anything is decompressed. samsa's own block decoder (native/snappy.c,
 * when built) then decodes the blocks into one buffer of that size on the
 * calling thread, up to NATIVE_DECODE_SYNC_MAX_BYTES. Without it, or above
 * that, the snappy package decodes: small inputs (see SYNC_MAX_BYTES)
 * synchronously, where the thread pool would cost more than the work, larger
 * ones block by block on the pool, in parallel.
 */
import type * as Snappy from 'snappy'
import { loadOptional, tryLoadNative } from '../optional.js'
import {
  checkOutput, corrupt, decodeFailure, guard, LZ4_COMPRESS_SYNC_MAX_BYTES, moved, NATIVE_DECODE_SYNC_MAX_BYTES, SYNC_MAX_BYTES, tooLarge, trimmed,
} from './common.js'

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16
/** snappy-java's (and so Kafka's) default block size. */
const SNAPPY_BLOCK_SIZE = 32 * 1024

function lib(): typeof Snappy {
  return loadOptional<typeof Snappy>('snappy', 'snappy compression')
}

function isXerial(data: Buffer, at: number): boolean {
  return data.length - at >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, at, at + 8) === 0
}

/** The uncompressed length a raw snappy block declares (its leading varint). */
function declaredLength(block: Buffer): number {
  let result = 0
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!
    result += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) return result
  }
  throw corrupt('snappy', 'bad length preamble')
}

type EncodeBlock = (src: Uint8Array, dst: Uint8Array, pos: number, end: number) => number
type DecodeBlock = (src: Uint8Array, dst: Uint8Array, pos: number) => number
/** samsa's Snappy block codec (native/snappy.c), when it was built. */
const nativeSnappy = tryLoadNative<{ snappyDecodeBlock?: DecodeBlock, snappyEncodeBlock?: EncodeBlock }>('snappy.node')
/** Whether Snappy blocks are compressed by samsa's own native encoder (else by the snappy package). */
export const snappyNativeEncoder = nativeSnappy?.snappyEncodeBlock !== undefined

/** Compresses `data` into a xerial-framed stream (what Java's producer sends). */
export function compressSnappy(data: Buffer): Promise<Buffer> {
  return compressSnappyBehind(data, 0)
}

/**
 * Compresses `data` into a xerial-framed stream written `headroom` bytes
 * into the result (those bytes are left for the caller, e.g. a batch
 * header): up to LZ4_COMPRESS_SYNC_MAX_BYTES with samsa's native encoder on
 * the calling thread, each block straight into its place in `output` when
 * it has room (the result is then a view of it), else in a new buffer;
 * above that, or without it, with the snappy package (on the thread pool
 * above SYNC_MAX_BYTES). `output` is scratch space: its bytes may have
 * been written either way.
 */
export async function compressSnappyBehind(data: Buffer, headroom: number, output?: Buffer): Promise<Buffer> {
  const encode = nativeSnappy?.snappyEncodeBlock
  if (encode === undefined || data.length > LZ4_COMPRESS_SYNC_MAX_BYTES) {
    const stream = await compressSnappyWithPackage(data)
    const size = headroom + stream.length
    const out = output !== undefined && output.length >= size ? output.subarray(0, size) : Buffer.allocUnsafe(size)
    stream.copy(out, headroom)
    return out
  }
  /** What the blocks from `start` on take at most (Snappy's bound, 32 + n + n / 6 per block, and each one's length word). */
  const worstFrom = (start: number): number => {
    let size = 0
    for (let at = start; at < data.length; at += SNAPPY_BLOCK_SIZE) {
      const n = Math.min(SNAPPY_BLOCK_SIZE, data.length - at)
      size += 4 + 32 + n + Math.floor(n / 6)
    }
    return size
  }
  let out = output !== undefined && output.length >= headroom + XERIAL_HEADER_SIZE ? output : Buffer.allocUnsafe(headroom + XERIAL_HEADER_SIZE + worstFrom(0))
  writeXerialHeader(out, headroom)
  let o = headroom + XERIAL_HEADER_SIZE
  for (let start = 0; start < data.length; start += SNAPPY_BLOCK_SIZE) {
    const src = data.subarray(start, Math.min(start + SNAPPY_BLOCK_SIZE, data.length))
    for (;;) {
      const written = out.length - o > 4 ? encode(src, out, o + 4, out.length) : 0
      if (written > 0) {
        out.writeInt32BE(written, o)
        o += 4 + written
        break
      }
      out = moved(out, o, o + worstFrom(start))
    }
  }
  return trimmed(out, o, output)
}

/** The xerial stream header at `at`: magic, version 1, minimum compatible version 1. */
function writeXerialHeader(out: Buffer, at: number): void {
  XERIAL_MAGIC.copy(out, at)
  out.writeInt32BE(1, at + 8)
  out.writeInt32BE(1, at + 12)
}

/** {@link compressSnappy} with the snappy package's encoder, whatever is built (exported for tests). */
export async function compressSnappyWithPackage(data: Buffer): Promise<Buffer> {
  const snappy = lib()
  const blocks: Buffer[] = []
  for (let at = 0; at < data.length; at += SNAPPY_BLOCK_SIZE) {
    blocks.push(data.subarray(at, Math.min(at + SNAPPY_BLOCK_SIZE, data.length)))
  }
  const compressed = data.length <= SYNC_MAX_BYTES
    ? blocks.map((b) => snappy.compressSync(b))
    : await Promise.all(blocks.map((b) => snappy.compress(b)))
  let size = XERIAL_HEADER_SIZE
  for (const b of compressed) size += 4 + b.length
  const out = Buffer.allocUnsafe(size)
  writeXerialHeader(out, 0)
  let o = XERIAL_HEADER_SIZE
  for (const b of compressed) {
    out.writeInt32BE(b.length, o)
    out.set(b, o + 4)
    o += 4 + b.length
  }
  return out
}

const nativeDecodeBlock = nativeSnappy?.snappyDecodeBlock
/** Whether Snappy blocks are decoded by samsa's own native decoder (else by the snappy package). */
export const snappyNativeDecoder = nativeDecodeBlock !== undefined

/** What native/snappy.c's negative results mean. */
const DECODE_ERRORS: Record<number, string> = {
  [-1]: 'bad length preamble',
  [-2]: 'a block declares more than the blocks before it left room for',
  [-3]: 'a literal runs past the end of the block',
  [-4]: 'an element is truncated',
  [-5]: 'a copy refers to before the start of the block',
  [-6]: 'a block decodes to more than it declares',
  [-7]: 'a block decodes to less than it declares',
}

/**
 * Decompresses xerial-framed or raw snappy `data`, refusing output above
 * `limit` bytes (the blocks' length preambles are read first). With samsa's
 * native decoder, up to NATIVE_DECODE_SYNC_MAX_BYTES of output, the blocks
 * are decoded on the calling thread straight into one buffer of the declared
 * size; otherwise, or without it, each by the snappy package (on the thread
 * pool above SYNC_MAX_BYTES) and joined.
 */
export async function decompressSnappy(data: Buffer, limit: number): Promise<Buffer> {
  const blocks: Buffer[] = []
  let total = 0
  if (!isXerial(data, 0)) {
    total = declaredLength(data)
    if (total > limit) throw tooLarge('snappy', total, limit)
    blocks.push(data)
  } else {
    let at = 0
    while (at < data.length) {
      if (isXerial(data, at)) {
        at += XERIAL_HEADER_SIZE
        continue
      }
      if (data.length - at < 4) throw corrupt('snappy', `truncated block length at offset ${at}`)
      const n = data.readInt32BE(at)
      at += 4
      if (n < 0 || n > data.length - at) throw corrupt('snappy', `block of ${n} bytes at offset ${at - 4} runs past the end`)
      if (n === 0) continue
      const block = data.subarray(at, at + n)
      at += n
      total += declaredLength(block)
      if (total > limit) throw tooLarge('snappy', `at least ${total}`, limit)
      blocks.push(block)
    }
  }
  if (nativeDecodeBlock !== undefined && total <= NATIVE_DECODE_SYNC_MAX_BYTES) {
    const out = Buffer.allocUnsafe(total)
    let pos = 0
    for (let i = 0; i < blocks.length; i++) {
      const r = nativeDecodeBlock(blocks[i]!, out, pos)
      if (r < 0) throw decodeFailure('snappy', DECODE_ERRORS, r, `block ${i + 1} of ${blocks.length}`)
      pos = r
    }
    return out
  }
  const snappy = lib()
  const parts = await guard('snappy', async () => total <= SYNC_MAX_BYTES
    ? blocks.map((b) => snappy.uncompressSync(b, { asBuffer: true }) as Buffer)
    : Promise.all(blocks.map((b) => snappy.uncompress(b, { asBuffer: true }) as Promise<Buffer>)))
  return checkOutput('snappy', parts.length === 1 ? parts[0]! : Buffer.concat(parts), limit)
}
