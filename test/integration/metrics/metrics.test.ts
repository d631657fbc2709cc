// The Java-named metrics move with a known load against the real broker:
// counts exactly, rates and latencies within what the load allows.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Consumer, Producer, type ClientMetrics } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'

const WINDOW = 20000

function get(m: ClientMetrics, name: string, group: string, tags: Record<string, string> = {}): number {
  const v = m.value(name, { group, tags })
  assert.notEqual(v, undefined, `metric ${group}/${name} ${JSON.stringify(tags)} exists`)
  return v!
}

test('producer and consumer metrics count the records sent and consumed, and their lag', async () => {
  const topic = uniqueName('metrics')
  await createTopic(topic, 1)
  const n = 1000
  const value = Buffer.alloc(100, 1)
  const common = { 'bootstrap.servers': bootstrapServers(), 'metrics.sample.window.ms': WINDOW, 'metrics.num.samples': 2 }
  const p = new Producer({ ...common, 'client.id': 'metrics-producer', 'linger.ms': 5 })
  const started = Date.now()
  try {
    await Promise.all(Array.from({ length: n }, () => p.send({ topic, value })))
    const elapsed = Date.now() - started
    const m = p.metrics()
    const tags = { 'client-id': 'metrics-producer' }
    assert.equal(get(m, 'record-send-total', 'producer-metrics', tags), n)
    assert.equal(get(m, 'record-send-total', 'producer-topic-metrics', { topic }), n)
    assert.equal(get(m, 'record-error-total', 'producer-metrics'), 0)
    assert.equal(get(m, 'record-retry-total', 'producer-metrics'), 0)
    // n records over max(elapsed, (samples - 1) windows).
    const rate = get(m, 'record-send-rate', 'producer-metrics')
    const readAt = Date.now() - started
    if (readAt < WINDOW) assert.equal(rate, n / (WINDOW / 1000), 'a burst shorter than a window counts over one window')
    else assert.ok(rate <= n / (WINDOW / 1000) && rate >= n / (readAt / 1000), `rate ${rate}`)
    const avgLatency = get(m, 'request-latency-avg', 'producer-metrics')
    const maxLatency = get(m, 'request-latency-max', 'producer-metrics')
    assert.ok(avgLatency >= 0 && avgLatency <= maxLatency && maxLatency <= elapsed, `latency avg ${avgLatency} <= max ${maxLatency} <= ${elapsed} ms`)
    const batches = m.batchesSent
    const perRequest = get(m, 'records-per-request-avg', 'producer-metrics')
    assert.ok(perRequest >= 1 && perRequest <= n, `records per request ${perRequest}`)
    assert.equal(get(m, 'batch-size-avg', 'producer-metrics'), m.bytesSent / batches, 'batch-size-avg is bytes over batches')
    assert.ok(get(m, 'batch-size-max', 'producer-metrics') >= get(m, 'batch-size-avg', 'producer-metrics'))
    assert.ok(get(m, 'byte-total', 'producer-topic-metrics', { topic }) >= n * value.length)
    assert.equal(get(m, 'buffer-available-bytes', 'producer-metrics'), get(m, 'buffer-total-bytes', 'producer-metrics'), 'every batch released its memory')
    assert.ok(get(m, 'record-queue-time-max', 'producer-metrics') >= 0)
    assert.ok(get(m, 'connection-count', 'producer-metrics') >= 1, 'an open connection')
    assert.ok(get(m, 'request-total', 'producer-metrics') >= m.requestsSent, 'every produce request is a request')
    assert.ok(get(m, 'outgoing-byte-total', 'producer-metrics') > n * value.length)
    const nodeLatency = m.list().filter((x) => x.metricName.group === 'producer-node-metrics' && x.metricName.name === 'request-latency-avg')
    assert.ok(nodeLatency.length >= 1 && nodeLatency.every((x) => /^node--?\d+$/.test(x.metricName.tags['node-id']!) && x.value >= 0), 'per-broker latency')
  } finally {
    await p.close()
  }

  const group = uniqueName('metrics-group')
  const c = new Consumer({ ...common, 'client.id': 'metrics-consumer', 'group.id': group, 'auto.offset.reset': 'earliest', 'max.poll.records': 100, 'enable.auto.commit': false })
  try {
    c.subscribe([topic])
    let first = 0
    while (first === 0) first = (await c.poll(1000)).count
    const m = c.metrics()
    const ptags = { topic, partition: '0' }
    assert.equal(get(m, 'records-lag', 'consumer-fetch-manager-metrics', ptags), n - first, 'lag after the first poll: the records not yet returned')
    assert.equal(get(m, 'records-lag-max', 'consumer-fetch-manager-metrics', { 'client-id': 'metrics-consumer' }), n - first)
    assert.equal(get(m, 'rebalance-total', 'consumer-coordinator-metrics'), 1)
    assert.ok(get(m, 'rebalance-latency-max', 'consumer-coordinator-metrics') > 0)
    assert.equal(get(m, 'assigned-partitions', 'consumer-coordinator-metrics'), 1)
    let consumed = first
    while (consumed < n) consumed += (await c.poll(1000)).count
    assert.equal(consumed, n)
    await c.commitSync()
    await c.commitSync()
    assert.equal(get(m, 'records-consumed-total', 'consumer-fetch-manager-metrics', { 'client-id': 'metrics-consumer' }), n)
    assert.equal(get(m, 'records-consumed-total', 'consumer-fetch-manager-metrics', { topic }), n)
    assert.equal(get(m, 'records-lag', 'consumer-fetch-manager-metrics', ptags), 0)
    assert.ok(get(m, 'bytes-consumed-total', 'consumer-fetch-manager-metrics', { 'client-id': 'metrics-consumer' }) >= n * value.length)
    assert.ok(get(m, 'fetch-total', 'consumer-fetch-manager-metrics') >= 1)
    assert.ok(get(m, 'fetch-latency-max', 'consumer-fetch-manager-metrics') >= get(m, 'fetch-latency-avg', 'consumer-fetch-manager-metrics'))
    assert.ok(get(m, 'records-per-request-avg', 'consumer-fetch-manager-metrics') <= 100)
    assert.equal(get(m, 'commit-total', 'consumer-coordinator-metrics'), 2)
    assert.ok(get(m, 'commit-latency-avg', 'consumer-coordinator-metrics') >= 0)
    assert.ok(get(m, 'time-between-poll-max', 'consumer-metrics') >= 0)
    const ago = get(m, 'last-poll-seconds-ago', 'consumer-metrics')
    assert.ok(ago >= 0 && ago < 60, `last poll ${ago} s ago`)
    assert.ok(get(m, 'connection-count', 'consumer-metrics') >= 1)
    assert.ok(get(m, 'incoming-byte-total', 'consumer-metrics') > n * value.length)
  } finally {
    await c.close()
  }

  const admin = new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'metrics-admin' })
  try {
    await admin.listTopics()
    const m = admin.metrics()
    assert.ok(get(m, 'connection-count', 'admin-client-metrics', { 'client-id': 'metrics-admin' }) >= 1)
    assert.ok(get(m, 'request-total', 'admin-client-metrics') >= 2, 'ApiVersions and Metadata at least')
    assert.ok(m.list().every((x) => x.metricName.tags['client-id'] === 'metrics-admin'))
  } finally {
    await admin.close()
  }
  await deleteTopic(topic)
})
