// Stream–table join with samsa/streams: orders (keyed by order id, value
// "<customer id>:<item>") are re-keyed by customer, which sends them through a
// repartition topic co-partitioned with the customers table, then joined
// with the customer's current name (leftJoin: unknown customers are kept).
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/streams-enrich.ts [orders-topic] [customers-topic] [output-topic]
//
// With DEMO=1 it creates the topics, writes customers and orders (and a
// customer update between two orders), prints the enriched orders as they
// come and stops; otherwise it runs until Ctrl-C.
import { Admin, Producer, serializers } from '../src/index.js'
import { KafkaStreams, Serdes, StreamsBuilder } from '../src/streams/index.js'

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const orders = process.argv[2] ?? 'orders'
const customers = process.argv[3] ?? 'customers'
const output = process.argv[4] ?? 'enriched-orders'
const demo = process.env.DEMO === '1'
let printed = 0

const builder = new StreamsBuilder()
const names = builder.table(customers, { keySerde: Serdes.string, valueSerde: Serdes.string, storeName: 'customer-names' })
builder.stream(orders, { keySerde: Serdes.string, valueSerde: Serdes.string })
  .selectKey((_orderId, order) => order.split(':')[0]!)
  .leftJoin(names, (order, name) => `${order.split(':')[1]!} for ${name ?? 'an unknown customer'}`, { name: 'orders-by-customer', keySerde: Serdes.string })
  .peek((customer, line) => {
    printed++
    console.log(`${customer}: ${line}`)
  })
  .to(output, { valueSerde: Serdes.string })

await ensureTopics()
const streams = new KafkaStreams(builder.build(), {
  'bootstrap.servers': bootstrap,
  'application.id': `streams-enrich-${orders}`,
  'commit.interval.ms': 500,
})
streams.onError((e) => console.error(`enrichment stopped: ${e.message}`))

if (demo) {
  await send(customers, [['c1', 'Ann'], ['c2', 'Bob']])
  await streams.start()
  const table = streams.store<string, string>('customer-names')
  await until(() => table.approximateNumEntries() === 2)
  await send(orders, [['o1', 'c1:apples'], ['o2', 'c2:pears'], ['o3', 'c9:figs']])
  await until(() => printed >= 3)
  await send(customers, [['c1', 'Anna']]) // a table update between two orders of c1
  await until(() => table.get('c1') === 'Anna')
  await send(orders, [['o4', 'c1:kiwis']])
  await until(() => printed >= 4)
  await streams.close()
  console.log('enrich: done')
} else {
  await streams.start()
  console.log(`joining ${orders} with ${customers} into ${output}`)
  process.once('SIGINT', () => void streams.close())
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer)
        resolve()
      }
    }, 100)
  })
}

async function ensureTopics(): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  try {
    const existing = await admin.listTopics()
    const wanted = [{ topic: orders, numPartitions: 3 }, { topic: customers, numPartitions: 2 }, { topic: output, numPartitions: 2 }]
    const missing = wanted.filter((t) => !existing.includes(t.topic))
    if (missing.length > 0) await admin.createTopics(missing)
  } finally {
    await admin.close()
  }
}

async function send(topic: string, records: [string, string][]): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  await Promise.all(records.map(([key, value]) => producer.send({ topic, key, value })))
  await producer.close()
}
