// Aggregations into KTables end to end: groupBy through a repartition topic,
// count/reduce into changelogged stores, interactive queries, builder.table(),
// and the stores restored from their changelogs by the next instance.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaStreams, Serdes, StreamsBuilder } from '../../../src/streams/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { waitFor } from '../../helpers/consume.js'
import { cleanUp, createTopics, latest, partitionsOf, produceStrings, readAll, wordCount } from './helpers.js'

test('groupBy + count: repartition and changelog topics, queryable store, restored by the next instance', async () => {
  const app = uniqueName('streams-count')
  const [input, output] = [uniqueName('streams-lines'), uniqueName('streams-counts')]
  await createTopics([input, output], 3)
  const config = { 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 200 }
  await produceStrings(input, [['1', 'the cat and the hat'], ['2', 'The end'], [null, 'cat']])
  let streams = new KafkaStreams(wordCount(input, output).build(), config)
  try {
    await streams.start()
    const first = latest(await readAll<string, number>(output, { key: 'string', value: 'long', done: (rs) => latest(rs).get('the') === 3 && latest(rs).size === 5 }))
    assert.deepEqual(Object.fromEntries(first), { the: 3, cat: 2, and: 1, hat: 1, end: 1 })
    const store = streams.store<string, number>('counts')
    await waitFor('the store to hold every word', () => store.approximateNumEntries() === 5)
    assert.equal(store.get('the'), 3)
    assert.equal(store.get('cat'), 2)
    assert.equal(store.get('dog'), undefined)
    assert.deepEqual(Object.fromEntries([...store.all()]), { the: 3, cat: 2, and: 1, hat: 1, end: 1 })
    await streams.close()

    assert.equal((await partitionsOf(`${app}-counts-changelog`)).length, 3, 'the changelog has the partitions of the grouped sub-topology')
    assert.equal((await partitionsOf(`${app}-counts-repartition`)).length, 3)

    // A new instance restores the counts from the changelog, then counts on from there.
    await produceStrings(input, [['3', 'cat dog']])
    streams = new KafkaStreams(wordCount(input, output).build(), config)
    await streams.start()
    const second = latest(await readAll<string, number>(output, { key: 'string', value: 'long', done: (rs) => latest(rs).get('dog') === 1 && latest(rs).get('cat') === 3 }))
    assert.deepEqual(Object.fromEntries(second), { the: 3, cat: 3, and: 1, hat: 1, end: 1, dog: 1 })
    const restored = streams.store<string, number>('counts')
    await waitFor('the restored store', () => restored.get('dog') === 1)
    assert.equal(restored.get('the'), 3, 'restored from the changelog, not recounted')
  } finally {
    await streams.close()
    await cleanUp([input, output], app)
  }
})

test('builder.table() keeps the latest value per key; a null value deletes it', async () => {
  const app = uniqueName('streams-table')
  const [input, output] = [uniqueName('streams-users'), uniqueName('streams-users-out')]
  await createTopics([input, output], 2)
  const builder = new StreamsBuilder()
  builder.table(input, { keySerde: Serdes.string, valueSerde: Serdes.string, storeName: 'users' }).toStream().mapValues((v) => (v === null ? null : v.toUpperCase())).to(output, { valueSerde: Serdes.string })
  await produceStrings(input, [['u1', 'ann'], ['u2', 'bob'], ['u1', 'anna'], ['u2', null]])
  const streams = new KafkaStreams(builder.build(), { 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 200 })
  try {
    await streams.start()
    const out = await readAll<string, string>(output, { key: 'string', value: 'string', done: (rs) => rs.length >= 4 })
    assert.deepEqual(Object.fromEntries(latest(out)), { u1: 'ANNA', u2: null })
    const users = streams.store<string, string>('users')
    await waitFor('the table', () => users.get('u1') === 'anna')
    assert.equal(users.get('u2'), undefined)
    assert.equal(users.approximateNumEntries(), 1)
  } finally {
    await streams.close()
    await cleanUp([input, output], app)
  }
})
