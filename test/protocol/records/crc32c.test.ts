import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { crc32c, crc32cJs, crc32cIsNative } from '../../../src/protocol/records/crc32c.js'

const vectors: [string, Buffer, number][] = [
  ['"123456789"', Buffer.from('123456789'), 0xe3069283],
  ['empty', Buffer.alloc(0), 0],
  ['32 zero bytes', Buffer.alloc(32), 0x8a9136aa],
  ['32 0xff bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
  ['bytes 0..31', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
]

for (const [name, data, expected] of vectors) {
  test(`crc32c check vector: ${name}`, () => {
    assert.equal(crc32cJs(data), expected)
    assert.equal(crc32c(data), expected)
  })
}

test('crc32c runs natively when @node-rs/crc32 is installed', () => {
  assert.equal(crc32cIsNative, true)
})

test('crc32cJs matches the native crc32c on random inputs, lengths and alignments', () => {
  const pool = randomBytes(70_000)
  for (let i = 0; i < 500; i++) {
    const start = Math.floor(Math.random() * 64)
    const length = i < 100 ? i : Math.floor(Math.random() * (pool.length - 64))
    const data = pool.subarray(start, start + length)
    assert.equal(crc32cJs(data), crc32c(data), `length ${length} at ${start}`)
  }
})

test('crc32c continues from an initial CRC: crc(b, crc(a)) = crc(a + b)', () => {
  const a = randomBytes(1000)
  const b = randomBytes(777)
  const whole = crc32c(Buffer.concat([a, b]))
  assert.equal(crc32c(b, crc32c(a)), whole)
  assert.equal(crc32cJs(b, crc32cJs(a)), whole)
  assert.equal(crc32cJs(b, crc32c(a)), whole)
})

test('crc32c returns an unsigned 32-bit integer', () => {
  for (let i = 0; i < 100; i++) {
    const c = crc32c(randomBytes(16))
    assert.ok(Number.isInteger(c) && c >= 0 && c <= 0xffffffff)
    const j = crc32cJs(randomBytes(16))
    assert.ok(Number.isInteger(j) && j >= 0 && j <= 0xffffffff)
  }
})
