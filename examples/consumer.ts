// The Java client's consumer example in samsa: a group member with manual
// commits: print each record, then commit the partition's last offset + 1
// (KafkaConsumer's "manual offset control" example).
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/consumer.ts [topic]
//
// With DEMO=1 it stops after a few empty polls (npm run demo).
import { Consumer } from '../src/index.js'

const topic = process.argv[2] ?? 'samsa-demo'
const demo = process.env.DEMO === '1'

const consumer = new Consumer({
  'bootstrap.servers': process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092',
  'group.id': 'samsa-demo-group',
  'enable.auto.commit': false,
  'auto.offset.reset': 'earliest',
  'key.deserializer': 'org.apache.kafka.common.serialization.IntegerDeserializer', // examples/producer.ts writes Integer keys
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})

consumer.subscribe([topic])
let emptyPolls = 0
try {
  while (!demo || emptyPolls < 3) {
    const records = await consumer.poll(1000)
    if (records.isEmpty) emptyPolls++
    for (const tp of records.partitions()) {
      const partitionRecords = records.records(tp)
      for (const record of partitionRecords) {
        console.log(`partition = ${record.partition}, offset = ${record.offset}, key = ${record.key}, value = ${record.value}`)
      }
      // Commit what was processed: the committed offset is the next one to read.
      const lastOffset = partitionRecords[partitionRecords.length - 1]!.offset
      await consumer.commitSync([{ ...tp, offset: lastOffset + 1n }])
    }
  }
} finally {
  await consumer.close()
}
