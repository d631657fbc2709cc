// A graceful shutdown: SIGINT (Ctrl-C) calls wakeup(), the pending poll
// rejects with WakeupError, the loop ends, and close() commits what was
// processed (auto-commit), revokes the partitions and leaves the group.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/consumer-shutdown.ts [topic]
import { Consumer, WakeupError } from '../src/index.js'

const topic = process.argv[2] ?? 'samsa-demo'
const consumer = new Consumer({
  'bootstrap.servers': process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092',
  'group.id': 'samsa-shutdown-demo',
  'auto.offset.reset': 'earliest',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})

process.once('SIGINT', () => {
  console.log('shutting down...')
  consumer.wakeup()
})

consumer.subscribe([topic], {
  onPartitionsAssigned: (tps) => console.log(`assigned: ${tps.map((t) => `${t.topic}-${t.partition}`).join(', ') || '(none)'}`),
  onPartitionsRevoked: (tps) => console.log(`revoked: ${tps.map((t) => `${t.topic}-${t.partition}`).join(', ')}`),
})
try {
  for (;;) {
    const records = await consumer.poll(1000)
    for (const r of records) console.log(`${r.topic}-${r.partition}@${r.offset}: ${r.value}`)
  }
} catch (e) {
  if (!(e instanceof WakeupError)) throw e
} finally {
  await consumer.close()
  console.log('closed')
}
