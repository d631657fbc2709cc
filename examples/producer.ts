// The Java client's producer example, in samsa: Integer keys, String values,
// a callback that prints where each record went.
//
//   KAFKA_BOOTSTRAP=localhost:9092 npx tsx examples/producer.ts [topic]
import { Producer } from '../src/index.js'

const topic = process.argv[2] ?? 'samsa-demo'
const producer = new Producer({
  'bootstrap.servers': process.env.KAFKA_BOOTSTRAP ?? 'localhost:9092',
  'client.id': 'samsa-example-producer',
  'key.serializer': 'org.apache.kafka.common.serialization.IntegerSerializer',
  'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
})

for (let key = 0; key < 10; key++) {
  const value = `Message_${key}`
  const start = Date.now()
  producer.send({ topic, key, value }, (error, metadata) => {
    if (error) {
      console.error(`message(${key}, ${value}) failed: ${error.message}`)
    } else {
      console.log(`message(${key}, ${value}) sent to partition(${metadata!.partition}), offset(${metadata!.offset}) in ${Date.now() - start} ms`)
    }
  })
}

// close() sends what is still lingering, waits for the callbacks, and releases the connections.
await producer.close()
