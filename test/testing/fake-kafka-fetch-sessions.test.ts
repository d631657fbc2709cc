// FakeKafka's KIP-227 fetch sessions, request by request (raw Fetch v12 and
// v13+), and samsa's consumer fetching through them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster } from '../../src/cluster/cluster.js'
import { adminSchema } from '../../src/config/admin.js'
import { parseConfig } from '../../src/config/validate.js'
import { Consumer, Producer, serializers, deserializers } from '../../src/index.js'
import { ErrorCode } from '../../src/protocol/errors.js'
import { FetchApi, type FetchRequestInput, type FetchResponse } from '../../src/protocol/messages/fetch.js'
import { FakeKafka } from '../../src/testing/index.js'

type Part = { partition: number, fetchOffset: bigint }

function topics (topic: string, parts: Part[], topicId?: string): FetchRequestInput['topics'] {
  if (parts.length === 0) return []
  return [{ topic, topicId, partitions: parts.map((p) => ({ partition: p.partition, fetchOffset: p.fetchOffset, currentLeaderEpoch: -1, partitionMaxBytes: 1 << 20 })) }]
}

/** partition → number of record bytes, for the partitions a response carries. */
function carried (res: FetchResponse): Map<number, number> {
  return new Map(res.responses.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.records?.length ?? 0] as [number, number])))
}

test('fetch sessions: created by a full fetch, incremental answers carry only what changed, epochs and ids checked, forgotten partitions dropped, closed with epoch -1', async () => {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('sess', { partitions: 2 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string, 'linger.ms': 0 })
  const cluster = new Cluster(parseConfig(adminSchema, { 'bootstrap.servers': bootstrap }, 'admin'))
  try {
    for (const v of ['a', 'b', 'c']) await producer.send({ topic: 'sess', partition: 0, value: v })
    await cluster.refreshMetadata()
    const conn = await cluster.connectionTo(1)
    const fetch = (body: FetchRequestInput, version = 12): Promise<FetchResponse> =>
      conn.request(FetchApi, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, forgottenTopicsData: [], rackId: '', ...body }, { version })

    // a full fetch (epoch 0) creates a session with both partitions
    let res = await fetch({ sessionId: 0, sessionEpoch: 0, topics: topics('sess', [{ partition: 0, fetchOffset: 0n }, { partition: 1, fetchOffset: 0n }]) })
    assert.equal(res.errorCode, ErrorCode.NONE)
    const id = res.sessionId
    assert.ok(id > 0, 'a session id')
    assert.ok(carried(res).get(0)! > 0, 'partition 0 has records')
    assert.equal(carried(res).get(1), 0, 'partition 1 is in the full answer without records')
    assert.deepEqual(fake.fetchSessions(1), [{ id, epoch: 1, partitions: ['sess-0', 'sess-1'] }])

    // incremental, epoch 1: partition 0 moves to offset 3; nothing changed anywhere, so nothing is carried
    res = await fetch({ sessionId: id, sessionEpoch: 1, topics: topics('sess', [{ partition: 0, fetchOffset: 3n }]) })
    assert.equal(res.errorCode, ErrorCode.NONE)
    assert.equal(res.sessionId, id)
    assert.deepEqual([...carried(res)], [])

    // a record on partition 1: the next incremental fetch (which names no partition) carries it, and only it
    await producer.send({ topic: 'sess', partition: 1, value: 'd' })
    res = await fetch({ sessionId: id, sessionEpoch: 2, topics: [] })
    assert.equal(res.sessionId, id)
    assert.deepEqual([...carried(res).keys()], [1])
    assert.ok(carried(res).get(1)! > 0)

    // the same epoch again, and an unknown id
    res = await fetch({ sessionId: id, sessionEpoch: 2, topics: [] })
    assert.equal(res.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH)
    assert.equal(res.sessionId, 0)
    res = await fetch({ sessionId: id + 1 === 2147483647 ? 1 : id + 1, sessionEpoch: 3, topics: [] })
    assert.equal(res.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
    // the session survives both mistakes; epoch 3 is still the one it expects
    assert.equal(fake.fetchSessions(1)[0]!.epoch, 3)

    // forget partition 0: a new record there is no longer carried
    res = await fetch({ sessionId: id, sessionEpoch: 3, topics: topics('sess', [{ partition: 1, fetchOffset: 1n }]), forgottenTopicsData: [{ topic: 'sess', partitions: [0] }] })
    assert.equal(res.errorCode, ErrorCode.NONE)
    assert.deepEqual(fake.fetchSessions(1)[0]!.partitions, ['sess-1'])
    await producer.send({ topic: 'sess', partition: 0, value: 'e' })
    res = await fetch({ sessionId: id, sessionEpoch: 4, topics: [] })
    assert.deepEqual([...carried(res)], [])

    // a session keyed by names cannot be continued by id (Fetch v13+)
    res = await fetch({ sessionId: id, sessionEpoch: 5, topics: [] }, 13)
    assert.equal(res.errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)

    // epoch -1 closes it: the answer is full and sessionless, and the id is gone
    res = await fetch({ sessionId: id, sessionEpoch: -1, topics: topics('sess', [{ partition: 1, fetchOffset: 0n }]) })
    assert.equal(res.errorCode, ErrorCode.NONE)
    assert.equal(res.sessionId, 0)
    assert.ok(carried(res).get(1)! > 0)
    assert.deepEqual(fake.fetchSessions(1), [])
    res = await fetch({ sessionId: id, sessionEpoch: 5, topics: [] })
    assert.equal(res.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)

    // Fetch v13+: sessions keyed by topic id; forgetting every partition ends the session
    const topicId = fake.topic('sess')!.id
    res = await fetch({ sessionId: 0, sessionEpoch: 0, topics: topics('', [{ partition: 0, fetchOffset: 0n }], topicId) }, 16)
    const byId = res.sessionId
    assert.ok(byId > 0)
    assert.equal(res.responses[0]!.topicId, topicId)
    res = await fetch({ sessionId: byId, sessionEpoch: 1, topics: [], forgottenTopicsData: [{ topicId, partitions: [0] }] }, 16)
    assert.equal(res.errorCode, ErrorCode.NONE)
    assert.equal(res.sessionId, 0, 'an emptied session ends')
    assert.deepEqual(fake.fetchSessions(1), [])
  } finally {
    cluster.close()
    await producer.close()
    await fake.close()
  }
})

test('fetch sessions: the cache evicts the least recently used session when full; 0 slots means no sessions', async () => {
  for (const slots of [1, 0]) {
    const fake = new FakeKafka({ brokers: 1, fetchSessionCacheSlots: slots })
    const bootstrap = await fake.listen()
    fake.createTopic('lru', { partitions: 1 })
    const cluster = new Cluster(parseConfig(adminSchema, { 'bootstrap.servers': bootstrap }, 'admin'))
    try {
      await cluster.refreshMetadata()
      const conn = await cluster.connectionTo(1)
      const full = (): Promise<FetchResponse> => conn.request(FetchApi, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, sessionId: 0, sessionEpoch: 0, topics: topics('lru', [{ partition: 0, fetchOffset: 0n }]), forgottenTopicsData: [], rackId: '' }, { version: 12 })
      const first = await full()
      const second = await full()
      if (slots === 0) {
        assert.equal(first.sessionId, 0)
        assert.equal(second.sessionId, 0)
        continue
      }
      assert.deepEqual(fake.fetchSessions(1).map((s) => s.id), [second.sessionId])
      const res = await conn.request(FetchApi, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, sessionId: first.sessionId, sessionEpoch: 1, topics: [], forgottenTopicsData: [], rackId: '' }, { version: 12 })
      assert.equal(res.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'the older session was evicted')
    } finally {
      cluster.close()
      await fake.close()
    }
  }
  assert.throws(() => new FakeKafka({ fetchSessionCacheSlots: -1 }), /fetchSessionCacheSlots must be an integer >= 0/)
})

test('samsa\'s consumer fetches through incremental sessions against FakeKafka and gets every record once', async () => {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('flow', { partitions: 3 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string })
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'flow-g', 'auto.offset.reset': 'earliest', 'value.deserializer': deserializers.string })
  try {
    const sent: string[] = []
    const got: string[] = []
    consumer.subscribe(['flow'])
    const deadline = Date.now() + 60_000
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 30 }, (_, i) => `r${round}-${i}`)
      await Promise.all(batch.map((value) => producer.send({ topic: 'flow', value })))
      sent.push(...batch)
      while (got.length < sent.length && Date.now() < deadline) {
        for (const r of await consumer.poll(500)) got.push(r.value!)
      }
    }
    assert.deepEqual([...got].sort(), [...sent].sort())
    const sessions = fake.fetchSessions(1)
    assert.equal(sessions.length, 1, 'one session, kept across the fetches')
    assert.ok(sessions[0]!.epoch > 2, `incremental fetches moved the epoch on (epoch ${sessions[0]!.epoch})`)
    assert.deepEqual([...sessions[0]!.partitions].sort(), ['flow-0', 'flow-1', 'flow-2'])
  } finally {
    await consumer.close()
    await producer.close()
    await fake.close()
  }
})
