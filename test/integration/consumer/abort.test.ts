// Consumer calls under an AbortSignal: an aborted poll rejects quickly with
// AbortError and loses nothing; commitSync, position, committed, offset
// look-ups and close honour the signal; listeners never pile up.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { AbortError, Consumer, deserializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'

const producer = new TestProducer()
const topic = uniqueName('consumer-abort')

before(() => producer.createTopic(topic, 1))
after(() => producer.close())

function consumer(extra: Record<string, unknown> = {}) {
  return new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'value.deserializer': deserializers.string,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
    'group.id': uniqueName('consumer-abort-group'),
    ...extra,
  })
}

const tp = () => ({ topic, partition: 0 })

test('poll on an empty topic: abort rejects quickly; the next poll returns records produced later', async () => {
  const c = consumer()
  try {
    c.assign([tp()])
    assert.equal((await c.poll(200)).count, 0)
    const ac = new AbortController()
    const reason = new Error('shutting down')
    const t0 = Date.now()
    const polling = c.poll(30000, { signal: ac.signal })
    setTimeout(() => ac.abort(reason), 200)
    const err = await polling.then(() => assert.fail('poll resolved'), (e: unknown) => e as AbortError)
    assert.ok(err instanceof AbortError)
    assert.equal(err.name, 'AbortError')
    assert.equal(err.type, 'ABORTED')
    assert.equal(err.cause, reason)
    assert.ok(Date.now() - t0 < 3000, `poll rejected after ${Date.now() - t0} ms`)
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0)

    await producer.fill(topic, 1, 5)
    const got: string[] = []
    for (let i = 0; i < 20 && got.length < 5; i++) for (const r of await c.poll(1000)) got.push(r.value!)
    assert.equal(got.length, 5, 'the poll after an abort returns the records produced later')

    // Buffered records are not lost to an abort: pause the fetch-ahead, abort, resume.
    await producer.fill(topic, 1, 5)
    await new Promise((r) => setTimeout(r, 500)) // let the fetcher buffer them
    await assert.rejects(c.poll(1000, { signal: AbortSignal.abort() }), { name: 'AbortError' })
    const more: string[] = []
    for (let i = 0; i < 20 && more.length < 5; i++) for (const r of await c.poll(1000)) more.push(r.value!)
    assert.equal(more.length, 5, 'a pre-aborted poll took nothing')
    assert.equal(await c.position(tp()), 10n)

    // One long-lived signal over many polls keeps no listener.
    const long = new AbortController()
    for (let i = 0; i < 50; i++) await c.poll(5, { signal: long.signal })
    assert.equal(getEventListeners(long.signal, 'abort').length, 0)
  } finally {
    await c.close()
  }
})

test('commitSync, committed, position and offset look-ups honour the signal; the group keeps working', async () => {
  const c = consumer()
  try {
    c.assign([tp()])
    let n = 0
    for (let i = 0; i < 20 && n < 5; i++) n += (await c.poll(1000)).count
    assert.ok(n >= 5)
    const position = await c.position(tp())

    await assert.rejects(c.commitSync({ signal: AbortSignal.abort() }), { name: 'AbortError' })
    assert.deepEqual((await c.committed([tp()])).map((o) => o.offset), [-1n], 'a pre-aborted commit stored nothing')

    // Aborted while the commit is on its way: rejects at once; later commits work.
    const ac = new AbortController()
    const committing = c.commitSync([{ ...tp(), offset: 2n }], { signal: ac.signal })
    ac.abort()
    await assert.rejects(committing, { name: 'AbortError' })
    await c.commitSync({ signal: new AbortController().signal })
    assert.deepEqual((await c.committed([tp()])).map((o) => o.offset), [position])

    await assert.rejects(c.committed([tp()], { signal: AbortSignal.abort() }), { name: 'AbortError' })
    await assert.rejects(c.position(tp(), { signal: AbortSignal.abort() }), { name: 'AbortError' })
    await assert.rejects(c.endOffsets([tp()], { signal: AbortSignal.abort() }), { name: 'AbortError' })

    const long = new AbortController()
    for (let i = 0; i < 20; i++) {
      await c.commitSync([{ ...tp(), offset: position }], { signal: long.signal })
      await c.committed([tp()], { signal: long.signal })
      await c.position(tp(), { signal: long.signal })
      await c.beginningOffsets([tp()], { signal: long.signal, timeoutMs: 10000 })
    }
    assert.equal(getEventListeners(long.signal, 'abort').length, 0)
    assert.equal((await c.poll(100)).count >= 0, true, 'still usable')

    // A pre-aborted close closes nothing; an abort during close cuts it short.
    await assert.rejects(c.close({ signal: AbortSignal.abort() }), { name: 'AbortError' })
    await c.poll(10)
    const ac2 = new AbortController()
    const closing = c.close({ signal: ac2.signal })
    ac2.abort()
    await assert.rejects(closing, { name: 'AbortError' })
    await assert.rejects(c.poll(10), /closed/)
  } finally {
    await c.close()
  }
})
