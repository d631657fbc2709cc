// KStream–KStream joins without a broker: the JoinWindows arithmetic, the
// outer-join store bytes, and what the DSL builds (names, stores, errors).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { JoinWindows, Serdes, StreamsBuilder, TopologyError } from '../../src/streams/index.js'
import { joinRange, outerWindowOpen } from '../../src/streams/join-windows.js'
import { leftOrRightValuesSerde, timestampedKeyAndJoinSideSerde } from '../../src/streams/outer-join-store.js'

test('JoinWindows: before/after/grace, size and retention, validation', () => {
  const w = JoinWindows.ofTimeDifferenceAndGrace(5_000, 2_000)
  assert.deepEqual([w.beforeMs, w.afterMs, w.graceMs, w.size(), w.retentionMs()], [5_000, 5_000, 2_000, 10_000, 12_000])
  const none = JoinWindows.ofTimeDifferenceWithNoGrace(100)
  assert.deepEqual([none.beforeMs, none.afterMs, none.graceMs], [100, 100, 0])
  const shifted = w.before(0).after(3_000)
  assert.deepEqual([shifted.beforeMs, shifted.afterMs, shifted.graceMs, shifted.size()], [0, 3_000, 2_000, 3_000], 'before() and after() keep the other bound and the grace')
  assert.deepEqual([w.before(-1_000).beforeMs, w.before(-1_000).size()], [-1_000, 4_000], 'a negative bound is allowed while the window is not inverted')
  assert.throws(() => w.before(-6_000), (e: unknown) => e instanceof TopologyError && /must not be negative/.test(e.message))
  assert.throws(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1), TopologyError)
  assert.throws(() => JoinWindows.ofTimeDifferenceAndGrace(10, -1), TopologyError)
  assert.throws(() => JoinWindows.ofTimeDifferenceAndGrace(1.5, 0), TopologyError)
})

test('joinRange: [ts - before, ts + after], clamped at 0; the right side swaps before and after', () => {
  assert.deepEqual(joinRange(10_000, 5_000, 5_000), [5_000, 15_000])
  assert.deepEqual(joinRange(10_000, 0, 3_000), [10_000, 13_000], 'left side of before(0).after(3000)')
  assert.deepEqual(joinRange(10_000, 3_000, 0), [7_000, 10_000], 'its right side: a left record at 7000..10000 joins a right record at 10000')
  assert.deepEqual(joinRange(1_000, 5_000, 5_000), [0, 6_000])
  assert.deepEqual(joinRange(10_000, -1_000, 4_000), [11_000, 14_000], 'a negative before: only later records')
})

test('outerWindowOpen: a waiting record is emitted once stream time passes its window end + grace', () => {
  // after = 5000, grace = 2000: the window of a left record at 10000 closes after 17000.
  assert.equal(outerWindowOpen(10_000, 5_000, 2_000, 17_000), true, 'still open at exactly end + grace')
  assert.equal(outerWindowOpen(10_000, 5_000, 2_000, 17_001), false)
  assert.equal(outerWindowOpen(10_000, 5_000, 0, 15_001), false)
  assert.equal(outerWindowOpen(Number.POSITIVE_INFINITY, 5_000, 0, 15_001), true, 'nothing waiting: nothing to emit')
})

test('outer join store bytes: [timestamp][side][key] and [side][count]([length][value])*', () => {
  const keys = timestampedKeyAndJoinSideSerde(Serdes.string)
  const k = keys.serializer.serialize('t', { timestamp: 258, left: true, key: 'ab' }, []) as Buffer
  assert.equal(k.toString('hex'), '0000000000000102' + '01' + '6162')
  assert.deepEqual(keys.deserializer.deserialize('t', k, []), { timestamp: 258, left: true, key: 'ab' })
  const values = leftOrRightValuesSerde(Serdes.string as never, Serdes.long as never)
  const v = values.serializer.serialize('t', { left: false, values: [1, 2] }, []) as Buffer
  assert.equal(v.toString('hex'), '00' + '00000002' + '00000008' + '0000000000000001' + '00000008' + '0000000000000002')
  assert.deepEqual(values.deserializer.deserialize('t', v, []), { left: false, values: [1, 2] })
})

test('stream–stream join: Kafka Streams\' processor and store names, one sub-topology, repartition of a re-keyed side', () => {
  const builder = new StreamsBuilder()
  const strings = { keySerde: Serdes.string, valueSerde: Serdes.string }
  const views = builder.stream('views', strings)
  const clicks = builder.stream('clicks', strings)
  views.join(clicks, (v, c) => `${v}/${c}`, JoinWindows.ofTimeDifferenceWithNoGrace(1_000)).to('inner', { valueSerde: Serdes.string })
  views.selectKey((_k, v) => v).leftJoin(clicks, (v, c) => `${v}/${c ?? '-'}`, JoinWindows.ofTimeDifferenceAndGrace(1_000, 500), { name: 'vc', storeName: 'vc-store' }).to('left', { valueSerde: Serdes.string })
  views.outerJoin(clicks, (v, c) => `${v ?? '-'}/${c ?? '-'}`, JoinWindows.ofTimeDifferenceWithNoGrace(1_000)).to('outer', { valueSerde: Serdes.string })
  const topology = builder.build()
  assert.deepEqual([...topology.stores.keys()], [
    'KSTREAM-JOINTHIS-0000000004-store', 'KSTREAM-JOINOTHER-0000000005-store',
    'vc-store-this-join-store', 'vc-store-outer-other-join-store', 'vc-store-left-shared-join-store',
    'KSTREAM-OUTERTHIS-0000000016-store', 'KSTREAM-OUTEROTHER-0000000017-store', 'KSTREAM-OUTERSHARED-0000000016-store',
  ])
  const window = topology.stores.get('KSTREAM-JOINTHIS-0000000004-store')!
  assert.equal(window.kind, 'window')
  assert.deepEqual(window.changelogConfigs, { 'cleanup.policy': 'compact,delete', 'retention.ms': String(2_000 + 86_400_000) })
  assert.deepEqual(topology.repartitionTopics(), ['vc-left-repartition'])
  assert.equal(topology.subTopologies().length, 1)
  const text = topology.describe()
  for (const name of ['vc-this-windowed', 'vc-other-windowed', 'vc-this-join', 'vc-outer-other-join', 'vc-merge', 'KSTREAM-MERGE-0000000006']) assert.match(text, new RegExp(`${name} `))
})

test('stream–stream join errors: no JoinWindows, unknown serdes, other builder', () => {
  const builder = new StreamsBuilder()
  const a = builder.stream('a', { keySerde: Serdes.string, valueSerde: Serdes.string })
  const b = builder.stream('b', { keySerde: Serdes.string, valueSerde: Serdes.string })
  assert.throws(() => a.join(b as never, (x: string, y: string) => x + y), /needs JoinWindows as its third argument/)
  assert.throws(() => a.mapValues((v) => v.length).join(b, (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(10)), /left stream's values is not known.*pass \{ valueSerde \}/)
  assert.throws(() => a.join(b, (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(10), { otherValueSerde: undefined, valueSerde: Serdes.string }).to('x'), /values were changed/)
  const other = new StreamsBuilder().stream('c', { keySerde: Serdes.string, valueSerde: Serdes.string })
  assert.throws(() => a.join(other, (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(10)), /same StreamsBuilder/)
})
