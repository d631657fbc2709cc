// The queue that keeps send() call order for records whose serializer returns a promise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SerializationQueue } from '../../src/producer/serialization.js'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const b = (s: string) => Buffer.from(s)

test('records leave in push order, whatever order their serializations settle in', async () => {
  const q = new SerializationQueue()
  const out: string[] = []
  const first = deferred<Buffer | null>()
  const second = deferred<Buffer | null>()
  q.push(null, first.promise, (e, _k, v) => out.push(`1:${String(e ?? '')}${v}`))
  q.push(second.promise, b('v2'), (e, k, v) => out.push(`2:${k}/${v}`))
  q.push(b('k3'), b('v3'), (e, k, v) => out.push(`3:${k}/${v}`))
  assert.equal(q.length, 3)
  second.resolve(b('k2'))
  await second.promise
  assert.deepEqual(out, [], 'nothing leaves while the first record is pending')
  first.resolve(b('v1'))
  await first.promise
  await Promise.resolve()
  assert.deepEqual(out, ['1:v1', '2:k2/v2', '3:k3/v3'])
  assert.equal(q.length, 0)
})

test('a rejected serialization hands its record over with the error, and the others go on', async () => {
  const q = new SerializationQueue()
  const out: unknown[] = []
  let drained = 0
  q.onDrained = () => drained++
  const bad = deferred<Buffer | null>()
  const boom = new Error('boom')
  q.push(b('k1'), bad.promise, (e, k, v) => out.push(e ?? `${k}/${v}`))
  q.push(b('k2'), b('v2'), (e, k, v) => out.push(e ?? `${k}/${v}`))
  bad.reject(boom)
  await bad.promise.catch(() => undefined)
  await Promise.resolve()
  assert.deepEqual(out, [boom, 'k2/v2'])
  assert.equal(drained, 1)
})

test('an empty queue hands a settled record over at once; failAll empties it', () => {
  const q = new SerializationQueue()
  const out: unknown[] = []
  q.push(b('k'), null, (e, k, v) => out.push(`${k}/${v}`))
  assert.deepEqual(out, ['k/null'])
  const never = new Promise<Buffer | null>(() => undefined)
  const failed: unknown[] = []
  q.push(never, null, (e) => failed.push(e))
  q.push(b('k2'), null, (e) => failed.push(e))
  const closed = new Error('closed')
  q.failAll(closed)
  assert.deepEqual(failed, [closed, closed])
  assert.equal(q.length, 0)
})
