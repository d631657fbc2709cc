// Skipping a poison record, as with the Java client's RecordDeserializationException:
// poll() throws a DeserializationError naming the record's topic, partition and
// offset; the consumer stays at that record until the application seeks past it.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/poison-record.ts [topic]
import { Consumer, DeserializationError, Producer, deserializers, serializers } from '../src/index.js'

const topic = process.argv[2] ?? 'samsa-poison-demo'
const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'

// Three JSON values and, in the middle, one that is not JSON.
const producer = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string })
try {
  for (const value of ['{"n":1}', '{"n":2}', 'not json', '{"n":3}']) await producer.send({ topic, partition: 0, value })
} finally {
  await producer.close()
}

const consumer = new Consumer({
  'bootstrap.servers': bootstrap,
  'auto.offset.reset': 'earliest',
  'value.deserializer': deserializers.json,
})
consumer.assign([{ topic, partition: 0 }])
let read = 0
let emptyPolls = 0
try {
  while (read < 3 && emptyPolls < 20) {
    try {
      const records = await consumer.poll(1000)
      if (records.isEmpty) emptyPolls++
      for (const r of records) {
        console.log(`offset ${r.offset}: ${JSON.stringify(r.value)}`)
        read++
      }
    } catch (e) {
      if (!(e instanceof DeserializationError)) throw e
      const { topic: t, partition, offset } = e.context as { topic: string; partition: number; offset: bigint }
      console.log(`skipping the record at ${t}-${partition} offset ${offset}: ${(e.cause as Error).message}`)
      consumer.seek({ topic: t, partition }, offset + 1n)
    }
  }
} finally {
  await consumer.close()
}
