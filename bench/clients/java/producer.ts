// The Java client's producer: a KafkaProducer send-with-callback loop of our
// own (bench/java/BenchProducer.java; Kafka's kafka-producer-perf-test charges
// its warm-up to the JVM's CPU and writes one topic). A quarter of the count
// is sent and flushed first as the JIT's warm-up; msgs/s and CPU run from the
// first timed send to the last acknowledgement, as the Node drivers count them.
import { runDriver, Unavailable } from '../../lib/driver.js'
import { compileJava, runTool } from './run.js'
import { javaProducerProps } from './producer-props.js'
import { javaProducerReport, parseJavaProducer } from './producer-report.js'
import { warmupOf } from './warmup.js'

await runDriver(async (job) => {
  if (job.awaited) throw new Unavailable('the Java producer driver has no one-at-a-time mode')
  const classes = compileJava(job, 'BenchProducer')
  const run = await runTool(job, 'BenchProducer',
    [job.bootstrap, job.topics.join(','), String(job.count), String(warmupOf(job.count)), job.payloadFile, ...javaProducerProps(job)], classes)
  return { report: javaProducerReport(parseJavaProducer(run.stdout), run.rssMb, run.cpuUs) }
})
