/**
 * lz4 (attribute id 3): the LZ4 *frame* format, as Kafka's
 * Lz4BlockOutputStream writes it for magic v2 (version 01, independent
 * blocks, no checksums, correct header checksum). Compression uses lz4-napi's
 * frame encoder (independent blocks of 64 KiB or 256 KiB, no checksums), which
 * the Java decoder accepts.
 *
 * Before decompressing, the frames are walked (a few bytes per block) to bound
 * the output: an uncompressed block contributes its size, a compressed block
 * at most the frame's maximum block size (the decoder enforces that); a
 * declared content size is checked too. Output above the limit is refused
 * before it is allocated. Small frames (see SYNC_MAX_BYTES) are handled
 * synchronously, where the thread pool would cost more than the work.
 */
import type * as Lz4 from 'lz4-napi'
import { loadOptional } from '../optional.js'
import { checkOutput, corrupt, guard, SYNC_MAX_BYTES, tooLarge } from './common.js'

const FRAME_MAGIC = 0x184d2204

function lib(): typeof Lz4 {
  return loadOptional<typeof Lz4>('lz4-napi', 'lz4 compression')
}

/** Compresses `data` into one LZ4 frame. */
export function compressLz4(data: Buffer): Promise<Buffer> {
  const lz4 = lib()
  if (data.length <= SYNC_MAX_BYTES) return Promise.resolve(lz4.compressFrameSync(data))
  return lz4.compressFrame(data)
}

/**
 * An upper bound on the bytes the LZ4 frames in `data` decompress to (and on
 * what the decoder may allocate for them), from the frame descriptors and
 * block headers only. Throws ProtocolError for
 * malformed framing.
 */
export function lz4DecompressedBound(data: Buffer): number {
  let bound = 0
  let at = 0
  let frames = 0
  while (data.length - at >= 4) {
    const magic = data.readUInt32LE(at)
    if ((magic & 0xfffffff0) === 0x184d2a50) { // skippable frame
      if (data.length - at < 8) throw corrupt('lz4', `truncated skippable frame at offset ${at}`)
      at += 8 + data.readUInt32LE(at + 4)
      continue
    }
    if (magic !== FRAME_MAGIC) {
      if (frames > 0) break // trailing bytes after a frame are ignored, as the decoder does
      throw corrupt('lz4', `not an LZ4 frame (magic 0x${magic.toString(16)})`)
    }
    frames++
    if (data.length - at < 7) throw corrupt('lz4', 'truncated frame descriptor')
    const flg = data[at + 4]!
    const bd = data[at + 5]!
    if (flg >>> 6 !== 1) throw corrupt('lz4', `unsupported frame version ${flg >>> 6}`)
    const blockSizeId = (bd >>> 4) & 7
    if (blockSizeId < 4) throw corrupt('lz4', `invalid block size id ${blockSizeId}`)
    const maxBlock = 1 << (2 * blockSizeId + 8)
    const blockChecksum = (flg & 0x10) !== 0
    const contentSize = (flg & 0x08) !== 0
    const contentChecksum = (flg & 0x04) !== 0
    const dictId = (flg & 0x01) !== 0
    at += 6
    let declared = 0
    if (contentSize) {
      if (data.length - at < 8) throw corrupt('lz4', 'truncated frame descriptor')
      // The decoder may allocate what the frame declares, so the declared size counts too.
      declared = Number(data.readBigUInt64LE(at))
      at += 8
    }
    if (dictId) at += 4
    at += 1 // header checksum, verified by the decoder
    let frameBound = 0
    for (;;) {
      if (data.length - at < 4) throw corrupt('lz4', `truncated block header at offset ${at}`)
      const word = data.readUInt32LE(at)
      at += 4
      if (word === 0) break
      const size = word & 0x7fffffff
      if (size > maxBlock) throw corrupt('lz4', `block of ${size} bytes exceeds the frame's maximum ${maxBlock}`)
      frameBound += (word & 0x80000000) !== 0 ? size : maxBlock
      at += size + (blockChecksum ? 4 : 0)
      if (at > data.length) throw corrupt('lz4', 'block runs past the end of the data')
    }
    if (contentChecksum) at += 4
    bound += Math.max(frameBound, declared)
  }
  return bound
}

/** Decompresses LZ4 frame `data`, refusing output above `limit` bytes. */
export async function decompressLz4(data: Buffer, limit: number): Promise<Buffer> {
  const lz4 = lib()
  const bound = lz4DecompressedBound(data)
  if (bound > limit) throw tooLarge('lz4', `up to ${bound}`, limit)
  const out = await guard('lz4', async () => bound <= SYNC_MAX_BYTES ? lz4.decompressFrameSync(data) : lz4.decompressFrame(data))
  return checkOutput('lz4', out, limit)
}
