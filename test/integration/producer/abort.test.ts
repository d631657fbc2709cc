// Producer calls under an AbortSignal: a send waiting for buffer memory or
// metadata is taken back, flush stops waiting, pre-aborted signals have no
// effect, transaction calls can be awaited again, no listener is left behind.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { AbortError, Producer, serializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition } from './helpers.js'

const base = () => ({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-abort-test', 'value.serializer': serializers.string })

test('send waiting for buffer memory: abort rejects and the record is never written; flush and close stop waiting', async () => {
  // One batch fills buffer.memory, so the next send waits for memory. The wait
  // starts synchronously inside send() and the abort comes before the event
  // loop can deliver the first batch's acknowledgement: no timing assumption.
  const topic = uniqueName('producer-abort-buffer')
  await createTopic(topic, 1)
  const p = new Producer({ ...base(), 'buffer.memory': 16384, 'batch.size': 16384, 'linger.ms': 60000 })
  // Records of 10 kB: two never share a batch, and one batch fills buffer.memory.
  const big = (label: string) => `${label}:${'x'.repeat(10000)}`
  try {
    await p.partitionsFor(topic)
    const first = p.send({ topic, value: big('holds the buffer') })
    const ac = new AbortController()
    const reason = new Error('stop waiting')
    const waiting = p.send({ topic, value: big('never enqueued') }, { signal: ac.signal })
    assert.equal(p.metrics().waitingSends, 1, 'the second send waits for memory')
    ac.abort(reason)
    assert.equal(p.metrics().waitingSends, 0, 'the aborted record left the wait queue')
    const err = await waiting.then(() => assert.fail('send resolved'), (e: unknown) => e as AbortError)
    assert.ok(err instanceof AbortError)
    assert.equal(err.name, 'AbortError')
    assert.equal(err.type, 'ABORTED')
    assert.equal(err.cause, reason)
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0)

    // The callback form reports the abort through the callback.
    assert.equal((await first).offset, 0n)
    const cbRecord = p.send({ topic, value: big('holds the buffer again') })
    const ac2 = new AbortController()
    const viaCallback = new Promise<Error | null>((resolve) => p.send({ topic, value: big('callback form') }, (e) => resolve(e), { signal: ac2.signal }))
    assert.equal(p.metrics().waitingSends, 1)
    ac2.abort()
    assert.equal((await viaCallback)?.name, 'AbortError')

    // flush() waits for the batch in flight; the abort ends the wait, not the batch.
    const ac3 = new AbortController()
    const flushing = p.flush({ signal: ac3.signal })
    await Promise.resolve()
    ac3.abort()
    await assert.rejects(flushing, { name: 'AbortError' })
    assert.equal(getEventListeners(ac3.signal, 'abort').length, 0)
    assert.equal((await cbRecord).offset, 1n)
    await p.flush()
    const values = (await readPartition(topic, 0)).map((r) => r.value!.toString().split(':')[0])
    assert.deepEqual(values, ['holds the buffer', 'holds the buffer again'], 'aborted sends were never written')

    // A pre-aborted close closes nothing; an abort during close cuts it short like its timeout.
    await assert.rejects(p.close({ signal: AbortSignal.abort() }), { name: 'AbortError' })
    await assert.rejects(p.send({ topic, value: 'x' }, { signal: AbortSignal.abort() }), { name: 'AbortError' })
    const last = p.send({ topic, value: big('pending at close') }).then(() => 'delivered', (e: Error) => e.message)
    const ac4 = new AbortController()
    const closing = p.close({ signal: ac4.signal })
    ac4.abort()
    await assert.rejects(closing, { name: 'AbortError' })
    assert.match(await last, /closed before the record was delivered|delivered/)
    await p.close()
    await assert.rejects(p.send({ topic, value: 'after close' }), /closed/)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('send waiting for metadata: abort takes the record back; pre-aborted sends send nothing; no listener left', async () => {
  const topic = uniqueName('producer-abort-meta')
  await createTopic(topic, 1)
  const p = new Producer({ ...base(), 'max.block.ms': 30000 })
  try {
    // Partition 3 of a one-partition topic: the send waits for metadata that never shows it.
    const ac = new AbortController()
    const waiting = p.send({ topic, partition: 3, value: 'nowhere' }, { signal: ac.signal })
    await new Promise((r) => setTimeout(r, 200))
    ac.abort()
    await assert.rejects(waiting, (e: unknown) => e instanceof AbortError)
    assert.equal(p.metrics().waitingSends, 0)

    await assert.rejects(p.send({ topic, value: 'pre-aborted' }, { signal: AbortSignal.abort() }), { name: 'AbortError' })
    await assert.rejects(p.flush({ signal: AbortSignal.abort() }), { name: 'AbortError' })
    await assert.rejects(p.partitionsFor(topic, { signal: AbortSignal.abort() }), { name: 'AbortError' })

    const long = new AbortController()
    const sent = await Promise.all(Array.from({ length: 200 }, (_, i) => p.send({ topic, value: `v${i}` }, { signal: long.signal })))
    await p.flush({ signal: long.signal })
    assert.equal(sent.length, 200)
    assert.equal(getEventListeners(long.signal, 'abort').length, 0)
    const values = (await readPartition(topic, 0)).map((r) => r.value!.toString())
    assert.deepEqual(values, Array.from({ length: 200 }, (_, i) => `v${i}`), 'neither the aborted nor the pre-aborted record was written')
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('transactions: an aborted initTransactions can be awaited again; pre-aborted commit changes nothing', async () => {
  const topic = uniqueName('producer-abort-txn')
  await createTopic(topic, 1)
  const p = new Producer({ ...base(), 'transactional.id': uniqueName('abort-txn') })
  try {
    const ac = new AbortController()
    const init = p.initTransactions({ signal: ac.signal })
    ac.abort()
    await assert.rejects(init, { name: 'AbortError' })
    await p.initTransactions()
    p.beginTransaction()
    await p.send({ topic, value: 'in txn' })
    await assert.rejects(p.commitTransaction({ signal: AbortSignal.abort() }), { name: 'AbortError' })
    const long = new AbortController()
    await p.commitTransaction({ signal: long.signal })
    assert.equal(getEventListeners(long.signal, 'abort').length, 0)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})
