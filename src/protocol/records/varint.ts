/**
 * Allocation-free varint helpers for the record hot paths, on plain numbers.
 *
 * Contract: `varlong` values are JavaScript safe integers (|v| < 2^53), which
 * covers every millisecond timestamp and delta; the zigzag encoding is Kafka's
 * (0 → 0, -1 → 1, 1 → 2, ...). Writers return the offset after the bytes they
 * wrote and never check capacity (callers size first with the `sizeOf*`
 * functions).
 */

/** Bytes of the zigzag varint of a signed 32-bit integer. */
export function sizeOfVarint(v: number): number {
  const u = ((v << 1) ^ (v >> 31)) >>> 0
  if (u < 0x80) return 1
  if (u < 0x4000) return 2
  if (u < 0x200000) return 3
  if (u < 0x10000000) return 4
  return 5
}

/** Zigzag of a safe integer, as a non-negative number. */
function zigzagLong(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1
}

/** Bytes of the zigzag varlong of a safe integer. */
export function sizeOfVarlong(v: number): number {
  let u = zigzagLong(v)
  let n = 1
  while (u >= 0x80) {
    u = Math.floor(u / 128)
    n++
  }
  return n
}

/** Writes the zigzag varint of a signed 32-bit integer at `o`. */
export function writeVarint(buf: Buffer, o: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0
  while (u >= 0x80) {
    buf[o++] = (u & 0x7f) | 0x80
    u >>>= 7
  }
  buf[o++] = u
  return o
}

/** Writes the zigzag varlong of a safe integer at `o`. */
export function writeVarlong(buf: Buffer, o: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return writeVarint(buf, o, v)
  let u = zigzagLong(v)
  while (u >= 0x80) {
    buf[o++] = (u % 128) | 0x80
    u = Math.floor(u / 128)
  }
  buf[o++] = u
  return o
}
