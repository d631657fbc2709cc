// Windows, windowed serdes and the window/session stores without a broker.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SessionWindows, Serdes, StreamsBuilder, TimeWindows, TopologyError, WindowedSerdes } from '../../src/streams/index.js'
import { InMemorySessionStore } from '../../src/streams/session-store.js'
import { InMemoryWindowStore } from '../../src/streams/window-store.js'

test('TimeWindows: tumbling and hopping windowsFor, validation', () => {
  const tumbling = TimeWindows.ofSizeAndGrace(10_000, 5_000)
  assert.deepEqual(tumbling.windowsFor(12_345), [{ start: 10_000, end: 20_000 }])
  assert.deepEqual(tumbling.windowsFor(0), [{ start: 0, end: 10_000 }])
  assert.deepEqual(tumbling.windowsFor(9_999), [{ start: 0, end: 10_000 }])
  assert.equal(tumbling.retentionMs(), 15_000)
  const hopping = TimeWindows.ofSizeWithNoGrace(10_000).advanceBy(5_000)
  assert.deepEqual(hopping.windowsFor(1_000), [{ start: 0, end: 10_000 }], 'no window starts before epoch 0')
  assert.deepEqual(hopping.windowsFor(12_000), [{ start: 5_000, end: 15_000 }, { start: 10_000, end: 20_000 }])
  assert.deepEqual(hopping.windowsFor(10_000), [{ start: 5_000, end: 15_000 }, { start: 10_000, end: 20_000 }], 'a window is [start, end)')
  assert.throws(() => TimeWindows.ofSizeAndGrace(0, 0), TopologyError)
  assert.throws(() => TimeWindows.ofSizeAndGrace(10, -1), TopologyError)
  assert.throws(() => tumbling.advanceBy(20_000), /must not exceed the window size/)
  assert.throws(() => SessionWindows.ofInactivityGapAndGrace(0, 10), TopologyError)
})

test('WindowedSerdes write Kafka Streams\' bytes: [key][start] and [key][end][start]', () => {
  const time = WindowedSerdes.timeWindowed(Serdes.string, 60_000)
  const bytes = time.serializer.serialize('t', { key: 'web-1', window: { start: 120_000, end: 180_000 } }, []) as Buffer
  assert.equal(bytes.toString('hex'), Buffer.from('web-1').toString('hex') + '000000000001d4c0')
  assert.deepEqual(time.deserializer.deserialize('t', bytes, []), { key: 'web-1', window: { start: 120_000, end: 180_000 } })
  const session = WindowedSerdes.sessionWindowed(Serdes.string)
  const sb = session.serializer.serialize('t', { key: 'k', window: { start: 1, end: 2 } }, []) as Buffer
  assert.equal(sb.toString('hex'), '6b' + '0000000000000002' + '0000000000000001')
  assert.deepEqual(session.deserializer.deserialize('t', sb, []), { key: 'k', window: { start: 1, end: 2 } })
})

test('window store: fetch by key and time range, retention by stream time, changelog bytes restore the same store', () => {
  const def = { name: 'w', keySerde: Serdes.string, valueSerde: Serdes.long, logged: true }
  const log: [Buffer | null, Buffer | null][] = []
  const store = new InMemoryWindowStore<string, number>(def, 'app-w-changelog', (k, v) => log.push([k, v]), { retentionMs: 30, windowSizeMs: 10 })
  store.put('a', 1, 0)
  store.put('a', 2, 10)
  store.put('b', 3, 10)
  assert.equal(store.fetch('a', 10), 2)
  assert.deepEqual([...store.fetch('a', 0, 10)], [[0, 1], [10, 2]])
  assert.deepEqual([...store.fetchAll(10, 10)].map(([w, v]) => [w.key, w.window.start, w.window.end, v]), [['a', 10, 20, 2], ['b', 10, 20, 3]])
  assert.equal(log[0]![0]!.toString('hex'), '61' + '0000000000000000' + '00000000', 'key bytes: [key][start][seqnum]')
  store.put('a', 4, 30) // stream time 30: windows starting at or before 0 are past retention
  assert.equal(store.fetch('a', 0), undefined)
  store.put('c', 5, 0)
  assert.equal(store.fetch('c', 0), undefined, 'a put for an expired window is dropped')
  const restored = new InMemoryWindowStore<string, number>(def, 'app-w-changelog', undefined, { retentionMs: 30, windowSizeMs: 10 })
  log.forEach(([k, v], i) => restored.restore(k, v, 100 + i))
  assert.deepEqual([...restored.all()].map(([w, v]) => [w.key, w.window.start, v]), [['a', 10, 2], ['b', 10, 3], ['a', 30, 4]])
  assert.equal(restored.streamTime, 100 + log.length - 1, 'stream time comes back from the changelog timestamps')
})

test('window store with duplicates (join stores) keeps every value of a key and time', () => {
  const def = { name: 'j', keySerde: Serdes.string, valueSerde: Serdes.string, logged: false }
  const store = new InMemoryWindowStore<string, string>(def, 'c', undefined, { retentionMs: 100, windowSizeMs: 0, retainDuplicates: true })
  store.put('k', 'x', 5)
  store.put('k', 'y', 5)
  store.put('other', 'z', 5)
  assert.deepEqual([...store.fetch('k', 0, 10)], [[5, 'x'], [5, 'y']])
})

test('window store with duplicates restored from its changelog: a new record of the same key and time is added, not put over a restored one', () => {
  const def = { name: 'j', keySerde: Serdes.string, valueSerde: Serdes.string, logged: true }
  const log: [Buffer | null, Buffer | null][] = []
  const options = { retentionMs: 100, windowSizeMs: 0, retainDuplicates: true }
  const store = new InMemoryWindowStore<string, string>(def, 'c', (k, v) => log.push([k, v]), options)
  store.put('k', 'x', 5)
  store.put('k', 'y', 5)
  const restored = new InMemoryWindowStore<string, string>(def, 'c', (k, v) => log.push([k, v]), options)
  for (const [k, v] of [...log]) restored.restore(k, v, 5)
  restored.put('k', 'z', 5)
  assert.deepEqual([...restored.fetchValues('k', 0, 10)], [[5, 'x'], [5, 'y'], [5, 'z']])
  assert.equal(new Set(log.map(([k]) => k!.toString('hex'))).size, 3, 'three changelog keys: compaction keeps all three')
})

test('session store: findSessions by end and start bounds, remove, restore', () => {
  const def = { name: 's', keySerde: Serdes.string, valueSerde: Serdes.long, logged: true }
  const log: [Buffer | null, Buffer | null][] = []
  const store = new InMemorySessionStore<string, number>(def, 'app-s-changelog', (k, v) => log.push([k, v]), 1000)
  store.put({ key: 'a', window: { start: 0, end: 10 } }, 2)
  store.put({ key: 'a', window: { start: 50, end: 60 } }, 3)
  assert.deepEqual([...store.findSessions('a', 5, 55)].map(([w, v]) => [w.window.start, w.window.end, v]), [[0, 10, 2], [50, 60, 3]])
  assert.deepEqual([...store.findSessions('a', 11, 55)].map(([w]) => w.window.start), [50])
  store.remove({ key: 'a', window: { start: 0, end: 10 } })
  assert.equal(store.fetchSession('a', 0, 10), undefined)
  assert.equal(store.fetchSession('a', 50, 60), 3)
  const restored = new InMemorySessionStore<string, number>(def, 'app-s-changelog', undefined, 1000)
  for (const [k, v] of log) restored.restore(k, v)
  assert.deepEqual([...restored.fetch('a')].map(([w, v]) => [w.key, w.window.start, w.window.end, v]), [['a', 50, 60, 3]])
})

test('windowedBy: a window store per aggregation, changelog deleted after retention + 1 day, retention checked', () => {
  const builder = new StreamsBuilder()
  const grouped = builder.stream('m', { keySerde: Serdes.string, valueSerde: Serdes.double }).groupByKey()
  grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 10_000)).count({ storeName: 'per-minute' })
  grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(5_000, 0)).reduce((a, b) => a + b, { storeName: 'sessions' })
  const stores = builder.build().stores
  assert.equal(stores.get('per-minute')!.kind, 'window')
  assert.deepEqual(stores.get('per-minute')!.changelogConfigs, { 'cleanup.policy': 'compact,delete', 'retention.ms': String(70_000 + 86_400_000) })
  assert.equal(stores.get('sessions')!.kind, 'session')
  assert.throws(() => grouped.windowedBy(TimeWindows.ofSizeAndGrace(60_000, 0)).count({ storeName: 'short', retentionMs: 1000 }), /must be at least/)
  const rekeyed = builder.stream('n', { keySerde: Serdes.string, valueSerde: Serdes.string }).selectKey((_k, v) => v)
  assert.throws(() => rekeyed.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count(), /serde of the keys is not known/)
})
