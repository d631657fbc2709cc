import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ProtocolError } from '../../src/errors.js'
import { Reader } from '../../src/protocol/reader.js'
import { Writer, ZERO_UUID } from '../../src/protocol/writer.js'

function bytes(write: (w: Writer) => void): string {
  const w = new Writer(1)
  write(w)
  return w.finish().toString('hex')
}

function reader(hex: string): Reader {
  return new Reader(Buffer.from(hex, 'hex'))
}

// Golden bytes worked out by hand: zigzag(n) = (n << 1) ^ (n >> 31), then LEB128 (7 bits a byte, low first).
const varints: [number, string][] = [
  [0, '00'],
  [-1, '01'],
  [1, '02'],
  [63, '7e'],
  [-64, '7f'],
  [64, '8001'],
  [-65, '8101'],
  [300, 'd804'],
  [2 ** 31 - 1, 'feffffff0f'],
  [-(2 ** 31), 'ffffffff0f'],
]

for (const [n, hex] of varints) {
  test(`varint ${n} is ${hex}`, () => {
    assert.equal(bytes((w) => w.varint(n)), hex)
    const r = reader(hex)
    assert.equal(r.varint(), n)
    assert.equal(r.remaining, 0)
  })
}

const varlongs: [bigint, string][] = [
  [0n, '00'],
  [-1n, '01'],
  [1n, '02'],
  [63n, '7e'],
  [-64n, '7f'],
  [2n ** 31n - 1n, 'feffffff0f'],
  [-(2n ** 31n), 'ffffffff0f'],
  [2n ** 63n - 1n, 'feffffffffffffffff01'],
  [-(2n ** 63n), 'ffffffffffffffffff01'],
]

for (const [n, hex] of varlongs) {
  test(`varlong ${n} is ${hex}`, () => {
    assert.equal(bytes((w) => w.varlong(n)), hex)
    const r = reader(hex)
    assert.equal(r.varlong(), n)
    assert.equal(r.remaining, 0)
  })
}

test('unsigned varints', () => {
  assert.equal(bytes((w) => w.uvarint(0)), '00')
  assert.equal(bytes((w) => w.uvarint(127)), '7f')
  assert.equal(bytes((w) => w.uvarint(128)), '8001')
  assert.equal(bytes((w) => w.uvarint(300)), 'ac02')
  assert.equal(bytes((w) => w.uvarint(0xffffffff)), 'ffffffff0f')
  assert.equal(reader('ffffffff0f').uvarint(), 0xffffffff)
  assert.equal(reader('ac02').uvarint(), 300)
  assert.equal(bytes((w) => w.uvarlong(2n ** 64n - 1n)), 'ffffffffffffffffff01')
  assert.equal(reader('ffffffffffffffffff01').uvarlong(), 2n ** 64n - 1n)
})

test('fixed-width integers, big-endian', () => {
  assert.equal(bytes((w) => w.int8(-1).int8(127)), 'ff7f')
  assert.equal(bytes((w) => w.int16(-2).uint16(65535)), 'fffeffff')
  assert.equal(bytes((w) => w.int32(-2147483648).int32(1)), '8000000000000001')
  assert.equal(bytes((w) => w.uint32(4294967295)), 'ffffffff')
  assert.equal(bytes((w) => w.int64(2n ** 63n - 1n)), '7fffffffffffffff')
  assert.equal(bytes((w) => w.int64(-(2n ** 63n))), '8000000000000000')
  assert.equal(bytes((w) => w.int64(-1n)), 'ffffffffffffffff')
  assert.equal(bytes((w) => w.float64(1.5)), '3ff8000000000000')
  assert.equal(bytes((w) => w.bool(true).bool(false)), '0100')
  const r = reader('ff7ffffeffff80000000000000017fffffffffffffff8000000000000000ffffffffffffffff3ff80000000000000100')
  assert.equal(r.int8(), -1)
  assert.equal(r.int8(), 127)
  assert.equal(r.int16(), -2)
  assert.equal(r.uint16(), 65535)
  assert.equal(r.int32(), -2147483648)
  assert.equal(r.int32(), 1)
  assert.equal(r.int64(), 2n ** 63n - 1n)
  assert.equal(r.int64(), -(2n ** 63n))
  assert.equal(r.int64(), -1n)
  assert.equal(r.float64(), 1.5)
  assert.equal(r.bool(), true)
  assert.equal(r.bool(), false)
  assert.equal(r.remaining, 0)
})

test('strings: int16 and compact forms, multi-byte UTF-8, nullable forms', () => {
  // é = c3a9, € = e282ac, 😀 = f09f9880: 9 bytes
  const s = 'é€😀'
  const utf8 = 'c3a9e282acf09f9880'
  assert.equal(bytes((w) => w.string(s)), '0009' + utf8)
  assert.equal(bytes((w) => w.compactString(s)), '0a' + utf8)
  assert.equal(bytes((w) => w.string('')), '0000')
  assert.equal(bytes((w) => w.compactString('')), '01')
  assert.equal(bytes((w) => w.nullableString(null)), 'ffff')
  assert.equal(bytes((w) => w.compactNullableString(null)), '00')
  assert.equal(bytes((w) => w.nullableString('ab')), '00026162')
  assert.equal(bytes((w) => w.compactNullableString('ab')), '036162')
  assert.equal(reader('0009' + utf8).string(), s)
  assert.equal(reader('0a' + utf8).compactString(), s)
  assert.equal(reader('ffff').nullableString(), null)
  assert.equal(reader('00').compactNullableString(), null)
  assert.equal(reader('036162').compactNullableString(), 'ab')
  // a 200-character string of 2-byte characters needs a 2-byte compact length (401 = 0x191)
  const long = 'é'.repeat(200)
  const hex = bytes((w) => w.compactString(long))
  assert.equal(hex.slice(0, 4), '9103')
  assert.equal(reader(hex).compactString(), long)
})

test('null where a non-nullable string or bytes is expected throws ProtocolError', () => {
  assert.throws(() => reader('ffff').string(), ProtocolError)
  assert.throws(() => reader('00').compactString(), ProtocolError)
  assert.throws(() => reader('ffffffff').bytes(), ProtocolError)
  assert.throws(() => reader('00').compactBytes(), ProtocolError)
})

test('a string over 32767 bytes is rejected by the int16 form', () => {
  assert.throws(() => new Writer().string('x'.repeat(32768)), ProtocolError)
  assert.equal(new Writer().string('x'.repeat(32767)).offset, 32769)
})

test('bytes: int32 and compact forms, nullable forms, views', () => {
  assert.equal(bytes((w) => w.bytes(Buffer.from([1, 2]))), '000000020102')
  assert.equal(bytes((w) => w.compactBytes(Buffer.from([1, 2]))), '030102')
  assert.equal(bytes((w) => w.nullableBytes(null)), 'ffffffff')
  assert.equal(bytes((w) => w.compactNullableBytes(null)), '00')
  assert.equal(bytes((w) => w.compactNullableBytes(Buffer.alloc(0))), '01')
  const frame = Buffer.from('000000020102', 'hex')
  const b = new Reader(frame).bytes()
  assert.deepStrictEqual([...b], [1, 2])
  assert.equal(b.buffer, frame.buffer, 'bytes are a view of the frame, not a copy')
  assert.equal(reader('ffffffff').nullableBytes(), null)
  assert.equal(reader('00').compactNullableBytes(), null)
  assert.deepStrictEqual([...reader('030102').compactBytes()], [1, 2])
})

test('uuid: base64url string form round-trips through 16 bytes', () => {
  const id = 'AAECAwQFBgcICQoLDA0ODw' // bytes 00..0f
  assert.equal(bytes((w) => w.uuid(id)), '000102030405060708090a0b0c0d0e0f')
  assert.equal(reader('000102030405060708090a0b0c0d0e0f').uuid(), id)
  assert.equal(bytes((w) => w.uuid(ZERO_UUID)), '00'.repeat(16))
  assert.equal(reader('00'.repeat(16)).uuid(), ZERO_UUID)
  const random = Buffer.from('f3b1c2d4e5f60718293a4b5c6d7e8f90', 'hex').toString('base64url')
  assert.equal(reader(bytes((w) => w.uuid(random))).uuid(), random)
  assert.throws(() => new Writer().uuid('too-short'), ProtocolError)
  // 22 characters, but not all base64url: fewer than 16 bytes decode
  assert.throws(() => new Writer().uuid('AAECAwQFBgcICQoLDA0O!!'), /invalid Uuid "AAECAwQFBgcICQoLDA0O!!": expected 22 base64url characters/)
  assert.throws(() => new Writer().uuid(`${id}AA`), ProtocolError)
  // after other fields, in a writer that must grow to hold it
  const w = new Writer(4).int32(7).uuid(id).int8(1)
  assert.equal(w.finish().toString('hex'), '00000007000102030405060708090a0b0c0d0e0f01')
})

test('array lengths: int32 and compact, null forms', () => {
  assert.equal(bytes((w) => w.arrayLength(3)), '00000003')
  assert.equal(bytes((w) => w.arrayLength(null)), 'ffffffff')
  assert.equal(bytes((w) => w.compactArrayLength(3)), '04')
  assert.equal(bytes((w) => w.compactArrayLength(null)), '00')
  assert.equal(reader('00000003aabbcc').arrayLength(1), 3)
  assert.equal(reader('ffffffff').arrayLength(1), null)
  assert.equal(reader('04aabbcc').compactArrayLength(1), 3)
  assert.equal(reader('00').compactArrayLength(1), null)
})

test('array counts are checked against the remaining bytes', () => {
  assert.throws(() => reader('7fffffff').arrayLength(1), ProtocolError)
  assert.throws(() => reader('00000003aabb').arrayLength(1), ProtocolError)
  assert.throws(() => reader('00000002aabbccdd').arrayLength(4), ProtocolError)
  assert.throws(() => reader('8080808008').compactArrayLength(1), ProtocolError)
  assert.equal(reader('00000000').arrayLength(1), 0)
})

test('truncated reads throw ProtocolError', () => {
  assert.throws(() => reader('').int8(), ProtocolError)
  assert.throws(() => reader('00').int16(), ProtocolError)
  assert.throws(() => reader('000000').int32(), ProtocolError)
  assert.throws(() => reader('00000000000000').int64(), ProtocolError)
  assert.throws(() => reader('00000000000000').float64(), ProtocolError)
  assert.throws(() => reader('80').uvarint(), ProtocolError)
  assert.throws(() => reader('ffff').varint(), ProtocolError)
  assert.throws(() => reader('ffffffffff').varlong(), ProtocolError)
  assert.throws(() => reader('00056162').string(), ProtocolError)
  assert.throws(() => reader('066162').compactString(), ProtocolError)
  assert.throws(() => reader('00000005aa').bytes(), ProtocolError)
  assert.throws(() => reader('05aa').compactBytes(), ProtocolError)
  assert.throws(() => reader('00'.repeat(15)).uuid(), ProtocolError)
  assert.throws(() => reader('0102').view(3), ProtocolError)
  assert.throws(() => reader('0102').view(-1), ProtocolError)
  // a reader bounded by `end` does not read past it even when the buffer goes on
  assert.throws(() => new Reader(Buffer.from('0000000000', 'hex'), 0, 3).int32(), ProtocolError)
})

test('over-long varints are malformed', () => {
  assert.throws(() => reader('ffffffffff01').uvarint(), ProtocolError)
  assert.throws(() => reader('ffffffffffffffffffff01').uvarlong(), ProtocolError)
})

test('the writer grows from a tiny buffer and finish() returns only the written bytes', () => {
  const w = new Writer(1)
  for (let i = 0; i < 1000; i++) w.int32(i)
  const out = w.finish()
  assert.equal(out.length, 4000)
  const r = new Reader(out)
  for (let i = 0; i < 1000; i++) assert.equal(r.int32(), i)
  w.reset()
  assert.equal(w.finish().length, 0)
})

test('Writer gathering: large byte fields stay in place, finishv() lists the parts in order, finish() joins them', () => {
  const big = Buffer.alloc(5000, 7)
  const small = Buffer.from([1, 2, 3])
  const plain = new Writer(16)
  const gather = new Writer(16, { gatherMin: 4096 })
  for (const w of [plain, gather]) {
    const at = w.reserveInt32()
    w.int16(9).bytes(big).compactBytes(small).compactBytes(big).int8(-1)
    w.patchInt32(at, w.length - 4)
  }
  assert.equal(gather.length, plain.length)
  const parts = gather.finishv()
  assert.equal(parts.length, 5) // head, big, middle, big, tail
  assert.ok(parts[1] === big && parts[3] === big, 'the large fields are the caller\'s buffers, not copies')
  assert.deepEqual(Buffer.concat(parts), plain.finish())
  assert.deepEqual(gather.finish(), plain.finish())
  assert.deepEqual(plain.finishv(), [plain.finish()])
})
