// The Java client's own kafka-consumer-perf-test (ConsumerPerformance): a
// group consumer's poll() loop from earliest. Its fetch.nMsg.sec leaves out
// the group join (rebalance.time.ms, reported as join time).
import { runDriver, Unavailable } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'
import { runTool } from './run.js'

function args (job: Job, count: number, group: string): string[] {
  return ['--bootstrap-server', job.bootstrap, '--topic', job.topic, '--num-records', String(count), '--group', group,
    '--timeout', '60000', '--hide-header',
    '--command-property', 'fetch.min.bytes=1', 'fetch.max.wait.ms=500', 'max.partition.fetch.bytes=1048576',
    'fetch.max.bytes=52428800', 'client.id=bench', 'auto.offset.reset=earliest']
}

await runDriver(async (job) => {
  // Its report holds counts only: the defaults mode checks each record's partition and offset.
  if (job.defaults) throw new Unavailable('kafka-consumer-perf-test reports counts only; the defaults mode verifies records by offset')
  const base = await runTool(job, 'org.apache.kafka.tools.ConsumerPerformance', args(job, 1, `${job.groupId}-baseline`))
  const run = await runTool(job, 'org.apache.kafka.tools.ConsumerPerformance', args(job, job.count, job.groupId))
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const line = run.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).pop()
  const cols = line?.split(',').map((s) => s.trim())
  if (!cols || cols.length < 10) throw new Error(`unexpected ConsumerPerformance output:\n${run.stdout}`)
  const records = Number(cols[4])
  return {
    report: {
      records,
      bytes: records * job.valueSize,
      elapsedMs: Number(cols[7]),
      joinMs: Number(cols[6]),
      cpuUs: Math.max(0, run.cpuUs - base.cpuUs),
      rssMb: run.rssMb,
      note: 'kafka-consumer-perf-test; CPU above a 1-record baseline run'
    }
  }
})
