import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AssignerProtocol, KafkaJSNumberOfRetriesExceeded, type Consumer } from '../../../src/kafkajs/index.js'
import { createTopic, sleep, sharedClients, uniqueName, waitFor } from './helpers.js'

const { client, admin, producer } = sharedClients()

async function fill(topic: string, values: string[], partition = 0): Promise<void> {
  await producer.send({ topic, messages: values.map((value) => ({ value, partition })) })
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i))

async function committed(groupId: string, topic: string): Promise<string[]> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return t!.partitions.map((p) => p.offset)
}

test('auto-commit: resolved offsets are committed; the next run of the group starts there', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await fill(topic, range(0, 5))
  const first = client.consumer({ groupId })
  await first.subscribe({ topic, fromBeginning: true })
  const seen: string[] = []
  await first.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
  await waitFor(() => seen.length === 5, 'first 5')
  await first.disconnect()
  assert.deepEqual(await committed(groupId, topic), ['5'])
  await fill(topic, range(5, 8))
  const second = client.consumer({ groupId })
  await second.subscribe({ topic, fromBeginning: true })
  await second.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
  await waitFor(() => seen.length === 8, 'next 3')
  await sleep(200)
  await second.disconnect()
  assert.deepEqual(seen, range(0, 8))
})

test('autoCommitThreshold commits while a batch is still being handled', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await fill(topic, range(0, 6))
  const consumer = client.consumer({ groupId })
  await consumer.subscribe({ topic, fromBeginning: true })
  const commitsSeen: string[][] = []
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => commitsSeen.push(e.payload.topics.flatMap((t) => t.partitions.map((p) => p.offset))))
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  let n = 0
  await consumer.run({
    autoCommitThreshold: 2,
    eachMessage: async () => {
      if (++n === 5) await gate
    },
  })
  await waitFor(() => n === 5, 'fifth message')
  // messages 0-3 are done: the threshold of 2 made the facade commit 2 and 4 mid-batch
  assert.deepEqual(await committed(groupId, topic), ['4'])
  release()
  await waitFor(() => n === 6, 'all')
  await consumer.disconnect()
  assert.deepEqual(await committed(groupId, topic), ['6'])
  assert.deepEqual(commitsSeen.slice(0, 2), [['2'], ['4']])
})

test('a failing eachMessage gets the same message again, and only handled messages are committed', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await fill(topic, range(0, 5))
  const consumer = client.consumer({ groupId, retry: { initialRetryTime: 50, retries: 5 } })
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: string[] = []
  let failures = 0
  const crashes: unknown[] = []
  consumer.on(consumer.events.CRASH, (e) => crashes.push(e))
  await consumer.run({
    eachMessage: async ({ message }) => {
      const v = message.value!.toString()
      seen.push(v)
      if (v === '2' && failures < 2) {
        failures++
        throw new Error('transient')
      }
    },
  })
  await waitFor(() => seen.length === 7, 'redeliveries')
  await consumer.disconnect()
  assert.deepEqual(seen, ['0', '1', '2', '2', '2', '3', '4'])
  assert.deepEqual(crashes, [])
  assert.deepEqual(await committed(groupId, topic), ['5'])
})

test('retries exhausted: CRASH with restart=false when restartOnFailure says so; offsets before the failure are committed', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await fill(topic, range(0, 3))
  const asked: Error[] = []
  const consumer = client.consumer({ groupId, retry: { initialRetryTime: 20, retries: 2, restartOnFailure: async (e) => (asked.push(e), false) } })
  await consumer.subscribe({ topic, fromBeginning: true })
  const crashes: { error: Error; restart: boolean }[] = []
  consumer.on(consumer.events.CRASH, (e) => crashes.push(e.payload))
  let attempts = 0
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value!.toString() === '1') {
        attempts++
        throw new Error('always')
      }
    },
  })
  await waitFor(() => crashes.length === 1, 'crash')
  assert.equal(attempts, 3, 'the first try and 2 retries')
  assert.ok(crashes[0]!.error instanceof KafkaJSNumberOfRetriesExceeded)
  assert.equal(crashes[0]!.restart, false)
  assert.equal(asked.length, 1)
  assert.deepEqual(await committed(groupId, topic), ['1'])
  await consumer.disconnect()
})

test('a TypeError in a handler crashes at once, without retries or restart', async () => {
  const topic = await createTopic(admin)
  await fill(topic, ['x'])
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic, fromBeginning: true })
  const crashes: { error: Error; restart: boolean }[] = []
  consumer.on(consumer.events.CRASH, (e) => crashes.push(e.payload))
  let calls = 0
  await consumer.run({
    eachMessage: async () => {
      calls++
      ;(undefined as unknown as { f(): void }).f()
    },
  })
  await waitFor(() => crashes.length === 1, 'crash')
  assert.equal(calls, 1)
  assert.equal(crashes[0]!.error.name, 'KafkaJSNonRetriableError')
  assert.equal(crashes[0]!.restart, false)
  await consumer.disconnect()
})

test('commitOffsets with autoCommit off commits exactly what is given, with metadata', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await fill(topic, range(0, 4))
  const consumer = client.consumer({ groupId })
  await consumer.subscribe({ topic, fromBeginning: true })
  let n = 0
  await consumer.run({ autoCommit: false, eachMessage: async () => void n++ })
  await waitFor(() => n === 4, '4 messages')
  assert.deepEqual(await committed(groupId, topic), ['-1'], 'nothing committed without autoCommit')
  await consumer.commitOffsets([{ topic, partition: 0, offset: '3', metadata: 'checkpoint' }])
  await consumer.disconnect()
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] })
  assert.deepEqual(t!.partitions, [{ partition: 0, offset: '3', metadata: 'checkpoint' }])
})

test('seek re-reads from an earlier offset; the batch in hand becomes stale', async () => {
  const topic = await createTopic(admin)
  await fill(topic, range(0, 6))
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: string[] = []
  let sought = false
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      seen.push(message.value!.toString())
      if (message.offset === '3' && !sought) {
        sought = true
        consumer.seek({ topic, partition, offset: '1' })
      }
    },
  })
  await waitFor(() => seen.length === 3 + 1 + 5, 're-read')
  await sleep(200)
  await consumer.disconnect()
  assert.deepEqual(seen, ['0', '1', '2', '3', '1', '2', '3', '4', '5'])
})

test('seek right after a run() that is not awaited, as KafkaJS documents it', async () => {
  const topic = await createTopic(admin)
  await fill(topic, range(0, 6))
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic })
  const seen: string[] = []
  void consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
  consumer.seek({ topic, partition: 0, offset: '3' })
  await waitFor(() => seen.length === 3, 'messages from offset 3')
  await sleep(200)
  await consumer.disconnect()
  assert.deepEqual(seen, ['3', '4', '5'])
})

test('pause() from a handler stops a partition; resume delivers the rest, nothing lost or repeated', async () => {
  const topic = await createTopic(admin, 2)
  await fill(topic, range(0, 5), 0)
  await fill(topic, range(100, 103), 1)
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: { p: number; v: string }[] = []
  let resumeP0: (() => void) | undefined
  await consumer.run({
    eachMessage: async ({ partition, message, pause }) => {
      seen.push({ p: partition, v: message.value!.toString() })
      if (partition === 0 && message.value!.toString() === '1' && !resumeP0) resumeP0 = pause()
    },
  })
  await waitFor(() => seen.filter((s) => s.p === 1).length === 3 && resumeP0 !== undefined, 'partition 1 and the pause')
  await sleep(500)
  assert.deepEqual(seen.filter((s) => s.p === 0).map((s) => s.v), ['0', '1'], 'nothing from partition 0 while paused')
  assert.deepEqual(consumer.paused(), [{ topic, partitions: [0] }])
  resumeP0!()
  assert.deepEqual(consumer.paused(), [])
  await waitFor(() => seen.filter((s) => s.p === 0).length === 5, 'the rest of partition 0')
  // pause the whole topic from outside, then resume it
  consumer.pause([{ topic }])
  assert.deepEqual(consumer.paused(), [{ topic, partitions: [0, 1] }])
  await fill(topic, ['5'], 0)
  await sleep(400)
  assert.equal(seen.length, 8)
  consumer.resume([{ topic }])
  await waitFor(() => seen.length === 9, 'after resume')
  await consumer.disconnect()
  assert.deepEqual(seen.filter((s) => s.p === 0).map((s) => s.v), range(0, 6))
})

test('fromBeginning is per subscription: one topic from the start, another only new messages', async () => {
  const old = await createTopic(admin)
  const fresh = await createTopic(admin)
  await fill(old, ['old-0', 'old-1'])
  await fill(fresh, ['missed'])
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic: old, fromBeginning: true })
  await consumer.subscribe({ topics: [fresh], fromBeginning: false })
  const seen: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
  await waitFor(() => seen.length === 2, 'old topic')
  await sleep(300)
  await fill(fresh, ['new'])
  await waitFor(() => seen.length === 3, 'new message')
  await consumer.disconnect()
  assert.deepEqual(seen.sort(), ['new', 'old-0', 'old-1'])
})

test('RegExp subscriptions match existing topics; describeGroup shows the running member and its assignment', async () => {
  const prefix = uniqueName('re')
  const t1 = `${prefix}-a`
  const t2 = `${prefix}-b`
  await admin.createTopics({ topics: [{ topic: t1 }, { topic: t2 }] })
  await fill(t1, ['a'])
  await fill(t2, ['b'])
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topics: [new RegExp(`^${prefix}-`)], fromBeginning: true })
  const seen: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) })
  await waitFor(() => seen.length === 2, 'both topics')
  const group = await consumer.describeGroup()
  assert.equal(group.state, 'Stable')
  assert.equal(group.protocolType, 'consumer')
  assert.equal(group.protocol, 'RoundRobinAssigner', 'the protocol name KafkaJS uses, so KafkaJS members can join')
  assert.equal(group.members.length, 1)
  const assignment = AssignerProtocol.MemberAssignment.decode(group.members[0]!.memberAssignment)!
  assert.deepEqual(Object.keys(assignment.assignment).sort(), [t1, t2])
  await consumer.disconnect()
  assert.deepEqual(seen.sort(), ['a', 'b'])
})

test('events: CONNECT, GROUP_JOIN, FETCH, START/END_BATCH_PROCESS, COMMIT_OFFSETS, STOP, DISCONNECT', async () => {
  const topic = await createTopic(admin)
  await fill(topic, ['e'])
  const consumer: Consumer = client.consumer({ groupId: uniqueName('g') })
  const types: string[] = []
  for (const name of Object.values(consumer.events)) consumer.on(name, (e) => void types.push(e.type))
  let join: unknown
  consumer.on(consumer.events.GROUP_JOIN, (e) => (join = e.payload))
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let done = false
  await consumer.run({ eachMessage: async () => void (done = true) })
  await waitFor(() => done && types.includes('consumer.commit_offsets'), 'processing')
  await consumer.disconnect()
  for (const t of ['consumer.connect', 'consumer.group_join', 'consumer.fetch_start', 'consumer.fetch', 'consumer.start_batch_process', 'consumer.end_batch_process', 'consumer.commit_offsets', 'consumer.stop', 'consumer.disconnect']) {
    assert.ok(types.includes(t), `${t} emitted (got ${[...new Set(types)].join(', ')})`)
  }
  assert.ok(types.indexOf('consumer.group_join') < types.indexOf('consumer.start_batch_process'))
  assert.deepEqual((join as { memberAssignment: unknown }).memberAssignment, { [topic]: [0] })
})

test('stop() called from inside eachMessage returns, and the consumer stops after that message', async () => {
  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await fill(topic, range(0, 5))
  const consumer = client.consumer({ groupId })
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen: string[] = []
  let stopped = false
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message.value!.toString())
      if (message.offset === '1') {
        await consumer.stop()
        stopped = true
      }
    },
  })
  await waitFor(() => stopped, 'stop to return')
  await sleep(300)
  assert.deepEqual(seen, ['0', '1'])
  assert.deepEqual(await committed(groupId, topic), ['2'])
  await consumer.disconnect()
})

test('partitionsConsumedConcurrently handles several partitions at the same time', async () => {
  const topic = await createTopic(admin, 3)
  for (const p of [0, 1, 2]) await fill(topic, [`p${p}`], p)
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic, fromBeginning: true })
  let active = 0
  let most = 0
  let n = 0
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async () => {
      most = Math.max(most, ++active)
      await sleep(300)
      active--
      n++
    },
  })
  await waitFor(() => n === 3, '3 messages')
  await consumer.disconnect()
  assert.ok(most >= 2, `ran ${most} handlers at once`)
})
