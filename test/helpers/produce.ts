// A minimal raw producer for consumer tests: builds v2 record batches with
// RecordBatchBuilder and sends them with ProduceApi through a Cluster, so the
// consumer tests do not depend on the Producer. Also writes transactional
// batches (InitProducerId, AddPartitionsToTxn, Produce, EndTxn) for
// read_committed tests.
import { Cluster } from '../../src/cluster/cluster.js'
import { commonSchema } from '../../src/config/common.js'
import { brokerError } from '../../src/errors.js'
import { RecordBatchBuilder } from '../../src/protocol/records/batch.js'
import { ProduceApi } from '../../src/protocol/messages/produce.js'
import { InitProducerIdApi } from '../../src/protocol/messages/init-producer-id.js'
import { AddPartitionsToTxnApi } from '../../src/protocol/messages/add-partitions-to-txn.js'
import { EndTxnApi } from '../../src/protocol/messages/end-txn.js'
import { CreateTopicsApi } from '../../src/protocol/messages/create-topics.js'
import { retry } from '../../src/cluster/retry.js'
import { bootstrapServers } from './kafka.js'

export interface TestRecord {
  key?: string | Buffer | null
  value: string | Buffer | null
  headers?: { key: string; value: Buffer | null }[]
  timestamp?: number
}

const buf = (v: string | Buffer | null | undefined) => (v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v)

export class TestProducer {
  readonly cluster: Cluster

  constructor(bootstrap = bootstrapServers()) {
    this.cluster = new Cluster(commonSchema.parse({ 'bootstrap.servers': bootstrap, 'client.id': 'samsa-test-producer', 'allow.auto.create.topics': false }))
  }

  async createTopic(topic: string, partitions = 1, configs: Record<string, string> = {}): Promise<void> {
    const res = await this.cluster.sendAny(CreateTopicsApi, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
      timeoutMs: 30000,
    })
    const r = res.topics[0]!
    if (r.errorCode !== 0 && r.errorCode !== 36) throw brokerError(r.errorCode, { topic }, r.errorMessage)
    await retry('topic leaders', async () => {
      const t = await this.cluster.topicMetadata(topic, Date.now() + 30000)
      if (t.partitions.length < partitions || t.partitions.some((p) => !p || p.leader < 0)) {
        await this.cluster.refreshMetadata([topic])
        throw brokerError(5, { topic })
      }
    }, { backoffMs: 50, backoffMaxMs: 500, deadline: Date.now() + 30000 })
  }

  private async batch(records: TestRecord[], opts: { producerId?: bigint; producerEpoch?: number; baseSequence?: number; isTransactional?: boolean; compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd' } = {}): Promise<Buffer> {
    const b = new RecordBatchBuilder({ capacity: 1 << 30, compression: opts.compression ?? 'none' })
    for (const r of records) {
      if (!b.tryAppend(r.timestamp ?? Date.now(), buf(r.key), buf(r.value), r.headers ?? [])) throw new Error('batch full')
    }
    return b.build({
      producerId: opts.producerId ?? -1n,
      producerEpoch: opts.producerEpoch ?? -1,
      baseSequence: opts.baseSequence ?? -1,
      isTransactional: opts.isTransactional ?? false,
    })
  }

  /** Appends `records` to one partition as one batch; resolves with the base offset. */
  async send(topic: string, partition: number, records: TestRecord[], opts: Parameters<TestProducer['batch']>[1] & { transactionalId?: string } = {}): Promise<bigint> {
    const records_ = await this.batch(records, opts)
    return retry('produce', async () => {
      const t = await this.cluster.topicMetadata(topic, Date.now() + 30000)
      const leader = t.partitions[partition]!.leader
      try {
        const res = await this.cluster.send(leader, ProduceApi, {
          transactionalId: opts.transactionalId ?? null,
          acks: -1,
          timeoutMs: 30000,
          topicData: [{ name: topic, partitionData: [{ index: partition, records: records_ }] }],
        })
        const p = res.responses[0]!.partitionResponses[0]!
        if (p.errorCode !== 0) throw brokerError(p.errorCode, { topic, partition }, p.errorMessage)
        return p.baseOffset
      } catch (e) {
        this.cluster.requestRefresh()
        throw e
      }
    }, { backoffMs: 100, backoffMaxMs: 1000, deadline: Date.now() + 60000 })
  }

  /** `count` records `prefix-i` (values) with keys `k-i`, in batches of `batchSize`, round robin over `partitions`. */
  async fill(topic: string, partitions: number, count: number, prefix = 'v', batchSize = 100): Promise<void> {
    const per: TestRecord[][] = Array.from({ length: partitions }, () => [])
    for (let i = 0; i < count; i++) per[i % partitions]!.push({ key: `k-${i}`, value: `${prefix}-${i}` })
    await Promise.all(per.map(async (rs, p) => {
      for (let i = 0; i < rs.length; i += batchSize) await this.send(topic, p, rs.slice(i, i + batchSize))
    }))
  }

  /**
   * Writes `records` to one partition inside a transaction and commits or
   * aborts it.
   */
  async transaction(topic: string, partition: number, records: TestRecord[], outcome: 'commit' | 'abort', transactionalId: string): Promise<void> {
    const deadline = Date.now() + 60000
    const backoff = { backoffMs: 100, backoffMaxMs: 1000, deadline }
    const coordinator = () => this.cluster.coordinator('transaction', transactionalId, deadline)
    const init = await retry('InitProducerId', async () => {
      const c = await coordinator()
      const res = await this.cluster.send(c.nodeId, InitProducerIdApi, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })
      if (res.errorCode !== 0) {
        if (res.errorCode === 15 || res.errorCode === 16) this.cluster.invalidateCoordinator('transaction', transactionalId)
        throw brokerError(res.errorCode, { transactionalId })
      }
      return res
    }, backoff)
    const { producerId, producerEpoch } = init
    await retry('AddPartitionsToTxn', async () => {
      const c = await coordinator()
      const conn = await this.cluster.connectionTo(c.nodeId)
      // v4+ is the brokers' batched form; clients use v3 and below.
      const version = Math.min(3, conn.versionFor(AddPartitionsToTxnApi as never))
      const res = await conn.request(AddPartitionsToTxnApi, {
        v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch,
        v3AndBelowTopics: [{ name: topic, partitions: [partition] }],
      }, { version })
      for (const t of res.resultsByTopicV3AndBelow) for (const p of t.resultsByPartition) if (p.partitionErrorCode !== 0) throw brokerError(p.partitionErrorCode, { transactionalId })
    }, backoff)
    await this.send(topic, partition, records, { producerId, producerEpoch, baseSequence: 0, isTransactional: true, transactionalId })
    await retry('EndTxn', async () => {
      const c = await coordinator()
      const res = await this.cluster.send(c.nodeId, EndTxnApi, { transactionalId, producerId, producerEpoch, committed: outcome === 'commit' })
      if (res.errorCode !== 0) throw brokerError(res.errorCode, { transactionalId })
    }, backoff)
  }

  close(): void {
    this.cluster.close()
  }
}
