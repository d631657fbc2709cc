/**
 * lz4 (attribute id 3): the LZ4 *frame* format, as Kafka's
 * Lz4BlockOutputStream writes it for magic v2 (version 01, independent
 * blocks of at most 64 KiB, no checksums, correct header checksum). The frame
 * is samsa's own, around a *block* compressor: samsa's (native/lz4.c, when
 * built), which writes each block straight into the output, or lz4-napi's,
 * one call and one new buffer per 64 KiB block (its block encoder took less
 * CPU than its frame encoder for the same blocks, bench/micro/records.ts).
 * An incompressible block is stored raw, as Java does. The frame is written
 * behind a record batch header, into a buffer the producer reuses when it
 * has room.
 *
 * Before decompressing, the frames are walked (a few bytes per block) to bound
 * the output: an uncompressed block contributes its size, a compressed block
 * at most the frame's maximum block size (the decoder enforces that); a
 * declared content size is checked too. Output above the limit is refused
 * before it is allocated. Frames are then decoded by samsa's own block decoder
 * (native/lz4.c, when built) straight into one output buffer, on the calling
 * thread up to NATIVE_DECODE_SYNC_MAX_BYTES; without it, or above that, by
 * lz4-napi's frame decoder (small frames, see SYNC_MAX_BYTES, synchronously,
 * where the thread pool would cost more than the work).
 */
import type * as Lz4 from 'lz4-napi'
import { KafkaError } from '../../../errors.js'
import { loadOptional, tryLoadNative } from '../optional.js'
import {
  checkOutput, corrupt, decodeFailure, guard, keepOutput, LZ4_COMPRESS_SYNC_MAX_BYTES, moved, NATIVE_DECODE_SYNC_MAX_BYTES, outputRoom, SYNC_MAX_BYTES,
  tooLarge, trimmed,
} from './common.js'

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

type EncodeBlock = (src: Uint8Array, dst: Uint8Array, pos: number, end: number) => number
type DecodeBlock = (src: Uint8Array, dst: Uint8Array, window: number, pos: number) => number
/** samsa's LZ4 block codec (native/lz4.c), when it was built. */
const nativeLz4 = tryLoadNative<{ lz4DecodeBlock?: DecodeBlock, lz4EncodeBlock?: EncodeBlock }>('lz4.node')
/** Whether LZ4 blocks are compressed by samsa's own native encoder (else by lz4-napi). */
export const lz4NativeEncoder = nativeLz4?.lz4EncodeBlock !== undefined

/** Compresses `data` into one LZ4 frame. */
export function compressLz4(data: Buffer): Promise<Buffer> {
  return compressLz4Behind(data, 0)
}

/**
 * Compresses `data` into one LZ4 frame written `headroom` bytes into the
 * result (those bytes are left for the caller, e.g. a batch header): into
 * `output` when it has room for all of it (the result is then a view of
 * `output`), else into a new buffer. `output` is scratch space: its bytes
 * may have been written even when the result is not a view of it. Up to
 * LZ4_COMPRESS_SYNC_MAX_BYTES of `data` is compressed on the calling thread
 * (by samsa's native encoder when built, else by lz4-napi), more by lz4-napi
 * on the libuv pool.
 */
export async function compressLz4Behind(data: Buffer, headroom: number, output?: Buffer): Promise<Buffer> {
  if (nativeLz4?.lz4EncodeBlock !== undefined && data.length <= LZ4_COMPRESS_SYNC_MAX_BYTES) {
    return encodeFrame(nativeLz4.lz4EncodeBlock, data, headroom, output)
  }
  return compressLz4WithPackage(data, headroom, output)
}

/**
 * {@link compressLz4Behind} with lz4-napi's block encoder, whatever is
 * built (exported for tests): `output` is written only when the frame fits.
 */
export async function compressLz4WithPackage(data: Buffer, headroom: number, output?: Buffer): Promise<Buffer> {
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
 * Writes the frame with samsa's block encoder: each block is compressed
 * straight into its place in `output` (when given), asked to come out at
 * least one byte smaller than the block, else the block is stored raw. When
 * neither fits in what is left of `output`, what was written moves to a new
 * buffer with room for the rest of the data stored raw, and the block is
 * tried again there.
 */
function encodeFrame(encode: EncodeBlock, data: Buffer, headroom: number, output: Buffer | undefined): Buffer {
  const blocks = Math.ceil(data.length / BLOCK_SIZE)
  /** The frame's size if every block from `start` on were stored raw, with the end mark. */
  const rawFrom = (start: number): number => (data.length - start) + 4 * Math.ceil((data.length - start) / BLOCK_SIZE) + 4
  let out = output ?? Buffer.allocUnsafe(headroom + FRAME_HEADER.length + 4 * blocks + data.length + 4)
  if (out.length < headroom + FRAME_HEADER.length + 4) out = Buffer.allocUnsafe(headroom + FRAME_HEADER.length + rawFrom(0))
  let o = headroom + FRAME_HEADER.copy(out, headroom)
  for (let start = 0; start < data.length; start += BLOCK_SIZE) {
    const end = Math.min(data.length, start + BLOCK_SIZE)
    const raw = end - start
    const src = data.subarray(start, end)
    for (;;) {
      const room = out.length - o - 8 // this block's size word and the end mark
      const written = room > 0 ? encode(src, out, o + 4, o + 4 + Math.min(raw - 1, room)) : 0
      if (written > 0) {
        out.writeUInt32LE(written, o)
        o += 4 + written
        break
      }
      if (raw <= room) {
        out.writeUInt32LE((raw | RAW_BLOCK) >>> 0, o)
        o += 4 + data.copy(out, o + 4, start, end)
        break
      }
      out = moved(out, o, o + rawFrom(start))
    }
  }
  out.writeUInt32LE(0, o) // end mark
  return trimmed(out, o + 4, output)
}

/**
 * Lays out lz4-napi's blocks as a frame: header, each block (lz4-napi's output carries the
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

/** xxHash32 for inputs shorter than 16 bytes (all an LZ4 frame descriptor needs), written from the xxHash spec. */
export function xxh32Short(data: Uint8Array, seed = 0): number {
  const P1 = 2654435761; const P2 = 2246822519; const P3 = 3266489917; const P4 = 668265263; const P5 = 374761393
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r))
  if (data.length >= 16) throw new RangeError(`xxh32Short takes fewer than 16 bytes, not ${data.length}`)
  let h = (seed + P5 + data.length) >>> 0
  let i = 0
  for (; i + 4 <= data.length; i += 4) {
    const w = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    h = Math.imul(rotl((h + Math.imul(w, P3)) | 0, 17), P4)
  }
  for (; i < data.length; i++) h = Math.imul(rotl((h + Math.imul(data[i]!, P5)) | 0, 11), P1)
  h ^= h >>> 15
  h = Math.imul(h, P2)
  h ^= h >>> 13
  h = Math.imul(h, P3)
  h ^= h >>> 16
  return h >>> 0
}

/** What {@link walkLz4} reports while it walks the frames. */
interface Lz4Visitor {
  /** A frame starts (its blocks may refer back to its own earlier output, never to another frame's). */
  frame(): void
  /** A block: `size` bytes at `start`, stored raw when not `compressed`, decoding to at most `maxBlock` bytes. */
  block(start: number, size: number, compressed: boolean, maxBlock: number): void
}

/**
 * Walks the LZ4 frames in `data` (frame descriptors and block headers only)
 * and returns an upper bound on the bytes they decompress to (and on what a
 * decoder may allocate for them). Throws ProtocolError for malformed framing.
 */
function walkLz4(data: Buffer, visit?: Lz4Visitor): number {
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
    const descStart = at + 4
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
    if (data.length - at < 1) throw corrupt('lz4', 'truncated frame descriptor')
    if (visit !== undefined) {
      // The header checksum: the second byte of xxHash32 of the descriptor (FLG to the end of the optional fields).
      const hc = (xxh32Short(data.subarray(descStart, at)) >>> 8) & 0xff
      if (data[at] !== hc) throw corrupt('lz4', `frame descriptor checksum 0x${data[at]!.toString(16)} is not 0x${hc.toString(16)}`)
      visit.frame()
    }
    at += 1
    let frameBound = 0
    for (;;) {
      if (data.length - at < 4) throw corrupt('lz4', `truncated block header at offset ${at}`)
      const word = data.readUInt32LE(at)
      at += 4
      if (word === 0) break
      const size = word & 0x7fffffff
      if (size > maxBlock) throw corrupt('lz4', `block of ${size} bytes exceeds the frame's maximum ${maxBlock}`)
      const compressed = (word & 0x80000000) === 0
      frameBound += compressed ? maxBlock : size
      if (at + size + (blockChecksum ? 4 : 0) > data.length) throw corrupt('lz4', 'block runs past the end of the data')
      visit?.block(at, size, compressed, maxBlock)
      at += size + (blockChecksum ? 4 : 0)
    }
    if (contentChecksum) at += 4
    bound += Math.max(frameBound, declared)
  }
  return bound
}

/**
 * An upper bound on the bytes the LZ4 frames in `data` decompress to (and on
 * what the decoder may allocate for them), from the frame descriptors and
 * block headers only. Throws ProtocolError for
 * malformed framing.
 */
export function lz4DecompressedBound(data: Buffer): number {
  return walkLz4(data)
}

const nativeDecodeBlock = nativeLz4?.lz4DecodeBlock
/** Whether LZ4 frames are decoded by samsa's own native block decoder (else by lz4-napi). */
export const lz4NativeDecoder = nativeDecodeBlock !== undefined

/** What native/lz4.c's negative results mean. */
const DECODE_ERRORS: Record<number, string> = {
  [-1]: 'literals run past the end of the block',
  [-2]: 'a match offset is truncated',
  [-3]: 'a match refers to before the start of the frame',
  [-4]: "the block decodes to more than the frame's maximum block size",
  [-5]: 'a length runs past the end of the block',
}

/**
 * Decodes the frames in `data` with samsa's block decoder into room for
 * `bound` bytes (common.ts `outputRoom`: the shared buffer when small). The frame
 * descriptor's checksum is verified, as Java's reader does; block and
 * content checksums are skipped, not verified: the record batch's CRC-32C
 * covers the same bytes, and Kafka's producers write neither.
 */
function decodeFrames(decode: DecodeBlock, data: Buffer, bound: number): Buffer {
  const out = outputRoom(bound)
  let pos = 0
  let window = 0
  walkLz4(data, {
    frame() { window = pos },
    block(start, size, compressed, maxBlock) {
      if (!compressed) {
        pos += data.copy(out, pos, start, start + size)
        return
      }
      const r = decode(data.subarray(start, start + size), out.subarray(0, Math.min(out.length, pos + maxBlock)), window, pos)
      if (r < 0) throw decodeFailure('lz4', DECODE_ERRORS, r, `block at offset ${start - 4}`)
      pos = r
    },
  })
  return keepOutput(out, pos)
}

/**
 * Decompresses LZ4 frame `data`, refusing output above `limit` bytes: with
 * samsa's native block decoder synchronously up to
 * NATIVE_DECODE_SYNC_MAX_BYTES of output, otherwise (or without it) with
 * lz4-napi (on the thread pool above SYNC_MAX_BYTES).
 */
export async function decompressLz4(data: Buffer, limit: number): Promise<Buffer> {
  const bound = lz4DecompressedBound(data)
  if (bound > limit) throw tooLarge('lz4', `up to ${bound}`, limit)
  if (nativeDecodeBlock !== undefined && bound <= NATIVE_DECODE_SYNC_MAX_BYTES) return checkOutput('lz4', decodeFrames(nativeDecodeBlock, data, bound), limit)
  const lz4 = lib()
  const out = await guard('lz4', async () => bound <= SYNC_MAX_BYTES ? lz4.decompressFrameSync(data) : lz4.decompressFrame(data))
  return checkOutput('lz4', out, limit)
}
