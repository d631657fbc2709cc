// Waker (src/cluster/wait.ts): the waiting spot of a poll loop.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Waker } from '../../src/cluster/wait.js'

test('Waker.wait resolves at its deadline when nobody notifies', async () => {
  const w = new Waker()
  const start = Date.now()
  await w.wait(start + 50)
  assert.ok(Date.now() - start >= 45)
  await w.wait(Date.now() - 1) // a past deadline: at once
})

test('Waker.notify ends the pending wait early; a notify with nobody waiting is dropped', async () => {
  const w = new Waker()
  w.notify()
  const start = Date.now()
  const p = w.wait(start + 60000)
  setTimeout(() => w.notify(), 20)
  await p
  assert.ok(Date.now() - start < 30000, 'woken by notify, not the deadline')
})

test('Waker.wakeup notifies and is remembered until takeWakeup', async () => {
  const w = new Waker()
  assert.equal(w.takeWakeup(), false)
  w.wakeup()
  assert.equal(w.takeWakeup(), true)
  assert.equal(w.takeWakeup(), false)
  const p = w.wait(Date.now() + 60000)
  w.wakeup()
  await p
  assert.equal(w.takeWakeup(), true)
})

test('Waker.wait with a deadline beyond the timer range is still woken by notify (no instant timeout)', async () => {
  const w = new Waker()
  let done = false
  const p = w.wait(Date.now() + 2 ** 33).then(() => (done = true))
  await new Promise((r) => setTimeout(r, 30))
  assert.equal(done, false)
  w.notify()
  await p
})

test('Waker: a wait ended by notify leaves no timer behind', async () => {
  const w = new Waker()
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
  const before = timers()
  const p = w.wait(Date.now() + 60000)
  assert.equal(timers(), before + 1)
  w.notify()
  await p
  assert.equal(timers(), before)
  w.notify() // nobody waiting: dropped
  assert.equal(timers(), before)
})
