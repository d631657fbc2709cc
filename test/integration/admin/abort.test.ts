// Admin calls under an AbortSignal: abort rejects with AbortError (cause: the
// reason), a pre-aborted signal does nothing, the admin stays usable and no
// listener is left on a long-lived signal.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { Admin, AbortError, KafkaError } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

test('admin: abort, pre-aborted signals, usable afterwards, no listener left', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-abort-test' })
  const topic = uniqueName('admin-abort')
  try {
    // An abort while the call is under way.
    const ac = new AbortController()
    const reason = new Error('user gave up')
    const pending = admin.listTopics({ signal: ac.signal })
    ac.abort(reason)
    const err = await pending.then(() => assert.fail('listTopics resolved after abort'), (e: unknown) => e)
    assert.ok(err instanceof AbortError)
    assert.ok(err instanceof KafkaError)
    assert.equal((err as AbortError).name, 'AbortError')
    assert.equal((err as AbortError).type, 'ABORTED')
    assert.equal((err as AbortError).retriable, false)
    assert.equal((err as AbortError).cause, reason)

    // A pre-aborted signal creates nothing.
    await assert.rejects(admin.createTopics([{ topic, numPartitions: 1 }], { signal: AbortSignal.abort() }), { name: 'AbortError' })
    await new Promise((r) => setTimeout(r, 300))
    assert.ok(!(await admin.listTopics()).includes(topic), 'a pre-aborted createTopics created the topic')

    // Usable afterwards, and a long-lived signal keeps no listener.
    const long = new AbortController()
    await admin.createTopics([{ topic, numPartitions: 1 }], { signal: long.signal })
    // a new topic reaches the broker's metadata a moment after CreateTopics
    // answers (KRaft; as for Java's admin): wait until it is listed
    const until = Date.now() + 30_000
    while (!(await admin.listTopics({ signal: long.signal })).includes(topic) && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    for (let i = 0; i < 30; i++) {
      await admin.describeTopics([topic], { signal: long.signal })
      await admin.listOffsets([{ topic, partition: 0, timestamp: 'latest' }], { signal: long.signal })
    }
    await admin.describeCluster({ signal: long.signal })
    assert.equal(getEventListeners(long.signal, 'abort').length, 0)

    // close() with a pre-aborted signal closes nothing.
    await assert.rejects(admin.close({ signal: AbortSignal.abort() }), { name: 'AbortError' })
    assert.ok((await admin.listTopics()).includes(topic))
    await admin.deleteTopics([topic], { signal: long.signal })
  } finally {
    await admin.close()
  }
})

test('admin: a timeout reason from AbortSignal.timeout() is the cause', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-abort-test' })
  try {
    const signal = AbortSignal.timeout(1)
    await new Promise((r) => setTimeout(r, 20))
    const err = await admin.listConsumerGroups({ signal }).then(() => undefined, (e: unknown) => e as AbortError)
    assert.ok(err instanceof AbortError)
    assert.equal((err.cause as Error).name, 'TimeoutError')
  } finally {
    await admin.close()
  }
})
