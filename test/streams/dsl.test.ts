// The DSL without a broker: what a topology is made of, the errors of a topology that cannot run, config validation.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../../src/errors.js'
import { KafkaStreams, Serdes, StreamsBuilder, TopologyError } from '../../src/streams/index.js'

test('a grouping after a key change goes through a repartition topic: two sub-topologies', () => {
  const builder = new StreamsBuilder()
  builder.stream('lines', { keySerde: Serdes.string, valueSerde: Serdes.string })
    .flatMapValues((v) => v.split(' '))
    .groupBy((_k, w) => w, { keySerde: Serdes.string, valueSerde: Serdes.string })
    .count({ storeName: 'counts' })
    .toStream()
    .to('counts-out')
  const topology = builder.build()
  const subs = topology.subTopologies()
  assert.equal(subs.length, 2)
  assert.deepEqual(subs.map((s) => s.sources.map((x) => x.topic)), [[{ name: 'lines', internal: false }], [{ name: 'counts-repartition', internal: true }]])
  assert.deepEqual(subs.map((s) => s.stores.map((x) => x.name)), [[], ['counts']])
  assert.deepEqual(topology.repartitionTopics(), ['counts-repartition'])
  const text = topology.describe()
  assert.match(text, /Sub-topology: 0/)
  assert.match(text, /KSTREAM-SOURCE-\d{10} \(topic: lines\)/)
  assert.match(text, /\(topic: <application.id>-counts-repartition\)/)
  assert.match(text, /\(stores: counts\)/)
})

test('groupByKey without a key change needs no repartition topic', () => {
  const builder = new StreamsBuilder()
  builder.stream('t', { keySerde: Serdes.string, valueSerde: Serdes.long }).groupByKey().reduce((a, b) => a + b, { storeName: 'sums' })
  const topology = builder.build()
  assert.equal(topology.subTopologies().length, 1)
  assert.deepEqual(topology.repartitionTopics(), [])
})

test('a missing serde is a TopologyError naming the call and the option to pass', () => {
  const builder = new StreamsBuilder()
  const s = builder.stream('t', { keySerde: Serdes.string, valueSerde: Serdes.string })
  assert.throws(() => s.map((k, v): [string, number] => [k, v.length]).to('out'), (e: unknown) => e instanceof TopologyError && /to\("out"\).*pass \{ keySerde \}/.test(e.message))
  assert.throws(() => s.mapValues((v) => v.length).to('out'), (e: unknown) => e instanceof TopologyError && /pass \{ valueSerde \}/.test(e.message))
  assert.throws(() => s.selectKey((_k, v) => v.length).groupByKey().count(), (e: unknown) => e instanceof TopologyError && /keySerde/.test(e.message))
  assert.throws(() => s.groupBy((_k, v) => v, { keySerde: Serdes.string }).aggregate(() => [] as string[], (_k, v, a) => [...a, v]), (e: unknown) => e instanceof TopologyError && /valueSerde/.test(e.message))
  assert.throws(() => builder.stream('t'), (e: unknown) => e instanceof TopologyError && /already a source/.test(e.message))
  assert.throws(() => new StreamsBuilder().build(), TopologyError)
})

test('the config is validated in the constructor', () => {
  const builder = new StreamsBuilder()
  builder.stream('t').to('u')
  const topology = builder.build()
  assert.throws(() => new KafkaStreams(topology, { 'bootstrap.servers': 'localhost:9092' } as never), (e: unknown) => e instanceof ConfigError && /application\.id/.test(e.message))
  assert.throws(() => new KafkaStreams(topology, { 'bootstrap.servers': 'localhost:9092', 'application.id': 'a b' }), (e: unknown) => e instanceof ConfigError && /letters, digits/.test(e.message))
  assert.throws(() => new KafkaStreams(topology, { 'bootstrap.servers': 'localhost:9092', 'application.id': 'a', 'processing.guarantee': 'exactly_once' as never }), (e: unknown) => e instanceof ConfigError && /exactly_once_v2/.test(e.message))
  assert.throws(() => new KafkaStreams(topology, { 'bootstrap.servers': 'localhost:9092', 'application.id': 'a', 'comit.interval.ms': 5 } as never), (e: unknown) => e instanceof ConfigError && /did you mean "commit.interval.ms"/.test(e.message))
  const streams = new KafkaStreams(topology, { 'bootstrap.servers': 'localhost:9092', 'application.id': 'a', 'consumer.max.poll.records': 10 })
  assert.equal(streams.state, 'CREATED')
  assert.throws(() => streams.store('nope'), (e: unknown) => e instanceof TopologyError && /no such state store/.test(e.message))
})

test('Serdes.long writes Java Long bytes', () => {
  const bytes = Serdes.long.serializer.serialize('t', 258, []) as Buffer
  assert.deepEqual([...bytes], [0, 0, 0, 0, 0, 0, 1, 2])
  assert.equal(Serdes.long.deserializer.deserialize('t', bytes, []), 258)
  assert.throws(() => Serdes.long.serializer.serialize('t', 1.5, []), /safe integer/)
})
