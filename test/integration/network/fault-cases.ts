// The fault-test runner shared by faults*.test.ts: each case starts a FaultProxy,
// runs test/fixtures/fault-workload.ts through it in its own process and checks
// its report (see faults.test.ts for what must hold).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import { FaultProxy, type Faults } from '../../helpers/fault-proxy.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition } from '../producer/helpers.js'

const SCALE = Number(process.env.FAULT_SCALE ?? '1')
const PARTITIONS = 3
export const REQUEST_TIMEOUT_MS = 4000
const DELIVERY_TIMEOUT_MS = 60000
/**
 * How long one case's workload may run. The runner gives the whole file 180 s
 * (--test-timeout) and the cases take about 75 s together, so a stalled case
 * must end well before that to leave a report instead of a file timeout.
 */
const DEADLINE_MS = 60000
const CPU_LIMIT = 0.25 // share of one core while the broker cannot be reached

const topics: string[] = []
after(async () => {
  for (const t of topics) await deleteTopic(t)
})

let clockTicks = 0
/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  if (clockTicks === 0) clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}

interface Report {
  records: number
  acked: number
  sendsDone: number
  failures: { i: number; type: string; retriable: boolean; ageMs: number; message: string }[]
  failureCount: number
  produceMs: number
  read: number
  missing: number[]
  missingCount: number
  duplicatesRead: number
  corrupt: number
  polls: number
  commits: number
  commitErrors: number
  commitFailures: { type: string; retriable: boolean; ms: number; message: string }[]
  pollErrors: { type: string; retriable: boolean; message: string }[]
  pollErrorCount: number
  admin: { ok: number; failed: { call: string; type: string; code: number | null; retriable: boolean; ms: number; message: string }[]; failedCount: number }
  retries: number
  closeMs: number
  uncaught: string[]
  /** Names the clients looked up (only with slowDnsMs). */
  slowLookups: string[]
}

export interface Case {
  name: string
  records: number
  /** Faults for the whole run. */
  faults?: Faults
  /** Faults for a window of the run (the broker unreachable), with the client's CPU measured during it. */
  window?: { afterMs: number; forMs: number; faults: Faults }
  produceMs: number
  /** Which proxy counter must show the fault was injected. */
  injected: (s: FaultProxy['stats']) => number
  /** Runs and reports, but a failure does not fail the suite (node:test's todo): a known open problem. */
  todo?: string
  /** How long the workload may run (default DEADLINE_MS), times FAULT_SCALE. */
  deadlineMs?: number
  /** The consumer group's protocol (default classic). */
  groupProtocol?: 'classic' | 'consumer'
  /**
   * The workload's resolver answers every name (not an IP literal) only after
   * this many ms, as one that cannot reach its servers does: a corrupt host in
   * an answer must not be looked up (src/cluster/addresses.ts).
   */
  slowDnsMs?: number
  /** Why the case does not run (node:test's skip). */
  skip?: string | false
}

/** SAMSA_FAULTS_SCALE=1 (by hand, not in CI): also the 100,000-record corruption case. */
export const SCALED = process.env.SAMSA_FAULTS_SCALE !== undefined && process.env.SAMSA_FAULTS_SCALE !== '0'


/** FAULTS_SEED=<n> (by hand): replays the proxy's fault choices of a logged run (timing still varies). */
const SEED = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : undefined

/** Registers one node:test test per case. */
export function faultCases(cases: Case[]): void {
for (const c of cases) {
  test(`faults: ${c.name}`, c.todo ? { todo: c.todo } : c.skip ? { skip: c.skip } : {}, async () => {
    const records = Math.round(c.records * SCALE)
    const topic = uniqueName('faults')
    topics.push(topic)
    await createTopic(topic, PARTITIONS)
    const proxy = await FaultProxy.start({ bootstrap: bootstrapServers().split(',')[0]!, faults: c.faults ?? {}, ...(SEED === undefined ? {} : { seed: SEED }) })
    let cpuShare: number | undefined
    let connectionsBeforeHeal = 0
    let report: Report | undefined
    let output = ''
    try {
      const args = {
        bootstrap: proxy.bootstrap,
        topic,
        group: uniqueName('faults-g'),
        records,
        produceMs: c.produceMs * Math.max(1, Math.sqrt(SCALE)),
        deadlineMs: (c.deadlineMs ?? DEADLINE_MS) * Math.max(1, SCALE),
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
        groupProtocol: c.groupProtocol ?? 'classic',
        ...(c.slowDnsMs === undefined ? {} : { slowDnsMs: c.slowDnsMs }),
      }
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/fault-workload.ts', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout.on('data', (d) => (output += d))
      child.stderr.on('data', (d) => (output += d))
      const exited = new Promise<number | null>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL')
          resolve(null)
        }, args.deadlineMs + 30000)
        child.on('exit', (code) => {
          clearTimeout(t)
          resolve(code)
        })
      })
      if (c.window) {
        const w = c.window
        await new Promise((r) => setTimeout(r, w.afterMs))
        await proxy.set(w.faults)
        // Let the in-flight requests time out first: that is work, not a loop.
        const settle = REQUEST_TIMEOUT_MS + 1000
        await new Promise((r) => setTimeout(r, Math.min(settle, w.forMs / 2)))
        const cpu0 = cpuSeconds(child.pid!)
        const t0 = Date.now()
        await new Promise((r) => setTimeout(r, w.forMs - Math.min(settle, w.forMs / 2)))
        cpuShare = (cpuSeconds(child.pid!) - cpu0) / ((Date.now() - t0) / 1000)
        connectionsBeforeHeal = proxy.stats.connections
        await proxy.heal()
      }
      const code = await exited
      if (process.env.FAULTS_DUMP) fs.writeFileSync(`${process.env.FAULTS_DUMP}-${c.name.replace(/\W+/g, '_').slice(0, 40)}.log`, output)
      const line = output.split('\n').find((l) => l.startsWith('REPORT '))
      assert.equal(code, 0, `the workload exited by itself with 0 (code ${code}); output:\n${output.slice(-4000)}`)
      assert.ok(line, `the workload printed its report; output:\n${output.slice(-4000)}`)
      report = JSON.parse(line.slice('REPORT '.length)) as Report
    } finally {
      await proxy.close()
    }
    const r = report!
    const s = proxy.stats
    console.log(`# ${c.name}: ${JSON.stringify({
      records, acked: r.acked, produceMs: r.produceMs, read: r.read, duplicatesRead: r.duplicatesRead, polls: r.polls, commits: r.commits,
      commitErrors: r.commitErrors, pollErrors: r.pollErrorCount, adminOk: r.admin.ok, adminFailed: r.admin.failedCount, producerRetries: r.retries,
      closeMs: r.closeMs, cpuShare, proxy: { ...s, seed: proxy.seed },
      ...(r.pollErrorCount > 0 ? { firstPollErrors: r.pollErrors.slice(0, 3) } : {}),
      ...(r.commitErrors > 0 ? { firstCommitErrors: r.commitFailures.slice(0, 3) } : {}),
      ...(r.admin.failedCount > 0 ? { firstAdminErrors: r.admin.failed.slice(0, 3).map((f) => `${f.call} ${f.type} ${f.retriable ? 'retriable' : 'final'} ${f.ms} ms`) } : {}),
    })}`)

    assert.ok(c.injected(s) > 0, `the fault was injected (${JSON.stringify(s)})`)
    assert.deepEqual(r.uncaught, [], 'no uncaught exception or unhandled rejection')
    assert.equal(r.corrupt, 0, 'no corrupted record reached the application')
    // The proxy is at an IP literal: a name looked up came out of a corrupt answer, and was believed.
    if (c.slowDnsMs !== undefined) assert.deepEqual(r.slowLookups, [], 'no host name out of a corrupt answer was looked up')
    // Nothing failed: no fault outlasts delivery.timeout.ms, and none is a genuine refusal.
    assert.deepEqual(r.failures, [], `no record failed (${r.failureCount} did)`)
    assert.equal(r.acked, records, 'every record acknowledged')
    // A stalled group: the workload's STALL lines (each member's internals) say what gates its fetching.
    const stalls = output.split('\n').filter((l) => l.startsWith('STALL '))
    const stallInfo = stalls.length === 0 ? '' : `; first and last member states:\n${[...stalls.slice(0, 2), ...stalls.slice(-2)].join('\n')}`
    assert.equal(r.missingCount, 0, `the group read every acknowledged record (missing e.g. ${r.missing.slice(0, 10).join(', ')})${stallInfo}`)
    assert.deepEqual(r.pollErrors, [], 'poll() reported no error: every fault was retried')
    // commitSync after each poll: a network fault or a corrupt frame is retried within its timeout
    // (default.api.timeout.ms, longer than the run), so no commit fails with a retriable error. A genuine
    // rebalance answer (COMMIT_FAILED, REBALANCE_IN_PROGRESS: non-retriable, as in Java) may reach it.
    for (const f of r.commitFailures) {
      assert.ok(!f.retriable && f.type !== 'CONNECTION' && f.type !== 'PROTOCOL', `commitSync failed with ${f.type} (retriable ${f.retriable}) after ${f.ms} ms: ${f.message}`)
    }
    // The Admin loop: a broken connection or a malformed frame is retried within the call's deadline, so
    // no call fails with a connection or protocol error, and none hangs. (A per-topic or per-partition
    // error code that a corrupt response carries is reported as the broker's answer, as in Java: see
    // docs/delivery-guarantees.md.)
    for (const f of r.admin.failed) {
      assert.ok(f.type !== 'CONNECTION' && f.type !== 'PROTOCOL', `admin ${f.call} failed with ${f.type} after ${f.ms} ms: ${f.message}`)
      assert.ok(f.ms < 15000 + 5000, `admin ${f.call} returned within its deadline (${f.ms} ms)`)
      // A retriable failure that is no broker answer (a timeout, a corrupt response) is retried, so it can
      // only be what the call reports when its deadline (default.api.timeout.ms) has passed.
      if (f.retriable && f.code === null) assert.ok(f.ms >= 15000 - 500, `admin ${f.call} failed with retriable ${f.type} after ${f.ms} ms, before its deadline: ${f.message}`)
    }
    assert.ok(r.admin.ok > r.admin.failedCount, `admin calls kept succeeding (${r.admin.ok} ok, ${r.admin.failedCount} failed)`)
    if (c.window) assert.ok(s.connections > connectionsBeforeHeal, 'the clients reconnected once the broker was reachable again')
    if (cpuShare !== undefined) assert.ok(cpuShare < CPU_LIMIT, `CPU while the broker was unreachable: ${(cpuShare * 100).toFixed(1)}% of a core`)

    // The log: every acknowledged record exactly once (idempotence: retries wrote no duplicate).
    const counts = new Map<string, number>()
    // Where each key was written: partition, offset and its batch's producer stamp (to tell a retry with
    // the same stamp, which the broker would have dropped, from a renumbered one).
    const where = new Map<string, string[]>()
    for (let p = 0; p < PARTITIONS; p++) {
      for (const rec of await readPartition(topic, p)) {
        const k = rec.key?.toString() ?? 'null'
        counts.set(k, (counts.get(k) ?? 0) + 1)
        const b = rec.batch
        ;(where.get(k) ?? where.set(k, []).get(k)!).push(`p${p}@${rec.offset} batch ${b.baseOffset}+${b.lastOffsetDelta + 1} pid ${b.producerId} epoch ${b.producerEpoch} seq ${b.baseSequence}`)
      }
    }
    const dups = [...counts].filter(([, n]) => n > 1).map(([k]) => k)
    assert.equal(dups.length, 0, `no record is in the log twice (${dups.length} are; e.g. ${dups.slice(0, 3).map((k) => `key ${k}: ${where.get(k)!.join(' / ')}`).join('; ')})`)
    assert.equal(counts.size, records, 'every record is in the log')
  })
}
}
