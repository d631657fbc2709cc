// The Processor API end to end: a processor with a changelog-backed state
// store, stream-time punctuation (fires exactly when stream time reaches each
// interval, in the task, inside the exactly_once_v2 transaction), wall-clock
// punctuation while no record arrives, context.commit(), restoration.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { KafkaStreams, Serdes, StreamsBuilder, type KeyValueStore, type Processor, type ProcessorContext } from '../../../src/streams/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { waitFor } from '../../helpers/consume.js'
import { cleanUp, createTopics, partitionsOf, produceStrings, readAll } from './helpers.js'

const strings = { keySerde: Serdes.string, valueSerde: Serdes.string }

/** Counts records per key in store "seen"; every second of stream time forwards `__punct` → `<time>:<total>`. */
class Counter implements Processor<string, string, string, string> {
  private ctx!: ProcessorContext<string, string>
  private store!: KeyValueStore<string, number>
  init(ctx: ProcessorContext<string, string>): void {
    this.ctx = ctx
    this.store = ctx.getStateStore('seen')
    ctx.schedule(1000, 'stream-time', (time) => {
      let total = 0
      for (const [, n] of this.store.all()) total += n
      ctx.forward({ key: '__punct', value: `${time}:${total}` })
    })
  }

  process(record: { key: string; value: string }): void {
    const n = (this.store.get(record.key) ?? 0) + 1
    this.store.put(record.key, n)
    this.ctx.forward({ key: record.key, value: `${record.value}#${n}` })
  }
}

function counterTopology(input: string, output: string): StreamsBuilder {
  const builder = new StreamsBuilder()
  builder.addStateStore({ name: 'seen', keySerde: Serdes.string, valueSerde: Serdes.long })
  builder.stream(input, strings).process(() => new Counter(), 'seen').to(output, strings)
  return builder
}

test('process() with a state store and stream-time punctuation, under exactly_once_v2; the store is restored', async () => {
  const app = uniqueName('streams-processor')
  const [input, output] = [uniqueName('proc-in'), uniqueName('proc-out')]
  await createTopics([input, output], 1)
  const config = { 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'processing.guarantee': 'exactly_once_v2' as const }
  // Stream time: 10000 (first record: fires at once, next due 11000), 10500, 10999 (no), 11000 (fires), 13500 (fires once for the missed 12000 and 13000, next 14000), 13999 (no).
  await produceStrings(input, [['a', 'r1', 10_000], ['a', 'r2', 10_500], ['b', 'r3', 10_999], ['a', 'r4', 11_000], ['b', 'r5', 13_500], ['a', 'r6', 13_999]])
  let streams = new KafkaStreams(counterTopology(input, output).build(), config)
  try {
    await streams.start()
    const out = await readAll<string, string>(output, { key: 'string', value: 'string', isolation: 'read_committed', done: (rs) => rs.length >= 9 })
    assert.deepEqual(out.map((r) => `${r.key}=${r.value}`), [
      'a=r1#1', '__punct=10000:1',
      'a=r2#2', 'b=r3#1',
      'a=r4#3', '__punct=11000:4',
      'b=r5#2', '__punct=13500:5',
      'a=r6#4',
    ])
    assert.deepEqual(out.filter((r) => r.key === '__punct').map((r) => r.timestamp), [10_000, 11_000, 13_500], 'a punctuation forwards with the punctuation time')
    assert.equal(out.find((r) => r.value === 'r4#3')?.timestamp, 11_000, 'a processed record keeps its timestamp')
    const seen = streams.store<string, number>('seen')
    await waitFor('the counts', () => seen.get('a') === 4)
    assert.equal(seen.get('b'), 2)
    await streams.close()
    assert.equal((await partitionsOf(`${app}-seen-changelog`)).length, 1)

    // A second instance restores the store from its changelog and counts on; its first record (14200) fires at 14000.
    await produceStrings(input, [['b', 'r7', 14_200]])
    streams = new KafkaStreams(counterTopology(input, output).build(), config)
    await streams.start()
    const more = await readAll<string, string>(output, { key: 'string', value: 'string', isolation: 'read_committed', done: (rs) => rs.length >= 11 })
    assert.deepEqual(more.slice(9).map((r) => `${r.key}=${r.value}`), ['b=r7#3', '__punct=14200:7'])
  } finally {
    await streams.close()
    await cleanUp([input, output], app)
  }
})

test('wall-clock punctuation fires while no record arrives; context.commit() commits before commit.interval.ms', async () => {
  const app = uniqueName('streams-wallclock')
  const [input, output] = [uniqueName('wall-in'), uniqueName('wall-out')]
  await createTopics([input, output], 1)
  await produceStrings(input, [['k', 'commit-now']])
  const ticks: number[] = []
  let closed = 0
  const builder = new StreamsBuilder()
  builder.stream(input, strings).process<string, string>(() => {
    let ctx: ProcessorContext<string, string>
    return {
      init(c) {
        ctx = c
        c.schedule(300, 'wall-clock-time', (now) => {
          ticks.push(now)
          c.forward({ key: 'tick', value: String(now) })
        })
      },
      process(record) {
        ctx.forward({ key: record.key, value: `seen ${record.value} at offset ${ctx.recordMetadata()!.offset}` })
        if (record.value === 'commit-now') ctx.commit()
      },
      close() {
        closed++
      },
    }
  }).to(output, strings)
  const streams = new KafkaStreams(builder.build(), { 'bootstrap.servers': bootstrapServers(), 'application.id': app, 'commit.interval.ms': 600_000 })
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    const started = Date.now()
    await streams.start()
    let committed: bigint | undefined
    for (const until = Date.now() + 30_000; committed === undefined && Date.now() < until;) {
      const offsets = await admin.listConsumerGroupOffsets(app)
      committed = offsets.find((o) => o.topic === input)?.offset
      if (committed === undefined) await new Promise((r) => setTimeout(r, 200))
    }
    assert.equal(committed, 1n, 'context.commit() committed the input offset although commit.interval.ms is 10 minutes')
    await waitFor('four ticks without input', () => ticks.length >= 4)
    const elapsed = Date.now() - started
    assert.ok(ticks.every((t, i) => i === 0 || t > ticks[i - 1]!), `ticks in order: ${ticks.join(', ')}`)
    assert.ok(ticks.length <= Math.floor(elapsed / 300) + 1, `${ticks.length} ticks in ${elapsed} ms at one per 300 ms`)
    assert.ok(ticks[0]! - started >= 300, 'the first tick comes one interval after init')
    await streams.close()
    assert.equal(closed, 1, 'close() of the processor ran when the application closed')
    const out = await readAll<string, string>(output, { key: 'string', value: 'string', done: (rs) => rs.filter((r) => r.key === 'tick').length >= 4 })
    assert.equal(out[0]!.value, 'seen commit-now at offset 0')
    assert.ok(out.filter((r) => r.key === 'tick').length >= 4)
  } finally {
    await streams.close()
    await admin.close()
    await cleanUp([input, output], app)
  }
})
