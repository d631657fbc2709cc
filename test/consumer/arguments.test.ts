// Unit tests (no broker) of the consumer's argument checks: a wrong shape fails
// at once with INVALID_ARGUMENT naming the method, the path and what was
// expected, and nothing is sent (the consumer points at a listener that only
// counts connections).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, KafkaError } from '../../src/index.js'
import { countingListener } from '../helpers/listener.js'

type Case = [method: string, args: unknown[], message: RegExp]

const cases: Case[] = [
  ['assign', [{ topic: 't', partition: 0 }], /^assign\(\): partitions must be an array of TopicPartitions \(\{ topic, partition \}\), got an object with topic, partition$/],
  ['assign', [[{ topic: 't', partition: '0' }]], /^assign\(\): partitions\[0\]\.partition must be an integer >= 0, got "0"$/],
  ['seek', [{ topic: 't', partition: '0' }, 5n], /^seek\(\): the partition\.partition must be an integer >= 0, got "0"$/],
  ['seek', ['t', 5n], /^seek\(\): the partition must be a TopicPartition \(\{ topic, partition \}\), got "t"$/],
  ['seekToBeginning', [[{ topic: 't' }]], /^seekToBeginning\(\): partitions\[0\]\.partition must be an integer >= 0, got undefined$/],
  ['seekToEnd', ['t'], /^seekToEnd\(\): partitions must be an array of TopicPartitions .*, got "t"$/],
  ['pause', ['t'], /^pause\(\): partitions must be an array of TopicPartitions .*, got "t"$/],
  ['resume', [[{ partition: 0 }]], /^resume\(\): partitions\[0\]\.topic must be a topic name \(a string\), got undefined$/],
  ['currentLag', [undefined], /^currentLag\(\): the partition must be a TopicPartition .*, got undefined$/],
  ['position', [{ topic: 't' }], /^position\(\): the partition\.partition must be an integer >= 0, got undefined$/],
  ['committed', ['t'], /^committed\(\): partitions must be an array of TopicPartitions .*, got "t"$/],
  ['beginningOffsets', ['t'], /^beginningOffsets\(\): partitions must be an array of TopicPartitions .*, got "t"$/],
  ['endOffsets', [[{ topic: 't', partition: 'x' }]], /^endOffsets\(\): partitions\[0\]\.partition must be an integer >= 0, got "x"$/],
  ['offsetsForTimes', [[{ topic: 't', partition: 0 }]], /^offsetsForTimes\(\): queries\[0\]\.timestamp must be an integer >= 0, got undefined$/],
  ['commitSync', [{ topic: 't', partition: 0, offset: 5n }], /^commitSync\(\): the first argument must be an array of offsets \(\{ topic, partition, offset: bigint \}\) or options \(\{ timeoutMs\?, signal\? \}\), got an object with topic, partition, offset$/],
  ['commitSync', [[{ topic: 't', partition: 0, offset: 5 }]], /^commitSync\(\): offsets\[0\]\.offset must be a bigint >= 0n, got 5$/],
  ['commitSync', [[{ topic: 't', partition: 0, offset: -5n }]], /^commitSync\(\): offsets\[0\]\.offset must be a bigint >= 0n, got -5n$/],
  ['commitSync', [[{ topic: 't', offset: 5n }]], /^commitSync\(\): offsets\[0\]\.partition must be an integer >= 0, got undefined$/],
  ['subscribe', [['t'], 5], /^subscribe\(\): listener must be a ConsumerRebalanceListener \(\{ onPartitionsAssigned\?, .*\}\), got 5$/],
  ['subscribe', [['t'], { onPartitionsAssigned: 'log' }], /^subscribe\(\): listener\.onPartitionsAssigned must be a function, got "log"$/],
]

test('consumer methods refuse a wrongly shaped argument at once with INVALID_ARGUMENT, sending nothing', async () => {
  const listener = await countingListener()
  const consumer = new Consumer({ 'bootstrap.servers': listener.address, 'group.id': 'arguments-test' })
  const calls = consumer as unknown as Record<string, (...args: unknown[]) => unknown>
  try {
    for (const [method, args, message] of cases) {
      let error: unknown
      try {
        await calls[method]!.apply(consumer, args)
      } catch (e) {
        error = e
      }
      assert.ok(error instanceof KafkaError, `${method} failed with ${String(error)}`)
      assert.equal(error.type, 'INVALID_ARGUMENT', `${method}: ${error.message}`)
      assert.equal(error.retriable, false)
      assert.match(error.message, message)
    }
    assert.deepEqual(consumer.subscription(), [], 'the refused subscribe() changed nothing')
    assert.equal(listener.connections(), 0, 'no connection was opened')
  } finally {
    await consumer.close()
    await listener.close()
  }
})

test('commitAsync(callback) is Java\'s form; a callback that is not a function is a warning and commits nothing', async () => {
  const consumer = new Consumer({ 'bootstrap.servers': '127.0.0.1:1', 'group.id': 'arguments-test' })
  try {
    // Nothing polled, nothing assigned: the polled positions are none, reported to the callback.
    const reported = await new Promise<unknown[]>((resolve) => consumer.commitAsync((error, offsets) => resolve([error, offsets])))
    assert.deepEqual(reported, [null, []])
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
    ;(consumer.commitAsync as unknown as (o: unknown, c: unknown) => void)([], 'done')
    const warning = await warned
    assert.equal((warning as Error & { code?: string }).code, 'SAMSA_INVALID_ARGUMENT')
    assert.equal(warning.message, 'commitAsync() callback must be a function, got string; nothing was committed')
  } finally {
    await consumer.close()
  }
})
