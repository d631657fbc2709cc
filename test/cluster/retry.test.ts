import { test } from 'node:test'
import assert from 'node:assert/strict'
import { backoffDelay, retry } from '../../src/cluster/retry.js'
import { ambientSignal, sleep, until, withSignal } from '../../src/cluster/wait.js'
import { Confirmation, ItemConfirmations, unconfirmed } from '../../src/cluster/confirm.js'
import { ConnectionError, KafkaError, TimeoutError } from '../../src/errors.js'

/** Runs `fn` with Math.random fixed to `r`. */
function withRandom<T>(r: number, fn: () => T): T {
  const orig = Math.random
  Math.random = () => r
  try {
    return fn()
  } finally {
    Math.random = orig
  }
}

const retriable = (msg = 'try again', code?: number) => new KafkaError(msg, { retriable: true, ...(code !== undefined ? { code } : {}), context: { where: 'here' } })

test('backoff doubles per attempt from retry.backoff.ms', () => {
  const b = { backoffMs: 100, backoffMaxMs: 1_000_000 }
  // The middle of the jitter band is the base itself.
  withRandom(0.5, () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((a) => backoffDelay(b, a)), [100, 200, 400, 800, 1600])
  })
  // A negative attempt counts as the first.
  withRandom(0.5, () => assert.equal(backoffDelay(b, -3), 100))
})

test('backoff is capped at retry.backoff.max.ms (before jitter)', () => {
  const b = { backoffMs: 100, backoffMaxMs: 1000 }
  withRandom(0.5, () => {
    assert.equal(backoffDelay(b, 4), 1000)
    assert.equal(backoffDelay(b, 60), 1000)
  })
})

test('jitter stays within ±20% of the base', () => {
  const b = { backoffMs: 100, backoffMaxMs: 1000 }
  withRandom(0, () => {
    assert.equal(backoffDelay(b, 0), 80)
    assert.equal(backoffDelay(b, 10), 800)
  })
  withRandom(0.999999, () => {
    assert.equal(backoffDelay(b, 0), 120)
    assert.equal(backoffDelay(b, 10), 1200)
  })
  for (let a = 0; a < 12; a++) {
    const base = Math.min(1000, 100 * 2 ** a)
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(b, a)
      assert.ok(d >= Math.floor(base * 0.8) && d <= Math.ceil(base * 1.2), `attempt ${a}: ${d} outside ±20% of ${base}`)
    }
  }
})

test('retry: retriable errors are retried until fn succeeds; attempts are numbered', async () => {
  const seen: number[] = []
  const retried: number[] = []
  const out = await retry('op', async (attempt) => {
    seen.push(attempt)
    if (attempt < 3) throw retriable()
    return 'done'
  }, { backoffMs: 1, backoffMaxMs: 2, deadline: Date.now() + 5000, onRetry: (_e, attempt) => { retried.push(attempt) } })
  assert.equal(out, 'done')
  assert.deepEqual(seen, [0, 1, 2, 3])
  assert.deepEqual(retried, [0, 1, 2])
})

test('retry: non-retriable and non-Kafka errors are thrown at once, as they are', async () => {
  let calls = 0
  const fatal = new KafkaError('no', { retriable: false })
  await assert.rejects(retry('op', async () => { calls++; throw fatal }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000 }), (e) => e === fatal)
  assert.equal(calls, 1)
  const plain = new Error('bug')
  await assert.rejects(retry('op', async () => { calls++; throw plain }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000 }), (e) => e === plain)
  assert.equal(calls, 2)
})

test('retry: a non-retriable broker code is believed only when the next attempt repeats it', async () => {
  let calls = 0
  const denied = () => new KafkaError('TOPIC_AUTHORIZATION_FAILED', { code: 29, type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false })
  await assert.rejects(retry('op', async () => { calls++; throw denied() }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000 }), /TOPIC_AUTHORIZATION_FAILED/)
  assert.equal(calls, 2, 'asked twice')
  // A corrupt answer once, then the real one: the call succeeds.
  calls = 0
  const out = await retry('op', async () => {
    if (calls++ === 0) throw new KafkaError('INVALID_FETCH_SIZE', { code: 4, type: 'INVALID_FETCH_SIZE' })
    return 'ok'
  }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000 })
  assert.equal(out, 'ok')
  // Two different codes in a row confirm neither; confirm: false believes the first.
  const codes = [4, 29, 29]
  calls = 0
  await assert.rejects(retry('op', async () => { throw new KafkaError('x', { code: codes[calls++]!, type: `T${codes[calls - 1]}` }) }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000 }), (e: KafkaError) => e.code === 29)
  assert.equal(calls, 3)
  calls = 0
  await assert.rejects(retry('op', async () => { calls++; throw denied() }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000, confirm: false }))
  assert.equal(calls, 1)
})

test('Confirmation: a retriable error or a success in between starts over; errors without a code are believed at once', () => {
  const c = new Confirmation()
  const e = new KafkaError('x', { code: 29, type: 'T' })
  assert.equal(c.believe(e), false)
  c.reset()
  assert.equal(c.believe(e), false)
  assert.equal(c.believe(e), true)
  assert.equal(c.believe(new KafkaError('client-side')), true)
  const outside = new KafkaError('x', { code: -32768, type: 'UNKNOWN_SERVER_ERROR' })
  for (let i = 0; i < 3; i++) assert.equal(c.believe(outside), false, 'a code outside the table is never believed')
})

test('ItemConfirmations: each item confirms on its own; unconfirmed() is a retriable error caused by the suspect one', () => {
  const c = new ItemConfirmations()
  const e = new KafkaError('x', { code: 36, type: 'TOPIC_ALREADY_EXISTS' })
  assert.equal(c.believe('a', e), false)
  assert.equal(c.believe('b', e), false)
  assert.equal(c.believe('a', e), true)
  c.reset('b')
  assert.equal(c.believe('b', e), false)
  // Only items with an error waiting for confirmation are kept: a confirmed or reset item leaves nothing.
  assert.equal(c.size, 1)
  c.reset('b')
  assert.equal(c.size, 0)
  assert.equal(c.believe('b', new KafkaError('client-side, no code', { retriable: false })), true)
  assert.equal(c.size, 0)
  const u = unconfirmed(e)
  assert.equal(u.retriable, true)
  assert.equal(u.cause, e)
})

test('retry: the ambient signal of withSignal stops retries deep inside a call', async () => {
  const ac = new AbortController()
  let calls = 0
  const p = withSignal(ac.signal, () => {
    assert.equal(ambientSignal(), ac.signal)
    return retry('op', async () => { calls++; throw retriable() }, { backoffMs: 50, backoffMaxMs: 50, deadline: Infinity })
  })
  setTimeout(() => ac.abort(new Error('stop')), 120)
  await assert.rejects(p, /stop/)
  const after = calls
  await sleep(200)
  assert.equal(calls, after, 'no attempt after the abort')
  assert.equal(ambientSignal(), undefined)
})

test('retry: the retriable predicate decides what is retried', async () => {
  let calls = 0
  const err = retriable('retriable by the table, not by this protocol', 19)
  await assert.rejects(
    retry('op', async () => { calls++; throw err }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000, retriable: (e) => e.code === 51 }),
    (e) => e === err,
  )
  assert.equal(calls, 1)
  calls = 0
  const notFlagged = new KafkaError('CONCURRENT_TRANSACTIONS', { code: 51, retriable: false })
  const out = await retry('op', async () => {
    if (calls++ < 2) throw notFlagged
    return calls
  }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000, retriable: (e) => e.code === 51 })
  assert.equal(out, 3)
})

test('retry: with a retriable predicate too, an error it does not retry is believed only when repeated (unless confirm: false)', async () => {
  const fenced = () => new KafkaError('PRODUCER_FENCED', { code: 90, type: 'PRODUCER_FENCED', retriable: false })
  const options = { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() + 5000, retriable: (e: KafkaError) => e.code === 51 }
  // Once: asked again, and the next answer stands.
  let calls = 0
  assert.equal(await retry('op', async () => {
    if (calls++ === 0) throw fenced()
    return 'done'
  }, options), 'done')
  assert.equal(calls, 2)
  // Repeated: believed on the second answer.
  calls = 0
  await assert.rejects(retry('op', async () => { calls++; throw fenced() }, options), (e: KafkaError) => e.type === 'PRODUCER_FENCED')
  assert.equal(calls, 2)
  // A retried error in between starts over: fenced, retried, fenced, fenced.
  calls = 0
  const answers = [fenced(), new KafkaError('CONCURRENT_TRANSACTIONS', { code: 51, retriable: false }), fenced(), fenced()]
  await assert.rejects(retry('op', async () => { throw answers[calls++]! }, options), (e: KafkaError) => e.type === 'PRODUCER_FENCED')
  assert.equal(calls, 4)
  calls = 0
  await assert.rejects(retry('op', async () => { calls++; throw fenced() }, { ...options, confirm: false }))
  assert.equal(calls, 1)
})

test('retry: gives up before a wait that would pass the deadline, with a TimeoutError carrying the last error', async () => {
  const t0 = Date.now()
  const deadline = t0 + 300
  let calls = 0
  let last: KafkaError | undefined
  await assert.rejects(
    retry('fetch the thing', async () => {
      calls++
      throw (last = retriable(`attempt ${calls}`, 15))
    }, { backoffMs: 20, backoffMaxMs: 40, deadline }),
    (e) => {
      assert.ok(e instanceof TimeoutError)
      assert.equal(e.type, 'TIMEOUT')
      assert.equal(e.code, 15)
      assert.equal(e.cause, last)
      assert.deepEqual(e.context, { where: 'here' })
      assert.match(e.message, /^fetch the thing did not succeed before its deadline; last error: attempt \d+$/)
      return true
    },
  )
  assert.ok(Date.now() <= deadline + 20, 'never waits past the deadline')
  assert.ok(calls >= 3, `retried (${calls} calls)`)
})

test('retry: a deadline already passed still makes one attempt', async () => {
  let calls = 0
  assert.equal(await retry('op', async () => ++calls, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() - 1 }), 1)
  await assert.rejects(retry('op', async () => { calls++; throw retriable() }, { backoffMs: 1, backoffMaxMs: 1, deadline: Date.now() - 1 }), TimeoutError)
  assert.equal(calls, 2)
})

test('retry: timeoutError shapes the error thrown at the deadline', async () => {
  const custom = new KafkaError('custom timeout')
  await assert.rejects(
    retry('op', async () => { throw retriable() }, { backoffMs: 50, backoffMaxMs: 50, deadline: Date.now() + 10, timeoutError: () => custom }),
    (e) => e === custom,
  )
})

test('retry: maxWaitMs caps each wait', async () => {
  const t0 = Date.now()
  let calls = 0
  await retry('op', async () => {
    if (calls++ < 3) throw retriable()
  }, { backoffMs: 10_000, backoffMaxMs: 10_000, deadline: Infinity, maxWaitMs: () => 5 })
  assert.ok(Date.now() - t0 < 2000, 'the 10 s backoff was capped')
  assert.equal(calls, 4)
})

test('retry: an aborted signal stops before the next attempt, with the signal\'s reason', async () => {
  const ac = new AbortController()
  const reason = new KafkaError('aborted by the caller', { type: 'ABORTED' })
  ac.abort(reason)
  let calls = 0
  await assert.rejects(retry('op', async () => { calls++ }, { backoffMs: 1, backoffMaxMs: 1, deadline: Infinity, signal: ac.signal }), (e) => e === reason)
  assert.equal(calls, 0)
})

test('retry: aborting cuts the backoff wait short', async () => {
  const ac = new AbortController()
  const reason = new Error('stop')
  let calls = 0
  const t0 = Date.now()
  const p = retry('op', async () => {
    calls++
    throw new ConnectionError('down')
  }, { backoffMs: 60_000, backoffMaxMs: 60_000, deadline: Infinity, signal: ac.signal })
  setTimeout(() => ac.abort(reason), 20)
  await assert.rejects(p, (e) => e === reason)
  assert.equal(calls, 1)
  assert.ok(Date.now() - t0 < 5000)
})

test('sleep: waits, and rejects with the reason on abort', async () => {
  const t0 = Date.now()
  await sleep(20)
  assert.ok(Date.now() - t0 >= 15)
  await sleep(-5)
  const ac = new AbortController()
  const reason = new Error('r')
  const p = sleep(60_000, { signal: ac.signal })
  ac.abort(reason)
  await assert.rejects(p, (e) => e === reason)
  await assert.rejects(sleep(1, { signal: ac.signal }), (e) => e === reason)
})

test('until: resolves with the promise, at the deadline, or rethrows the promise\'s error', async () => {
  await until(Promise.resolve(1), Date.now() + 60_000)
  const t0 = Date.now()
  await until(new Promise(() => {}), Date.now() + 30)
  assert.ok(Date.now() - t0 >= 25 && Date.now() - t0 < 5000)
  const boom = new Error('boom')
  await assert.rejects(until(Promise.reject(boom), Date.now() + 60_000), (e) => e === boom)
  // A deadline already passed still surfaces an error that has happened.
  await assert.rejects(until(Promise.reject(boom), Date.now() - 1), (e) => e === boom)
  await until(new Promise(() => {}), Date.now() - 1)
})

test('until: a signal cuts the wait short, also without a deadline', async () => {
  const ac = new AbortController()
  const reason = new Error('r')
  const p = until(new Promise(() => {}), Infinity, { signal: ac.signal })
  setTimeout(() => ac.abort(reason), 10)
  await assert.rejects(p, (e) => e === reason)
})
