// The Java client's own kafka-producer-perf-test (ProducerPerformance):
// per-record send() with callbacks, as fast as the producer takes them
// (--throughput -1), payloads from the shared pool file; a warm-up of a quarter
// of the count in the same JVM (--warmup-records) is left out of the timed window.
import { runDriver, UNACKED_BYTES, Unavailable } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'
import { runTool } from './run.js'
import { warmupOf } from './warmup.js'

function args (job: Job, count: number): string[] {
  const warmup = warmupOf(count)
  // The defaults mode sets only what the scenario names (acks); buffer.memory bounds the
  // unacknowledged bytes, as the Node drivers' window does (UNACKED_BYTES).
  const props = job.defaults
    ? [`acks=${job.acks === -1 ? 'all' : job.acks}`, `buffer.memory=${UNACKED_BYTES}`]
    : [`acks=${job.acks === -1 ? 'all' : job.acks}`, `linger.ms=${job.lingerMs}`, `batch.size=${job.batchSize}`,
        `compression.type=${job.compression}`, 'enable.idempotence=false', 'max.in.flight.requests.per.connection=5', 'client.id=bench',
        `buffer.memory=${UNACKED_BYTES}`, ...(job.maxMessageBytes ? [`max.request.size=${job.maxMessageBytes}`] : [])]
  return ['--bootstrap-server', job.bootstrap, '--topic', job.topic, '--num-records', String(count + warmup),
    ...(warmup > 0 ? ['--warmup-records', String(warmup)] : []),
    '--payload-file', job.payloadFile, '--throughput', '-1', '--command-property', ...props]
}

await runDriver(async (job) => {
  if (job.awaited) throw new Unavailable('kafka-producer-perf-test has no one-at-a-time mode')
  const base = await runTool(job, 'org.apache.kafka.tools.ProducerPerformance', args(job, 1))
  const run = await runTool(job, 'org.apache.kafka.tools.ProducerPerformance', args(job, job.count))
  // "N steady state records sent, X records/sec (Y MB/sec), ...": the window after the warm-up records
  const m = /(\d+) steady state records sent, ([\d.]+) records\/sec/.exec(run.stdout)
  if (!m) throw new Error(`unexpected ProducerPerformance output:\n${run.stdout}`)
  const records = Number(m[1])
  const perSec = Number(m[2])
  return {
    report: {
      records,
      bytes: records * job.valueSize,
      elapsedMs: records / perSec * 1000,
      // CPU of the whole run (warm-up included) above the 1-record baseline, per timed record's share
      cpuUs: Math.max(0, run.cpuUs - base.cpuUs) * records / (records + warmupOf(job.count)),
      rssMb: run.rssMb,
      warmupRecords: warmupOf(job.count),
      note: `kafka-producer-perf-test, ${warmupOf(job.count)} warm-up records in the same JVM first (--warmup-records); CPU above a 1-record baseline run, pro rata`
    }
  }
})
