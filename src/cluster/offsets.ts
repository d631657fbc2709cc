/**
 * Offsets by time: ListOffsets sent to each partition's leader, grouped so
 * that one request goes to each broker (`sendToLeaders`, see router.ts).
 * Used by the admin client and by the consumer (position resets, offsetsForTimes).
 *
 * Contract: resolves with one entry per requested partition, in request
 * order. NOT_LEADER_OR_FOLLOWER and other retriable errors refresh metadata
 * and retry the affected partitions until the deadline. For a timestamp with
 * no later record, `offset` is -1n (as Kafka answers).
 */
import type { Cluster } from './cluster.js'
import { ListOffsetsApi } from '../protocol/messages/list-offsets.js'
import type { TopicPartitionOffset } from '../types.js'
import { byTopic, partitionOutcomes, sendToLeaders } from './leaders.js'

export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | number

export interface OffsetQuery {
  topic: string
  partition: number
  timestamp: OffsetSpec
}

export interface ListOffsetsOptions {
  isolationLevel?: 'read_uncommitted' | 'read_committed'
}

export interface ListedOffset extends TopicPartitionOffset {
  /** Timestamp of the record found, -1 for earliest/latest. */
  timestamp: number
}

function specToTimestamp(spec: OffsetSpec): bigint {
  if (spec === 'earliest') return -2n
  if (spec === 'latest') return -1n
  if (spec === 'max-timestamp') return -3n
  return BigInt(spec)
}

/**
 * A request may name each partition once, so queries that ask about the same
 * partition more than once (with different timestamps) go in separate rounds.
 */
export async function listOffsets(
  cluster: Cluster,
  queries: OffsetQuery[],
  deadline: number,
  options: ListOffsetsOptions = {},
): Promise<ListedOffset[]> {
  const rounds: OffsetQuery[][] = []
  const seen = new Map<string, number>()
  for (const q of queries) {
    const k = `${q.topic}\u0000${q.partition}`
    const n = seen.get(k) ?? 0
    seen.set(k, n + 1)
    ;(rounds[n] ??= []).push(q)
  }
  const out = new Map<OffsetQuery, ListedOffset>()
  for (const round of rounds) {
    const found = await listOffsetsRound(cluster, round, deadline, options)
    round.forEach((q, i) => out.set(q, found[i]!))
  }
  return queries.map((q) => out.get(q)!)
}

async function listOffsetsRound(
  cluster: Cluster,
  queries: OffsetQuery[],
  deadline: number,
  options: ListOffsetsOptions,
): Promise<ListedOffset[]> {
  return sendToLeaders(cluster, 'listOffsets', queries, deadline, async (leader, qs) => {
    const res = await cluster.send(leader, ListOffsetsApi, {
      replicaId: -1,
      isolationLevel: options.isolationLevel === 'read_committed' ? 1 : 0,
      topics: [...byTopic(qs)].map(([name, ps]) => ({
        name,
        partitions: ps.map((q) => ({
          partitionIndex: q.partition,
          currentLeaderEpoch: cluster.partition(q.topic, q.partition)?.leaderEpoch ?? -1,
          timestamp: specToTimestamp(q.timestamp),
        })),
      })),
      timeoutMs: Math.max(0, deadline - Date.now()),
    })
    return partitionOutcomes(res.topics, (topic, p) => ({
      topic,
      partition: p.partitionIndex,
      offset: p.offset,
      timestamp: Number(p.timestamp),
      ...(p.leaderEpoch >= 0 ? { leaderEpoch: p.leaderEpoch } : {}),
    }))
  })
}
