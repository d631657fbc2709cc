// Two instances of one application.id, each its own process: the second
// joins mid-run (the first revokes, commits and hands partitions over), then
// the first is closed mid-run (its tasks commit on revocation and the second
// takes them). Under exactly_once_v2 the final table is still exact.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { closeApp, committed, expectedTotals, startApp, writeInput, type AppProcess, type Total } from './app-process.js'
import { cleanUp, createTopics, readAll } from './helpers.js'

const RECORDS = 60_000
const KEYS = 20

async function waitCommitted(admin: Admin, app: string, target: number, running: AppProcess[]): Promise<void> {
  const deadline = Date.now() + 240_000
  for (;;) {
    const n = await committed(admin, app)
    if (n >= target) return
    assert.ok(Date.now() < deadline, `no progress past ${n} committed records: ${running.map((p) => p.err()).join('\n---\n')}`)
    for (const p of running) assert.equal(p.child.exitCode, null, `an instance exited: ${p.err()}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

test('exactly_once_v2: an instance added and another closed mid-run, the table is exact', { timeout: 600_000 }, async () => {
  const app = uniqueName('streams-rebalance')
  const [input, output] = [uniqueName('streams-rebalance-in'), uniqueName('streams-rebalance-out')]
  await createTopics([input, output], 3)
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const started: AppProcess[] = []
  try {
    const writing = writeInput(input, RECORDS, KEYS)
    const a = startApp([app, input, output, 'exactly_once_v2'])
    started.push(a)
    await waitCommitted(admin, app, RECORDS * 0.25, [a])
    const b = startApp([app, input, output, 'exactly_once_v2'])
    started.push(b)
    // b takes part once it has been assigned partitions and restored them
    const deadline = Date.now() + 120_000
    while (!/partitions assigned: \S/.test(b.err()) || !b.out().includes('running')) {
      assert.ok(Date.now() < deadline, `the second instance never got partitions: ${b.err()}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    await waitCommitted(admin, app, RECORDS * 0.6, [a, b])
    assert.equal(await closeApp(a), 0, `the first instance did not close cleanly: ${a.err()}`)
    await waitCommitted(admin, app, RECORDS, [b])
    assert.equal(await closeApp(b), 0, `the second instance did not close cleanly: ${b.err()}`)
    await writing

    // The first instance gave partitions up when the second joined (revoked with a commit), and the second restored what it took over.
    assert.ok((a.err().match(/partitions revoked: \S/g) ?? []).length >= 2, `the first instance revoked on the join and on close: ${a.err()}`)
    assert.ok((a.err().match(/partitions assigned: \S/g) ?? []).length >= 2, `the first instance was assigned again after the join: ${a.err()}`)
    assert.match(b.err(), /state stores restored/)
    const records = await readAll<string, string>(output, { key: 'string', value: 'string', isolation: 'read_committed' })
    const totals = new Map<string, Total>()
    for (const r of records) totals.set(r.key!, JSON.parse(r.value!) as Total)
    assert.deepEqual(Object.fromEntries([...totals].sort()), expectedTotals(RECORDS, KEYS))
  } finally {
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL')
    await admin.close()
    await cleanUp([input, output], app)
  }
})
