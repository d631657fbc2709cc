/**
 * Writer: Kafka's primitive types into one growable buffer.
 *
 * Contract: every method appends at `offset` and advances it; the buffer grows
 * by doubling, so encoding a message costs O(log n) allocations, never one per
 * field. `finish()` returns a view of the written bytes (no copy); the Writer
 * must not be reused after that unless `reset()` is called and the previous
 * view is no longer needed.
 *
 * Gathering (`gatherMin` > 0, used for requests on the wire): a byte field of
 * at least `gatherMin` bytes (a Produce request's record batches) is not
 * copied; the Writer notes where it goes, and `finishv()` returns the message
 * as a list of buffers (written parts and those fields, in order) for one
 * gathered socket write. `length` counts both; `finish()` joins them.
 */
import { ProtocolError } from '../errors.js'

export class Writer {
  buffer: Buffer
  offset = 0
  /** Byte fields left in place (gathering), each at the `offset` where it belongs. */
  private external: { at: number; bytes: Uint8Array }[] | undefined
  private externalBytes = 0
  private readonly gatherMin: number

  constructor(initialSize = 256, options: { gatherMin?: number } = {}) {
    this.buffer = Buffer.allocUnsafe(initialSize)
    this.gatherMin = options.gatherMin ?? 0
  }

  /** Bytes of the message: written ones and gathered fields. */
  get length(): number {
    return this.offset + this.externalBytes
  }

  /** The message as buffers to write in order (one when nothing was gathered); views, no copy. */
  finishv(): Buffer[] {
    const ext = this.external
    if (ext === undefined) return [this.finish()]
    const out: Buffer[] = []
    let from = 0
    for (const e of ext) {
      if (e.at > from) out.push(this.buffer.subarray(from, e.at))
      out.push(Buffer.isBuffer(e.bytes) ? e.bytes : Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.length))
      from = e.at
    }
    if (this.offset > from) out.push(this.buffer.subarray(from, this.offset))
    return out
  }

  /** A byte field: gathered when large enough, else copied. */
  private field(b: Uint8Array): this {
    if (this.gatherMin > 0 && b.length >= this.gatherMin) {
      ;(this.external ??= []).push({ at: this.offset, bytes: b })
      this.externalBytes += b.length
      return this
    }
    return this.raw(b)
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.offset + n
    if (need <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buffer.copy(next, 0, 0, this.offset)
    this.buffer = next
  }

  reset(): this {
    this.offset = 0
    this.external = undefined
    this.externalBytes = 0
    return this
  }

  /** The bytes written so far, as a view into the internal buffer (joined into a new one if fields were gathered). */
  finish(): Buffer {
    if (this.external !== undefined) return Buffer.concat(this.finishv(), this.length)
    return this.buffer.subarray(0, this.offset)
  }

  int8(v: number): this {
    this.ensure(1)
    this.buffer.writeInt8(v, this.offset)
    this.offset += 1
    return this
  }

  uint8(v: number): this {
    this.ensure(1)
    this.buffer[this.offset++] = v
    return this
  }

  bool(v: boolean): this {
    this.ensure(1)
    this.buffer[this.offset++] = v ? 1 : 0
    return this
  }

  int16(v: number): this {
    this.ensure(2)
    this.buffer.writeInt16BE(v, this.offset)
    this.offset += 2
    return this
  }

  uint16(v: number): this {
    this.ensure(2)
    this.buffer.writeUInt16BE(v, this.offset)
    this.offset += 2
    return this
  }

  int32(v: number): this {
    this.ensure(4)
    this.buffer.writeInt32BE(v, this.offset)
    this.offset += 4
    return this
  }

  uint32(v: number): this {
    this.ensure(4)
    this.buffer.writeUInt32BE(v, this.offset)
    this.offset += 4
    return this
  }

  int64(v: bigint): this {
    this.ensure(8)
    this.buffer.writeBigInt64BE(v, this.offset)
    this.offset += 8
    return this
  }

  float64(v: number): this {
    this.ensure(8)
    this.buffer.writeDoubleBE(v, this.offset)
    this.offset += 8
    return this
  }

  /** Unsigned LEB128 varint of a 32-bit value. */
  uvarint(v: number): this {
    this.ensure(5)
    let x = v >>> 0
    const b = this.buffer
    let o = this.offset
    while (x >= 0x80) {
      b[o++] = (x & 0x7f) | 0x80
      x >>>= 7
    }
    b[o++] = x
    this.offset = o
    return this
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31))
  }

  /** Unsigned LEB128 varint of a 64-bit value. */
  uvarlong(v: bigint): this {
    this.ensure(10)
    let x = BigInt.asUintN(64, v)
    const b = this.buffer
    let o = this.offset
    while (x >= 0x80n) {
      b[o++] = Number(x & 0x7fn) | 0x80
      x >>= 7n
    }
    b[o++] = Number(x)
    this.offset = o
    return this
  }

  /** Zigzag-encoded signed 64-bit varint. */
  varlong(v: bigint): this {
    const n = BigInt.asIntN(64, v)
    return this.uvarlong(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)))
  }

  /** Raw bytes, no length prefix. */
  raw(src: Uint8Array): this {
    this.ensure(src.length)
    this.buffer.set(src, this.offset)
    this.offset += src.length
    return this
  }

  /** Writes a UTF-8 string's bytes with no prefix; returns the byte length. */
  private utf8(s: string): number {
    // A UTF-8 encoding is at most 3 bytes per UTF-16 code unit.
    this.ensure(s.length * 3)
    const written = this.buffer.write(s, this.offset, 'utf8')
    this.offset += written
    return written
  }

  /** int16 length + UTF-8 bytes. */
  string(s: string): this {
    const lenAt = this.offset
    this.int16(0)
    const n = this.utf8(s)
    if (n > 0x7fff) throw new ProtocolError(`string of ${n} bytes exceeds the int16 length limit of 32767`)
    this.buffer.writeInt16BE(n, lenAt)
    return this
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1)
    return this.string(s)
  }

  /** uvarint(length + 1) + UTF-8 bytes. */
  compactString(s: string): this {
    const bytes = Buffer.byteLength(s, 'utf8')
    this.uvarint(bytes + 1)
    this.ensure(bytes)
    this.buffer.write(s, this.offset, 'utf8')
    this.offset += bytes
    return this
  }

  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0)
    return this.compactString(s)
  }

  /** int32 length + bytes. */
  bytes(b: Uint8Array): this {
    this.int32(b.length)
    return this.field(b)
  }

  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1)
    return this.bytes(b)
  }

  compactBytes(b: Uint8Array): this {
    this.uvarint(b.length + 1)
    return this.field(b)
  }

  compactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0)
    return this.compactBytes(b)
  }

  /** A Kafka Uuid given as Java prints it (22 base64url characters), decoded straight into the buffer. */
  uuid(id: string): this {
    this.ensure(16)
    if (id.length !== 22 || this.buffer.write(id, this.offset, 16, 'base64url') !== 16) throw invalidUuid(id)
    this.offset += 16
    return this
  }

  /** int32 array length (or -1 for null). */
  arrayLength(n: number | null): this {
    return this.int32(n === null ? -1 : n)
  }

  /** Compact array length: uvarint(n + 1), 0 for null. */
  compactArrayLength(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1)
  }

  /** Reserves 4 bytes for an int32 written later with {@link patchInt32}; returns its offset. */
  reserveInt32(): number {
    this.ensure(4)
    const at = this.offset
    this.offset += 4
    return at
  }

  patchInt32(at: number, v: number): void {
    this.buffer.writeInt32BE(v, at)
  }
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

function invalidUuid(id: string): ProtocolError {
  return new ProtocolError(`invalid Uuid "${id}": expected 22 base64url characters encoding 16 bytes`)
}
