/**
 * gzip (attribute id 1) through node:zlib's asynchronous API, so large batches
 * are (de)compressed on the libuv thread pool and never stall the event loop.
 * The output limit is enforced by zlib itself (`maxOutputLength`), which stops
 * inflating once the limit is passed. Small inputs (see GZIP_SYNC_MAX_BYTES)
 * are handled synchronously, where the thread pool would cost more than the work.
 */
import { gzip, gunzip, gzipSync, gunzipSync, constants, type InputType, type ZlibOptions } from 'node:zlib'
import { corrupt, GZIP_SYNC_MAX_BYTES, tooLarge } from './common.js'

function run(fn: (buf: InputType, options: ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void,
  data: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(data, options, (err, out) => err ? reject(err) : resolve(out)))
}

/** gzip-compresses `data`; `level` is zlib's (1..9, default 6 like Java's Deflater). */
export function compressGzip(data: Buffer, level?: number): Promise<Buffer> {
  const options = { level: level ?? constants.Z_DEFAULT_COMPRESSION }
  if (data.length <= GZIP_SYNC_MAX_BYTES) return Promise.resolve(gzipSync(data, options))
  return run(gzip, data, options)
}

function isTooLarge(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
}

/** Inflates gzip `data` (all members), refusing output above `limit` bytes. */
export async function decompressGzip(data: Buffer, limit: number): Promise<Buffer> {
  if (data.length <= GZIP_SYNC_MAX_BYTES) {
    // Inflate small inputs in place, up to a small output; a larger output goes to the pool.
    const syncLimit = Math.min(limit, 4 * GZIP_SYNC_MAX_BYTES)
    try {
      return gunzipSync(data, { maxOutputLength: syncLimit })
    } catch (error) {
      if (!isTooLarge(error)) throw corrupt('gzip', (error as Error).message, error)
      if (syncLimit === limit) throw tooLarge('gzip', `more than ${limit}`, limit)
    }
  }
  try {
    return await run(gunzip, data, { maxOutputLength: limit })
  } catch (error) {
    if (isTooLarge(error)) throw tooLarge('gzip', `more than ${limit}`, limit)
    throw corrupt('gzip', (error as Error).message, error)
  }
}
