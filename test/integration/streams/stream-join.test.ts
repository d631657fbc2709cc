// KStream–KStream windowed joins end to end: an inner join with records
// inside and outside the window and out of order within the grace period
// (at_least_once and exactly_once_v2), a left join that emits a record joined
// with null only after its window closed, a side re-keyed before the join
// (repartitioned), the join stores restored by the next instance (no result
// lost or repeated), and the co-partitioning check.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { JoinWindows, KafkaStreams, QueryableStoreTypes, Serdes, StreamsBuilder, TopologyError, type KStream } from '../../../src/streams/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { waitFor } from '../../helpers/consume.js'
import { cleanUp, createTopics, partitionsOf, produceStrings, readAll } from './helpers.js'

const strings = { keySerde: Serdes.string, valueSerde: Serdes.string }
// Near now: the broker deletes join-store changelog records older than retention + 1 day by their timestamps.
const T = Math.floor(Date.now() / 60_000) * 60_000 - 60_000
const config = (app: string, guarantee: Guarantee = 'at_least_once') =>
  ({ 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 200, 'processing.guarantee': guarantee })
/** `key value @relative-timestamp`, sorted: the join results as a comparable list. */
const results = (records: { key: unknown; value: unknown; timestamp: number }[]) => records.map((r) => `${String(r.key)} ${String(r.value)} @${r.timestamp - T}`).sort()
// The first input is written before start(): the producer waits until the new topics are known, which start() needs.
const windowCount = (streams: KafkaStreams, store: string) => [...streams.store(store, QueryableStoreTypes.windowStore<string, string>()).all()].length

type Guarantee = 'at_least_once' | 'exactly_once_v2'

/** Topics views, clicks and out (`partitions` each) and the topology writing `join(views, clicks)` to out. */
async function joinApp(prefix: string, partitions: number, join: (views: KStream<string, string>, clicks: KStream<string, string>) => KStream<string, string>) {
  const app = uniqueName(prefix)
  const [views, clicks, out] = [uniqueName('views'), uniqueName('clicks'), uniqueName('view-clicks')]
  await createTopics([views, clicks, out], partitions)
  const topology = () => {
    const builder = new StreamsBuilder()
    join(builder.stream(views, strings), builder.stream(clicks, strings)).to(out, { valueSerde: Serdes.string })
    return builder.build()
  }
  return {
    app, views, clicks, out,
    start: (guarantee: Guarantee = 'at_least_once') => new KafkaStreams(topology(), config(app, guarantee)),
    /** The join results once there are at least `n` (read_committed under exactly_once_v2). */
    results: async (n: number, guarantee: Guarantee = 'at_least_once') =>
      results(await readAll<string, string>(out, { key: 'string', value: 'string', isolation: guarantee === 'exactly_once_v2' ? 'read_committed' : 'read_uncommitted', done: (rs) => rs.length >= n })),
    cleanUp: () => cleanUp([views, clicks, out], app),
  }
}

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  test(`inner join (${guarantee}): pairs within ±5 s, out-of-order records within the grace period, the later timestamp`, async () => {
    const j = await joinApp('streams-ss-join', 2, (views, clicks) => views.join(clicks, (v, c) => `${v}+${c}`, JoinWindows.ofTimeDifferenceAndGrace(5_000, 10_000), { storeName: 'vc' }))
    const streams = j.start(guarantee)
    try {
      await produceStrings(j.views, [['a', 'v1', T + 1_000], ['b', 'v3', T + 3_000], ['a', 'v2', T + 20_000]])
      await streams.start()
      await waitFor('the views in the join store', () => windowCount(streams, 'vc-this-join-store') === 3)
      await produceStrings(j.clicks, [
        ['a', 'c1', T + 4_000], //  3 s after v1: joins it
        ['a', 'c2', T + 9_000], //  8 s after v1, 11 s before v2: joins nothing
        ['b', 'c3', T + 2_000], //  1 s before v3: joins it
        ['a', 'c4', T + 16_000], // 4 s before v2
        ['a', 'c5', T + 17_000], // out of order (stream time 20 s) but within the grace period: joins v2
        ['z', 'c6', T + 17_000], // no view of that key
      ])
      const expected = ['a v1+c1 @4000', 'a v2+c4 @20000', 'a v2+c5 @20000', 'b v3+c3 @3000']
      assert.deepEqual(await j.results(expected.length, guarantee), expected)
      await waitFor('every click kept for later views', () => windowCount(streams, 'vc-other-join-store') === 6)

      // A view arriving after the clicks joins the ones within 5 s of it.
      await produceStrings(j.views, [['a', 'v4', T + 13_000]])
      const more = [...expected, 'a v4+c2 @13000', 'a v4+c4 @16000', 'a v4+c5 @17000'].sort()
      assert.deepEqual(await j.results(more.length, guarantee), more)
    } finally {
      await streams.close()
      await j.cleanUp()
    }
  })
}

test('left join: an unmatched record is joined with null once its window closed (end + grace by stream time), never before; a matched one never', async () => {
  const j = await joinApp('streams-ss-left', 1, (views, clicks) => views.leftJoin(clicks, (v, c) => `${v}+${c ?? 'null'}`, JoinWindows.ofTimeDifferenceAndGrace(2_000, 1_000), { storeName: 'lj' }))
  const streams = j.start()
  try {
    await produceStrings(j.views, [['a', 'v1', T + 1_000], ['b', 'v2', T + 1_000]])
    await streams.start()
    await waitFor('the views in the join store', () => windowCount(streams, 'lj-this-join-store') === 2)
    await produceStrings(j.clicks, [['b', 'c1', T + 2_500], ['z', 'c2', T + 2_600]])
    await waitFor('the clicks in the join store', () => windowCount(streams, 'lj-outer-other-join-store') === 2)
    // Stream time 2600: v1's window closes after 1000 + 2000 + 1000 = 4000, so it still waits.
    assert.deepEqual(await j.results(1), ['b v2+c1 @2500'], 'only the match; no null result yet, none for the unmatched click of a left join')

    await produceStrings(j.views, [['c', 'v3', T + 5_000]]) // stream time 5000 > 4000: v1 is emitted with null
    await produceStrings(j.views, [['d', 'v4', T + 500]]) // out of order, its window (until 2500) already past: emitted at once
    const expected = ['a v1+null @1000', 'b v2+c1 @2500', 'd v4+null @500']
    assert.deepEqual(await j.results(expected.length), expected, 'v2 was joined, so it is not emitted with null; v3 still waits')
  } finally {
    await streams.close()
    await j.cleanUp()
  }
})

test('outer join: unmatched records of either side are joined with null once their window closed', async () => {
  const j = await joinApp('streams-ss-outer', 1, (views, clicks) => views.outerJoin(clicks, (v, c) => `${v ?? 'null'}+${c ?? 'null'}`, JoinWindows.ofTimeDifferenceWithNoGrace(2_000), { storeName: 'oj' }))
  const streams = j.start()
  try {
    await produceStrings(j.views, [['a', 'v1', T + 1_000], ['b', 'v2', T + 1_000]])
    await streams.start()
    await waitFor('the views in the join store', () => windowCount(streams, 'oj-outer-this-join-store') === 2)
    await produceStrings(j.clicks, [['b', 'c1', T + 1_500], ['z', 'c2', T + 2_000]])
    await waitFor('the clicks in the join store', () => windowCount(streams, 'oj-outer-other-join-store') === 2)
    await produceStrings(j.views, [['t', 'v3', T + 10_000]]) // stream time 10000: the windows of v1 (until 3000) and c2 (until 4000) closed
    const expected = ['a v1+null @1000', 'b v2+c1 @1500', 'z null+c2 @2000']
    assert.deepEqual(await j.results(expected.length), expected)
  } finally {
    await streams.close()
    await j.cleanUp()
  }
})

test('a side re-keyed before the join goes through <application.id>-<name>-left-repartition', async () => {
  const j = await joinApp('streams-ss-rekey', 2, (views, clicks) => views
    .selectKey((_viewId, value) => value.split(':')[0]!)
    .join(clicks, (v, c) => `${v.split(':')[1]!}+${c}`, JoinWindows.ofTimeDifferenceWithNoGrace(60_000), { name: 'by-user', storeName: 'by-user' }))
  const streams = j.start()
  try {
    await produceStrings(j.views, [['view-1', 'u1:home', T + 1_000], ['view-2', 'u2:cart', T + 1_000], ['view-3', 'u3:faq', T + 1_000], ['view-4', 'u1:help', T + 2_000]])
    await streams.start()
    await waitFor('the re-keyed views in the join store', () => windowCount(streams, 'by-user-this-join-store') === 4)
    await produceStrings(j.clicks, [['u1', 'buy', T + 3_000], ['u2', 'back', T + 3_000], ['u9', 'x', T + 3_000]])
    const expected = ['u1 help+buy @3000', 'u1 home+buy @3000', 'u2 cart+back @3000']
    assert.deepEqual(await j.results(expected.length), expected)
    assert.equal((await partitionsOf(`${j.app}-by-user-left-repartition`)).length, 2)
  } finally {
    await streams.close()
    await j.cleanUp()
  }
})

test('the join stores and the outer store are restored by the next instance: no result lost or repeated', async () => {
  // One partition: one task, so one stream time for every key.
  const j = await joinApp('streams-ss-restore', 1, (views, clicks) => views.leftJoin(clicks, (v, c) => `${v}+${c ?? 'null'}`, JoinWindows.ofTimeDifferenceAndGrace(2_000, 0), { storeName: 'rj' }))
  let streams = j.start()
  try {
    await produceStrings(j.views, [['a', 'v1', T + 1_000], ['b', 'v2', T + 1_000], ['c', 'v3', T + 1_000]])
    await streams.start()
    await produceStrings(j.clicks, [['c', 'c0', T + 1_500]])
    await waitFor('the first records joined or waiting', () => windowCount(streams, 'rj-this-join-store') === 3 && windowCount(streams, 'rj-outer-other-join-store') === 1)
    assert.deepEqual(await j.results(1), ['c v3+c0 @1500'])
    await streams.close()

    streams = j.start()
    await streams.start()
    await waitFor('the restored join stores', () => windowCount(streams, 'rj-this-join-store') === 3)
    await produceStrings(j.clicks, [['b', 'c1', T + 2_500]]) // joins v2 from the restored store
    await waitFor('the click processed', () => windowCount(streams, 'rj-outer-other-join-store') === 2) // before stream time moves on
    await produceStrings(j.views, [['e', 'v5', T + 9_000], ['c', 'v6', T + 9_000]]) // stream time 9000: v1's window (until 3000) closed
    const expected = ['a v1+null @1000', 'b v2+c1 @2500', 'c v3+c0 @1500']
    assert.deepEqual(await j.results(expected.length), expected, 'v1 comes back from the outer store and is emitted once; v2 and v3 were joined and are not emitted with null')
    await streams.close()

    streams = j.start()
    await produceStrings(j.views, [['f', 'v7', T + 20_000]]) // closes v5 and v6 (waiting since before this restart)
    await streams.start()
    const last = [...expected, 'c v6+null @9000', 'e v5+null @9000'].sort()
    assert.deepEqual(await j.results(last.length), last)
  } finally {
    await streams.close()
    await j.cleanUp()
  }
})

test('a stream–stream join of topics with different partition counts fails at start', async () => {
  const app = uniqueName('streams-ss-copartition')
  const [views, clicks, out] = [uniqueName('views3'), uniqueName('clicks2'), uniqueName('out')]
  await createTopics([views, out], 3)
  await createTopics([clicks], 2)
  await produceStrings(views, [['a', 'v']])
  await produceStrings(clicks, [['a', 'c']])
  const builder = new StreamsBuilder()
  builder.stream(views, strings).join(builder.stream(clicks, strings), (v, c) => v + c, JoinWindows.ofTimeDifferenceWithNoGrace(1_000)).to(out, { valueSerde: Serdes.string })
  const streams = new KafkaStreams(builder.build(), config(app))
  try {
    await assert.rejects(streams.start(), (e: unknown) => {
      assert.ok(e instanceof TopologyError, String(e))
      assert.match(e.message, new RegExp(`KSTREAM-MERGE-\\d{10} are not co-partitioned: "${views}" has 3 partitions, "${clicks}" has 2 partitions`))
      return true
    })
  } finally {
    await streams.close()
    await cleanUp([views, clicks, out], app)
  }
})
