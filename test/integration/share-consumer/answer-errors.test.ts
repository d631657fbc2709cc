// The share consumer when a broker's answer carries a non-retriable error: a ShareFetch answer
// giving a partition TOPIC_AUTHORIZATION_FAILED or the whole answer GROUP_AUTHORIZATION_FAILED
// (src/share-consumer/fetcher.ts), a ShareGroupHeartbeat answer GROUP_AUTHORIZATION_FAILED
// (membership.ts). One such answer (frames carry no checksum, and one damaged answer can carry any
// code) fails no poll; the same answer again is reported to poll, once. A real broker behind a
// FaultProxy that writes the errors into answers on demand (ShareFetch answers that acquired no
// records of the partition, so nothing stays locked). Needs Kafka 4.1+.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AuthorizationError, KafkaError, ShareConsumer, deserializers } from '../../../src/index.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { ShareFetchApi, encodeShareFetchResponse, type ShareFetchResponse } from '../../../src/protocol/messages/share-fetch.js'
import { ShareGroupHeartbeatApi, encodeShareGroupHeartbeatResponse } from '../../../src/protocol/messages/share-group-heartbeat.js'
import { FaultProxy, editFirst } from '../../helpers/fault-proxy.js'
import { bootstrapServers, kafkaVersionAtLeast, uniqueName } from '../../helpers/kafka.js'
import { shareFixture } from '../../helpers/share-groups.js'

const share = kafkaVersionAtLeast('4.1.0')
const { producer, admin, group: shareGroup } = shareFixture()

/** A 1-partition topic, a share group reading it from the earliest offset, and the topic's id. */
async function setUp(prefix: string): Promise<{ topic: string; group: string; topicId: string }> {
  const topic = uniqueName(prefix)
  await producer.createTopic(topic, 1)
  const group = await shareGroup(`${prefix}-g`)
  const [described] = await admin.describeTopics([topic])
  return { topic, group, topicId: described!.topicId }
}

/**
 * A proxy that passes the first `times` ShareFetch answers that acquired none of the records of
 * `topicId` to `damage` (which changes them); `damaged()` counts them.
 */
async function damagingProxy(topicId: string, times: number, damage: (res: ShareFetchResponse) => void): Promise<{ proxy: FaultProxy; damaged: () => number }> {
  const { edit, edited } = editFirst(ShareFetchApi, encodeShareFetchResponse, times, (res) => {
    const acquired = res.responses.some((t) => t.topicId === topicId && t.partitions.some((p) => p.acquiredRecords.length > 0))
    if (acquired || res.errorCode !== ErrorCode.NONE) return false
    damage(res)
  })
  const proxy = await FaultProxy.start({ bootstrap: bootstrapServers(), edit })
  return { proxy, damaged: edited }
}

/** Gives partition 0 of `topicId` error `code` in `res` (by default as a broker answers a denied partition). */
function denyPartition(topicId: string, code: number = ErrorCode.TOPIC_AUTHORIZATION_FAILED): (res: ShareFetchResponse) => void {
  return (res) => {
    let t = res.responses.find((r) => r.topicId === topicId)
    if (t === undefined) res.responses.push((t = { topicId, partitions: [] }))
    let p = t.partitions.find((x) => x.partitionIndex === 0)
    if (p === undefined) {
      p = { partitionIndex: 0, errorCode: 0, errorMessage: null, acknowledgeErrorCode: 0, acknowledgeErrorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 }, records: Buffer.alloc(0), acquiredRecords: [] }
      t.partitions.push(p)
    }
    p.errorCode = code
    p.records = Buffer.alloc(0)
  }
}

/** Makes `res` a top-level GROUP_AUTHORIZATION_FAILED, as a broker answers a member without Read on the group. */
function denyGroup(res: ShareFetchResponse): void {
  res.errorCode = ErrorCode.GROUP_AUTHORIZATION_FAILED
  res.responses = []
}

function consumer(bootstrap: string, group: string): ShareConsumer<Buffer, string> {
  return new ShareConsumer({ 'bootstrap.servers': bootstrap, 'group.id': group, 'value.deserializer': deserializers.string, 'retry.backoff.ms': 50 })
}

/** What the first poll that throws throws (polls for 30 s at most). */
async function firstThrown(c: ShareConsumer<Buffer, string>): Promise<unknown> {
  for (const until = Date.now() + 30000; ;) {
    assert.ok(Date.now() < until, 'a poll threw within 30 s')
    try {
      await c.poll(200)
    } catch (e) {
      return e
    }
  }
}

test('one ShareFetch answer with TOPIC_AUTHORIZATION_FAILED fails no poll; every record is then read', { skip: !share }, async () => {
  const { topic, group, topicId } = await setUp('share-denied-once')
  const { proxy, damaged } = await damagingProxy(topicId, 1, denyPartition(topicId))
  const c = consumer(proxy.bootstrap, group)
  try {
    c.subscribe([topic])
    const until = Date.now() + 30000
    while (damaged() === 0) {
      assert.ok(Date.now() < until, 'a ShareFetch answer was damaged within 30 s')
      assert.equal([...await c.poll(200)].length, 0)
    }
    await producer.send(topic, 0, Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })))
    const values: string[] = []
    while (values.length < 10) {
      assert.ok(Date.now() < until + 30000, `read ${values.length} of 10 records`)
      for (const r of await c.poll(500)) values.push(r.value!)
    }
    assert.deepEqual(values.sort(), Array.from({ length: 10 }, (_, i) => `v${i}`).sort())
    assert.equal(damaged(), 1)
  } finally {
    await c.close()
    await proxy.close()
  }
})

test('ShareFetch answers that keep giving TOPIC_AUTHORIZATION_FAILED: poll throws an AuthorizationError naming the topic', { skip: !share }, async () => {
  const { topic, group, topicId } = await setUp('share-denied')
  const { proxy, damaged } = await damagingProxy(topicId, Infinity, denyPartition(topicId))
  const c = consumer(proxy.bootstrap, group)
  try {
    c.subscribe([topic])
    const denied = await firstThrown(c)
    assert.ok(denied instanceof AuthorizationError, `expected an AuthorizationError, got ${String(denied)}`)
    assert.equal(denied.type, 'TOPIC_AUTHORIZATION_FAILED')
    assert.equal(denied.retriable, false)
    assert.equal(denied.context.topic, topic)
    assert.ok(damaged() >= 2, `reported after ${damaged()} denying answer(s): the second confirms the first`)
  } finally {
    await c.close()
    await proxy.close()
  }
})

test('ShareFetch answers that keep giving CORRUPT_MESSAGE (the log cannot be read): poll throws it, not retriable', { skip: !share }, async () => {
  const { topic, group, topicId } = await setUp('share-corrupt')
  const { proxy } = await damagingProxy(topicId, Infinity, denyPartition(topicId, ErrorCode.CORRUPT_MESSAGE))
  const c = consumer(proxy.bootstrap, group)
  try {
    c.subscribe([topic])
    const thrown = await firstThrown(c)
    assert.ok(thrown instanceof KafkaError, String(thrown))
    assert.equal(thrown.type, 'CORRUPT_MESSAGE')
    assert.equal(thrown.retriable, false)
    assert.equal(thrown.context.topic, topic)
  } finally {
    await c.close()
    await proxy.close()
  }
})

/**
 * Reads 5 records while `proxy` damages `times` answers (before the records are sent): as many polls
 * throw GROUP_AUTHORIZATION_FAILED as there are pairs of damaged answers in a row (times - 1, for 1 or 2).
 */
async function readsThroughGroupDenials(prefix: string, times: number, start: (topicId: string) => Promise<{ proxy: FaultProxy; damaged: () => number }>): Promise<void> {
  const { topic, group, topicId } = await setUp(prefix)
  const { proxy, damaged } = await start(topicId)
  const c = consumer(proxy.bootstrap, group)
  try {
    c.subscribe([topic])
    const thrown: unknown[] = []
    const poll = async (): Promise<string[]> => {
      try {
        return [...await c.poll(200)].map((r) => r.value!)
      } catch (e) {
        thrown.push(e)
        return []
      }
    }
    const until = Date.now() + 30000
    while (damaged() < times) {
      assert.ok(Date.now() < until, `${times} answer(s) were damaged within 30 s`)
      assert.deepEqual(await poll(), [])
    }
    await producer.send(topic, 0, Array.from({ length: 5 }, (_, i) => ({ value: `g${i}` })))
    const values: string[] = []
    while (values.length < 5) {
      assert.ok(Date.now() < until + 30000, `read ${values.length} of 5 records`)
      values.push(...await poll())
    }
    assert.deepEqual(values.sort(), ['g0', 'g1', 'g2', 'g3', 'g4'])
    assert.equal(thrown.length, times - 1, `polls that threw: ${thrown.map(String).join('; ')}`)
    for (const e of thrown) {
      assert.ok(e instanceof AuthorizationError)
      assert.equal(e.type, 'GROUP_AUTHORIZATION_FAILED')
    }
  } finally {
    await c.close()
    await proxy.close()
  }
}

test('ShareFetch answers with a top-level GROUP_AUTHORIZATION_FAILED: one fails no poll; two in a row fail exactly one poll; then every record is read', { skip: !share }, async () => {
  for (const times of [1, 2]) {
    await readsThroughGroupDenials(`share-fetch-denied-${times}`, times, (topicId) => damagingProxy(topicId, times, denyGroup))
  }
})

test('ShareGroupHeartbeat answers with GROUP_AUTHORIZATION_FAILED: one fails no poll; two in a row fail exactly one poll; then every record is read', { skip: !share }, async () => {
  for (const times of [1, 2]) {
    await readsThroughGroupDenials(`share-heartbeat-denied-${times}`, times, async () => {
      const { edit, edited } = editFirst(ShareGroupHeartbeatApi, encodeShareGroupHeartbeatResponse, times, (res) => {
        res.errorCode = ErrorCode.GROUP_AUTHORIZATION_FAILED
        res.assignment = null
      })
      const proxy = await FaultProxy.start({ bootstrap: bootstrapServers(), edit })
      return { proxy, damaged: edited }
    })
  }
})
