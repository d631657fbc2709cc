// The shared argument checks: what passes the fast path and what the slow path then describes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError } from '../../src/errors.js'
import { oneTopicPartition, topicPartitionOffsets, topicPartitions } from '../../src/util/arguments.js'

const fails = (fn: () => void, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof KafkaError && e.type === 'INVALID_ARGUMENT' && e.message === message)

test('partitions: valid arrays pass; the first bad item is described with its path', () => {
  topicPartitions('x', [])
  topicPartitions('x', [{ topic: 't', partition: 0 }, { topic: '', partition: 2 ** 31 - 1, extra: true }])
  fails(() => topicPartitions('x', [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 ** 31 }]), 'x[1].partition must be an integer >= 0, got 2147483648')
  fails(() => topicPartitions('x', [{ topic: 't', partition: Number.NaN }]), 'x[0].partition must be an integer >= 0, got NaN')
  fails(() => topicPartitions('x', [{ topic: 't', partition: 1.5 }]), 'x[0].partition must be an integer >= 0, got 1.5')
  fails(() => topicPartitions('x', [null]), 'x[0] must be a TopicPartition ({ topic, partition }), got null')
  fails(() => topicPartitions('x', new Set([{ topic: 't', partition: 0 }])), 'x must be an array of TopicPartitions ({ topic, partition }), got an empty object')
})

test('one partition: an object with a topic and a partition index, not an array', () => {
  oneTopicPartition('p', { topic: 't', partition: 3 })
  fails(() => oneTopicPartition('p', [{ topic: 't', partition: 3 }]), 'p must be a TopicPartition ({ topic, partition }), got an array of 1')
  fails(() => oneTopicPartition('p', { topic: 1, partition: 3 }), 'p.topic must be a topic name (a string), got 1')
})

test('offsets: a bigint >= 0n each', () => {
  topicPartitionOffsets('o', [{ topic: 't', partition: 0, offset: 0n }, { topic: 't', partition: 1, offset: 2n ** 62n, metadata: 'm' }])
  fails(() => topicPartitionOffsets('o', [{ topic: 't', partition: 0, offset: 5 }]), 'o[0].offset must be a bigint >= 0n, got 5')
  fails(() => topicPartitionOffsets('o', [{ topic: 't', partition: 0, offset: -1n }]), 'o[0].offset must be a bigint >= 0n, got -1n')
  fails(() => topicPartitionOffsets('o', { topic: 't', partition: 0, offset: 1n }), 'o must be an array of offsets ({ topic, partition, offset: bigint }), got an object with topic, partition, offset')
})
