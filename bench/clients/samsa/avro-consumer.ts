// samsa group consumer with samsa/schema-registry's AvroDeserializer: a poll() loop.
import { ConsumeCounter, consumed, runDriver } from '../../lib/driver.js'
import { samsa, samsaSchemaRegistry } from './load.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await samsa(['Consumer'])
  const { AvroDeserializer, SchemaRegistryClient } = await samsaSchemaRegistry()
  const consumer = new Consumer({
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'group.id': job.groupId,
    'auto.offset.reset': 'earliest',
    'fetch.min.bytes': 1,
    'fetch.max.wait.ms': 500,
    'max.partition.fetch.bytes': 1024 * 1024,
    'fetch.max.bytes': 50 * 1024 * 1024,
    'value.deserializer': new AvroDeserializer(new SchemaRegistryClient({ 'schema.registry.url': job.registry }))
  })
  consumer.subscribe([job.topic])
  const counter = new ConsumeCounter(job.count)
  for (;;) {
    const records = await consumer.poll(500)
    if (records.count === 0) continue
    for (const r of records) counter.see(r.partition, r.offset)
    if (counter.add(records.count, records.count * 1024)) break
  }
  return { report: consumed(counter, meter, 'poll() loop, AvroDeserializer'), close: () => consumer.close() }
})
