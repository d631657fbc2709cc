// isolation.level: read_committed skips aborted transactions; control records never reach the user.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { stringConsumer } from '../../helpers/consume.js'

const producer = new TestProducer()
const topic = uniqueName('txn')
const tp = { topic, partition: 0 }

before(async () => {
  await producer.createTopic(topic, 1)
  await producer.send(topic, 0, [{ value: 'plain-1' }])
  await producer.transaction(topic, 0, [{ value: 'committed-1' }, { value: 'committed-2' }], 'commit', uniqueName('tx'))
  await producer.transaction(topic, 0, [{ value: 'aborted-1' }, { value: 'aborted-2' }], 'abort', uniqueName('tx'))
  await producer.send(topic, 0, [{ value: 'plain-2' }])
  await producer.transaction(topic, 0, [{ value: 'committed-3' }], 'commit', uniqueName('tx'))
})
after(() => producer.close())

async function readAll(isolation: 'read_committed' | 'read_uncommitted') {
  const c = stringConsumer({ 'isolation.level': isolation })
  try {
    c.assign([tp])
    const values: string[] = []
    for (let i = 0; i < 50 && (await c.position(tp)) < 10n; i++) {
      for (const r of await c.poll(200)) values.push(r.value!)
    }
    return { values, position: await c.position(tp) }
  } finally {
    await c.close()
  }
}

test('read_committed returns committed and non-transactional records only', async () => {
  const { values, position } = await readAll('read_committed')
  assert.deepEqual(values, ['plain-1', 'committed-1', 'committed-2', 'plain-2', 'committed-3'])
  // 1 + (2 + marker) + (2 + marker) + 1 + (1 + marker) = 10 offsets: the position steps over the markers.
  assert.equal(position, 10n)
})

test('read_uncommitted returns aborted records too, but never control records', async () => {
  const { values, position } = await readAll('read_uncommitted')
  assert.deepEqual(values, ['plain-1', 'committed-1', 'committed-2', 'aborted-1', 'aborted-2', 'plain-2', 'committed-3'])
  assert.equal(position, 10n)
})
