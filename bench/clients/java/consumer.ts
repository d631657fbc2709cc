// The Java client's group consumer: a KafkaConsumer poll() loop of our own
// (bench/java/BenchConsumer.java; Kafka's kafka-consumer-perf-test has no
// warm-up), from earliest, each record checked by partition and offset. A
// quarter of the count is read first as the JIT's warm-up; msgs/s and the
// window CPU run from the first record after it to the count-th.
import { runDriver } from '../../lib/driver.js'
import { compileJava, runTool } from './run.js'
import { javaConsumerReport, parseJavaConsumer } from './consumer-report.js'
import { warmupOf } from './warmup.js'

await runDriver(async (job) => {
  const classes = compileJava(job, 'BenchConsumer')
  const run = await runTool(job, 'BenchConsumer',
    [job.bootstrap, job.topic, job.groupId, String(job.count), String(warmupOf(job.count)), String(job.defaults)], classes)
  return { report: javaConsumerReport(parseJavaConsumer(run.stdout), run.rssMb, run.cpuUs) }
})
