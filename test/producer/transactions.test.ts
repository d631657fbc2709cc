// The transactional producer's coordinator answers (src/producer/transactions.ts): a non-retriable
// code is believed only when the same request, sent again, gets it again (frames carry no checksum).
// FakeKafka, with its own failures or behind a FaultProxy that damages an answer the fake gave.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, KafkaError, Producer, deserializers, serializers } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'
import { ErrorCode } from '../../src/protocol/errors.js'
import { EndTxnApi, encodeEndTxnResponse } from '../../src/protocol/messages/end-txn.js'
import { FaultProxy, editFirst } from '../helpers/fault-proxy.js'

/** A fake with topic 't' and a transactional producer (through `proxy` when given a FaultProxy edit). */
async function withTransactions(fn: (p: Producer<string, string>, fake: FakeKafka, bootstrap: string) => Promise<void>, edit?: ReturnType<typeof editFirst>['edit']): Promise<void> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 1 })
  const proxy = edit === undefined ? undefined : await FaultProxy.start({ bootstrap, edit })
  const p = new Producer({
    'bootstrap.servers': proxy?.bootstrap ?? bootstrap, 'transactional.id': 'tx', 'retry.backoff.ms': 20,
    'key.serializer': serializers.string, 'value.serializer': serializers.string,
  })
  try {
    await p.initTransactions()
    await fn(p, fake, bootstrap)
  } finally {
    await p.close()
    await proxy?.close()
    await fake.close()
  }
}

/** The committed values of 't', read with read_committed until `n` arrived. */
async function committed(bootstrap: string, n: number): Promise<string[]> {
  const c = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'reader', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed', 'value.deserializer': deserializers.string })
  try {
    c.subscribe(['t'])
    const values: string[] = []
    for (const until = Date.now() + 10000; values.length < n && Date.now() < until;) for (const r of await c.poll(100)) values.push(r.value!)
    return values
  } finally {
    await c.close()
  }
}

test('an EndTxn answer damaged into PRODUCER_FENCED after the coordinator committed: commitTransaction resolves, the producer goes on', async () => {
  const { edit, edited } = editFirst(EndTxnApi, encodeEndTxnResponse, 1, (res) => { res.errorCode = ErrorCode.PRODUCER_FENCED })
  await withTransactions(async (p, _fake, bootstrap) => {
    p.beginTransaction()
    await Promise.all(['a', 'b'].map((value) => p.send({ topic: 't', value })))
    await p.commitTransaction()
    assert.equal(edited(), 1)
    p.beginTransaction()
    await p.send({ topic: 't', value: 'c' })
    await p.commitTransaction()
    assert.deepEqual(await committed(bootstrap, 3), ['a', 'b', 'c'])
  }, edit)
})

test('two EndTxn answers PRODUCER_FENCED in a row: commitTransaction rejects with it', async () => {
  await withTransactions(async (p, fake) => {
    p.beginTransaction()
    await p.send({ topic: 't', value: 'a' })
    fake.failNext('EndTxn', 'PRODUCER_FENCED', 2)
    await assert.rejects(p.commitTransaction(), (e: unknown) => e instanceof KafkaError && e.type === 'PRODUCER_FENCED')
  })
})

test('one AddPartitionsToTxn answer TRANSACTIONAL_ID_AUTHORIZATION_FAILED: the send is delivered and the transaction commits', async () => {
  await withTransactions(async (p, fake, bootstrap) => {
    p.beginTransaction()
    fake.failNext('AddPartitionsToTxn', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 1)
    await p.send({ topic: 't', value: 'a' })
    await p.commitTransaction()
    assert.deepEqual(await committed(bootstrap, 1), ['a'])
  })
})

test('two AddPartitionsToTxn answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED in a row: the send fails with it', async () => {
  await withTransactions(async (p, fake) => {
    p.beginTransaction()
    fake.failNext('AddPartitionsToTxn', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 2)
    await assert.rejects(p.send({ topic: 't', value: 'a' }), (e: unknown) => e instanceof KafkaError && e.type === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED')
  })
})
