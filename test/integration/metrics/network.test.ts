// The connection metrics (src/metrics/network.ts) under a known load against
// the real broker: one request per admin call, rates that are the totals over
// the windows metrics.sample.window.ms and metrics.num.samples give, per-node
// metrics that add up to the client's, and throttle times from broker quotas.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Consumer, Producer, type ClientMetrics } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'

function get(m: ClientMetrics, name: string, group: string): number {
  const v = m.value(name, { group })
  assert.notEqual(v, undefined, `metric ${group}/${name} exists`)
  return v!
}

/** The sum of one node metric over every node. */
function nodes(m: ClientMetrics, name: string, group: string): number {
  return m.list().filter((x) => x.metricName.group === group && x.metricName.name === name).reduce((s, x) => s + x.value, 0)
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))

for (const samples of [2, 4]) {
  test(`connection metrics: one request per call; rates are totals over (${samples} - 1) windows of metrics.sample.window.ms`, async () => {
    const windowMs = 20000
    const started = Date.now()
    const admin = new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'metrics-net', 'metrics.sample.window.ms': windowMs, 'metrics.num.samples': samples })
    const g = 'admin-client-metrics'
    let m: ClientMetrics
    try {
      await admin.listTopics()
      m = admin.metrics()
      const before = { requests: get(m, 'request-total', g), responses: get(m, 'response-total', g) }
      const calls = 5
      for (let i = 0; i < calls; i++) await admin.listTopics()
      assert.equal(get(m, 'request-total', g) - before.requests, calls, 'one Metadata request per listTopics')
      assert.equal(get(m, 'response-total', g) - before.responses, calls, 'one response per listTopics')
      const seconds = ((samples - 1) * windowMs) / 1000
      assert.ok(Date.now() - started < (samples - 1) * windowMs, 'the run fits in the windows (else the rates divide by the time taken)')
      for (const [rate, total] of [['request-rate', 'request-total'], ['response-rate', 'response-total'], ['outgoing-byte-rate', 'outgoing-byte-total'], ['incoming-byte-rate', 'incoming-byte-total'], ['connection-creation-rate', 'connection-creation-total']]) {
        const r = get(m, rate!, g)
        const t = get(m, total!, g)
        assert.ok(t > 0 && close(r, t / seconds), `${rate} ${r} = ${total} ${t} / ${seconds} s`)
      }
      assert.ok(close(get(m, 'request-size-avg', g), get(m, 'outgoing-byte-total', g) / get(m, 'request-total', g)), 'request-size-avg is bytes over requests')
      assert.ok(get(m, 'request-size-max', g) >= get(m, 'request-size-avg', g))
      for (const name of ['request-total', 'response-total', 'outgoing-byte-total', 'incoming-byte-total']) {
        assert.equal(nodes(m, name, 'admin-client-node-metrics'), get(m, name, g), `${name}: the nodes add up to the client`)
      }
      const open = get(m, 'connection-count', g)
      assert.ok(open >= 1 && open === get(m, 'connection-creation-total', g) - get(m, 'connection-close-total', g), 'connection-count is connections created minus closed')
    } finally {
      await admin.close()
    }
    assert.equal(get(m, 'connection-count', g), 0, 'no connection after close')
    assert.equal(get(m, 'connection-close-total', g), get(m, 'connection-creation-total', g))
  })
}

test('produce-throttle-time and fetch-throttle-time report the broker\'s throttling under a byte-rate quota', { timeout: 120_000 }, async () => {
  const topic = uniqueName('metrics-throttle')
  await createTopic(topic, 1)
  const clientId = uniqueName('throttled')
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const quota = 8192
  const entity = { 'client-id': clientId }
  try {
    await admin.alterClientQuotas([{ entity, ops: [{ key: 'producer_byte_rate', value: quota }, { key: 'consumer_byte_rate', value: quota }] }])
    const value = Buffer.alloc(16 * 1024, 7)
    const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'client.id': clientId, 'linger.ms': 0 })
    try {
      // Each send is its own request: the first ones go over the quota, later responses carry a throttle time.
      for (let i = 0; i < 8 && !(p.metrics().value('produce-throttle-time-max', { group: 'producer-metrics' })! > 0); i++) await p.send({ topic, value })
      const max = get(p.metrics(), 'produce-throttle-time-max', 'producer-metrics')
      assert.ok(max > 0, `produce-throttle-time-max ${max} ms after going over ${quota} B/s`)
      assert.ok(get(p.metrics(), 'produce-throttle-time-avg', 'producer-metrics') > 0)
    } finally {
      await p.close()
    }
    const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'client.id': clientId, 'group.id': uniqueName('g'), 'auto.offset.reset': 'earliest' })
    try {
      c.subscribe([topic])
      const m = c.metrics()
      let read = 0
      for (const until = Date.now() + 60_000; Date.now() < until && !(m.value('fetch-throttle-time-max', { group: 'consumer-fetch-manager-metrics' })! > 0); ) read += (await c.poll(500)).count
      const max = get(m, 'fetch-throttle-time-max', 'consumer-fetch-manager-metrics')
      assert.ok(read > 0 && max > 0, `fetch-throttle-time-max ${max} ms after reading ${read} records of 16 KiB over ${quota} B/s`)
    } finally {
      await c.close()
    }
  } finally {
    await admin.alterClientQuotas([{ entity, ops: [{ key: 'producer_byte_rate', value: null }, { key: 'consumer_byte_rate', value: null }] }])
    await admin.close()
    await deleteTopic(topic)
  }
})
