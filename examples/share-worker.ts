// A work-queue worker on a share group (KIP-932, Kafka 4.1+): run several of
// these on the same topic and each job goes to one of them. A job whose value
// contains "fail" is released (delivered again, to any worker) until its third
// delivery, when it is rejected; the others are accepted.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/share-worker.ts <topic> <name>
//
// Stops on SIGINT/SIGTERM (close releases nothing it has not acknowledged:
// explicit mode releases the rest), or with IDLE_POLLS after that many empty polls.
import { ShareConsumer } from '../src/index.js'

const [topic = 'jobs', name = 'worker'] = process.argv.slice(2)
const idlePolls = Number(process.env.IDLE_POLLS ?? Infinity)

const worker = new ShareConsumer({
  'bootstrap.servers': process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092',
  'group.id': process.env.GROUP ?? 'samsa-workers',
  'share.acknowledgement.mode': 'explicit',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})

let stopping = false
for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => {
  stopping = true
  worker.wakeup()
})

worker.subscribe([topic])
console.log(`${name} started`)
let empty = 0
try {
  while (!stopping && empty < idlePolls) {
    const jobs = await worker.poll(1000)
    empty = jobs.isEmpty ? empty + 1 : 0
    for (const job of jobs) {
      if (job.value?.includes('fail')) {
        const type = job.deliveryCount >= 3 ? 'reject' : 'release'
        worker.acknowledge(job, type)
        console.log(`${name} ${type} ${job.value} (delivery ${job.deliveryCount})`)
      } else {
        worker.acknowledge(job, 'accept')
        console.log(`${name} done ${job.value}`)
      }
    }
    if (!jobs.isEmpty) for (const r of await worker.commitSync()) if (r.error) console.log(`${name} ack failed on ${r.topic}-${r.partition}: ${r.error.message}`)
  }
} catch (e) {
  if ((e as Error).name !== 'WakeupError') throw e
} finally {
  await worker.close()
  console.log(`${name} closed`)
}
