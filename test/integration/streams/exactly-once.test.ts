// Exactly-once under failure: an aggregation over 100,000 records whose
// process is SIGKILLed three times mid-run and restarted. Under
// exactly_once_v2 the final table, read with read_committed, is exact; under
// at_least_once the same run may count records twice, and the test says how
// many.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { closeApp, committed, expectedTotals, startApp, writeInput, type Total } from './app-process.js'
import { cleanUp, createTopics, readAll } from './helpers.js'

const RECORDS = 100_000
const KEYS = 20
const KILL_AT = [0.2, 0.45, 0.7].map((f) => f * RECORDS)

async function run(guarantee: 'at_least_once' | 'exactly_once_v2'): Promise<{ totals: Map<string, Total>; kills: number }> {
  const app = uniqueName(`streams-kill-${guarantee}`)
  const [input, output] = [uniqueName('streams-kill-in'), uniqueName('streams-kill-out')]
  await createTopics([input, output], 3)
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    // The input arrives while the application runs (2,000 records every 300 ms), so every kill lands mid-stream.
    const writing = writeInput(input, RECORDS, KEYS)

    let kills = 0
    for (;;) {
      const app_ = startApp([app, input, output, guarantee])
      const target = KILL_AT[kills]
      const deadline = Date.now() + 240_000
      let done = false
      for (;;) {
        await new Promise((r) => setTimeout(r, 250))
        const n = await committed(admin, app)
        if (target !== undefined && n >= target) break
        if (n >= RECORDS) {
          done = true
          break
        }
        assert.ok(Date.now() < deadline, `no progress past ${n} committed records (${guarantee}): ${app_.err()}`)
        assert.equal(app_.child.exitCode, null, `the application exited: ${app_.err()}`)
      }
      if (done) {
        assert.equal(await closeApp(app_), 0, `the application did not close cleanly: ${app_.err()}`)
        break
      }
      app_.child.kill('SIGKILL')
      await app_.exited
      kills++
    }
    await writing
    const records = await readAll<string, string>(output, { key: 'string', value: 'string', isolation: 'read_committed' })
    const totals = new Map<string, Total>()
    for (const r of records) totals.set(r.key!, JSON.parse(r.value!) as Total)
    return { totals, kills }
  } finally {
    await admin.close()
    if (process.env.STREAMS_KILL_LOGS) appendFileSync(`${process.env.STREAMS_KILL_LOGS}/${guarantee}.log`, `=== topics ${app} ${input} ${output}\n`)
    else await cleanUp([input, output], app)
  }
}

// Two causes of the losses this test once showed (a partition's keys short
// by a batch, or counted from zero again): polls returned records of a
// partition while its onPartitionsAssigned was still restoring the stores
// (the rebalance went on in the background), and the runtime then dropped
// a first batch it took for stale. STREAMS_KILL_LOGS=<dir> writes the
// applications' logs there and keeps the topics for a look afterwards.
test('exactly_once_v2: 100,000 records, the process SIGKILLed 3 times, the table is exact', { timeout: 900_000 }, async () => {
  const { totals, kills } = await run('exactly_once_v2')
  assert.equal(kills, 3)
  assert.deepEqual(Object.fromEntries([...totals].sort()), expectedTotals(RECORDS, KEYS))
})

test('at_least_once: the same run, duplicates counted', { timeout: 900_000 }, async () => {
  const { totals, kills } = await run('at_least_once')
  assert.equal(kills, 3)
  const counted = [...totals.values()].reduce((n, t) => n + t.n, 0)
  assert.equal(totals.size, KEYS)
  assert.ok(counted >= RECORDS, `nothing lost: ${counted} counted for ${RECORDS} records`)
  console.log(`at_least_once after 3 kills: ${counted - RECORDS} records counted twice (of ${RECORDS})`)
})
