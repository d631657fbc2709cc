/**
 * Reader: Kafka's primitive types from a buffer, without copying.
 *
 * Contract: every read checks the bytes it needs against the end of the frame
 * and throws {@link ProtocolError} when they are missing, so a truncated or
 * hostile frame can never read past its end. Lengths and array counts are
 * checked against the bytes that remain before anything is allocated for them,
 * so memory use stays bounded by the frame size (itself capped by the
 * connection). `bytes()` and friends return views into the frame.
 */
import { ProtocolError } from '../errors.js'

export class Reader {
  readonly buffer: Buffer
  offset: number
  readonly end: number

  constructor(buffer: Buffer, offset = 0, end = buffer.length) {
    this.buffer = buffer
    this.offset = offset
    this.end = end
  }

  get remaining(): number {
    return this.end - this.offset
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what = 'field'): void {
    if (n > this.end - this.offset) {
      throw new ProtocolError(
        `truncated frame: ${what} needs ${n} bytes at offset ${this.offset}, only ${this.end - this.offset} remain`,
      )
    }
  }

  skip(n: number): void {
    this.need(n, 'skipped bytes')
    this.offset += n
  }

  int8(): number {
    this.need(1, 'int8')
    return this.buffer.readInt8(this.offset++)
  }

  uint8(): number {
    this.need(1, 'uint8')
    return this.buffer[this.offset++]!
  }

  bool(): boolean {
    this.need(1, 'bool')
    return this.buffer[this.offset++] !== 0
  }

  int16(): number {
    this.need(2, 'int16')
    const v = this.buffer.readInt16BE(this.offset)
    this.offset += 2
    return v
  }

  uint16(): number {
    this.need(2, 'uint16')
    const v = this.buffer.readUInt16BE(this.offset)
    this.offset += 2
    return v
  }

  int32(): number {
    this.need(4, 'int32')
    const v = this.buffer.readInt32BE(this.offset)
    this.offset += 4
    return v
  }

  uint32(): number {
    this.need(4, 'uint32')
    const v = this.buffer.readUInt32BE(this.offset)
    this.offset += 4
    return v
  }

  int64(): bigint {
    this.need(8, 'int64')
    const v = this.buffer.readBigInt64BE(this.offset)
    this.offset += 8
    return v
  }

  float64(): number {
    this.need(8, 'float64')
    const v = this.buffer.readDoubleBE(this.offset)
    this.offset += 8
    return v
  }

  /** Unsigned varint of at most 5 bytes (32 bits). */
  uvarint(): number {
    const b = this.buffer
    let o = this.offset
    let result = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      if (o >= this.end) throw new ProtocolError(`truncated frame: varint runs past the end at offset ${o}`)
      const byte = b[o++]!
      result |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) {
        this.offset = o
        return result >>> 0
      }
      shift += 7
    }
    throw new ProtocolError(`malformed varint at offset ${this.offset}: longer than 5 bytes`)
  }

  /** Zigzag-decoded signed 32-bit varint. */
  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  /** Unsigned varint of at most 10 bytes (64 bits). */
  uvarlong(): bigint {
    const b = this.buffer
    let o = this.offset
    let result = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      if (o >= this.end) throw new ProtocolError(`truncated frame: varlong runs past the end at offset ${o}`)
      const byte = b[o++]!
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) {
        this.offset = o
        return BigInt.asUintN(64, result)
      }
      shift += 7n
    }
    throw new ProtocolError(`malformed varlong at offset ${this.offset}: longer than 10 bytes`)
  }

  /** Zigzag-decoded signed 64-bit varint. */
  varlong(): bigint {
    const u = this.uvarlong()
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n))
  }

  /** A view of the next `n` bytes (no copy). */
  view(n: number): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n} at offset ${this.offset}`)
    this.need(n, 'bytes')
    const v = this.buffer.subarray(this.offset, this.offset + n)
    this.offset += n
    return v
  }

  private utf8(n: number): string {
    this.need(n, 'string')
    const s = this.buffer.toString('utf8', this.offset, this.offset + n)
    this.offset += n
    return s
  }

  string(): string {
    const n = this.int16()
    if (n < 0) throw new ProtocolError(`null where a non-nullable string was expected at offset ${this.offset - 2}`)
    return this.utf8(n)
  }

  nullableString(): string | null {
    const n = this.int16()
    if (n < 0) return null
    return this.utf8(n)
  }

  compactString(): string {
    const n = this.uvarint()
    if (n === 0) throw new ProtocolError(`null where a non-nullable compact string was expected at offset ${this.offset - 1}`)
    return this.utf8(n - 1)
  }

  compactNullableString(): string | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.utf8(n - 1)
  }

  bytes(): Buffer {
    const n = this.int32()
    if (n < 0) throw new ProtocolError(`null where non-nullable bytes were expected at offset ${this.offset - 4}`)
    return this.view(n)
  }

  nullableBytes(): Buffer | null {
    const n = this.int32()
    if (n < 0) return null
    return this.view(n)
  }

  compactBytes(): Buffer {
    const n = this.uvarint()
    if (n === 0) throw new ProtocolError(`null where non-nullable compact bytes were expected at offset ${this.offset - 1}`)
    return this.view(n - 1)
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.view(n - 1)
  }

  /** A Kafka Uuid as Java prints it: 22 base64url characters. */
  uuid(): string {
    this.need(16, 'uuid')
    const s = this.buffer.toString('base64url', this.offset, this.offset + 16)
    this.offset += 16
    return s
  }

  /**
   * int32 array count; -1 means null. The count is checked against the bytes
   * that remain (each element takes at least `minElementSize` bytes), so a
   * hostile count cannot trigger a large allocation.
   */
  arrayLength(minElementSize = 1): number | null {
    const n = this.int32()
    if (n < 0) return null
    this.checkCount(n, minElementSize)
    return n
  }

  /** Compact array count: uvarint(n + 1), 0 means null. */
  compactArrayLength(minElementSize = 1): number | null {
    const u = this.uvarint()
    if (u === 0) return null
    const n = u - 1
    this.checkCount(n, minElementSize)
    return n
  }

  checkCount(n: number, minElementSize: number): void {
    if (n * minElementSize > this.end - this.offset) {
      throw new ProtocolError(
        `impossible array count ${n} at offset ${this.offset}: only ${this.end - this.offset} bytes remain`,
      )
    }
  }
}
