/**
 * zstd (attribute id 4): through samsa's native module over the system's
 * libzstd (native/zstd.c, when built; contexts kept per thread), which
 * compresses straight into the batch's buffer (on the calling thread up to
 * ZSTD_NATIVE_COMPRESS_SYNC_MAX_BYTES of input, on the libuv thread pool
 * above) and decompresses on the calling thread up to
 * NATIVE_DECODE_SYNC_MAX_BYTES of output; without it, and for larger
 * outputs, through @mongodb-js/zstd on the thread pool (Node 20's zlib has
 * no zstd).
 *
 * The frames Java (zstd-jni's streaming encoder) and @mongodb-js/zstd write
 * usually carry no content size, so before decompressing, the frames are
 * walked (3 bytes per block) to bound the output: a raw or RLE block
 * contributes its regenerated size, a compressed block at most 128 KiB (the
 * format's block maximum, which the decoder enforces). A declared content
 * size counts too, since a decoder may allocate it up front. Output above the
 * limit is refused before it is allocated.
 */
import type * as Zstd from '@mongodb-js/zstd'
import { KafkaError } from '../../../errors.js'
import { loadOptional, tryLoadNative } from '../optional.js'
import {
  checkOutput, corrupt, guard, keepOutput, NATIVE_DECODE_SYNC_MAX_BYTES, outputRoom, tooLarge, trimmed, ZSTD_NATIVE_COMPRESS_SYNC_MAX_BYTES,
} from './common.js'

const FRAME_MAGIC = 0xfd2fb528
const BLOCK_MAX = 128 * 1024

function lib(): typeof Zstd {
  return loadOptional<typeof Zstd>('@mongodb-js/zstd', 'zstd compression')
}

/** samsa's zstd module (native/zstd.c), when it was built. */
const nativeZstd = tryLoadNative<{
  zstdDecompress?: (src: Uint8Array, dst: Uint8Array, pos: number) => number
  zstdCompress?: (src: Uint8Array, dst: Uint8Array, pos: number, end: number, level: number) => number
  zstdCompressAsync?: (src: Uint8Array, dst: Uint8Array, pos: number, end: number, level: number) => Promise<number>
  zstdErrorName?: (code: number) => string
}>('zstd.node')
/** Whether zstd runs through samsa's own native module (else through @mongodb-js/zstd). */
export const zstdNative = nativeZstd?.zstdDecompress !== undefined && nativeZstd.zstdCompress !== undefined &&
  nativeZstd.zstdCompressAsync !== undefined

/** zstd's words for a negative result of the native module. */
function errorName(result: number): string {
  return nativeZstd?.zstdErrorName?.(-result) ?? `zstd error ${-result}`
}

/** Compresses `data` into a zstd frame; `level` is zstd's (default 3). */
export function compressZstd(data: Buffer, level?: number): Promise<Buffer> {
  return compressZstdBehind(data, 0, undefined, level)
}

/**
 * Compresses `data` into one zstd frame written `headroom` bytes into the
 * result (those bytes are left for the caller, e.g. a batch header): with
 * the native module (on the calling thread up to
 * ZSTD_NATIVE_COMPRESS_SYNC_MAX_BYTES of `data`, else on the libuv thread
 * pool), straight into `output` when the frame fits there (the result is
 * then a view of it), else into a new buffer; through @mongodb-js/zstd (on
 * the pool), into a new buffer copied into `output` when it fits. `output`
 * is scratch space: its bytes may have been written either way.
 */
export async function compressZstdBehind(data: Buffer, headroom: number, output?: Buffer, level = 3): Promise<Buffer> {
  const sync = nativeZstd?.zstdCompress
  const async = nativeZstd?.zstdCompressAsync
  if (sync === undefined || async === undefined) {
    const compressed = await guard('zstd', () => lib().compress(data, level))
    const size = headroom + compressed.length
    const out = output !== undefined && output.length >= size ? output.subarray(0, size) : Buffer.allocUnsafe(size)
    compressed.copy(out, headroom)
    return out
  }
  const into = (dst: Buffer): number | Promise<number> => data.length <= ZSTD_NATIVE_COMPRESS_SYNC_MAX_BYTES
    ? sync(data, dst, headroom, dst.length, level)
    : async(data, dst, headroom, dst.length, level)
  const failed = (n: number): KafkaError =>
    new KafkaError(`zstd could not compress ${data.length} bytes at level ${level}: ${n === 0 ? 'no room for the frame' : errorName(n)}`)
  if (output !== undefined && output.length > headroom) {
    const n = await into(output)
    if (n > 0) return output.subarray(0, headroom + n)
    if (n < 0) throw failed(n)
  }
  // zstd's bound on a frame of data.length bytes is below this.
  const room = Buffer.allocUnsafe(headroom + data.length + (data.length >>> 8) + 64)
  const n = await into(room)
  if (n <= 0) throw failed(n)
  return trimmed(room, headroom + n)
}

/**
 * An upper bound on the bytes the zstd frames in `data` decompress to (and on
 * what a decoder may allocate for them), from frame and block headers only.
 * Throws ProtocolError for malformed framing.
 */
export function zstdDecompressedBound(data: Buffer): number {
  let bound = 0
  let at = 0
  while (at < data.length) {
    if (data.length - at < 4) throw corrupt('zstd', `truncated frame magic at offset ${at}`)
    const magic = data.readUInt32LE(at)
    if ((magic & 0xfffffff0) === 0x184d2a50) { // skippable frame
      if (data.length - at < 8) throw corrupt('zstd', `truncated skippable frame at offset ${at}`)
      at += 8 + data.readUInt32LE(at + 4)
      continue
    }
    if (magic !== FRAME_MAGIC) throw corrupt('zstd', `not a zstd frame (magic 0x${magic.toString(16)}) at offset ${at}`)
    at += 4
    if (at >= data.length) throw corrupt('zstd', 'truncated frame header')
    const fhd = data[at++]!
    const fcsFlag = fhd >>> 6
    const singleSegment = (fhd & 0x20) !== 0
    const checksum = (fhd & 0x04) !== 0
    const dictIdSize = [0, 1, 2, 4][fhd & 3]!
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!
    if (!singleSegment) at += 1 // window descriptor
    at += dictIdSize
    if (data.length - at < fcsSize) throw corrupt('zstd', 'truncated frame header')
    let declared = 0
    if (fcsSize === 1) declared = data[at]!
    else if (fcsSize === 2) declared = data.readUInt16LE(at) + 256
    else if (fcsSize === 4) declared = data.readUInt32LE(at)
    else if (fcsSize === 8) declared = Number(data.readBigUInt64LE(at))
    at += fcsSize
    let frameBound = 0
    for (;;) {
      if (data.length - at < 3) throw corrupt('zstd', `truncated block header at offset ${at}`)
      const header = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16)
      at += 3
      const last = (header & 1) !== 0
      const type = (header >>> 1) & 3
      const size = header >>> 3
      if (type === 0) { // raw
        frameBound += size
        at += size
      } else if (type === 1) { // RLE: one byte repeated `size` times
        frameBound += size
        at += 1
      } else if (type === 2) { // compressed
        frameBound += BLOCK_MAX
        at += size
      } else {
        throw corrupt('zstd', `reserved block type at offset ${at - 3}`)
      }
      if (at > data.length) throw corrupt('zstd', 'block runs past the end of the data')
      if (last) break
    }
    if (checksum) at += 4
    bound += Math.max(frameBound, declared)
  }
  return bound
}

/**
 * Decompresses zstd `data`, refusing output above `limit` bytes: with the
 * native module on the calling thread up to NATIVE_DECODE_SYNC_MAX_BYTES of
 * output (into room for the bound from the frame headers; what the frames
 * really hold beyond it is refused by the decoder), else with
 * @mongodb-js/zstd on the thread pool.
 */
export async function decompressZstd(data: Buffer, limit: number): Promise<Buffer> {
  const bound = zstdDecompressedBound(data)
  if (bound > limit) throw tooLarge('zstd', `up to ${bound}`, limit)
  const native = nativeZstd?.zstdDecompress
  if (native !== undefined && bound <= NATIVE_DECODE_SYNC_MAX_BYTES) {
    const room = outputRoom(bound)
    const end = native(data, room, 0)
    if (end < 0) throw corrupt('zstd', errorName(end)) // the room was not kept: outputRoom hands it out again
    return checkOutput('zstd', keepOutput(room, end), limit)
  }
  const zstd = lib()
  const out = await guard('zstd', () => zstd.decompress(data))
  return checkOutput('zstd', out, limit)
}
