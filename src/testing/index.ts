// samsa/testing: test doubles for applications that use samsa (see docs/testing-your-app.md).
export { MockProducer } from './mock-producer.js'
export type { MockProducerOptions, ProducerApi } from './mock-producer.js'
export { MockConsumer } from './mock-consumer.js'
export type { MockConsumerOptions, MockRecord, ConsumerApi } from './mock-consumer.js'
export { FakeKafka } from './fake-kafka/index.js'
export type { FakeKafkaOptions, FakeTopicOptions, FakeApi } from './fake-kafka/index.js'
