// samsa group consumer with samsa/schema-registry's AvroDeserializer: a poll() loop.
import { ConsumeCounter, consumed, runDriver } from '../../lib/driver.js'
import { consumerConfig, pollLoop, samsa, samsaSchemaRegistry } from './common.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await samsa(['Consumer'])
  const { AvroDeserializer, SchemaRegistryClient } = await samsaSchemaRegistry()
  const consumer = new Consumer(consumerConfig(job, {
    'value.deserializer': new AvroDeserializer(new SchemaRegistryClient({ 'schema.registry.url': job.registry }))
  }))
  consumer.subscribe([job.topic])
  const counter = new ConsumeCounter(job.count)
  await pollLoop(consumer, counter, { recordBytes: 1024 })
  return { report: consumed(counter, meter, 'poll() loop, AvroDeserializer'), close: () => consumer.close() }
})
