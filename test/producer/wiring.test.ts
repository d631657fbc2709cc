import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Accumulator } from '../../src/producer/accumulator.js'
import { Idempotence } from '../../src/producer/idempotence.js'
import { Transactions } from '../../src/producer/transactions.js'
import { Sink } from '../../src/producer/sink.js'
import type { PartitionQueue } from '../../src/producer/queue.js'
import type { Cluster } from '../../src/cluster/cluster.js'
import type { Snapshot, TopicInfo } from '../../src/cluster/metadata.js'
import { KafkaError } from '../../src/errors.js'
import type { RecordMetadata } from '../../src/producer/types.js'

const backoff = { backoffMs: 10, backoffMaxMs: 100 }

function snapshot(): Snapshot {
  const t: TopicInfo = {
    name: 't',
    topicId: 'x',
    isInternal: false,
    errorCode: 0,
    partitions: [{ topic: 't', partition: 0, leader: 1, leaderEpoch: 0, replicas: [], isr: [], offlineReplicas: [], errorCode: 0 }],
  }
  return { clusterId: 'c', controllerId: 1, brokers: new Map(), topics: new Map([['t', t]]), updatedAt: 1 }
}

/** The producer's parts, built in the order ProducerImpl builds them (no broker is contacted). */
function parts(transactional: boolean) {
  const cluster = {} as Cluster
  const snap = snapshot()
  const acc = new Accumulator({
    batchSize: 1000, lingerMs: 60000, deliveryTimeoutMs: 120000, bufferMemory: 100000, maxBlockMs: 100,
    retryBackoff: backoff, compression: 'none', compressionLevel: undefined, adaptivePartitioning: false,
    availabilityTimeoutMs: 0, snapshot: () => snap,
  })
  const idem = new Idempotence(cluster, { backoff, transactional })
  const txn = transactional ? new Transactions(cluster, idem, { transactionalId: 'tx', transactionTimeoutMs: 60000, backoff }) : undefined
  const sink = new Sink(cluster, acc, {
    acks: -1, requestTimeoutMs: 30000, maxRequestSize: 1 << 20, maxInFlight: 5, retries: 10, deliveryTimeoutMs: 120000,
    retryBackoffMs: 100, guaranteeOrder: false, lingerMs: 60000, transactionalId: transactional ? 'tx' : null,
  }, idem, txn)
  const t = acc.topic('t', 0)
  t.refresh(snap)
  return { acc, idem, txn, sink, t }
}

test('transactions subscribe to the idempotence state they are given', () => {
  const { idem, txn, sink } = parts(true)
  assert.equal(idem.transactionListener, txn)
  assert.equal(parts(false).idem.transactionListener, undefined)
  sink.stop()
})

test('the sink subscribes to the accumulator: a new batch joins the transaction', () => {
  const { acc, txn, sink, t } = parts(true)
  const joined: PartitionQueue[] = []
  txn!.onNewBatch = (q) => void joined.push(q)
  assert.ok(acc.append(t, 0, 0, null, Buffer.from('v'), undefined, () => {}, 0))
  assert.deepEqual(joined, [t.queue(0)])
  sink.stop()
})

test('the sink subscribes to the idempotence state: a fatal InitProducerId failure fails what is queued', () => {
  const { acc, idem, sink, t } = parts(false)
  const results: [KafkaError | null, RecordMetadata | null][] = []
  assert.ok(acc.append(t, 0, 0, null, Buffer.from('v'), undefined, (e, m) => results.push([e, m]), 0))
  const error = new KafkaError('no producer id for you', { type: 'CLUSTER_AUTHORIZATION_FAILED' })
  idem.listener.onFatal(error)
  assert.equal(results.length, 1)
  assert.equal(results[0]![0], error)
  assert.equal(acc.recordsInFlight, 0)
  sink.stop()
})
