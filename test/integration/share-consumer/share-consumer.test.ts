// ShareConsumer (KIP-932) against a real broker: work-queue semantics across
// members, release/reject, delivery counts, the delivery limit, close
// releasing what a member holds, explicit mode, commit results, lock renewal
// (Kafka 4.2+). Needs Kafka 4.x; on 3.9 only the UNSUPPORTED_VERSION check
// runs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ShareConsumer, deserializers, KafkaError, type ShareConsumerRecord } from '../../../src/index.js'
import { bootstrapServers, kafkaVersionAtLeast, uniqueName } from '../../helpers/kafka.js'
import { shareFixture } from '../../helpers/share-groups.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const share = kafkaVersionAtLeast('4.1.0')
const { producer, group } = shareFixture()

function consumer(groupId: string, extra: Record<string, unknown> = {}) {
  return new ShareConsumer({
    'bootstrap.servers': bootstrapServers(),
    'group.id': groupId,
    'value.deserializer': deserializers.string,
    ...extra,
  })
}

async function pollUntil<K, V>(c: ShareConsumer<K, V>, enough: () => boolean, onRecord: (r: ShareConsumerRecord<K, V>) => void, ms = 60000): Promise<void> {
  const end = Date.now() + ms
  while (!enough() && Date.now() < end) for (const r of await c.poll(500)) onRecord(r)
}

test('on a broker without share groups the first poll fails with UNSUPPORTED_VERSION', { skip: share }, async () => {
  const c = consumer(uniqueName('share-old'))
  try {
    c.subscribe(['any'])
    await assert.rejects(c.poll(5000), (e: KafkaError) => e.type === 'UNSUPPORTED_VERSION' && /share groups/.test(e.message))
  } finally {
    await c.close()
  }
})

test('config: group.id is required, unknown options are named', () => {
  assert.throws(() => new ShareConsumer({ 'bootstrap.servers': bootstrapServers() } as never), /group\.id|share group/)
  assert.throws(() => new ShareConsumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': 'g', 'share.acknowledgement.mode': 'sometimes' } as never), /share\.acknowledgement\.mode/)
})

test('three members of a share group on a 1-partition topic each get distinct records, together all of them', { skip: !share }, async () => {
  const topic = uniqueName('share-work')
  await producer.createTopic(topic, 1)
  const g = await group('share-work-g')
  const total = 300
  const members = [consumer(g, { 'max.poll.records': 10 }), consumer(g, { 'max.poll.records': 10 }), consumer(g, { 'max.poll.records': 10 })]
  const seen = new Map<string, number>()
  const perMember = members.map(() => 0)
  try {
    for (const m of members) m.subscribe([topic])
    // All three join before the records arrive.
    await Promise.all(members.map((m) => m.poll(3000)))
    await producer.fill(topic, 1, total, 'w', 10)
    const end = Date.now() + 90000
    while (seen.size < total && Date.now() < end) {
      await Promise.all(members.map(async (m, i) => {
        for (const r of await m.poll(300)) {
          seen.set(r.value!, (seen.get(r.value!) ?? 0) + 1)
          perMember[i]!++
        }
        // Slow workers: each holds its records a little, so the others get theirs.
        await new Promise((res) => setTimeout(res, 20))
      }))
    }
    assert.equal(seen.size, total, 'every record was delivered')
    for (const [v, n] of seen) assert.equal(n, 1, `${v} delivered ${n} times`)
    assert.ok(perMember.filter((n) => n > 0).length >= 2, `records spread over members: ${perMember.join(', ')}`)
  } finally {
    await Promise.all(members.map((m) => m.close()))
  }
})

test('release makes a record come back with delivery count 2; reject makes it never come back; commitSync reports per partition', { skip: !share }, async () => {
  const topic = uniqueName('share-ack')
  await producer.createTopic(topic, 1)
  const g = await group('share-ack-g')
  await producer.fill(topic, 1, 3, 'a')
  const c = consumer(g, { 'share.acknowledgement.mode': 'explicit' })
  try {
    c.subscribe([topic])
    const first: ShareConsumerRecord<Buffer, string>[] = []
    await pollUntil(c, () => first.length >= 3, (r) => first.push(r))
    assert.deepEqual(first.map((r) => [r.value, r.deliveryCount]), [['a-0', 1], ['a-1', 1], ['a-2', 1]])
    c.acknowledge(first[0]!, 'accept')
    c.acknowledge(first[1]!, 'release')
    c.acknowledge(first[2]!, 'reject')
    assert.throws(() => c.acknowledge(first[0]!, 'accept'), /not a record of this consumer awaiting acknowledgement/)
    const results = await c.commitSync()
    assert.deepEqual(results.map((r) => [r.topic, r.partition, r.error]), [[topic, 0, null]])
    const again: ShareConsumerRecord<Buffer, string>[] = []
    await pollUntil(c, () => again.length >= 1, (r) => again.push(r))
    assert.deepEqual(again.map((r) => [r.value, r.deliveryCount]), [['a-1', 2]])
    c.acknowledge(again[0]!, 'accept')
    await c.commitSync()
    // Nothing else comes back: a-2 was rejected, a-0 and a-1 accepted.
    const rest: string[] = []
    for (let i = 0; i < 4; i++) for (const r of await c.poll(500)) { rest.push(r.value!); c.acknowledge(r) }
    assert.deepEqual(rest, [])
  } finally {
    await c.close()
  }
})

test('explicit mode: polling with unacknowledged records fails; implicit mode accepts them at the next poll', { skip: !share }, async () => {
  const topic = uniqueName('share-modes')
  await producer.createTopic(topic, 1)
  const g = await group('share-modes-g')
  await producer.fill(topic, 1, 2, 'm')
  const c = consumer(g, { 'share.acknowledgement.mode': 'explicit' })
  try {
    c.subscribe([topic])
    const got: ShareConsumerRecord<Buffer, string>[] = []
    await pollUntil(c, () => got.length >= 2, (r) => got.push(r))
    await assert.rejects(c.poll(100), /not acknowledged/)
  } finally {
    await c.close() // explicit mode: releases them
  }
  const d = consumer(g)
  try {
    d.subscribe([topic])
    const got: ShareConsumerRecord<Buffer, string>[] = []
    await pollUntil(d, () => got.length >= 2, (r) => got.push(r))
    assert.deepEqual(got.map((r) => [r.value, r.deliveryCount]), [['m-0', 2], ['m-1', 2]], 'released by close, delivered again')
    const more: string[] = []
    for (let i = 0; i < 4; i++) for (const r of await d.poll(500)) more.push(r.value!)
    assert.deepEqual(more, [], 'the next polls accepted them implicitly')
  } finally {
    await d.close()
  }
})

test('after group.share.delivery.count.limit deliveries a record is archived', { skip: !share }, async () => {
  const topic = uniqueName('share-limit')
  await producer.createTopic(topic, 1)
  const g = await group('share-limit-g', { 'share.delivery.count.limit': '2' })
  await producer.fill(topic, 1, 1, 'l')
  const c = consumer(g, { 'share.acknowledgement.mode': 'explicit' })
  const counts: number[] = []
  try {
    c.subscribe([topic])
    const end = Date.now() + 60000
    while (Date.now() < end && counts.length < 5) {
      const rs = [...(await c.poll(1000))]
      for (const r of rs) {
        counts.push(r.deliveryCount)
        c.acknowledge(r, 'release')
      }
      if (rs.length === 0 && counts.length >= 2) break
    }
    assert.deepEqual(counts, [1, 2])
  } finally {
    await c.close()
  }
})

test('close releases what a member holds; wakeup ends a poll; the async iterator yields records', { skip: !share }, async () => {
  const topic = uniqueName('share-close')
  await producer.createTopic(topic, 1)
  const g = await group('share-close-g')
  await producer.fill(topic, 1, 5, 'c')
  const a = consumer(g, { 'share.acknowledgement.mode': 'explicit' })
  a.subscribe([topic])
  const held: string[] = []
  await pollUntil(a, () => held.length >= 5, (r) => held.push(r.value!))
  await a.close()
  const b = consumer(g)
  try {
    b.subscribe([topic])
    const got: ShareConsumerRecord<Buffer, string>[] = []
    for await (const r of b) {
      got.push(r)
      if (got.length >= 5) break
    }
    assert.deepEqual(got.map((r) => r.value).sort(), held.sort())
    assert.ok(got.every((r) => r.deliveryCount === 2))
    setTimeout(() => b.wakeup(), 200)
    await assert.rejects(b.poll(30000), { name: 'WakeupError' })
  } finally {
    await b.close()
  }
})

test('a member killed without acknowledging: its records are delivered again after the acquisition lock times out', { skip: !share }, async () => {
  const topic = uniqueName('share-crash')
  await producer.createTopic(topic, 1)
  const g = await group('share-crash-g', { 'share.record.lock.duration.ms': '15000' })
  await producer.fill(topic, 1, 4, 'k')
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'fixtures', 'holder.ts'), g, topic, '4'], {
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrapServers() },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const exited = new Promise((resolve) => child.on('exit', resolve))
  try {
    const end = Date.now() + 90000
    while (!out.includes('held') && Date.now() < end) await new Promise((r) => setTimeout(r, 200))
    assert.match(out, /held 4/)
  } finally {
    child.kill('SIGKILL')
    await exited
  }
  const c = consumer(g)
  try {
    c.subscribe([topic])
    const got: ShareConsumerRecord<Buffer, string>[] = []
    await pollUntil(c, () => got.length >= 4, (r) => got.push(r), 90000)
    assert.deepEqual(got.map((r) => [r.value, r.deliveryCount]), [['k-0', 2], ['k-1', 2], ['k-2', 2], ['k-3', 2]])
  } finally {
    await c.close()
  }
})

test('renew: a record held past its lock duration by renewals is not delivered again; one not renewed is', { skip: !kafkaVersionAtLeast('4.2.0') && 'renew needs Kafka 4.2+', timeout: 150000 }, async () => {
  const topic = uniqueName('share-renew')
  await producer.createTopic(topic, 1)
  // 15 s is the broker's lowest allowed lock duration (group.share.min.record.lock.duration.ms).
  const lockMs = 15000
  const g = await group('share-renew-g', { 'share.record.lock.duration.ms': String(lockMs) })
  await producer.fill(topic, 1, 2, 'r')
  const holder = consumer(g, { 'share.acknowledgement.mode': 'explicit' })
  const other = consumer(g, { 'share.acknowledgement.mode': 'explicit' })
  try {
    holder.subscribe([topic])
    const got: ShareConsumerRecord<Buffer, string>[] = []
    await pollUntil(holder, () => got.length >= 2, (r) => got.push(r))
    assert.deepEqual(got.map((r) => [r.value, r.deliveryCount]), [['r-0', 1], ['r-1', 1]])
    assert.equal(holder.acquisitionLockTimeoutMs(), lockMs)
    const [kept] = got as [ShareConsumerRecord<Buffer, string>]
    const heldSince = Date.now()
    other.subscribe([topic])
    const fromOther: ShareConsumerRecord<Buffer, string>[] = []
    // Hold both for two lock durations, renewing only `kept` every lockMs / 3.
    while (Date.now() - heldSince < 2 * lockMs + 2000) {
      holder.acknowledge(kept, 'renew')
      const results = await holder.commitSync()
      assert.deepEqual(results.map((r) => [r.partition, r.error]), [[0, null]], 'the renewal was taken')
      const until = Date.now() + lockMs / 3
      while (Date.now() < until) {
        for (const r of await other.poll(500)) {
          fromOther.push(r)
          other.acknowledge(r, 'accept')
        }
      }
    }
    // The holder's own background fetch may acquire r-1 once more when its lock expires (and keep it unpolled until
    // that lock expires too), so the other member sees it with delivery count 2 or 3; r-0 never comes back.
    assert.deepEqual(fromOther.map((r) => r.value), ['r-1'], 'only the record not renewed came back, to the other member')
    assert.ok([2, 3].includes(fromOther[0]!.deliveryCount), `delivery count ${fromOther[0]!.deliveryCount}`)
    holder.acknowledge(kept, 'accept')
    assert.deepEqual((await holder.commitSync()).map((r) => r.error), [null], 'the renewed record is still this member\'s to accept')
  } finally {
    await Promise.all([holder.close(), other.close()])
  }
})

test('metrics(): Java\'s share consumer metric names move with known load', { skip: !share }, async () => {
  const topic = uniqueName('share-metrics')
  await producer.createTopic(topic, 1)
  const g = await group('share-metrics-g')
  const total = 50
  await producer.fill(topic, 1, total, 'x')
  const c = consumer(g, { 'client.id': 'share-metrics-client' })
  try {
    const m = c.metrics()
    const v = (name: string, group = 'consumer-share-fetch-manager-metrics') => m.value(name, { group, tags: { 'client-id': 'share-metrics-client' } })
    assert.equal(v('records-consumed-total'), 0)
    assert.equal(v('last-poll-seconds-ago', 'consumer-share-metrics'), -1, 'never polled')
    c.subscribe([topic])
    let n = 0
    await pollUntil(c, () => n >= total, () => n++)
    assert.equal(n, total)
    const results = await c.commitSync()
    assert.deepEqual(results.map((r) => r.error), [null])
    assert.equal(v('records-consumed-total'), total, 'every record acquired once')
    assert.ok(v('bytes-consumed-total')! > total, `bytes ${v('bytes-consumed-total')}`)
    assert.ok(v('fetch-total')! >= 1)
    assert.ok(v('fetch-latency-max')! >= 0)
    assert.ok(v('records-per-request-max')! >= 1 && v('records-per-request-max')! <= total)
    assert.equal(v('acknowledgements-send-total'), total, 'every record accepted once')
    assert.equal(v('acknowledgements-error-total'), 0)
    assert.ok(v('time-between-poll-max', 'consumer-share-metrics')! >= 0)
    assert.ok(v('last-poll-seconds-ago', 'consumer-share-metrics')! >= 0)
    assert.ok(m.list().some((x) => x.metricName.group === 'consumer-share-node-metrics'), 'network metrics under the share consumer prefix')
  } finally {
    await c.close()
  }
})

test('no records are acquired while the application is not polling: what one member did not fetch goes to another at once', { skip: !share }, async () => {
  const topic = uniqueName('share-noprefetch')
  await producer.createTopic(topic, 1)
  const g = await group('share-noprefetch-g')
  const total = 50
  await producer.fill(topic, 1, total, 'x', 5) // 10 batches of 5
  const a = consumer(g, { 'client.id': 'share-idle-a', 'max.poll.records': 5 })
  const b = consumer(g, { 'client.id': 'share-busy-b' })
  try {
    const v = (name: string) => a.metrics().value(name, { group: 'consumer-share-fetch-manager-metrics', tags: { 'client-id': 'share-idle-a' } })!
    a.subscribe([topic])
    const mine = new Set<bigint>()
    await pollUntil(a, () => mine.size > 0, (r) => mine.add(r.offset))
    assert.ok(mine.size > 0 && mine.size <= 5, `a got ${mine.size}`)
    const fetches = v('fetch-total')
    const acquired = v('records-consumed-total')
    assert.ok(acquired < total, `a acquired ${acquired} of ${total} in its first fetch`)
    // a is busy (does not poll): it must not acquire more records meanwhile.
    b.subscribe([topic])
    const theirs = new Set<bigint>()
    await pollUntil(b, () => theirs.size >= total - acquired, (r) => theirs.add(r.offset), 20000)
    assert.equal(v('fetch-total'), fetches, 'a sent no ShareFetch while it was not polling')
    assert.equal(v('records-consumed-total'), acquired)
    assert.equal(theirs.size, total - acquired, 'b got every record a had not acquired, well within the 30 s lock')
    for (const o of mine) assert.ok(!theirs.has(o), `offset ${o} delivered to both`)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})
