import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Producer } from '../../../src/index.js'
import { bootstrapServers, kafkaVersionAtLeast, uniqueName } from '../../helpers/kafka.js'
import { startExample } from './run-example.js'

test('examples/share-worker.ts: two workers share the jobs, a failing job is released then rejected on its third delivery', { skip: !kafkaVersionAtLeast('4.1.0') && 'share groups need Kafka 4.1+' }, async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer' })
  const topic = uniqueName('share-worker-example')
  const group = uniqueName('share-worker-example-group')
  const env = { GROUP: group }
  await admin.createTopics([{ topic, numPartitions: 1 }])
  await admin.incrementalAlterConfigs([{ type: 'group', name: group, ops: [{ name: 'share.auto.offset.reset', value: 'earliest' }] }])
  const a = startExample('examples/share-worker.ts', [topic, 'ann'], env)
  let b: ReturnType<typeof startExample> | undefined
  let exits: { code: number | null; stderr: string }[]
  try {
    // A runtime's first start of the app under load (Deno in CI) can take long: 60 s to print its first line.
    // The second worker starts once the first has: its start used to rewrite the transpiled file the first was
    // still loading (scripts/runtimes/transpile.ts), and two cold runtime starts at once only add to the wait.
    await a.waitFor((l) => l.includes('ann started'), 'ann starting', 60000)
    b = startExample('examples/share-worker.ts', [topic, 'ben'], env)
    await b.waitFor((l) => l.includes('ben started'), 'ben starting', 60000)
    for (let i = 0; i < 20; i++) await producer.send({ topic, value: i === 7 ? 'job-7-fail' : `job-${i}` })
    const second = b
    const all = () => [...a.lines(), ...second.lines()]
    const done = () => all().filter((l) => / done job-/.test(l))
    await a.waitFor(() => done().length >= 19 && all().some((l) => / reject job-7-fail \(delivery 3\)/.test(l)), '19 jobs done and job 7 rejected', 90000)
    const jobs = done().map((l) => l.split(' ').at(-1)).sort()
    assert.equal(new Set(jobs).size, 19, `each job done once: ${jobs.join(',')}`)
    assert.deepEqual(all().filter((l) => l.includes('job-7-fail')).map((l) => l.replace(/^\w+ /, '')).sort((x, y) => x.slice(-2).localeCompare(y.slice(-2))), [
      'release job-7-fail (delivery 1)', 'release job-7-fail (delivery 2)', 'reject job-7-fail (delivery 3)',
    ])
  } finally {
    // Everything is closed before anything is asserted, so a failure above is the one reported and the file ends.
    a.child.kill('SIGINT')
    b?.child.kill('SIGINT')
    exits = await Promise.all([a.exited, ...(b ? [b.exited] : [])])
    await producer.close()
    await admin.close()
  }
  for (const e of exits) assert.equal(e.code, 0, e.stderr)
  assert.equal(a.lines().at(-1), 'ann closed')
})
