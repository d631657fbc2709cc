/**
 * deleteRecords: moves partitions' log start offsets forward (DeleteRecords
 * to each partition's leader), making earlier records unreadable.
 *
 * Contract: resolves with the new low watermark of each partition, in
 * request order. `offset: -1n` deletes up to the high watermark (everything
 * written so far). An offset beyond the high watermark fails with
 * OFFSET_OUT_OF_RANGE naming the partition. Leader moves are retried (see
 * cluster/router.ts).
 */
import { KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { DeleteRecordsApi } from '../protocol/messages/delete-records.js'
import type { TopicPartition } from '../types.js'
import { byTopic, partitionOutcomes, sendToLeaders } from '../cluster/router.js'

export interface RecordsToDelete extends TopicPartition {
  /** Delete every record before this offset; -1n: before the high watermark. */
  offset: bigint
}

export interface DeletedRecords extends TopicPartition {
  /** The partition's log start offset after the deletion. */
  lowWatermark: bigint
}

export async function deleteRecords(cluster: Cluster, offsets: RecordsToDelete[], deadline: number): Promise<DeletedRecords[]> {
  const seen = new Set<string>()
  for (const o of offsets) {
    const k = `${o.topic}\u0000${o.partition}`
    if (seen.has(k)) throw new KafkaError(`deleteRecords: ${o.topic}-${o.partition} is named more than once`, { type: 'INVALID_REQUEST' })
    seen.add(k)
    if (typeof o.offset !== 'bigint' || o.offset < -1n) {
      throw new KafkaError(`deleteRecords: offset of ${o.topic}-${o.partition} must be a bigint >= 0n, or -1n for the high watermark (got ${String(o.offset)})`, {
        type: 'INVALID_REQUEST',
      })
    }
  }
  return sendToLeaders(cluster, 'deleteRecords', offsets, deadline, async (leader, qs) => {
    const res = await cluster.send(leader, DeleteRecordsApi, {
      topics: [...byTopic(qs)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) })),
      timeoutMs: Math.max(0, deadline - Date.now()),
    })
    return partitionOutcomes(res.topics, (topic, p) => ({ topic, partition: p.partitionIndex, lowWatermark: p.lowWatermark }))
  })
}
