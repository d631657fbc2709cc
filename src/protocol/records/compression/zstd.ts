/**
 * zstd (attribute id 4) through @mongodb-js/zstd (Node 20's zlib has no zstd).
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
import { loadOptional } from '../optional.js'
import { checkOutput, corrupt, guard, tooLarge } from './common.js'

const FRAME_MAGIC = 0xfd2fb528
const BLOCK_MAX = 128 * 1024

function lib(): typeof Zstd {
  return loadOptional<typeof Zstd>('@mongodb-js/zstd', 'zstd compression')
}

/** Compresses `data` into a zstd frame; `level` is zstd's (default 3). */
export function compressZstd(data: Buffer, level?: number): Promise<Buffer> {
  const zstd = lib()
  return guard('zstd', () => zstd.compress(data, level ?? 3))
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

/** Decompresses zstd `data`, refusing output above `limit` bytes. */
export async function decompressZstd(data: Buffer, limit: number): Promise<Buffer> {
  const zstd = lib()
  const bound = zstdDecompressedBound(data)
  if (bound > limit) throw tooLarge('zstd', `up to ${bound}`, limit)
  const out = await guard('zstd', () => zstd.decompress(data))
  return checkOutput('zstd', out, limit)
}
