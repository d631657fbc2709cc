/**
 * Requests that must reach each partition's leader (ListOffsets,
 * DeleteRecords): partitions are grouped so one request goes to each leader.
 * Part of the routing layer (see router.ts).
 *
 * Contract: resolves with one value per query, in query order; each query
 * names a distinct partition. Retriable failures — a lost connection,
 * NOT_LEADER_OR_FOLLOWER, a partition without a leader — refresh metadata
 * and retry only the partitions they hit, until the deadline (then a
 * TimeoutError carrying the last error). So does an answer that leaves out a
 * partition it was asked about (a corrupt topic name). A non-retriable
 * per-partition error fails the call with the broker's error type naming the
 * partition.
 */
import { brokerError, KafkaError } from '../errors.js'
import type { Cluster } from './cluster.js'
import { retry } from './retry.js'
import type { TopicPartition } from '../types.js'
import { ErrorCode } from '../protocol/errors.js'

export interface PartitionOutcome<R> {
  topic: string
  partition: number
  errorCode: number
  errorMessage?: string | null
  /** Used when errorCode is 0. */
  value: R
}

const key = (t: string, p: number) => `${t}\u0000${p}`

export async function sendToLeaders<Q extends TopicPartition, R>(
  cluster: Cluster,
  what: string,
  queries: Q[],
  deadline: number,
  send: (leader: number, queries: Q[]) => Promise<PartitionOutcome<R>[]>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<R[]> {
  const results = new Map<string, R>()
  let todo = queries
  await retry(
    what,
    async (attempt) => {
      const topics = [...new Set(todo.map((q) => q.topic))]
      for (const t of topics) await cluster.topicMetadata(t, deadline)
      if (attempt > 0) await cluster.refreshMetadata(topics)
      const byLeader = new Map<number, Q[]>()
      const again: Q[] = []
      let lastError: KafkaError | undefined
      for (const q of todo) {
        const p = cluster.partition(q.topic, q.partition)
        if (!p) throw brokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: q.topic, partition: q.partition })
        if (p.leader < 0) {
          again.push(q)
          lastError = brokerError(ErrorCode.LEADER_NOT_AVAILABLE, { topic: q.topic, partition: q.partition })
          continue
        }
        const list = byLeader.get(p.leader) ?? []
        list.push(q)
        byLeader.set(p.leader, list)
      }
      await Promise.all(
        [...byLeader].map(async ([leader, qs]) => {
          let outcomes: PartitionOutcome<R>[]
          try {
            outcomes = await send(leader, qs)
          } catch (e) {
            if ((e as KafkaError).retriable) {
              again.push(...qs)
              lastError = e as KafkaError
              return
            }
            throw e
          }
          for (const o of outcomes) {
            if (o.errorCode === ErrorCode.NONE) {
              results.set(key(o.topic, o.partition), o.value)
              continue
            }
            const err = brokerError(o.errorCode, { topic: o.topic, partition: o.partition }, o.errorMessage)
            if (!err.retriable) throw err
            again.push(...qs.filter((q) => q.topic === o.topic && q.partition === o.partition))
            lastError = err
          }
          // A partition asked for and not answered: the answer names another (a corrupt name) or left it out.
          const unanswered = qs.filter((q) => !results.has(key(q.topic, q.partition)) && !again.includes(q))
          if (unanswered.length > 0) {
            again.push(...unanswered)
            lastError = new KafkaError(`the ${what} answer of broker ${leader} does not name ${unanswered.map((q) => `${q.topic}-${q.partition}`).join(', ')}: taken for a corrupt response and asked again`,
              { type: 'CORRUPT_RESPONSE', retriable: true, context: { broker: leader } })
          }
        }),
      )
      todo = again
      if (lastError) {
        cluster.requestRefresh()
        throw lastError
      }
    },
    { ...cluster.backoff, deadline, signal: options.signal },
  )
  return queries.map((q) => {
    const r = results.get(key(q.topic, q.partition))
    if (r === undefined) throw brokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: q.topic, partition: q.partition })
    return r
  })
}

/** Flattens a response's topics/partitions into outcomes, `value` building each partition's result. */
export function partitionOutcomes<P extends { partitionIndex: number; errorCode: number }, R>(
  topics: { name: string; partitions: P[] }[],
  value: (topic: string, p: P) => R,
): PartitionOutcome<R>[] {
  return topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode, value: value(t.name, p) })),
  )
}

/** Groups items by topic, keeping their order: the request layout of most partition APIs. */
export function byTopic<T extends { topic: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const i of items) {
    const list = out.get(i.topic)
    if (list) list.push(i)
    else out.set(i.topic, [i])
  }
  return out
}
