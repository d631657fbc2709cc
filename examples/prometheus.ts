// Prometheus metrics for a producer and a consumer: an HTTP /metrics endpoint
// (prom-client) that exposes what samsa's `metrics()` reports, with the Java
// clients' names: consumer lag (records-lag-max, and records-lag per
// partition), producer rates (record-send-rate, byte-rate, request-latency-avg),
// connection metrics, ... (docs/observability.md lists them all).
//
//   npm install prom-client
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/prometheus.ts [topic] [port] [records]
//   curl http://127.0.0.1:9464/metrics
//
// Each metric becomes a gauge named kafka_<group>_<name> (dashes and dots as
// underscores) with its tags as labels, read when Prometheus scrapes, e.g.
//   kafka_consumer_fetch_manager_metrics_records_lag{client_id="prometheus-consumer",topic="orders",partition="0"} 120
//   kafka_producer_metrics_record_send_rate{client_id="prometheus-producer"} 33.3
//
// The app produces `records` records, then consumes them slowly (10 per poll,
// 100 ms each) so that the lag is visible, and prints "consumed N" when it has
// read them all; it serves /metrics until SIGINT or SIGTERM, then closes its
// clients and exits.
import { createServer } from 'node:http'
import { Gauge, Registry } from 'prom-client'
import { Consumer, Producer, type ClientMetrics } from '../src/index.js'

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const topic = process.argv[2] ?? 'prometheus-demo'
const port = Number(process.argv[3] ?? 9464)
const records = Number(process.argv[4] ?? 1000)

const producer = new Producer({
  'bootstrap.servers': bootstrap,
  'client.id': 'prometheus-producer',
  'linger.ms': 5,
  'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
})
const consumer = new Consumer({
  'bootstrap.servers': bootstrap,
  'client.id': 'prometheus-consumer',
  'group.id': `prometheus-${topic}`,
  'auto.offset.reset': 'earliest',
  'max.poll.records': 10,
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})

const promName = (s: string): string => s.replace(/[^a-zA-Z0-9_]/g, '_')

/** A fresh registry holding every metric of `clients` now (metrics come and go with partitions and brokers). */
function snapshot(clients: ClientMetrics[]): Registry {
  const registry = new Registry()
  const byName = new Map<string, { help: string; samples: { labels: Record<string, string>; value: number }[] }>()
  for (const client of clients) {
    for (const { metricName, value } of client.list()) {
      const name = promName(`kafka_${metricName.group}_${metricName.name}`)
      const entry = byName.get(name) ?? { help: metricName.description || metricName.name, samples: [] }
      const labels = Object.fromEntries(Object.entries(metricName.tags).map(([k, v]) => [promName(k), v]))
      entry.samples.push({ labels, value })
      byName.set(name, entry)
    }
  }
  for (const [name, { help, samples }] of byName) {
    const labelNames = [...new Set(samples.flatMap((s) => Object.keys(s.labels)))]
    const gauge = new Gauge({ name, help, labelNames, registers: [registry] })
    for (const s of samples) gauge.set(s.labels, s.value)
  }
  return registry
}

const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end()
    return
  }
  const registry = snapshot([producer.metrics(), consumer.metrics()])
  registry.metrics().then(
    (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
    (e: unknown) => res.writeHead(500).end(String(e)),
  )
})
server.listen(port, '127.0.0.1', () => {
  const address = server.address()
  console.log(`metrics on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/metrics`)
})

let running = true
const stop = () => void (running = false)
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

await Promise.all(Array.from({ length: records }, (_, i) => producer.send({ topic, value: `record-${i}` })))
console.log(`produced ${records}`)

consumer.subscribe([topic])
let consumed = 0
while (running) {
  const batch = await consumer.poll(100)
  consumed += batch.count
  if (batch.count > 0) {
    await new Promise((r) => setTimeout(r, 100)) // the "work": slow enough for the lag to show
    consumer.commitAsync()
    if (consumed === records) console.log(`consumed ${consumed}`)
  }
}

await consumer.close()
await producer.close()
await new Promise((r) => server.close(r))
console.log('closed')
