/**
 * Offsets by time: ListOffsets sent to each partition's leader, grouped so
 * that one request goes to each broker.
 *
 * Contract: resolves with one entry per requested partition, in request
 * order. NOT_LEADER_OR_FOLLOWER and other retriable errors refresh metadata
 * and retry the affected partitions until the deadline. For a timestamp with
 * no later record, `offset` is -1n (as Kafka answers).
 */
import { brokerError, type KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { ListOffsetsApi } from '../protocol/messages/list-offsets.js'
import type { TopicPartitionOffset } from '../types.js'

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

export function specToTimestamp(spec: OffsetSpec): bigint {
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
  const results = new Map<string, ListedOffset>()
  const key = (t: string, p: number) => `${t}\u0000${p}`
  let todo = queries
  await retry(
    'listOffsets',
    async (attempt) => {
      const topics = [...new Set(todo.map((q) => q.topic))]
      for (const t of topics) await cluster.topicMetadata(t, deadline)
      if (attempt > 0) await cluster.refreshMetadata(topics)
      const byLeader = new Map<number, OffsetQuery[]>()
      const again: OffsetQuery[] = []
      let lastError: KafkaError | undefined
      for (const q of todo) {
        const p = cluster.partition(q.topic, q.partition)
        if (!p) throw brokerError(3, { topic: q.topic, partition: q.partition })
        if (p.leader < 0) {
          again.push(q)
          lastError = brokerError(5, { topic: q.topic, partition: q.partition })
          continue
        }
        const list = byLeader.get(p.leader) ?? []
        list.push(q)
        byLeader.set(p.leader, list)
      }
      await Promise.all(
        [...byLeader].map(async ([leader, qs]) => {
          const grouped = new Map<string, OffsetQuery[]>()
          for (const q of qs) grouped.set(q.topic, [...(grouped.get(q.topic) ?? []), q])
          let res
          try {
            res = await cluster.send(leader, ListOffsetsApi, {
              replicaId: -1,
              isolationLevel: options.isolationLevel === 'read_committed' ? 1 : 0,
              topics: [...grouped].map(([name, ps]) => ({
                name,
                partitions: ps.map((q) => ({
                  partitionIndex: q.partition,
                  currentLeaderEpoch: cluster.partition(q.topic, q.partition)?.leaderEpoch ?? -1,
                  timestamp: specToTimestamp(q.timestamp),
                })),
              })),
              timeoutMs: Math.max(0, deadline - Date.now()),
            })
          } catch (e) {
            if ((e as KafkaError).retriable) {
              again.push(...qs)
              lastError = e as KafkaError
              return
            }
            throw e
          }
          for (const t of res.topics) {
            for (const p of t.partitions) {
              if (p.errorCode !== 0) {
                const err = brokerError(p.errorCode, { topic: t.name, partition: p.partitionIndex })
                if (!err.retriable) throw err
                again.push(...qs.filter((q) => q.topic === t.name && q.partition === p.partitionIndex))
                lastError = err
                continue
              }
              results.set(key(t.name, p.partitionIndex), {
                topic: t.name,
                partition: p.partitionIndex,
                offset: p.offset,
                timestamp: Number(p.timestamp),
                ...(p.leaderEpoch >= 0 ? { leaderEpoch: p.leaderEpoch } : {}),
              })
            }
          }
        }),
      )
      todo = again
      if (lastError) {
        cluster.requestRefresh()
        throw lastError
      }
    },
    { ...cluster.backoff, deadline },
  )
  return queries.map((q) => {
    const r = results.get(key(q.topic, q.partition))
    if (!r) throw brokerError(3, { topic: q.topic, partition: q.partition })
    return r
  })
}
