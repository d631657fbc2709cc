// The routing layer's contract, against a stand-in cluster (the broker side of
// these faults — a leader moving mid-call, a coordinator moving — is what the
// integration tests exercise against a real broker).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Cluster } from '../../src/cluster/cluster.js'
import type { PartitionMetadata as PartitionInfo } from '../../src/cluster/metadata.js'
import { sendToLeaders, withCoordinator, type PartitionOutcome } from '../../src/cluster/router.js'
import { brokerError, ConnectionError, KafkaError, TimeoutError } from '../../src/errors.js'

const backoff = { backoffMs: 1, backoffMaxMs: 2 }

/** A cluster whose partition leaders are `leaders[topic][partition]`, changed by the test as it goes. */
function fakeLeaders(leaders: Record<string, number[]>) {
  const calls = { refresh: 0, requested: 0 }
  const cluster = {
    backoff,
    calls,
    async topicMetadata(topic: string) {
      if (!leaders[topic]) throw brokerError(3, { topic })
    },
    async refreshMetadata() {
      calls.refresh++
    },
    requestRefresh() {
      calls.requested++
    },
    partition(topic: string, partition: number): PartitionInfo | undefined {
      const l = leaders[topic]?.[partition]
      return l === undefined ? undefined : { topic, partition, leader: l, leaderEpoch: 0, replicas: [], isr: [], offlineReplicas: [], errorCode: 0 }
    },
  }
  return cluster
}

const ok = (q: { topic: string; partition: number }, value: string): PartitionOutcome<string> => ({ topic: q.topic, partition: q.partition, errorCode: 0, value })

test('sendToLeaders: one request per leader, results in query order', async () => {
  const cluster = fakeLeaders({ a: [1, 2, 1], b: [2] })
  const sent: [number, string[]][] = []
  const out = await sendToLeaders(cluster as unknown as Cluster, 'op', [
    { topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }, { topic: 'a', partition: 2 }, { topic: 'a', partition: 1 },
  ], Date.now() + 5000, async (leader, qs) => {
    sent.push([leader, qs.map((q) => `${q.topic}-${q.partition}`)])
    return qs.map((q) => ok(q, `${q.topic}-${q.partition}@${leader}`))
  })
  assert.deepEqual(out, ['a-0@1', 'b-0@2', 'a-2@1', 'a-1@2'])
  assert.deepEqual(sent.sort((x, y) => x[0] - y[0]), [[1, ['a-0', 'a-2']], [2, ['b-0', 'a-1']]])
  assert.equal(cluster.calls.refresh, 0)
})

test('sendToLeaders: NOT_LEADER_OR_FOLLOWER refreshes metadata and resends only that partition, to the new leader', async () => {
  const leaders = { a: [1, 1] }
  const cluster = fakeLeaders(leaders)
  const sent: [number, string[]][] = []
  const out = await sendToLeaders(cluster as unknown as Cluster, 'op', [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }], Date.now() + 5000, async (leader, qs) => {
    sent.push([leader, qs.map((q) => `${q.topic}-${q.partition}`)])
    return qs.map((q) => {
      if (q.partition === 1 && leader === 1) {
        leaders.a[1] = 2 // the partition moved
        return { topic: q.topic, partition: q.partition, errorCode: 6, value: '' }
      }
      return ok(q, `${q.partition}@${leader}`)
    })
  })
  assert.deepEqual(out, ['0@1', '1@2'])
  assert.deepEqual(sent, [[1, ['a-0', 'a-1']], [2, ['a-1']]])
  assert.equal(cluster.calls.requested, 1, 'the stale leader asked for a refresh')
  assert.equal(cluster.calls.refresh, 1, 'the retry refreshed first')
})

test('sendToLeaders: a lost connection retries that leader\'s partitions; no leader waits for one', async () => {
  const leaders = { a: [-1, 3] }
  const cluster = fakeLeaders(leaders)
  let failed = false
  const out = await sendToLeaders(cluster as unknown as Cluster, 'op', [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }], Date.now() + 5000, async (leader, qs) => {
    if (!failed) {
      failed = true
      leaders.a[0] = 3
      throw new ConnectionError('gone')
    }
    return qs.map((q) => ok(q, `${q.partition}@${leader}`))
  })
  assert.deepEqual(out, ['0@3', '1@3'])
})

test('sendToLeaders: a non-retriable partition error fails the call with the broker\'s type; retriable ones time out with the last error', async () => {
  const cluster = fakeLeaders({ a: [1] })
  await assert.rejects(
    sendToLeaders(cluster as unknown as Cluster, 'op', [{ topic: 'a', partition: 0 }], Date.now() + 5000, async (_l, qs) => qs.map((q) => ({ topic: q.topic, partition: q.partition, errorCode: 29, value: '' }))),
    (e: KafkaError) => e.type === 'TOPIC_AUTHORIZATION_FAILED' && e.context.partition === 0,
  )
  await assert.rejects(
    sendToLeaders(cluster as unknown as Cluster, 'op', [{ topic: 'a', partition: 0 }], Date.now() + 50, async (_l, qs) => qs.map((q) => ({ topic: q.topic, partition: q.partition, errorCode: 6, value: '' }))),
    (e) => e instanceof TimeoutError && (e.cause as KafkaError).type === 'NOT_LEADER_OR_FOLLOWER',
  )
})

test('sendToLeaders: an answer that names another partition than the one asked (a corrupt name) is asked again, not reported unknown', async () => {
  const cluster = fakeLeaders({ a: [1, 1] })
  let answers = 0
  const out = await sendToLeaders(cluster as unknown as Cluster, 'op', [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }], Date.now() + 5000, async (leader, qs) => {
    // The first answer names "b" instead of "a" for partition 1.
    return qs.map((q) => ok(answers++ === 1 ? { topic: 'b', partition: q.partition } : q, `${q.partition}@${leader}`))
  })
  assert.deepEqual(out, ['0@1', '1@1'])
  assert.equal(answers, 3, 'only the partition left unanswered was asked again')
  await assert.rejects(
    sendToLeaders(cluster as unknown as Cluster, 'op', [{ topic: 'a', partition: 0 }], Date.now() + 50, async () => []),
    (e) => e instanceof TimeoutError && (e.cause as KafkaError).type === 'CORRUPT_RESPONSE',
  )
})

/** A cluster with one coordinator cache entry; `pool.get` fails while `down` is set. */
function fakeCoordinators() {
  const state = { lookups: 0, invalidated: 0, cached: undefined as number | undefined, nextNode: 1, down: false }
  const cluster = {
    backoff,
    state,
    async coordinator(_type: string, _key: string) {
      if (state.cached === undefined) {
        state.lookups++
        state.cached = state.nextNode
      }
      return { nodeId: state.cached, host: 'h', port: state.cached, rack: null }
    },
    invalidateCoordinator() {
      state.invalidated++
      state.cached = undefined
    },
    pool: {
      async get(b: { nodeId: number }) {
        if (state.down) throw new ConnectionError('refused')
        return { nodeId: b.nodeId }
      },
    },
  }
  return cluster
}

test('withCoordinator: NOT_COORDINATOR and connection errors forget the coordinator; LOAD_IN_PROGRESS keeps it', async () => {
  const cluster = fakeCoordinators()
  const seen: number[] = []
  const errors = [brokerError(14), brokerError(16), 'down', undefined]
  const out = await withCoordinator(cluster as unknown as Cluster, 'share', 'g:t:0', 'op', Date.now() + 5000, async (_conn, broker) => {
    seen.push(broker.nodeId)
    const next = errors.shift()
    if (next === 'down') {
      cluster.state.down = true
      cluster.state.nextNode = 3
      setTimeout(() => (cluster.state.down = false), 5)
      throw new ConnectionError('lost')
    }
    if (next instanceof KafkaError) {
      cluster.state.nextNode++
      throw next
    }
    return broker.nodeId
  })
  assert.equal(out, 3)
  // LOAD_IN_PROGRESS kept node 1; NOT_COORDINATOR forgot it (node 3 found next); the lost connection, and
  // every refused connection after it, forgot it again: each attempt after a forget looked it up anew.
  assert.deepEqual(seen, [1, 1, 3, 3])
  assert.ok(cluster.state.invalidated >= 2)
  assert.equal(cluster.state.lookups, cluster.state.invalidated + 1)
})

test('withCoordinator: a non-retriable error fails as it is once a second answer repeats it (cluster/confirm.ts)', async () => {
  const cluster = fakeCoordinators()
  let calls = 0
  const denied = brokerError(30, { group: 'g' })
  await assert.rejects(withCoordinator(cluster as unknown as Cluster, 'group', 'g', 'op', Date.now() + 5000, async () => {
    calls++
    throw denied
  }), (e) => e === denied)
  // believed on repeat: asked once more, never a third time, and the coordinator is kept
  assert.equal(calls, 2)
  assert.equal(cluster.state.invalidated, 0)
})
