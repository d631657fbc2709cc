import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Metrics } from '../../src/metrics/registry.js'

const tags = { 'client-id': 'c' }

test('a rate is the sum over the windows divided by at least (samples - 1) windows, as Java\'s Rate', () => {
  const m = new Metrics({ windowMs: 1000, samples: 3 })
  const s = m.sensor('x', (x) => x.meter('g', 'record-send', 'records', tags))
  const t0 = 1_000_000
  s.record(10, t0)
  s.record(20, t0 + 500)
  const read = (now: number) => {
    const byName = new Map(m.list(now).map((e) => [e.metricName.name, e.value]))
    return { rate: byName.get('record-send-rate')!, total: byName.get('record-send-total')! }
  }
  // 30 in 0.5 s, but the elapsed time counts as 2 windows (2 s) at least.
  assert.equal(read(t0 + 500).rate, 15)
  assert.equal(read(t0 + 500).total, 30)
  s.record(30, t0 + 2500)
  // 60 over 2.5 s.
  assert.equal(read(t0 + 2500).rate, 24)
  // After samples × window, the first window is gone: 30 over max(now - 2500, 2 s).
  assert.equal(read(t0 + 3100).rate, 15)
  assert.equal(read(t0 + 3100).total, 60, 'totals are cumulative')
})

test('avg and max cover the live windows only and read NaN when empty', () => {
  const m = new Metrics({ windowMs: 100, samples: 2 })
  const s = m.sensor('lat', (x) => x.avgMax('g', 'request-latency', 'latency', tags))
  assert.ok(Number.isNaN(m.list(0)[0]!.value))
  s.record(4, 0)
  s.record(8, 50)
  s.record(3, 120)
  const at = (now: number) => Object.fromEntries(m.list(now).map((e) => [e.metricName.name, e.value]))
  assert.deepEqual(at(150), { 'request-latency-avg': 5, 'request-latency-max': 8 })
  assert.deepEqual(at(210), { 'request-latency-avg': 3, 'request-latency-max': 3 })
  assert.ok(Number.isNaN(at(1000)['request-latency-avg']!))
})

test('value() picks a metric by name, group and tags; gauges are read when asked', () => {
  const m = new Metrics({ windowMs: 30000, samples: 2 })
  let n = 1
  m.gauge('connection-count', 'producer-metrics', 'connections', tags, () => n)
  m.sensor('t.a', (x) => x.meter('producer-topic-metrics', 'record-send', 'records', { ...tags, topic: 'a' }))
  m.sensor('t.b', (x) => x.meter('producer-topic-metrics', 'record-send', 'records', { ...tags, topic: 'b' })).record(7)
  n = 3
  assert.equal(m.value('connection-count'), 3)
  assert.equal(m.value('record-send-total', { tags: { topic: 'b' } }), 7)
  assert.equal(m.value('record-send-total', { tags: { topic: 'a' } }), 0)
  assert.equal(m.value('no-such-metric'), undefined)
  m.removeWhere({ topic: 'b' }, 't.b')
  assert.equal(m.value('record-send-total', { tags: { topic: 'b' } }), undefined)
})
