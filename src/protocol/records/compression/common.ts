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
 * thread, as Java compresses on the thread that appends.
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
