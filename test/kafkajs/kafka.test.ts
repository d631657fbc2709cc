import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, KafkaJSError, KafkaJSNonRetriableError, logLevel, CompressionTypes, CompressionCodecs } from '../../src/kafkajs/index.js'
import kafkajs from '../../src/kafkajs/index.js'

const quiet = { logLevel: logLevel.NOTHING }

test('new Kafka() checks brokers, ssl and sasl at once', () => {
  assert.throws(() => new Kafka({ brokers: [] }), KafkaJSNonRetriableError)
  assert.throws(() => new Kafka({ brokers: ['nohost'] }), /invalid broker address/)
  assert.throws(() => new Kafka({ brokers: ['h:1'], sasl: { mechanism: 'aws', authorizationIdentity: 'a' } as never }), /SASL aws: expected string "accessKeyId" and "secretAccessKey"/)
  assert.doesNotThrow(() => new Kafka({ brokers: async () => ['h:1'] }))
  assert.equal(typeof new Kafka({ brokers: ['h:1'], ...quiet }).logger().info, 'function')
})

test('client options are checked when the client is created', () => {
  const kafka = new Kafka({ brokers: ['127.0.0.1:1'], ...quiet })
  assert.throws(() => kafka.consumer({} as never), /Consumer groupId must be a non-empty string/)
  assert.throws(() => kafka.consumer({ groupId: 'g', heartbeatInterval: 5000, sessionTimeout: 5000 }), /heartbeatInterval \(5000\) must be lower than sessionTimeout \(5000\)/)
  assert.throws(() => kafka.consumer({ groupId: 'g', maxBytes: -5 }), (e: Error) => e instanceof KafkaJSNonRetriableError && /fetch\.max\.bytes/.test(e.message))
  assert.throws(() => kafka.producer({ idempotent: true, maxInFlightRequests: 6 }), (e: Error) => e instanceof KafkaJSNonRetriableError && /max\.in\.flight/.test(e.message))
  assert.throws(() => kafka.producer({ idempotent: true, retry: { retries: 0 } }), /Idempotent producer must allow retries/)
})

test('a producer must be connected before it sends, as in KafkaJS', async () => {
  const producer = new Kafka({ brokers: ['127.0.0.1:1'], ...quiet }).producer()
  await assert.rejects(producer.send({ topic: 't', messages: [{ value: 'v' }] }), (e: Error) => e instanceof KafkaJSError && e.message === 'The producer is disconnected')
  await assert.rejects(producer.send({ topic: 't', messages: [{ key: 'k' } as never] }), /Invalid message without value for topic "t"/)
  await assert.rejects(producer.sendBatch({ topicMessages: [{ topic: '', messages: [] }] }), /Invalid topic/)
  await assert.rejects(producer.transaction(), /Must provide transactional id/)
  const idempotent = new Kafka({ brokers: ['127.0.0.1:1'], ...quiet }).producer({ idempotent: true })
  await assert.rejects(idempotent.send({ topic: 't', acks: 1, messages: [{ value: 'v' }] }), /invalidates the idempotent producer/)
  assert.equal(idempotent.isIdempotent(), true)
  assert.equal(producer.isIdempotent(), false)
})

test('events: on() returns a remover, unknown names are refused', async () => {
  const kafka = new Kafka({ brokers: ['127.0.0.1:1'], ...quiet })
  const producer = kafka.producer()
  const seen: string[] = []
  const remove = producer.on(producer.events.DISCONNECT, (e) => seen.push(e.type))
  await producer.disconnect()
  remove()
  await producer.disconnect()
  assert.deepEqual(seen, ['producer.disconnect'])
  assert.throws(() => producer.on('producer.nope' as never, () => undefined), /Event name should be one of producer\.events\.CONNECT/)
  const consumer = kafka.consumer({ groupId: 'g' })
  assert.equal(consumer.events.GROUP_JOIN, 'consumer.group_join')
})

test('a consumer that is not running refuses seek, pause, commitOffsets; run needs subscriptions and a handler', async () => {
  // allowAutoTopicCreation: false, so subscribe() does not reach for the (absent) broker to create topics
  const consumer = new Kafka({ brokers: ['127.0.0.1:1'], ...quiet }).consumer({ groupId: 'g', allowAutoTopicCreation: false })
  const notRunning = /consumer#run must be called first/
  assert.throws(() => consumer.seek({ topic: 't', partition: 0, offset: '1' }), notRunning)
  assert.throws(() => consumer.seek({ topic: 't', partition: 0, offset: '-5' }), /must not be a negative number/)
  assert.throws(() => consumer.seek({ topic: 't', partition: 0, offset: 'x' }), /expected a long/)
  assert.throws(() => consumer.pause([{ topic: 't' }]), notRunning)
  await assert.rejects(consumer.commitOffsets([{ topic: 't', partition: 0, offset: '1' }]), notRunning)
  assert.deepEqual(consumer.paused(), [])
  await assert.rejects(consumer.run({ eachMessage: async () => undefined }), /subscribe\(\) first/)
  await assert.rejects(consumer.subscribe({} as never), /Missing required argument "topics"/)
  await assert.rejects(consumer.subscribe({ topics: [42 as never] }), /the topic name has to be a String or a RegExp/)
  await consumer.subscribe({ topic: 't' })
  await assert.rejects(consumer.run({}), /eachMessage or an eachBatch/)
})

test('the module exports what KafkaJS exports, also as a default export', () => {
  assert.equal(CompressionTypes.ZSTD, 4)
  assert.equal(logLevel.DEBUG, 5)
  CompressionCodecs[CompressionTypes.Snappy] = () => ({})
  for (const name of ['Kafka', 'Partitioners', 'PartitionAssigners', 'AssignerProtocol', 'logLevel', 'CompressionTypes', 'CompressionCodecs', 'ConfigResourceTypes', 'ConfigSource', 'AclResourceTypes', 'KafkaJSError', 'KafkaJSProtocolError', 'KafkaJSNumberOfRetriesExceeded']) {
    assert.ok(name in kafkajs, name)
  }
  assert.ok(!('toKafkaJSError' in kafkajs))
})
