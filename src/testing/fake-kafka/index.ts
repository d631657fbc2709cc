// The in-process fake cluster (samsa/testing).
export { FakeKafka } from './fake-kafka.js'
export type { FakeKafkaOptions, FakeTopicOptions, FakeApi } from './fake-kafka.js'
