// The KIP-848 member (src/consumer/group/consumer-group.ts) against FakeKafka: a fence in a heartbeat
// answer is believed only when the next heartbeat repeats it (frames carry no checksum; a corrupt epoch
// or code would otherwise cost a rebalance).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, type TopicPartition } from '../../../src/index.js'
import { FakeKafka } from '../../../src/testing/index.js'

async function stableMember(fake: FakeKafka, bootstrap: string, lost: TopicPartition[][]) {
  const c = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'g848', 'group.protocol': 'consumer', 'retry.backoff.ms': 20 })
  c.subscribe(['t'], { onPartitionsLost: (tps) => void lost.push(tps) })
  const until = Date.now() + 20000
  while (c.assignment().length < 2) {
    assert.ok(Date.now() < until, 'the member got its partitions')
    await c.poll(100)
  }
  return c
}

async function pollFor(c: Consumer, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) await c.poll(100)
}

test('KIP-848: one FENCED_MEMBER_EPOCH answer is asked again, not believed; two in a row fence the member', async () => {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 2 })
  const lost: TopicPartition[][] = []
  const c = await stableMember(fake, bootstrap, lost)
  try {
    fake.failNext('ConsumerGroupHeartbeat', 'FENCED_MEMBER_EPOCH', 1)
    await pollFor(c, 4000)
    assert.deepEqual(lost, [], 'one fence answer did not fence the member')
    assert.equal(c.assignment().length, 2)

    fake.failNext('ConsumerGroupHeartbeat', 'FENCED_MEMBER_EPOCH', 2)
    const until = Date.now() + 20000
    while (lost.length === 0) {
      assert.ok(Date.now() < until, 'two fence answers in a row fenced the member')
      await c.poll(100)
    }
    assert.equal((lost as TopicPartition[][])[0]!.length, 2, 'its partitions were reported lost')
  } finally {
    await c.close()
    await fake.close()
  }
})

test('KIP-848: a broken connection to the coordinator while joining costs a retry, not a poll() error', async () => {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 2 })
  const c = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'g848b', 'group.protocol': 'consumer', 'retry.backoff.ms': 20, 'reconnect.backoff.ms': 20 })
  try {
    c.subscribe(['t'])
    // The connections' first requests: the bootstrap connection's and the coordinator connection's.
    fake.dropNext('ApiVersions', 8)
    const until = Date.now() + 20000
    while (c.assignment().length < 2) {
      assert.ok(Date.now() < until, 'the member got its partitions')
      await c.poll(100) // rejects on a poll() error
    }
  } finally {
    await c.close()
    await fake.close()
  }
})
