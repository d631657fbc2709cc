import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Partitioners } from '../../src/kafkajs/index.js'
import { javaMurmur2, legacyMurmur2 } from '../../src/kafkajs/partitioners.js'
import type { PartitionMetadata } from '../../src/kafkajs/index.js'

// Expected values computed outside samsa:
// - java: org.apache.kafka.common.utils.Utils.murmur2 / toPositive from kafka-clients 4.4.0 (a small Java program);
// - legacy: KafkaJS 2.2.4's Partitioners.LegacyPartitioner (run with node against the real package).
// Columns: key, Java murmur2, Java partition for 3 / 7 / 100 partitions,
// KafkaJS legacy hash, legacy partition for 3 / 7 / 100 partitions.
type Row = [key: string | Buffer, java: number, j3: number, j7: number, j100: number, legacy: number, l3: number, l7: number, l100: number]
const hex = (h: string) => Buffer.from(h, 'hex')
const ROWS: Row[] = [
  ['', 275646681, 0, 2, 81, 275646684, 0, 5, 84],
  ['a', -1563381124, 1, 5, 24, -809885833, 1, 1, 15],
  ['ab', 316155434, 2, 0, 34, -1686076413, 2, 2, 35],
  ['abc', 479470107, 0, 4, 7, 1545667907, 2, 0, 7],
  ['abcd', -1323649548, 2, 5, 0, -2139815384, 0, 2, 64],
  ['abcde', 461995741, 1, 4, 41, 1468550417, 2, 5, 17],
  ['hello', 2132663229, 0, 4, 29, 2001906884, 2, 5, 84],
  ['key-1', 193331640, 0, 5, 40, 461895951, 0, 6, 51],
  ['key-2', 852269702, 2, 4, 2, 1680432979, 1, 1, 79],
  ['key-3', -1839136101, 2, 4, 47, -1404778869, 2, 5, 79],
  ['key-17', 956945460, 0, 2, 60, -998510924, 0, 4, 24],
  ['user:42', -1493546323, 1, 6, 25, -1475292125, 0, 3, 23],
  ['order-2024-0001', 2012855156, 2, 4, 56, 868175230, 1, 6, 30],
  ['ключ', 2122343024, 2, 4, 24, 1321446022, 1, 1, 22],
  ['😀', 131881617, 0, 0, 17, -395534246, 0, 0, 2],
  ['The quick brown fox jumps over the lazy dog', 495243318, 0, 3, 18, -634507681, 1, 6, 67],
  [hex('fffe807f'), 1152161877, 0, 6, 77, 1292137993, 1, 6, 93],
  [hex('80808080808080'), -1845943597, 1, 1, 51, 325657682, 2, 0, 82],
  [hex('0000000000'), 263274959, 2, 3, 59, -116009432, 0, 2, 16],
  [hex('deadbeef0102'), -189944861, 0, 1, 87, -674328418, 1, 1, 30],
]

function metadata(n: number, leaderless: number[] = []): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: leaderless.includes(i) ? -1 : 1, replicas: [1], isr: [1] }))
}

const show = (k: string | Buffer) => (Buffer.isBuffer(k) ? `0x${k.toString('hex')}` : JSON.stringify(k))

test('DefaultPartitioner hashes keys with Java murmur2 and places them as the Java client does', () => {
  const partition = Partitioners.DefaultPartitioner()
  for (const [key, java, j3, j7, j100] of ROWS) {
    assert.equal(javaMurmur2(key), java, `murmur2(${show(key)})`)
    const got = [3, 7, 100].map((n) => partition({ topic: 't', partitionMetadata: metadata(n), message: { key, value: 'v' } }))
    assert.deepEqual(got, [j3, j7, j100], `partitions of ${show(key)}`)
  }
  assert.equal(Partitioners.JavaCompatiblePartitioner, Partitioners.DefaultPartitioner)
})

test('LegacyPartitioner places keys as KafkaJS 1.x did', () => {
  const partition = Partitioners.LegacyPartitioner()
  for (const [key, , , , , legacy, l3, l7, l100] of ROWS) {
    assert.equal(legacyMurmur2(key), legacy, `legacy murmur2(${show(key)})`)
    const got = [3, 7, 100].map((n) => partition({ topic: 't', partitionMetadata: metadata(n), message: { key, value: 'v' } }))
    assert.deepEqual(got, [l3, l7, l100], `partitions of ${show(key)}`)
  }
})

test('a string key hashes as its UTF-8 bytes', () => {
  assert.equal(javaMurmur2('ключ'), javaMurmur2(Buffer.from('ключ', 'utf8')))
  assert.equal(legacyMurmur2('ключ'), legacyMurmur2(Buffer.from('ключ', 'utf8')))
})

test('an explicit partition wins over the key', () => {
  for (const create of [Partitioners.DefaultPartitioner, Partitioners.LegacyPartitioner]) {
    const partition = create()
    assert.equal(partition({ topic: 't', partitionMetadata: metadata(5), message: { key: 'hello', value: 'v', partition: 3 } }), 3)
    assert.equal(partition({ topic: 't', partitionMetadata: metadata(5), message: { value: 'v', partition: 0 } }), 0)
  }
})

test('records without a key go round-robin over partitions with a leader, per topic', () => {
  for (const create of [Partitioners.DefaultPartitioner, Partitioners.LegacyPartitioner]) {
    const partition = create()
    const meta = metadata(4, [1])
    const a = Array.from({ length: 9 }, () => partition({ topic: 'a', partitionMetadata: meta, message: { value: 'v' } }))
    // only partitions 0, 2, 3 have a leader: each appears exactly 3 times, in rotation
    assert.deepEqual([...a].sort(), [0, 0, 0, 2, 2, 2, 3, 3, 3])
    for (let i = 3; i < a.length; i++) assert.equal(a[i], a[i - 3], 'rotation repeats every 3')
    assert.notEqual(a[0], a[1])
    // null keys are unkeyed too
    const b = Array.from({ length: 4 }, () => partition({ topic: 'b', partitionMetadata: metadata(2), message: { key: null, value: 'v' } }))
    assert.deepEqual([b[0] !== b[1], b[1] !== b[2], b[0] === b[2]], [true, true, true])
  }
})

test('with no leader anywhere, unkeyed records still rotate over all partitions', () => {
  const partition = Partitioners.DefaultPartitioner()
  const meta = metadata(3, [0, 1, 2])
  const got = Array.from({ length: 6 }, () => partition({ topic: 't', partitionMetadata: meta, message: { value: 'v' } }))
  assert.deepEqual([...got].sort(), [0, 0, 1, 1, 2, 2])
})
