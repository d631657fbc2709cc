import { test } from 'node:test'
import assert from 'node:assert/strict'
import { murmur2, partitionForKey, RoundRobinPartitioner, StickyPartitioner, toPositive } from '../../src/producer/partitioners.js'
import { serializers } from '../../src/serde/serde.js'

test('murmur2 matches the vectors of Kafka\'s UtilsTest', () => {
  const cases: [string | number[], number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    [[0x61, 0x62, 0x63], 479470107],
  ]
  for (const [input, expected] of cases) {
    const bytes = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input)
    assert.equal(murmur2(bytes), expected, `murmur2(${JSON.stringify(input)})`)
  }
})

test('toPositive clears the sign bit like Java (MIN_VALUE -> 0)', () => {
  assert.equal(toPositive(-2147483648), 0)
  assert.equal(toPositive(-1), 2147483647)
  assert.equal(toPositive(5), 5)
})

// Computed by the Java client itself (kafka-clients 4.4.0, Utils.murmur2 and
// BuiltInPartitioner.partitionForKey) with test/fixtures/java/JavaPartitions.java:
// [serializer, key, murmur2, partitions for counts 1, 2, 3, 5, 7, 10, 12, 50, 100, 1000].
const COUNTS = [1, 2, 3, 5, 7, 10, 12, 50, 100, 1000]
const JAVA: ['S' | 'I', string | number, number, number[]][] = [
  ['S', "", 275646681, [0, 1, 0, 1, 2, 1, 9, 31, 81, 681]],
  ['S', "a", -1563381124, [0, 0, 1, 4, 5, 4, 4, 24, 24, 524]],
  ['S', "ab", 316155434, [0, 0, 2, 4, 0, 4, 2, 34, 34, 434]],
  ['S', "abc", 479470107, [0, 1, 0, 2, 4, 7, 3, 7, 7, 107]],
  ['S', "abcd", -1323649548, [0, 0, 2, 0, 5, 0, 8, 0, 0, 100]],
  ['S', "key-0", 29210041, [0, 1, 1, 1, 0, 1, 1, 41, 41, 41]],
  ['S', "key-1", 193331640, [0, 0, 0, 0, 5, 0, 0, 40, 40, 640]],
  ['S', "key-42", -187086521, [0, 1, 0, 2, 3, 7, 3, 27, 27, 127]],
  ['S', "user-1234", -1663159204, [0, 0, 1, 4, 2, 4, 4, 44, 44, 444]],
  ['S', "order:9f8e7d", 717521119, [0, 1, 1, 4, 0, 9, 7, 19, 19, 119]],
  ['S', "\u00e9t\u00e9", -2101193575, [0, 1, 1, 3, 4, 3, 1, 23, 73, 73]],
  ['S', "\u65e5\u672c\u8a9e", 1431860170, [0, 0, 1, 0, 6, 0, 10, 20, 70, 170]],
  ['S', "\ud83d\ude00 emoji", 1991772780, [0, 0, 0, 0, 4, 0, 0, 30, 80, 780]],
  ['S', "a-little-bit-longer-string-with-more-than-32-bytes-in-it", -863178785, [0, 1, 0, 3, 2, 3, 3, 13, 63, 863]],
  ['I', 0, 850957120, [0, 0, 1, 0, 6, 0, 4, 20, 20, 120]],
  ['I', 1, -173113808, [0, 0, 0, 0, 2, 0, 0, 40, 40, 840]],
  ['I', 2, 1586072243, [0, 1, 2, 3, 0, 3, 11, 43, 43, 243]],
  ['I', 3, 841864711, [0, 1, 1, 1, 2, 1, 7, 11, 11, 711]],
  ['I', 7, -1028359445, [0, 1, 0, 3, 1, 3, 3, 3, 3, 203]],
  ['I', 42, 1606757304, [0, 0, 0, 4, 5, 4, 0, 4, 4, 304]],
  ['I', 100, -1025727008, [0, 0, 0, 0, 4, 0, 0, 40, 40, 640]],
  ['I', 1000, 1510167812, [0, 0, 2, 2, 6, 2, 8, 12, 12, 812]],
  ['I', 65535, -1278736427, [0, 1, 0, 1, 6, 1, 9, 21, 21, 221]],
  ['I', -1, 644171429, [0, 1, 2, 4, 6, 9, 5, 29, 29, 429]],
  ['I', -42, -1801272917, [0, 1, 0, 1, 6, 1, 3, 31, 31, 731]],
  ['I', 2147483647, -1009756325, [0, 1, 0, 3, 5, 3, 3, 23, 23, 323]],
  ['I', -2147483648, -65415266, [0, 0, 0, 2, 2, 2, 6, 32, 82, 382]],
  ['I', 123456789, -1159482564, [0, 0, 2, 4, 0, 4, 8, 34, 84, 84]],
]

test('keyed records go to the partitions the Java client chooses', () => {
  for (const [kind, key, hash, partitions] of JAVA) {
    const bytes = kind === 'S' ? serializers.string.serialize('t', key as string, [])! : serializers.int32.serialize('t', key as number, [])!
    assert.equal(murmur2(bytes), hash, `murmur2 of ${kind} ${JSON.stringify(key)}`)
    COUNTS.forEach((n, i) => {
      assert.equal(partitionForKey(bytes, n), partitions[i], `${kind} key ${JSON.stringify(key)} with ${n} partitions`)
    })
  }
})

test('sticky partitioner stays on a partition for batch.size bytes, then switches', () => {
  const p = new StickyPartitioner(1000)
  const layout = { count: 8, available: [0, 1, 2, 3, 4, 5, 6, 7] }
  const first = p.current(layout)
  for (let i = 0; i < 9; i++) {
    p.onAppend(100, true, layout)
    assert.equal(p.current(layout), first, 'same partition before 1000 bytes')
  }
  // Switching is held back while the last batch is not full, up to twice batch.size.
  p.onAppend(100, false, layout)
  assert.equal(p.current(layout), first)
  const seen = new Set<number>()
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 10; i++) p.onAppend(100, true, layout)
    seen.add(p.current(layout))
  }
  assert.ok(seen.size >= 6, `switches spread over partitions (saw ${[...seen]})`)
})

test('sticky partitioner forces a switch at twice batch.size even when switching is disabled', () => {
  const p = new StickyPartitioner(1000)
  const layout = { count: 1000, available: Array.from({ length: 1000 }, (_, i) => i) }
  let switched = 0
  for (let round = 0; round < 50; round++) {
    const before = p.current(layout)
    p.onAppend(1999, false, layout)
    assert.equal(p.current(layout), before)
    p.onAppend(1, false, layout)
    if (p.current(layout) !== before) switched++
  }
  assert.ok(switched >= 45, `switched ${switched}/50 times at 2x batch.size (a random pick may repeat)`)
})

test('sticky partitioner only picks partitions with a leader when some have one', () => {
  const p = new StickyPartitioner(1)
  const layout = { count: 6, available: [1, 4] }
  for (let i = 0; i < 200; i++) {
    assert.ok([1, 4].includes(p.current(layout)))
    p.onAppend(1, true, layout)
  }
})

test('adaptive load stats favour partitions with shorter queues (KIP-794)', () => {
  const p = new StickyPartitioner(1)
  const layout = { count: 3, available: [0, 1, 2] }
  // Queue sizes 0, 3, 1: weights 4, 1, 3 out of 8.
  const counts = [0, 0, 0]
  const rounds = 40000
  for (let i = 0; i < rounds; i++) {
    p.updateLoadStats(Int32Array.from([0, 3, 1]), Int32Array.from([0, 1, 2]), 3, 3)
    p.onAppend(1, true, layout)
    counts[p.current(layout)]!++
  }
  const share = counts.map((c) => c / rounds)
  assert.ok(Math.abs(share[0]! - 4 / 8) < 0.03, `partition 0 share ${share[0]}`)
  assert.ok(Math.abs(share[1]! - 1 / 8) < 0.03, `partition 1 share ${share[1]}`)
  assert.ok(Math.abs(share[2]! - 3 / 8) < 0.03, `partition 2 share ${share[2]}`)
  // Equal queues over every partition: back to uniform.
  p.updateLoadStats(Int32Array.from([2, 2, 2]), Int32Array.from([0, 1, 2]), 3, 3)
  const uniform = [0, 0, 0]
  for (let i = 0; i < 30000; i++) {
    p.onAppend(1, true, layout)
    uniform[p.current(layout)]!++
  }
  for (const c of uniform) assert.ok(Math.abs(c / 30000 - 1 / 3) < 0.03, `uniform share ${c / 30000}`)
})

test('round-robin cycles through available partitions per topic', () => {
  const rr = new RoundRobinPartitioner()
  const all = { count: 3, available: [0, 1, 2] }
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(() => rr.partition('a', all)), [0, 1, 2, 0, 1, 2])
  assert.equal(rr.partition('b', all), 0, 'each topic has its own counter')
  const some = { count: 4, available: [1, 3] }
  assert.deepEqual([0, 1, 2, 3].map(() => rr.partition('c', some)), [1, 3, 1, 3])
  const none = { count: 2, available: [] }
  assert.deepEqual([0, 1, 2].map(() => rr.partition('d', none)), [0, 1, 0])
})
