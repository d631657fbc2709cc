/**
 * Shared pieces of the codecs: the decompression limit and error helpers.
 */
import { KafkaError, ProtocolError } from '../../../errors.js'

/**
 * Default bound on the bytes one decompression may produce: 256 MiB. A batch
 * is bounded by the broker's `message.max.bytes` (1 MiB by default) before
 * compression, so a legitimate batch is far below this; a hostile or corrupt
 * one claiming more is refused before anything that large is allocated.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024

/**
 * Work below these sizes runs synchronously on the calling thread: it takes
 * tens of microseconds, less than a round trip through the libuv thread pool
 * (measured in bench/micro/records.ts). Anything larger runs on the pool, so
 * big batches never stall the event loop.
 */
export const SYNC_MAX_BYTES = 64 * 1024
/**
 * LZ4 compresses a few times faster than the other codecs (about 20–30 µs
 * per 64 KiB block here, bench/micro/records.ts), and handing a producer
 * batch's blocks to the thread pool cost more CPU than compressing them
 * (measured there too), so batches up to 256 KiB of records (a 64 KiB
 * `batch.size` down to a ratio of 0.25) are compressed on the calling
 * thread, as Java compresses on the thread that appends. samsa's native
 * Snappy encoder (native/snappy.c, 7 µs per 32 KiB block here) uses the
 * same bound.
 */
export const LZ4_COMPRESS_SYNC_MAX_BYTES = 256 * 1024
/**
 * samsa's native LZ4 and Snappy block decoders (native/lz4.c, snappy.c)
 * decode 1–2 GB/s here (docs/performance.md: LZ4 8 µs for a 16 KiB batch
 * and 770 for 1 MiB, Snappy 10–12 and 1,100–1,200), so up to 2 MiB of
 * output (a full batch at the broker's default message.max.bytes, whose LZ4
 * bound is a little over 1 MiB) is decoded on the calling thread, as Java
 * decompresses on the thread that polls; more goes to the codec packages on
 * the thread pool.
 */
export const NATIVE_DECODE_SYNC_MAX_BYTES = 2 * 1024 * 1024
/**
 * zstd through samsa's native module (native/zstd.c, libzstd with contexts
 * kept per thread) takes about 20 µs to compress and 2–5 µs to decompress a
 * 16 KiB batch of the bench's values here, against about 130 and 90 µs of CPU
 * through @mongodb-js/zstd on the thread pool. Compressing is still the
 * heaviest step of a zstd producer, so batches above this size of records
 * are compressed by the module on the thread pool, in parallel with the
 * event loop (produce-1KiB-acks1-zstd, 3 runs each: 208,000–223,000
 * msgs/s at 6.3–6.6 µs CPU per record, against 162,000–168,000 at 6.2–6.5
 * with every batch compressed on the calling thread and 177,000–181,000 at
 * 8.0–8.2 through the package), smaller ones on the calling thread.
 */
export const ZSTD_NATIVE_COMPRESS_SYNC_MAX_BYTES = 16 * 1024
/** gzip is slower per byte, so its synchronous threshold is lower. */
export const GZIP_SYNC_MAX_BYTES = 16 * 1024

/** The error for output that would exceed `limit`. */
export function tooLarge(codec: string, size: number | string, limit: number): ProtocolError {
  return new ProtocolError(
    `${codec} data would decompress to ${size} bytes, more than the limit of ${limit} bytes`,
    { type: 'DECOMPRESSED_TOO_LARGE', context: { codec, limit } },
  )
}

/** The error for input a codec cannot decode. */
export function corrupt(codec: string, detail: string, cause?: unknown): ProtocolError {
  return new ProtocolError(`corrupt ${codec} data: ${detail}`, { cause, context: { codec } })
}

/**
 * The error for a native block decoder's negative result `code` (native/*.c),
 * from the decoder's table of what each code means; `where` names the block.
 */
export function decodeFailure(codec: string, meanings: Record<number, string>, code: number, where: string): ProtocolError {
  return corrupt(codec, `${meanings[code] ?? `decoder error ${code}`} (${where})`)
}

/** Runs a codec library call, turning its failures into a ProtocolError (KafkaErrors pass through). */
export async function guard<T>(codec: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof KafkaError) throw error
    throw corrupt(codec, error instanceof Error ? error.message : String(error), error)
  }
}

/** Checks a finished output against the limit (defence in depth after the up-front bound). */
export function checkOutput(codec: string, out: Buffer, limit: number): Buffer {
  if (out.length > limit) throw tooLarge(codec, out.length, limit)
  return out
}

/**
 * Where native decoders write: small outputs share one 512 KiB buffer,
 * handed out front to back (as Node's Buffer pool hands out small buffers).
 * A decoder needs room for its output's bound (an LZ4 block needs the
 * frame's 64 KiB maximum block size, a zstd block 128 KiB) whatever it
 * decodes to, so a batch of a few KiB would otherwise allocate that much and
 * copy its records out of it, or keep the unused room alive behind them.
 * Here it takes what it used, and its records are views into the shared
 * buffer: a record kept alive keeps that buffer alive, as an uncompressed
 * record keeps its fetch response.
 */
let slab: Buffer | undefined
let slabUsed = 0
const SLAB_BYTES = 512 * 1024
/** Outputs bounded by more than this get a buffer of their own. */
const SLAB_MAX_BOUND = 128 * 1024

/**
 * Room for a decoder's output of at most `bound` bytes: in the shared buffer
 * when `bound` is small, else a buffer of its own. Pass it, with what the
 * decoder used, to {@link keepOutput} before asking for room again.
 */
export function outputRoom(bound: number): Buffer {
  if (bound > SLAB_MAX_BOUND) return Buffer.allocUnsafe(bound)
  if (slab === undefined || slab.length - slabUsed < bound) {
    slab = Buffer.allocUnsafe(SLAB_BYTES)
    slabUsed = 0
  }
  return slab.subarray(slabUsed, slabUsed + bound)
}

/**
 * The first `used` bytes of `room` (from {@link outputRoom}) as the output:
 * in the shared buffer, the rest of the room goes back to it; a buffer of
 * its own that is less than half used is copied to one of the exact size.
 */
export function keepOutput(room: Buffer, used: number): Buffer {
  if (slab !== undefined && room.buffer === slab.buffer) {
    slabUsed += (used + 7) & ~7 // the next output starts 8-byte aligned
    return room.subarray(0, used)
  }
  if (used * 2 >= room.length) return room.subarray(0, used)
  const exact = Buffer.allocUnsafe(used)
  room.copy(exact, 0, 0, used)
  return exact
}

/** A new buffer of `size` bytes holding the first `used` bytes of `out` (an encoder's output that outgrew it). */
export function moved(out: Buffer, used: number, size: number): Buffer {
  const larger = Buffer.allocUnsafe(size)
  out.copy(larger, 0, 0, used)
  return larger
}

/**
 * The first `size` bytes of an encoder's `out` as its result: a view when
 * `out` is the caller's `output` or at least half used, else a copy of
 * exactly that size (out was sized for the worst case and is mostly empty).
 */
export function trimmed(out: Buffer, size: number, output?: Buffer): Buffer {
  if (out === output || size * 2 >= out.length) return out.subarray(0, size)
  const exact = Buffer.allocUnsafe(size)
  out.copy(exact, 0, 0, size)
  return exact
}
