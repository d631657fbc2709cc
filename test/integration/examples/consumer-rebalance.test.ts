import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Producer } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { startExample } from './run-example.js'

const processedRe = /^(\w+) processed [^@]+-(\d+)@(\d+): (.*)$/

test('examples/consumer-rebalance.ts: partitions split between two members, commits on revoke, nothing read twice', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer' })
  const topic = uniqueName('rebalance-example')
  const group = uniqueName('rebalance-example-group')
  const env = { GROUP: group, IDLE_POLLS: '60' }
  const send = (from: number, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic, partition: (from + i) % 2, value: `record-${from + i}` })))
  const a = startExample('examples/consumer-rebalance.ts', [topic, 'alice'], env)
  let b: ReturnType<typeof startExample> | undefined
  try {
    await admin.createTopics([{ topic, numPartitions: 2 }])
    await send(0, 10)
    await a.waitFor((l) => l.filter((x) => x.startsWith('alice processed')).length === 10, 'alice processing 10 records')
    assert.ok(a.lines().some((l) => l === `alice assigned: ${topic}-0, ${topic}-1; owns now: ${topic}-0, ${topic}-1`), a.stdout())

    b = startExample('examples/consumer-rebalance.ts', [topic, 'bob'], env)
    const ownsOne = (who: string) => (l: string[]) => l.some((x) => new RegExp(`^${who} assigned: .*; owns now: ${topic}-\\d$`).test(x))
    await Promise.all([a.waitFor(ownsOne('alice'), 'alice owning one partition'), b.waitFor(ownsOne('bob'), 'bob owning one partition')])
    assert.ok(a.lines().some((l) => l.startsWith('alice revoked:')), 'alice saw a revocation')
    assert.ok(a.lines().some((l) => /^alice committed .*@5/.test(l)), `alice committed before giving partitions up: ${a.stdout()}`)

    await send(10, 10)
    const all = () => [...a.lines(), ...b!.lines()].filter((l) => processedRe.test(l))
    await a.waitFor(() => all().length >= 20, '20 records processed by the two members')
    for (const m of [a, b]) m.child.kill('SIGINT')
    const [ea, eb] = await Promise.all([a.exited, b.exited])
    assert.equal(ea.code, 0, ea.stderr)
    assert.equal(eb.code, 0, eb.stderr)
    assert.equal(a.lines().at(-1), 'alice closed')
    assert.equal(b.lines().at(-1), 'bob closed')

    const seen = all().map((l) => processedRe.exec(l)!)
    assert.equal(seen.length, 20, 'no record processed twice')
    assert.deepEqual(seen.map((m) => m[4]).sort(), Array.from({ length: 20 }, (_, i) => `record-${i}`).sort())
    assert.ok(seen.some((m) => m[1] === 'bob'), 'bob processed some of the second batch')
    const committed = await admin.listConsumerGroupOffsets(group)
    assert.deepEqual(committed.map((o) => [o.partition, o.offset, o.lag]), [[0, 10n, 0n], [1, 10n, 0n]])
  } finally {
    for (const m of [a, b]) if (m && m.child.exitCode === null) m.child.kill('SIGKILL')
    await producer.close()
    await admin.deleteTopics([topic]).catch(() => {})
    await admin.close()
  }
})
