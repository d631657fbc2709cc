// Helpers for the producer tests: topics through Admin, and reading records
// back with raw Fetch requests (readBatches/decodeRecords), so the producer
// tests depend on neither the Consumer nor the Producer under test.
import { Admin } from '../../../src/admin/admin.js'
import { Cluster } from '../../../src/cluster/cluster.js'
import { adminSchema } from '../../../src/config/admin.js'
import { parseConfig } from '../../../src/config/validate.js'
import { brokerError } from '../../../src/errors.js'
import { FetchApi } from '../../../src/protocol/messages/fetch.js'
import { decodeRecords, readBatches, type RecordBatch, type DecodedRecord } from '../../../src/protocol/records/index.js'
import { bootstrapServers } from '../../helpers/kafka.js'

export interface ReadRecord extends DecodedRecord {
  batch: RecordBatch
}

export async function createTopic(topic: string, partitions: number, configs: Record<string, string> = {}, bootstrap = bootstrapServers()): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap, 'client.id': 'samsa-producer-test-admin' })
  try {
    await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor: 1, configs }])
    // Leaders for every partition, as metadata shows them.
    const until = Date.now() + 30000
    for (;;) {
      const [d] = await admin.describeTopics([topic]).catch(() => [undefined])
      if (d && d.partitions.length === partitions && d.partitions.every((p) => p.leader >= 0)) break
      if (Date.now() > until) throw new Error(`topic ${topic} has no leaders after 30 s`)
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await admin.close()
  }
}

export async function deleteTopic(topic: string, bootstrap = bootstrapServers()): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap, 'client.id': 'samsa-producer-test-admin' })
  try {
    await admin.deleteTopics([topic])
  } catch {
    // best effort
  } finally {
    await admin.close()
  }
}

/** The end offset of each partition. */
export async function endOffsets(topic: string, partitions: number, bootstrap = bootstrapServers()): Promise<bigint[]> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap, 'client.id': 'samsa-producer-test-admin' })
  try {
    const res = await admin.listOffsets(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, timestamp: 'latest' as const })))
    return res.map((r) => r.offset)
  } finally {
    await admin.close()
  }
}

/** Every record of a partition, from offset 0 to its end, with the batch each came in. */
export async function readPartition(topic: string, partition: number, bootstrap = bootstrapServers()): Promise<ReadRecord[]> {
  const [end] = await endOffsetsOf(topic, [partition], bootstrap)
  const cluster = new Cluster(parseConfig(adminSchema, { 'bootstrap.servers': bootstrap, 'client.id': 'samsa-producer-test-reader' }, 'admin'))
  const out: ReadRecord[] = []
  try {
    let offset = 0n
    const until = Date.now() + 30000
    while (offset < end!) {
      if (Date.now() > until) throw new Error(`reading ${topic}-${partition} did not reach offset ${end} (at ${offset})`)
      const t = await cluster.topicMetadata(topic, Date.now() + 10000)
      const leader = t.partitions[partition]!.leader
      const conn = await cluster.connectionTo(leader)
      const res = await conn.request(FetchApi, {
        replicaId: -1,
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 8 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 << 20, currentLeaderEpoch: -1, logStartOffset: -1n, lastFetchedEpoch: -1 }] }],
        forgottenTopicsData: [],
        rackId: '',
      }, { version: 12 })
      const p = res.responses[0]!.partitions[0]!
      if (p.errorCode !== 0) throw brokerError(p.errorCode, { topic, partition })
      for (const batch of readBatches(p.records ?? Buffer.alloc(0))) {
        for (const r of await decodeRecords(batch)) {
          if (r.offset >= offset) out.push({ ...r, batch })
        }
        offset = batch.nextOffset
      }
    }
  } finally {
    cluster.close()
  }
  return out
}

async function endOffsetsOf(topic: string, partitions: number[], bootstrap: string): Promise<bigint[]> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap, 'client.id': 'samsa-producer-test-admin' })
  try {
    const res = await admin.listOffsets(partitions.map((partition) => ({ topic, partition, timestamp: 'latest' as const })))
    return res.map((r) => r.offset)
  } finally {
    await admin.close()
  }
}
