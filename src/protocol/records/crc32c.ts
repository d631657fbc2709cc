/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * Kafka's v2 record batches.
 *
 * Contract: `crc32c(data, initial)` returns the unsigned 32-bit CRC of `data`
 * continuing from `initial`, the CRC of the bytes before it (0 for none), so
 * `crc32c(b, crc32c(a)) === crc32c(concat(a, b))`. `crc32c("123456789")` is
 * 0xE3069283. The first of these that loads is used, all with identical
 * results: samsa's own native CRC-32C (native/crc32c.c, three interleaved
 * SSE4.2 streams, about 25 GB/s on 64 KiB; built at install on x86-64 Linux
 * and macOS when a C compiler is present), `@node-rs/crc32` (one stream,
 * about 6 GB/s), and {@link crc32cJs}, a slicing-by-8 table implementation.
 */
import { tryLoadNative, tryLoadOptional } from './optional.js'

const POLY = 0x82f63b78

/** Eight 256-entry tables, table k at [k * 256, k * 256 + 256). */
const T = new Int32Array(8 * 256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1
  T[n] = c
}
for (let n = 0; n < 256; n++) {
  let c = T[n]!
  for (let k = 1; k < 8; k++) {
    c = T[c & 0xff]! ^ (c >>> 8)
    T[k * 256 + n] = c
  }
}

/** The pure-JavaScript CRC-32C; same contract as {@link crc32c}. */
export function crc32cJs(data: Uint8Array, initial = 0): number {
  let crc = ~initial
  let i = 0
  const n = data.length
  const end8 = n - (n & 7)
  while (i < end8) {
    const a = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))
    crc = T[1792 + (a & 0xff)]! ^ T[1536 + ((a >>> 8) & 0xff)]! ^
      T[1280 + ((a >>> 16) & 0xff)]! ^ T[1024 + (a >>> 24)]! ^
      T[768 + data[i + 4]!]! ^ T[512 + data[i + 5]!]! ^
      T[256 + data[i + 6]!]! ^ T[data[i + 7]!]!
    i += 8
  }
  while (i < n) crc = T[(crc ^ data[i++]!) & 0xff]! ^ (crc >>> 8)
  return ~crc >>> 0
}

interface NativeCrc32 {
  crc32c(input: Uint8Array, initialState?: number | null): number
}

const own = tryLoadNative<Partial<NativeCrc32>>('crc32c.node')
const nodeRs = own?.crc32c === undefined ? tryLoadOptional<NativeCrc32>('@node-rs/crc32') : undefined

/** Which implementation {@link crc32c} runs: `samsa` (native/crc32c.c), `@node-rs/crc32` or `js`. */
export const crc32cImplementation: 'samsa' | '@node-rs/crc32' | 'js' = own?.crc32c !== undefined ? 'samsa' : nodeRs !== undefined ? '@node-rs/crc32' : 'js'

/** Whether {@link crc32c} runs natively (samsa's own or `@node-rs/crc32`). */
export const crc32cIsNative = crc32cImplementation !== 'js'

/** CRC-32C of `data`, continuing from `initial` (see the module contract). */
export const crc32c: (data: Uint8Array, initial?: number) => number = own?.crc32c !== undefined
  ? own.crc32c as (data: Uint8Array, initial?: number) => number
  : nodeRs === undefined
    ? crc32cJs
    : (data, initial = 0) => nodeRs.crc32c(data, initial) >>> 0
