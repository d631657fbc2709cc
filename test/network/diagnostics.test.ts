// The tracing helpers build nothing when nobody subscribes, and publish the
// TracingChannel phases in order when someone does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { Span, traced, tracePromise, tracing } from '../../src/network/diagnostics.js'

test('without subscribers the context is never built', async () => {
  assert.equal(traced(tracing.produce), false)
  let built = 0
  const r = await tracePromise(tracing.produce, () => {
    built++
    return { broker: '', nodeId: 0, clientId: '', transactionalId: null, acks: 1, batches: [], records: 0, bytes: 0 }
  }, async () => 7)
  assert.equal(r, 7)
  assert.equal(built, 0)
  assert.equal(Span.start(tracing.rebalance, () => {
    built++
    return { groupId: 'g', clientId: 'c', protocol: 'classic' }
  }), undefined)
  assert.equal(built, 0)
})

test('a Span publishes start, end, then error, asyncStart and asyncEnd on one context', () => {
  const seen: string[] = []
  const contexts = new Set<unknown>()
  const handler = (phase: string) => (ctx: unknown) => {
    seen.push(phase)
    contexts.add(ctx)
  }
  const handlers = { start: handler('start'), end: handler('end'), asyncStart: handler('asyncStart'), asyncEnd: handler('asyncEnd'), error: handler('error') }
  const tc = diagnostics.tracingChannel('samsa:rebalance')
  tc.subscribe(handlers)
  try {
    assert.equal(traced(tracing.rebalance), true)
    const ok = Span.start(tracing.rebalance, () => ({ groupId: 'g', clientId: 'c', protocol: 'classic' }))!
    ok.finish(undefined, { memberId: 'm', generationId: 1, assignment: [] })
    assert.deepEqual(ok.context.result, { memberId: 'm', generationId: 1, assignment: [] })
    const failed = Span.start(tracing.rebalance, () => ({ groupId: 'g', clientId: 'c', protocol: 'classic' }))!
    const err = new Error('boom')
    failed.finish(err)
    assert.equal(failed.context.error, err)
    assert.deepEqual(seen, ['start', 'end', 'asyncStart', 'asyncEnd', 'start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    assert.equal(contexts.size, 2)
  } finally {
    tc.unsubscribe(handlers)
  }
  assert.equal(traced(tracing.rebalance), false)
})
