/**
 * gzip (attribute id 1) through node:zlib's asynchronous API, so large batches
 * are (de)compressed on the libuv thread pool and never stall the event loop.
 * The output limit is enforced by zlib itself (`maxOutputLength`), which stops
 * inflating once the limit is passed.
 */
import { gzip, gunzip, constants, type InputType, type ZlibOptions } from 'node:zlib'
import { corrupt, tooLarge } from './common.js'

function run(fn: (buf: InputType, options: ZlibOptions, cb: (err: Error | null, out: Buffer) => void) => void,
  data: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(data, options, (err, out) => err ? reject(err) : resolve(out)))
}

/** gzip-compresses `data`; `level` is zlib's (1..9, default 6 like Java's Deflater). */
export function compressGzip(data: Buffer, level?: number): Promise<Buffer> {
  return run(gzip, data, { level: level ?? constants.Z_DEFAULT_COMPRESSION })
}

/** Inflates gzip `data` (all members), refusing output above `limit` bytes. */
export async function decompressGzip(data: Buffer, limit: number): Promise<Buffer> {
  try {
    return await run(gunzip, data, { maxOutputLength: limit })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('gzip', `more than ${limit}`, limit)
    throw corrupt('gzip', (error as Error).message, error)
  }
}
