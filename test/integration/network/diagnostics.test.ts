// The diagnostics_channel tracing channels (docs/observability.md) against
// the real broker: each operation publishes start, end, asyncStart and
// asyncEnd (or error) with the documented payload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import { Admin, Consumer, Producer } from '../../../src/index.js'
import { ConnectionError } from '../../../src/errors.js'
import { bootstrapServers, privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'

type Phase = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'
const PHASES: Phase[] = ['start', 'end', 'asyncStart', 'asyncEnd', 'error']
const NAMES = ['connect', 'request', 'produce', 'fetch', 'commit', 'rebalance'] as const
type Name = typeof NAMES[number]

interface Seen { name: Name; phase: Phase; context: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Subscribes to every samsa tracing channel; returns what was seen and the unsubscriber. */
function record(): { seen: Seen[]; stop: () => void } {
  const seen: Seen[] = []
  const subs: (() => void)[] = []
  for (const name of NAMES) {
    const tc = diagnostics.tracingChannel(`samsa:${name}`)
    const handlers = Object.fromEntries(PHASES.map((phase) => [phase, (context: unknown) => {
      seen.push({ name, phase, context: context as Record<string, unknown> })
    }])) as unknown as Parameters<typeof tc.subscribe>[0]
    tc.subscribe(handlers)
    subs.push(() => tc.unsubscribe(handlers))
  }
  return { seen, stop: () => subs.forEach((s) => s()) }
}

/** The contexts of `name` that went through every phase of a success, in order. */
function completed(seen: Seen[], name: Name): Record<string, any>[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const contexts = [...new Set(seen.filter((s) => s.name === name).map((s) => s.context))]
  return contexts.filter((c) => {
    const phases = seen.filter((s) => s.context === c).map((s) => s.phase)
    return phases.join(',') === 'start,end,asyncStart,asyncEnd'
  })
}

function phasesOf(seen: Seen[], context: object): Phase[] {
  return seen.filter((s) => s.context === context).map((s) => s.phase)
}

test('tracing channels: connect, request, produce, fetch, commit and rebalance publish their payloads', async () => {
  const topic = uniqueName('tracing')
  await createTopic(topic, 2)
  const { seen, stop } = record()
  const raw: unknown[] = []
  const onRaw = (m: unknown) => raw.push(m)
  diagnostics.subscribe('samsa:request', onRaw)
  const n = 20
  try {
    const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'tracing-producer', 'linger.ms': 5 })
    try {
      await Promise.all(Array.from({ length: n }, (_, i) => p.send({ topic, partition: i % 2, value: Buffer.from(`v${i}`) })))
    } finally {
      await p.close()
    }

    const connects = completed(seen, 'connect')
    assert.ok(connects.length >= 1, 'the connection is traced')
    for (const c of connects) {
      assert.equal(c.broker, `${c.host}:${c.port}`)
      assert.equal(typeof c.nodeId, 'number')
      assert.equal(c.clientId, 'tracing-producer')
      assert.equal(c.tls, false)
      assert.equal(c.sasl, false)
    }

    const metadata = completed(seen, 'request').filter((c) => c.api === 'Metadata')
    assert.ok(metadata.length >= 1, 'a Metadata request traced')
    for (const c of metadata) {
      assert.equal(c.apiKey, 3)
      assert.equal(c.clientId, 'tracing-producer')
      assert.ok(Number.isInteger(c.version) && Number.isInteger(c.correlationId) && c.size > 0, JSON.stringify({ v: c.version, id: c.correlationId, size: c.size }))
      assert.ok(Array.isArray(c.result.brokers) && c.result.brokers.length >= 1, 'result is the decoded response')
    }
    assert.ok(raw.some((m) => (m as { api: string }).api === 'Metadata'), 'the plain samsa:request channel still publishes')

    const produces = completed(seen, 'produce')
    assert.ok(produces.length >= 1)
    let records = 0
    for (const c of produces) {
      assert.equal(c.acks, -1)
      assert.equal(c.transactionalId, null)
      assert.equal(c.clientId, 'tracing-producer')
      assert.ok(c.nodeId >= 0 && typeof c.broker === 'string')
      assert.equal(c.records, c.batches.reduce((s: number, b: { records: number }) => s + b.records, 0))
      assert.equal(c.bytes, c.batches.reduce((s: number, b: { bytes: number }) => s + b.bytes, 0))
      for (const b of c.batches) {
        assert.equal(b.topic, topic)
        assert.ok(b.partition === 0 || b.partition === 1)
        assert.ok(b.bytes > 61, 'a record batch is more than its header')
        assert.equal(typeof b.baseSequence, 'number')
      }
      assert.ok(c.result.responses.every((t: { partitionResponses: { errorCode: number }[] }) => t.partitionResponses.every((r) => r.errorCode === 0)))
      records += c.records
    }
    assert.equal(records, n, 'every record was in one traced produce request')
    const produceRequests = completed(seen, 'request').filter((c) => c.api === 'Produce')
    assert.equal(produceRequests.length, produces.length, 'each produce is one Produce request')

    const group = uniqueName('tracing-group')
    const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'tracing-consumer', 'group.id': group, 'auto.offset.reset': 'earliest', 'enable.auto.commit': false })
    try {
      c.subscribe([topic])
      let got = 0
      const until = Date.now() + 60000
      while (got < n && Date.now() < until) got += (await c.poll(1000)).count
      assert.equal(got, n)
      await c.commitSync()
      await new Promise<void>((resolve, reject) => c.commitAsync(undefined, (e) => (e ? reject(e) : resolve())))

      const rebalances = completed(seen, 'rebalance')
      assert.equal(rebalances.length, 1, 'one rebalance')
      const r = rebalances[0]!
      assert.equal(r.groupId, group)
      assert.equal(r.clientId, 'tracing-consumer')
      assert.equal(r.protocol, 'classic')
      assert.ok(r.result.memberId.length > 0 && r.result.generationId >= 1, JSON.stringify(r.result))
      assert.deepEqual(r.result.assignment.map((tp: { partition: number }) => tp.partition).sort(), [0, 1])

      const fetches = completed(seen, 'fetch')
      assert.ok(fetches.length >= 1)
      assert.ok(fetches.every((f) => f.groupId === group && f.clientId === 'tracing-consumer' && f.nodeId >= 0 && typeof f.sessionId === 'number'))
      assert.ok(fetches.every((f) => f.partitions.length >= 1 && f.partitions.every((tp: { topic: string; fetchOffset: bigint }) => tp.topic === topic && typeof tp.fetchOffset === 'bigint')))
      assert.ok(fetches.some((f) => f.bytes > 0), 'some fetch returned record bytes')
      assert.ok(fetches.every((f) => Array.isArray(f.result.responses)))

      const commits = completed(seen, 'commit')
      assert.deepEqual(commits.map((x) => x.sync), [true, false])
      for (const x of commits) {
        assert.equal(x.groupId, group)
        assert.equal(x.clientId, 'tracing-consumer')
        assert.deepEqual(x.offsets.map((o: { partition: number; offset: bigint }) => [o.partition, o.offset]).sort(), [[0, 10n], [1, 10n]])
      }

      // A commit that fails publishes error (with the error) and then asyncStart/asyncEnd.
      const ac = new AbortController()
      const failing = c.commitSync({ signal: ac.signal })
      ac.abort()
      await assert.rejects(failing)
      // commitSync() rejects at once; the commit itself stops at its next step.
      const until2 = Date.now() + 30000
      while (!seen.some((s) => s.name === 'commit' && s.phase === 'asyncEnd' && s.context.error !== undefined) && Date.now() < until2) await new Promise((r) => setTimeout(r, 20))
      const failed = seen.filter((s) => s.name === 'commit' && s.phase === 'error')
      assert.equal(failed.length, 1, 'the aborted commit published error')
      assert.deepEqual(phasesOf(seen, failed[0]!.context), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
      assert.equal(failed[0]!.context.error.name, 'AbortError')
    } finally {
      await c.close()
    }
  } finally {
    stop()
    diagnostics.unsubscribe('samsa:request', onRaw)
    await deleteTopic(topic)
  }
})

test('tracing channels: a failed connection publishes error with the ConnectionError', async () => {
  const { seen, stop } = record()
  // A port in this run's private range where nothing listens.
  const port = privateClusterPortBase(399)
  const admin = new Admin({ 'bootstrap.servers': `127.0.0.1:${port}`, 'client.id': 'tracing-admin', 'default.api.timeout.ms': 1500, 'reconnect.backoff.max.ms': 200 })
  try {
    await assert.rejects(admin.listTopics())
  } finally {
    await admin.close()
    stop()
  }
  const errors = seen.filter((s) => s.name === 'connect' && s.phase === 'error')
  assert.ok(errors.length >= 1, 'a connect error')
  for (const e of errors) {
    assert.deepEqual(phasesOf(seen, e.context), ['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    assert.equal(e.context.broker, `127.0.0.1:${port}`)
    assert.equal(e.context.nodeId, -1)
    assert.ok(e.context.error instanceof ConnectionError, String(e.context.error))
  }
})
