import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { crc32c, crc32cJs, crc32cIsNative, crc32cImplementation } from '../../../src/protocol/records/crc32c.js'

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

test('crc32c runs natively: samsa\'s own on x86-64 Linux (built by npm install), else @node-rs/crc32', () => {
  assert.equal(crc32cIsNative, true)
  if (process.platform === 'linux' && process.arch === 'x64' && process.env.SAMSA_NATIVE !== '0') {
    assert.equal(crc32cImplementation, 'samsa', 'native/build/crc32c.node is missing or does not load: run `npm run build:native` (needs a C compiler)')
  }
})

test('samsa\'s native CRC-32C and @node-rs/crc32 agree across the three-stream block sizes, alignments and initial values', { skip: crc32cImplementation !== 'samsa' && 'samsa\'s native CRC-32C is not built here' }, () => {
  const require = createRequire(import.meta.url)
  const own = require('../../../native/build/crc32c.node') as { crc32c(d: Uint8Array, i?: number): number }
  const nodeRs = require('@node-rs/crc32') as { crc32c(d: Uint8Array, i?: number): number }
  const pool = randomBytes(3 * 8192 * 3 + 1000)
  // Lengths around 3 x 256 and 3 x 8192 (where the interleaved loops start and stop) and random ones.
  const lengths = [0, 1, 7, 8, 9, 767, 768, 769, 1536, 24575, 24576, 24577, 49152, 49160, 74000]
  for (let i = 0; i < 400; i++) lengths.push(Math.floor(Math.random() * (pool.length - 64)))
  for (const [i, length] of lengths.entries()) {
    const start = i % 17
    const data = pool.subarray(start, start + length)
    const initial = i % 3 === 0 ? 0 : (Math.random() * 2 ** 32) >>> 0
    assert.equal(own.crc32c(data, initial), nodeRs.crc32c(data, initial) >>> 0, `length ${length} at ${start} from ${initial}`)
  }
  assert.equal(own.crc32c(new Uint8Array(Buffer.from('123456789'))), 0xe3069283, 'a plain Uint8Array')
  assert.throws(() => own.crc32c('123' as unknown as Uint8Array), /data must be a Uint8Array/)
  assert.throws(() => own.crc32c(Buffer.alloc(1), 'x' as unknown as number), /initial must be a number/)
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
