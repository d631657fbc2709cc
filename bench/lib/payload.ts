/**
 * Record values for the benchmark: the same pool for every client, generated
 * deterministically (no randomness between runs), printable ASCII without
 * newlines (the Java perf tools read them from a file, one per line), and
 * about as compressible as a JSON event (LZ4 shrinks them to about 40%).
 */

export const POOL_SIZE = 1024

/** Deterministic 32-bit PRNG (mulberry32). */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'
const WORDS = ['"user"', '"page_view"', '"/products/"', '"session"', '"referrer"', '"https://example.com/"',
  '"device":"mobile"', '"country":"DE"', '"amount":', '"currency":"EUR"', '"items":[', '],', '{', '}', ',', ':']

/** How many distinct values a pool of `size`-byte values holds: 1024, fewer for large values (at most 16 MiB in all). */
export function poolSizeFor (size: number): number {
  return Math.max(1, Math.min(POOL_SIZE, Math.floor(16 * 1024 * 1024 / size)))
}

/** `count` distinct values of exactly `size` bytes. */
export function makePayloads (size: number, count = poolSizeFor(size), seed = 42): Buffer[] {
  const rnd = prng(seed ^ size)
  const values: Buffer[] = []
  for (let i = 0; i < count; i++) {
    let s = `{"id":${i},"ts":${1_700_000_000_000 + i},"data":[`
    while (s.length < size) {
      // mostly vocabulary (compressible), a quarter random characters (not)
      if (rnd() < 0.75) {
        s += WORDS[Math.floor(rnd() * WORDS.length)]
      } else {
        for (let j = 0; j < 6; j++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)]
      }
    }
    values.push(Buffer.from(s.slice(0, size), 'latin1'))
  }
  return values
}
