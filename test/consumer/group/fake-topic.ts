// A FakeKafka with topic 't' (2 partitions) holding records v0..v3, for the group tests that put
// a FaultProxy in front of it.
import { Producer } from '../../../src/index.js'
import { FakeKafka } from '../../../src/testing/index.js'

export async function fakeWithFourRecords(): Promise<{ fake: FakeKafka; bootstrap: string }> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 2 })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 0 })
  for (let i = 0; i < 4; i++) await producer.send({ topic: 't', partition: i % 2, value: Buffer.from(`v${i}`) })
  await producer.close()
  return { fake, bootstrap }
}
