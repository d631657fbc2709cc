import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createTopic, sleep, sharedClients, uniqueName, waitFor } from './helpers.js'

const { client, admin, producer } = sharedClients()

async function committedSum(groupId: string, topic: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)
}

test('a batch that takes longer than rebalanceTimeout keeps its membership (heartbeat() after each message)', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: String(i) })) })
  const consumer = client.consumer({ groupId, sessionTimeout: 10000, rebalanceTimeout: 2000, heartbeatInterval: 300 })
  await consumer.subscribe({ topic, fromBeginning: true })
  let rebalances = 0
  let joins = 0
  consumer.on(consumer.events.REBALANCING, () => void rebalances++)
  consumer.on(consumer.events.GROUP_JOIN, () => void joins++)
  const seen: string[] = []
  await consumer.run({
    eachMessage: async ({ message }) => {
      await sleep(500) // 6 × 500 ms in one batch: 3 s, more than max.poll.interval.ms (2 s)
      seen.push(message.value!.toString())
    },
  })
  await waitFor(() => seen.length === 6, 'slow messages')
  await sleep(300)
  await consumer.disconnect()
  assert.deepEqual(seen, ['0', '1', '2', '3', '4', '5'])
  assert.deepEqual([rebalances, joins], [0, 1], 'no rebalance while the batch was handled')
  assert.equal(await committedSum(groupId, topic), 6)
})

test('a second member takes half the partitions; offsets are committed before they move, nothing is read twice', async () => {
  const topic = await createTopic(admin, 4)
  const groupId = uniqueName('g')
  const send = (from: number, to: number) =>
    producer.send({ topic, messages: Array.from({ length: to - from }, (_, i) => ({ key: `k${from + i}`, value: String(from + i) })) })
  await send(0, 40)
  const seen = new Map<string, string[]>()
  const member = async (name: string) => {
    const c = client.consumer({ groupId })
    const state = { rebalances: 0, assigned: [] as number[] }
    c.on(c.events.REBALANCING, () => void state.rebalances++)
    c.on(c.events.GROUP_JOIN, (e) => void (state.assigned = e.payload.memberAssignment[topic] ?? []))
    await c.subscribe({ topic, fromBeginning: true })
    await c.run({ eachMessage: async ({ message }) => void seen.set(message.value!.toString(), [...(seen.get(message.value!.toString()) ?? []), name]) })
    return { c, state }
  }
  const a = await member('a')
  await waitFor(() => seen.size === 40, 'a reads the first 40')
  const b = await member('b')
  await waitFor(() => a.state.assigned.length === 2 && b.state.assigned.length === 2, 'the partitions to split 2/2')
  await send(40, 80)
  await waitFor(() => seen.size === 80, 'all 80')
  await sleep(300)
  await Promise.all([a.c.disconnect(), b.c.disconnect()])
  assert.ok(a.state.rebalances >= 1, 'the first member saw the rebalance')
  assert.deepEqual([...a.state.assigned, ...b.state.assigned].sort(), [0, 1, 2, 3])
  const twice = [...seen].filter(([, by]) => by.length > 1)
  assert.deepEqual(twice, [], 'no message handled twice')
  assert.ok([...seen.values()].some((by) => by[0] === 'b'), 'the second member handled some')
  assert.equal(await committedSum(groupId, topic), 80)
})

test('retries exhausted with a retriable error: CRASH with restart, the consumer starts again and carries on', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await producer.send({ topic, messages: ['0', '1', '2'].map((value) => ({ value })) })
  const consumer = client.consumer({ groupId, retry: { initialRetryTime: 50, retries: 1 } })
  await consumer.subscribe({ topic, fromBeginning: true })
  const crashes: boolean[] = []
  let joins = 0
  consumer.on(consumer.events.CRASH, (e) => void crashes.push(e.payload.restart))
  consumer.on(consumer.events.GROUP_JOIN, () => void joins++)
  const seen: string[] = []
  let failures = 0
  await consumer.run({
    eachMessage: async ({ message }) => {
      const v = message.value!.toString()
      if (v === '1' && failures++ < 3) throw new Error('not yet')
      seen.push(v)
    },
  })
  await waitFor(() => seen.length === 3, 'all 3 after the restart')
  await consumer.disconnect()
  assert.deepEqual(seen, ['0', '1', '2'])
  assert.deepEqual(crashes, [true])
  assert.ok(joins >= 2, `joined again after the restart (${joins} joins)`)
  assert.equal(await committedSum(groupId, topic), 3)
})

test('stop() then run() again continues from the committed offsets', async () => {
  const topic = await createTopic(admin)
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: string[] = []
  const handler = { eachMessage: async ({ message }: { message: { value: Buffer | null } }) => void seen.push(message.value!.toString()) }
  await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
  await consumer.run(handler)
  await waitFor(() => seen.length === 2, 'first run')
  await consumer.stop()
  await producer.send({ topic, messages: [{ value: 'c' }] })
  await consumer.run(handler)
  await waitFor(() => seen.length === 3, 'second run')
  await sleep(200)
  await consumer.disconnect()
  assert.deepEqual(seen, ['a', 'b', 'c'])
})

test('subscribing creates a missing topic (as KafkaJS does), so nothing produced after run() is missed', async () => {
  const topic = uniqueName('kjs-new')
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic })
  assert.ok((await admin.listTopics()).includes(topic))
  const seen: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
  await producer.send({ topic, messages: [{ value: 'first' }] })
  await waitFor(() => seen.length === 1, 'the first message')
  await consumer.disconnect()
  assert.deepEqual(seen, ['first'])
})
