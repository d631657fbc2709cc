// A stateless topology end to end against the broker: filter, map, mapValues,
// flatMap, selectKey, peek, split, merge and to(topic | function).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaStreams, Serdes, StreamsBuilder, type StreamsState } from '../../../src/streams/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { cleanUp, createTopics, produceStrings, readAll } from './helpers.js'

test('a stateless topology transforms, splits, merges and routes records (at_least_once)', async () => {
  const app = uniqueName('streams-stateless')
  const [input, upper, small, big, other] = ['in', 'upper', 'small', 'big', 'other'].map((n) => uniqueName(`streams-${n}`))
  await createTopics([input, upper, small, big, other], 2)
  const peeked: string[] = []
  const builder = new StreamsBuilder()
  const lines = builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
  const words = lines
    .filter((_k, v) => v !== null && v !== '')
    .flatMap((k, v) => v!.split(' ').map((w): [string | null, string] => [k, w]))
  words.mapValues((w) => w.toUpperCase()).peek((_k, v) => peeked.push(v)).to(upper, { keySerde: Serdes.string, valueSerde: Serdes.string })
  const numbers = words.filter((_k, w) => /^\d+$/.test(w)).map((_k, w): [string, number] => [w, Number(w)])
  const parts = numbers.split('n-').branch((_k, n) => n < 10, 'small').defaultBranch('big')
  parts['n-small']!.mapValues((n) => `${n} is small`).to(small, { keySerde: Serdes.string, valueSerde: Serdes.string })
  parts['n-big']!.selectKey((_k, n) => `k${n}`).mapValues((n) => String(n)).to(big, { keySerde: Serdes.string, valueSerde: Serdes.string })
  const letters = words.filter((_k, w) => /^[a-z]$/.test(w))
  const [a, rest] = letters.branch((_k, w) => w === 'a', () => true)
  a!.merge(rest!).to((_k, w) => (w === 'z' ? other : upper), { keySerde: Serdes.string, valueSerde: Serdes.string })

  await produceStrings(input, [['l1', 'hello 5 a'], ['l2', ''], ['l3', '42 z b'], ['l4', null]])
  const streams = new KafkaStreams(builder.build(), { 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 200 })
  const states: StreamsState[] = []
  streams.onStateChange((next) => states.push(next))
  const errors: Error[] = []
  streams.onError((e) => errors.push(e))
  try {
    await streams.start()
    const byValue = (rs: { value: string | null }[]) => rs.map((r) => r.value).sort()
    const upperOut = await readAll<string, string>(upper, { key: 'string', value: 'string', done: (rs) => rs.length >= 8 })
    assert.deepEqual(byValue(upperOut), ['42', '5', 'A', 'B', 'HELLO', 'Z', 'a', 'b'].sort())
    assert.deepEqual(byValue(await readAll(small, { key: 'string', value: 'string', done: (rs) => rs.length >= 1 })), ['5 is small'])
    const bigOut = await readAll<string, string>(big, { key: 'string', value: 'string', done: (rs) => rs.length >= 1 })
    assert.deepEqual(bigOut.map((r) => [r.key, r.value]), [['k42', '42']])
    assert.deepEqual(byValue(await readAll(other, { key: 'string', value: 'string', done: (rs) => rs.length >= 1 })), ['z'])
    assert.deepEqual(peeked.sort(), ['42', '5', 'A', 'B', 'HELLO', 'Z'].sort())
    assert.equal(streams.state, 'RUNNING')
  } finally {
    await streams.close()
    await cleanUp([input, upper, small, big, other], app)
  }
  assert.deepEqual(errors, [])
  assert.deepEqual(states.slice(0, 2), ['REBALANCING', 'RUNNING'])
  assert.deepEqual(states.slice(-2), ['PENDING_SHUTDOWN', 'NOT_RUNNING'])
})
