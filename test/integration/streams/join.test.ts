// Joins end to end: KStream–KTable join and leftJoin (a table update between
// two stream records changes the result; a missing key joins with null),
// a re-keyed stream repartitioned to the table's partition count, KTable–KTable
// join/leftJoin/outerJoin, and the co-partitioning check at start.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaStreams, Serdes, StreamsBuilder, TopologyError } from '../../../src/streams/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { waitFor } from '../../helpers/consume.js'
import { cleanUp, createTopics, latest, partitionsOf, produceStrings, readAll } from './helpers.js'

const strings = { keySerde: Serdes.string, valueSerde: Serdes.string }
const config = (app: string) => ({ 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 200 })
const pairs = (records: { key: unknown; value: unknown }[]) => records.map((r) => [r.key, r.value])

test('stream–table join and leftJoin: enrichment with the table value current when each record is processed', async () => {
  const app = uniqueName('streams-enrich')
  const [orders, customers, joined, leftJoined] = [uniqueName('orders'), uniqueName('customers'), uniqueName('enriched'), uniqueName('enriched-left')]
  await createTopics([orders, customers, joined, leftJoined], 2)
  const builder = new StreamsBuilder()
  const table = builder.table(customers, { ...strings, storeName: 'customers' })
  const stream = builder.stream(orders, strings)
  stream.join(table, (order, customer) => `${order} for ${customer}`).to(joined, { valueSerde: Serdes.string })
  stream.leftJoin(table, (order, customer) => `${order} for ${customer ?? 'nobody'}`).to(leftJoined, { valueSerde: Serdes.string })
  const streams = new KafkaStreams(builder.build(), config(app))
  try {
    await produceStrings(customers, [['c1', 'ann'], ['c2', 'bob']])
    await streams.start()
    const store = streams.store<string, string>('customers')
    await waitFor('the customers table', () => store.approximateNumEntries() === 2)

    await produceStrings(orders, [['c1', 'o1'], ['c3', 'o2'], ['c2', 'o3'], [null, 'o4']])
    const inner1 = await readAll<string, string>(joined, { key: 'string', value: 'string', done: (rs) => rs.length >= 2 })
    const left1 = await readAll<string, string>(leftJoined, { key: 'string', value: 'string', done: (rs) => rs.length >= 4 })
    assert.deepEqual(new Set(pairs(inner1).map(String)), new Set([['c1', 'o1 for ann'], ['c2', 'o3 for bob']].map(String)), 'the join drops c3 (not in the table) and the record without a key')
    assert.deepEqual(new Set(pairs(left1).map(String)), new Set([['c1', 'o1 for ann'], ['c3', 'o2 for nobody'], ['c2', 'o3 for bob'], [null, 'o4 for nobody']].map(String)), 'leftJoin joins a missing key (and a null key) with null')

    // A table update between two stream records of one key changes the result; a table update alone produces nothing.
    await produceStrings(customers, [['c1', 'anna'], ['c3', 'cid']])
    await waitFor('the table updates', () => store.get('c1') === 'anna' && store.get('c3') === 'cid')
    await produceStrings(orders, [['c1', 'o5'], ['c3', 'o6']])
    const inner2 = await readAll<string, string>(joined, { key: 'string', value: 'string', done: (rs) => rs.length >= 4 })
    const byKey = (rs: typeof inner2, k: string) => rs.filter((r) => r.key === k).map((r) => r.value)
    assert.deepEqual(byKey(inner2, 'c1'), ['o1 for ann', 'o5 for anna'])
    assert.deepEqual(byKey(inner2, 'c3'), ['o6 for cid'])
    assert.equal(inner2.length, 4, 'table updates forward nothing to the join')
    const left2 = await readAll<string, string>(leftJoined, { key: 'string', value: 'string', done: (rs) => rs.length >= 6 })
    assert.deepEqual(byKey(left2, 'c3'), ['o2 for nobody', 'o6 for cid'])
    assert.ok(inner2.every((r) => r.timestamp > 0), 'outputs keep the stream record timestamps')
  } finally {
    await streams.close()
    await cleanUp([orders, customers, joined, leftJoined], app)
  }
})

test('a stream re-keyed before a join goes through a repartition topic with the table\'s partition count', async () => {
  const app = uniqueName('streams-rekey-join')
  const [orders, customers, out] = [uniqueName('orders-by-id'), uniqueName('customers'), uniqueName('enriched')]
  await createTopics([orders], 3)
  await createTopics([customers, out], 2)
  const builder = new StreamsBuilder()
  const table = builder.table(customers, { ...strings, storeName: 'customers-by-id' })
  builder.stream(orders, strings)
    .selectKey((_orderId, value) => value.split(':')[0]!)
    .join(table, (value, customer) => `${value.split(':')[1]!} for ${customer}`, { name: 'orders-by-customer', keySerde: Serdes.string })
    .to(out, { valueSerde: Serdes.string })
  const streams = new KafkaStreams(builder.build(), config(app))
  try {
    await produceStrings(customers, [['c1', 'ann'], ['c2', 'bob'], ['c3', 'cid']])
    await streams.start()
    const store = streams.store<string, string>('customers-by-id')
    await waitFor('the customers table', () => store.approximateNumEntries() === 3)
    await produceStrings(orders, [['o1', 'c1:apples'], ['o2', 'c2:pears'], ['o3', 'c3:figs'], ['o4', 'c1:kiwis'], ['o5', 'c9:plums']])
    const result = await readAll<string, string>(out, { key: 'string', value: 'string', done: (rs) => rs.length >= 4 })
    assert.deepEqual(pairs(result).map(String).sort(), [['c1', 'apples for ann'], ['c1', 'kiwis for ann'], ['c2', 'pears for bob'], ['c3', 'figs for cid']].map(String))
    assert.equal((await partitionsOf(`${app}-orders-by-customer-repartition`)).length, 2, 'the repartition topic is co-partitioned with the table, not with the 3-partition source')
  } finally {
    await streams.close()
    await cleanUp([orders, customers, out], app)
  }
})

test('table–table join, leftJoin and outerJoin: materialized results, recomputed on either side, tombstones', async () => {
  const app = uniqueName('streams-ktable-join')
  const [left, right, innerOut] = [uniqueName('tt-left'), uniqueName('tt-right'), uniqueName('tt-inner-out')]
  await createTopics([left, right, innerOut], 2)
  const builder = new StreamsBuilder()
  const a = builder.table(left, { ...strings, storeName: 'left' })
  const b = builder.table(right, { ...strings, storeName: 'right' })
  a.join(b, (x, y) => `${x}+${y}`, { storeName: 'inner', valueSerde: Serdes.string }).toStream().to(innerOut, { valueSerde: Serdes.string })
  a.leftJoin(b, (x, y) => `${x}+${y ?? '-'}`, { storeName: 'left-join', valueSerde: Serdes.string })
  a.outerJoin(b, (x, y) => `${x ?? '-'}+${y ?? '-'}`, { storeName: 'outer', valueSerde: Serdes.string })
  const topology = builder.build()
  assert.equal(topology.subTopologies().length, 1, 'both tables and the three joins are one sub-topology')
  const streams = new KafkaStreams(topology, config(app))
  const view = (name: string) => Object.fromEntries([...streams.store<string, string>(name).all()].sort(([x], [y]) => x.localeCompare(y)))
  try {
    await produceStrings(left, [['k1', 'a1'], ['k2', 'a2']])
    await produceStrings(right, [['k1', 'b1'], ['k3', 'b3']])
    await streams.start()
    await waitFor('the joins', () => streams.store('outer').approximateNumEntries() === 3 && streams.store('inner').approximateNumEntries() === 1 && streams.store('left-join').approximateNumEntries() === 2)
    assert.deepEqual(view('inner'), { k1: 'a1+b1' })
    assert.deepEqual(view('left-join'), { k1: 'a1+b1', k2: 'a2+-' })
    assert.deepEqual(view('outer'), { k1: 'a1+b1', k2: 'a2+-', k3: '-+b3' })

    // An update on the right side recomputes; a deletion on the left removes k1 from inner and left joins.
    await produceStrings(right, [['k2', 'b2']])
    await waitFor('k2 joined', () => streams.store('inner').get('k2') === 'a2+b2')
    await produceStrings(left, [['k1', null]])
    await waitFor('k1 deleted on the left', () => streams.store('outer').get('k1') === '-+b1')
    assert.deepEqual(view('inner'), { k2: 'a2+b2' })
    assert.deepEqual(view('left-join'), { k2: 'a2+b2' })
    assert.deepEqual(view('outer'), { k1: '-+b1', k2: 'a2+b2', k3: '-+b3' })

    const out = await readAll<string, string>(innerOut, { key: 'string', value: 'string', done: (rs) => rs.length >= 3 })
    assert.deepEqual(out.filter((r) => r.key === 'k1').map((r) => r.value), ['a1+b1', null], 'the inner join forwards a tombstone when k1 leaves it')
    assert.deepEqual(Object.fromEntries(latest(out)), { k1: null, k2: 'a2+b2' })
  } finally {
    await streams.close()
    await cleanUp([left, right, innerOut], app)
  }
})

test('a join of topics with different partition counts fails at start, naming the topics and their counts', async () => {
  const app = uniqueName('streams-copartition')
  const [orders, customers, out] = [uniqueName('orders3'), uniqueName('customers2'), uniqueName('out')]
  await createTopics([orders, out], 3)
  await createTopics([customers], 2)
  await produceStrings(orders, [['c1', 'o1']]) // the producer waits until the broker's metadata has the new topics
  await produceStrings(customers, [['c1', 'ann']])
  const builder = new StreamsBuilder()
  builder.stream(orders, strings).join(builder.table(customers, strings), (o, c) => `${o}/${c}`).to(out, { valueSerde: Serdes.string })
  const streams = new KafkaStreams(builder.build(), config(app))
  try {
    await assert.rejects(streams.start(), (e: unknown) => {
      assert.ok(e instanceof TopologyError, String(e))
      assert.match(e.message, new RegExp(`"${orders}" has 3 partitions, "${customers}" has 2 partitions`))
      assert.match(e.message, /KSTREAM-JOIN-\d{10}.*not co-partitioned/)
      return true
    })
    assert.equal(streams.state, 'ERROR')
  } finally {
    await streams.close()
    await cleanUp([orders, customers, out], app)
  }
})
