/**
 * lz4 (attribute id 3): the LZ4 *frame* format, as Kafka's
 * Lz4BlockOutputStream writes it for magic v2 (version 01, independent
 * blocks of at most 64 KiB, no checksums, correct header checksum). The frame
 * is assembled here around lz4-napi's *block* compressor, one call per 64 KiB
 * block (an incompressible block is stored raw, as Java does). Its block
 * encoder takes less CPU than its frame encoder for the same blocks, and the
 * frame can be written straight behind a record batch header, into a buffer
 * the producer reuses (bench/micro/records.ts compares the two).
 *
 * Before decompressing, the frames are walked (a few bytes per block) to bound
 * the output: an uncompressed block contributes its size, a compressed block
 * at most the frame's maximum block size (the decoder enforces that); a
 * declared content size is checked too. Output above the limit is refused
 * before it is allocated. Small frames (see SYNC_MAX_BYTES) are handled
 * synchronously, where the thread pool would cost more than the work.
 */
import type * as Lz4 from 'lz4-napi'
import { KafkaError } from '../../../errors.js'
import { loadOptional } from '../optional.js'
import { checkOutput, corrupt, guard, LZ4_COMPRESS_SYNC_MAX_BYTES, SYNC_MAX_BYTES, tooLarge } from './common.js'

const FRAME_MAGIC = 0x184d2204

function lib(): typeof Lz4 {
  return loadOptional<typeof Lz4>('lz4-napi', 'lz4 compression')
}

/** The largest block written (the frame descriptor's BD says 64 KiB). */
const BLOCK_SIZE = 64 * 1024
/**
 * Magic, FLG 0x60 (version 01, independent blocks, no checksums, no content
 * size), BD 0x40 (64 KiB blocks), then the header checksum: the second byte
 * of xxHash32(FLG BD), constant for this descriptor.
 */
const FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82])
const RAW_BLOCK = 0x80000000

/** Compresses `data` into one LZ4 frame. */
export function compressLz4(data: Buffer): Promise<Buffer> {
  return compressLz4Behind(data, 0)
}

/**
 * Compresses `data` into one LZ4 frame written `headroom` bytes into the
 * result (those bytes are left for the caller, e.g. a batch header): into
 * `output` when it has room for all of it (the result is then a view of
 * `output`), else into a new buffer. Blocks are compressed on the calling
 * thread up to LZ4_COMPRESS_SYNC_MAX_BYTES of `data`, else on the libuv pool.
 */
export async function compressLz4Behind(data: Buffer, headroom: number, output?: Buffer): Promise<Buffer> {
  const lz4 = lib()
  const count = Math.ceil(data.length / BLOCK_SIZE)
  const blocks: Buffer[] = new Array(count)
  if (data.length <= LZ4_COMPRESS_SYNC_MAX_BYTES) {
    for (let i = 0; i < count; i++) blocks[i] = lz4.compressSync(block(data, i))
  } else {
    const pending: Promise<Buffer>[] = new Array(count)
    for (let i = 0; i < count; i++) pending[i] = lz4.compress(block(data, i))
    const done = await Promise.all(pending)
    for (let i = 0; i < count; i++) blocks[i] = done[i]!
  }
  return assembleFrame(data, blocks, headroom, output)
}

function block(data: Buffer, i: number): Buffer {
  return data.subarray(i * BLOCK_SIZE, Math.min(data.length, (i + 1) * BLOCK_SIZE))
}

/**
 * Lays out the frame: header, each block (lz4-napi's output carries the
 * uncompressed size in 4 bytes before the block; checked, then dropped) or,
 * where compressing did not shrink it, the raw bytes, then the end mark.
 */
function assembleFrame(data: Buffer, blocks: Buffer[], headroom: number, output: Buffer | undefined): Buffer {
  let size = headroom + FRAME_HEADER.length + 4
  for (let i = 0; i < blocks.length; i++) {
    const raw = Math.min(BLOCK_SIZE, data.length - i * BLOCK_SIZE)
    const c = blocks[i]!
    if (c.length < 4 || c.readUInt32LE(0) !== raw) {
      throw new KafkaError(`lz4-napi's block compressor returned an unexpected layout (${c.length} bytes for a ${raw}-byte block)`)
    }
    size += 4 + Math.min(c.length - 4, raw)
  }
  const out = output !== undefined && output.length >= size ? output.subarray(0, size) : Buffer.allocUnsafe(size)
  let o = headroom + FRAME_HEADER.copy(out, headroom)
  for (let i = 0; i < blocks.length; i++) {
    const start = i * BLOCK_SIZE
    const raw = Math.min(BLOCK_SIZE, data.length - start)
    const c = blocks[i]!
    const compressed = c.length - 4
    if (compressed < raw) {
      out.writeUInt32LE(compressed, o)
      o += 4 + c.copy(out, o + 4, 4)
    } else {
      out.writeUInt32LE((raw | RAW_BLOCK) >>> 0, o)
      o += 4 + data.copy(out, o + 4, start, start + raw)
    }
  }
  out.writeUInt32LE(0, o) // end mark
  return out
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
