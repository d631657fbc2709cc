// The Java client's own kafka-producer-perf-test (ProducerPerformance):
// per-record send() with callbacks, as fast as the producer takes them
// (--throughput -1), payloads from the shared pool file.
import { runDriver, Unavailable } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'
import { runTool } from './run.js'

function args (job: Job, count: number): string[] {
  return ['--bootstrap-server', job.bootstrap, '--topic', job.topic, '--num-records', String(count),
    '--payload-file', job.payloadFile, '--throughput', '-1',
    '--command-property', `acks=${job.acks === -1 ? 'all' : job.acks}`, `linger.ms=${job.lingerMs}`, `batch.size=${job.batchSize}`,
    `compression.type=${job.compression}`, 'enable.idempotence=false', 'max.in.flight.requests.per.connection=5', 'client.id=bench']
}

await runDriver(async (job) => {
  if (job.awaited) throw new Unavailable('kafka-producer-perf-test has no one-at-a-time mode')
  const base = await runTool(job, 'org.apache.kafka.tools.ProducerPerformance', args(job, 1))
  const run = await runTool(job, 'org.apache.kafka.tools.ProducerPerformance', args(job, job.count))
  // "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th."
  const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(run.stdout)
  if (!m) throw new Error(`unexpected ProducerPerformance output:\n${run.stdout}`)
  const records = Number(m[1])
  const perSec = Number(m[2])
  return {
    report: {
      records,
      bytes: records * job.valueSize,
      elapsedMs: records / perSec * 1000,
      cpuUs: Math.max(0, run.cpuUs - base.cpuUs),
      rssMb: run.rssMb,
      note: 'kafka-producer-perf-test; CPU above a 1-record baseline run'
    }
  }
})
