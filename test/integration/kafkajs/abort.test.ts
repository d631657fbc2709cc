// samsa/kafkajs extension: AbortSignal on admin calls, producer sends and
// commitOffsets. Aborts reject with AbortError (not a KafkaJS error), the
// clients stay usable, no listener stays on the signal. Engine warnings reach
// the logCreator.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { kafka, sharedClients, uniqueName } from './helpers.js'
import { logLevel, type LogEntry } from '../../../src/kafkajs/index.js'

const { admin, producer } = sharedClients()

test('admin and producer calls take { signal }', async () => {
  const topic = uniqueName('kjs-abort')
  await assert.rejects(admin.createTopics({ topics: [{ topic }], signal: AbortSignal.abort() }), { name: 'AbortError' })
  assert.ok(!(await admin.listTopics()).includes(topic), 'a pre-aborted createTopics created nothing')
  const ac = new AbortController()
  const listing = admin.listTopics({ signal: ac.signal })
  ac.abort(new Error('enough'))
  const err = await listing.then(() => undefined, (e: unknown) => e as Error)
  assert.equal(err?.name, 'AbortError')
  assert.equal((err?.cause as Error).message, 'enough')

  const long = new AbortController()
  await admin.createTopics({ topics: [{ topic }], signal: long.signal })
  await assert.rejects(producer.send({ topic, messages: [{ value: 'never' }], signal: AbortSignal.abort() }), { name: 'AbortError' })
  for (let i = 0; i < 20; i++) await producer.send({ topic, messages: [{ value: `v${i}` }, { value: `w${i}` }], signal: long.signal })
  const offsets = await admin.fetchTopicOffsets(topic, { signal: long.signal })
  assert.equal(offsets[0]!.high, '40', 'the pre-aborted send wrote nothing')
  await admin.describeCluster({ signal: long.signal })
  await admin.fetchTopicMetadata({ topics: [topic], signal: long.signal })
  assert.equal(getEventListeners(long.signal, 'abort').length, 0)
  await admin.deleteTopics({ topics: [topic], signal: long.signal })
})

test('engine entries reach the logCreator (a failed connection warns under the Connection namespace)', async () => {
  const entries: LogEntry[] = []
  const client = kafka({ brokers: ['127.0.0.1:1'], connectionTimeout: 500, retry: { retries: 0 }, logLevel: logLevel.WARN, logCreator: () => (e) => entries.push(e) })
  const a = client.admin()
  await assert.rejects(a.connect())
  await a.disconnect()
  const warn = entries.find((e) => e.namespace === 'Connection' && e.label === 'WARN')
  assert.ok(warn, `no Connection warning among ${JSON.stringify(entries.map((e) => [e.namespace, e.label, e.log.message]))}`)
  assert.match(warn.log.message, /cannot connect to 127\.0\.0\.1:1/)
  assert.ok(!entries.some((e) => e.label === 'DEBUG' || e.label === 'INFO'), 'KafkaJS level WARN filters engine entries too')
})
