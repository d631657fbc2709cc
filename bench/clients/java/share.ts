// The Java client's own kafka-share-consumer-perf-test (ShareConsumerPerformance):
// one KafkaShareConsumer's poll() loop, implicit acknowledgement. It reports
// one rate from its start to the last record, so the group join is included.
import { runDriver } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'
import { runTool } from './run.js'

function args (job: Job, count: number, group: string): string[] {
  return ['--bootstrap-server', job.bootstrap, '--topic', job.topic, '--num-records', String(count), '--group', group,
    '--timeout', '60000', '--hide-header',
    '--command-property', 'fetch.min.bytes=1', 'fetch.max.wait.ms=500', 'fetch.max.bytes=52428800', 'max.poll.records=500', 'client.id=bench']
}

await runDriver(async (job) => {
  const base = await runTool(job, 'org.apache.kafka.tools.ShareConsumerPerformance', args(job, 1, `${job.groupId}-baseline`))
  const run = await runTool(job, 'org.apache.kafka.tools.ShareConsumerPerformance', args(job, job.count, job.groupId))
  // start.time, end.time, data.consumed.in.MB, MB.sec, nMsg.sec, data.consumed.in.nMsg
  const line = run.stdout.trim().split('\n').filter((l) => /^\d{4}-/.test(l)).pop()
  const cols = line?.split(',').map((s) => s.trim())
  if (!cols || cols.length < 6) throw new Error(`unexpected ShareConsumerPerformance output:\n${run.stdout}`)
  const records = Number(cols[5])
  const rate = Number(cols[4])
  if (!(records > 0) || !(rate > 0)) throw new Error(`ShareConsumerPerformance consumed nothing:\n${run.stdout}`)
  return {
    report: {
      records,
      bytes: records * job.valueSize,
      elapsedMs: records / rate * 1000,
      cpuUs: Math.max(0, run.cpuUs - base.cpuUs),
      rssMb: run.rssMb,
      note: 'kafka-share-consumer-perf-test; its rate includes the group join; CPU above a 1-record baseline run'
    }
  }
})
