// Windowed aggregations end to end: tumbling windows with out-of-order
// records within and beyond the grace period, hopping and session windows,
// the window store queried and restored from its changelog by the next
// instance (with its stream time, so late records stay late).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { KafkaStreams, QueryableStoreTypes, Serdes, SessionWindows, StreamsBuilder, TimeWindows, type KTable, type Windowed } from '../../../src/streams/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { waitFor } from '../../helpers/consume.js'
import { cleanUp, createTopics, latest, produceStrings, readAll } from './helpers.js'

// Near now, a multiple of every window size used here: the broker deletes windowed
// changelog records older than retention + 1 day by their timestamps, as it would Kafka Streams'.
const T = Math.floor(Date.now() / 600_000) * 600_000 - 600_000

/** Writes the windowed table as `key@start-end` (relative to T) → value. */
function toOutput(table: KTable<Windowed<string>, number>, output: string): void {
  table.toStream()
    .map((w, v) => [`${w.key}@${w.window.start - T}-${w.window.end - T}`, v] as [string, number])
    .to(output, { keySerde: Serdes.string, valueSerde: Serdes.long })
}

const config = (app: string) => ({ 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 200 })
const dropped = (streams: KafkaStreams) => streams.metrics().list().filter((m) => m.metricName.name === 'dropped-records-total').reduce((n, m) => n + m.value, 0)

test('tumbling count: out-of-order records within the grace period count, beyond it are dropped; the window store is restored with its stream time', async () => {
  const app = uniqueName('streams-tumbling')
  const [input, output] = [uniqueName('streams-win-in'), uniqueName('streams-win-out')]
  await createTopics([input, output], 1)
  const topology = () => {
    const builder = new StreamsBuilder()
    const counts = builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10_000, 5_000))
      .count({ storeName: 'win-counts', retentionMs: 60_000 })
    toOutput(counts, output)
    return builder.build()
  }
  // Stream time and close time (stream time - 5 s grace) after each record, in offset order:
  await produceStrings(input, [
    ['a', 'x', T + 1_000], //  st 1000: [0,10s) a=1
    ['a', 'x', T + 12_000], // st 12000, close 7000: [10s,20s) a=1
    ['a', 'x', T + 5_000], //  late but within grace (window end 10000 > 7000): [0,10s) a=2
    ['b', 'x', T + 16_000], // st 16000, close 11000: [10s,20s) b=1
    ['a', 'x', T + 9_000], //  window end 10000 <= 11000: dropped
    ['a', 'x', T + 15_000], // [10s,20s) a=2
    ['a', 'x', T + 26_000], // st 26000, close 21000: [20s,30s) a=1
    ['b', 'x', T + 19_999], // window end 20000 <= 21000: dropped
    ['b', 'x', T + 21_000], // [20s,30s) b=1
  ])
  let streams = new KafkaStreams(topology(), config(app))
  try {
    await streams.start()
    const out = await readAll<string, number>(output, { key: 'string', value: 'long', done: (rs) => rs.length >= 7 })
    assert.deepEqual(out.map((r) => [r.key, r.value, r.timestamp - T]), [
      ['a@0-10000', 1, 1_000],
      ['a@10000-20000', 1, 12_000],
      ['a@0-10000', 2, 5_000],
      ['b@10000-20000', 1, 16_000],
      ['a@10000-20000', 2, 15_000],
      ['a@20000-30000', 1, 26_000],
      ['b@20000-30000', 1, 21_000],
    ])
    await waitFor('the two late records counted as dropped', () => dropped(streams) === 2)
    const store = streams.store('win-counts', QueryableStoreTypes.windowStore<string, number>())
    assert.equal(store.fetch('a', T), 2)
    assert.equal(store.fetch('a', T + 5_000), undefined, 'no window starts there')
    assert.deepEqual([...store.fetch('a', T, T + 20_000)].map(([start, n]) => [start - T, n]), [[0, 2], [10_000, 2], [20_000, 1]])
    assert.deepEqual([...store.fetch('b', T + 10_000, T + 10_000)].map(([start, n]) => [start - T, n]), [[10_000, 1]])
    assert.deepEqual([...store.fetchAll(T + 20_000, T + 30_000)].map(([w, n]) => [w.key, w.window.start - T, w.window.end - T, n]), [['a', 20_000, 30_000, 1], ['b', 20_000, 30_000, 1]])
    assert.equal([...store.all()].length, 5)
    assert.throws(() => streams.store('win-counts'), /it is a window store; pass QueryableStoreTypes.windowStore\(\)/)
    await streams.close()

    const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
    try {
      const [d] = await admin.describeConfigs([{ type: 'topic', name: `${app}-win-counts-changelog` }], { configNames: ['cleanup.policy', 'retention.ms'] })
      const byName = new Map(d!.entries.map((e) => [e.name, e.value]))
      assert.equal(byName.get('cleanup.policy'), 'compact,delete')
      assert.equal(byName.get('retention.ms'), String(60_000 + 86_400_000))
    } finally {
      await admin.close()
    }

    // The next instance restores the windows and the stream time (26000): a record for [0,10s) is still late.
    // The records go in once the store is restored (state RUNNING): on this branch's runtime a poll may hand over
    // records of a partition whose onPartitionsAssigned (the restoration) is still running.
    streams = new KafkaStreams(topology(), config(app))
    await streams.start()
    await waitFor('the second instance running (its store restored)', () => streams.state === 'RUNNING')
    await produceStrings(input, [['a', 'x', T + 1_000], ['a', 'x', T + 27_000], ['b', 'x', T + 22_000]])
    const more = await readAll<string, number>(output, { key: 'string', value: 'long', done: (rs) => rs.length >= 9 })
    assert.deepEqual(more.slice(7).map((r) => [r.key, r.value]), [['a@20000-30000', 2], ['b@20000-30000', 2]], 'counted on from the restored windows; the late record dropped')
    await waitFor('the late record dropped after the restart', () => dropped(streams) === 1)
    const restored = streams.store('win-counts', QueryableStoreTypes.windowStore<string, number>())
    assert.equal(restored.fetch('a', T), 2)
    assert.equal(restored.fetch('a', T + 20_000), 2)
  } finally {
    await streams.close()
    await cleanUp([input, output], app)
  }
})

test('hopping windows: each record counts in every window that contains it', async () => {
  const app = uniqueName('streams-hopping')
  const [input, output] = [uniqueName('streams-hop-in'), uniqueName('streams-hop-out')]
  await createTopics([input, output], 1)
  const builder = new StreamsBuilder()
  const sums = builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
    .mapValues((v) => Number(v))
    .groupByKey({ valueSerde: Serdes.long })
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000).advanceBy(5_000))
    .reduce((a, b) => a + b, { storeName: 'hop-sums' })
  toOutput(sums, output)
  await produceStrings(input, [['k', '1', T + 1_000], ['k', '10', T + 6_000], ['k', '100', T + 12_000], ['k', '1000', T + 4_000]])
  const streams = new KafkaStreams(builder.build(), config(app))
  try {
    await streams.start()
    const out = latest(await readAll<string, number>(output, { key: 'string', value: 'long', done: (rs) => rs.length >= 6 }))
    // 1000 is also in [-5s,5s); 4000 comes after stream time 12000 with no grace: its windows [-5s,5s) and [0,10s) have closed.
    assert.deepEqual(Object.fromEntries(out), { 'k@-5000-5000': 1, 'k@0-10000': 11, 'k@5000-15000': 110, 'k@10000-20000': 100 })
    await waitFor('the late record dropped (from two windows)', () => dropped(streams) === 2)
    const store = streams.store('hop-sums', QueryableStoreTypes.windowStore<string, number>())
    // Retention is size + grace = 10 s of stream time past the newest window start (10 s): windows starting at 0 or before are gone.
    assert.deepEqual([...store.fetch('k', T - 5_000, T + 10_000)].map(([s, v]) => [s - T, v]), [[5_000, 110], [10_000, 100]])
  } finally {
    await streams.close()
    await cleanUp([input, output], app)
  }
})

test('session windows: records within the gap form a session, a record between two sessions merges them', async () => {
  const app = uniqueName('streams-session')
  const [input, output] = [uniqueName('streams-ses-in'), uniqueName('streams-ses-out')]
  await createTopics([input, output], 1)
  const builder = new StreamsBuilder()
  const sessions = builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(5_000, 10_000))
    .count({ storeName: 'sessions', retentionMs: 60_000 })
  toOutput(sessions, output)
  await produceStrings(input, [
    ['a', 'x', T], //          [0,0]=1
    ['a', 'x', T + 3_000], //  merges: [0,3000]=2
    ['a', 'x', T + 20_000], // [20000,20000]=1; stream time 20000, close 10000
    ['a', 'x', T + 10_000], // [10000,10000]=1 (ends at the close time: not late)
    ['a', 'x', T + 15_000], // within the gap of both: [10000,20000]=3
    ['b', 'x', T + 1_000], //  its session ends before the close time: dropped
  ])
  const streams = new KafkaStreams(builder.build(), config(app))
  try {
    await streams.start()
    const out = await readAll<string, number>(output, { key: 'string', value: 'long', done: (rs) => rs.length >= 8 })
    assert.deepEqual(out.map((r) => [r.key, r.value]), [
      ['a@0-0', 1],
      ['a@0-0', null], ['a@0-3000', 2],
      ['a@20000-20000', 1],
      ['a@10000-10000', 1],
      ['a@10000-10000', null], ['a@20000-20000', null], ['a@10000-20000', 3],
    ], 'a merged session is deleted (a null value) before the new one is written')
    await waitFor('the late record dropped', () => dropped(streams) === 1)
    const store = streams.store('sessions', QueryableStoreTypes.sessionStore<string, number>())
    assert.deepEqual([...store.fetch('a')].map(([w, n]) => [w.window.start - T, w.window.end - T, n]), [[0, 3_000, 2], [10_000, 20_000, 3]])
    assert.equal(store.fetchSession('a', T + 10_000, T + 20_000), 3)
    assert.deepEqual([...store.fetch('b')], [])
  } finally {
    await streams.close()
    await cleanUp([input, output], app)
  }
})
