/**
 * Topic administration: create, delete, list, describe, add partitions.
 *
 * Contract: requests go to the controller named in metadata (in KRaft a
 * broker that forwards to the quorum). Retriable failures — connection loss,
 * NOT_CONTROLLER, a request timeout — are retried with backoff for the topics
 * they hit, until the call's deadline; a non-retriable per-topic error
 * (TOPIC_ALREADY_EXISTS, INVALID_REPLICATION_FACTOR, ...) fails the call with
 * a KafkaError of that type naming the topic, after the other topics are done.
 */
import { KafkaError, brokerError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { sendToAny, sendToController } from '../cluster/router.js'
import { plausibleTopicError } from '../cluster/metadata.js'
import type { Connection } from '../network/connection.js'
import { CreateTopicsApi } from '../protocol/messages/create-topics.js'
import { DeleteTopicsApi } from '../protocol/messages/delete-topics.js'
import { CreatePartitionsApi } from '../protocol/messages/create-partitions.js'
import { MetadataApi } from '../protocol/messages/metadata.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { throwFailures } from './failures.js'
import { ItemConfirmations, unconfirmed } from '../cluster/confirm.js'
import { ErrorCode } from '../protocol/errors.js'
import { asConfigString } from './arguments.js'

export interface NewTopic {
  topic: string
  /** Default: the broker's `num.partitions`. */
  numPartitions?: number
  /** Default: the broker's `default.replication.factor`. */
  replicationFactor?: number
  /** Explicit replica placement: partition -> broker ids (excludes numPartitions/replicationFactor). */
  replicaAssignment?: Record<number, number[]>
  /** Config name -> value; numbers and booleans are sent as their string form (`{ 'retention.ms': 86400000 }`). */
  configs?: Record<string, string | number | boolean | null>
}

export interface CreateTopicsOptions {
  validateOnly?: boolean
  timeoutMs?: number
}

export interface TopicDescription {
  name: string
  topicId: string
  isInternal: boolean
  partitions: PartitionDescription[]
}

export interface PartitionDescription {
  partition: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface NewPartitions {
  topic: string
  /** The total number of partitions wanted (must exceed the current count). */
  count: number
}

interface Result {
  name: string
  errorCode: number
  errorMessage: string | null
}

/**
 * Sends `names` to the controller in batches through `send` until each has a
 * final result; names with retriable errors are sent again after a backoff
 * (NOT_CONTROLLER: after a metadata refresh, see router.ts).
 */
async function perTopic(
  cluster: Cluster,
  what: string,
  names: string[],
  deadline: number,
  send: (conn: Connection, names: string[]) => Promise<Result[]>,
): Promise<void> {
  let todo = names
  const failures: KafkaError[] = []
  // A topic's non-retriable error is believed when asking again for that topic repeats it (confirm.ts).
  const confirmations = new ItemConfirmations()
  await sendToController(
    cluster,
    what,
    deadline,
    async (conn) => {
      const results = await send(conn, todo)
      const again: string[] = []
      const answered = new Set<string>()
      let retriable: KafkaError | undefined
      for (const r of results) {
        if (!todo.includes(r.name) || answered.has(r.name)) continue // not asked (a corrupt name): asked again below
        answered.add(r.name)
        if (r.errorCode === ErrorCode.NONE) continue
        const err = brokerError(r.errorCode, { topic: r.name }, r.errorMessage)
        if (err.retriable) {
          confirmations.reset(r.name)
          again.push(r.name)
          retriable = err
        } else if (!confirmations.believe(r.name, err)) {
          again.push(r.name)
          retriable = unconfirmed(err)
        } else {
          failures.push(err)
        }
      }
      const unanswered = todo.filter((n) => !answered.has(n))
      if (unanswered.length > 0) {
        again.push(...unanswered)
        retriable = new KafkaError(`the answer to ${what} does not mention ${unanswered.join(', ')}; asking again`, { type: 'CORRUPT_RESPONSE', retriable: true })
      }
      todo = again
      if (retriable) throw retriable
    },
  )
  throwFailures(what, failures, 'topics')
}

export async function createTopics(cluster: Cluster, topics: NewTopic[], options: CreateTopicsOptions, deadline: number): Promise<void> {
  const byName = new Map<string, NewTopic>()
  for (const t of topics) {
    // The broker refuses a request that names a topic twice (INVALID_REQUEST), so does this.
    if (byName.has(t.topic)) throw new KafkaError(`createTopics: topic "${t.topic}" is named more than once`, { type: 'INVALID_REQUEST', context: { topic: t.topic } })
    if (t.replicaAssignment && ((t.numPartitions ?? -1) !== -1 || (t.replicationFactor ?? -1) !== -1)) {
      throw new KafkaError(`createTopics: topic "${t.topic}" sets replicaAssignment and numPartitions or replicationFactor; the assignment decides both, so give only one`, {
        type: 'INVALID_REQUEST',
        context: { topic: t.topic },
      })
    }
    byName.set(t.topic, t)
  }
  const timeoutMs = options.timeoutMs ?? Math.max(0, deadline - Date.now())
  await perTopic(cluster, 'createTopics', [...byName.keys()], deadline, async (conn, names) => {
    const res = await conn.request(CreateTopicsApi, {
      topics: names.map((name) => {
        const t = byName.get(name)!
        const assignment = t.replicaAssignment
        return {
          name,
          numPartitions: assignment ? -1 : t.numPartitions ?? -1,
          replicationFactor: assignment ? -1 : t.replicationFactor ?? -1,
          assignments: assignment
            ? Object.entries(assignment).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds }))
            : [],
          configs: Object.entries(t.configs ?? {}).map(([k, value]) => ({ name: k, value: asConfigString(value) })),
        }
      }),
      timeoutMs,
      validateOnly: options.validateOnly ?? false,
    })
    return res.topics
  })
}

export async function deleteTopics(cluster: Cluster, names: string[], deadline: number): Promise<void> {
  await perTopic(cluster, 'deleteTopics', names, deadline, async (conn, todo) => {
    const version = conn.versionFor(DeleteTopicsApi as ApiDescriptor<unknown, unknown>)
    const timeoutMs = Math.max(0, deadline - Date.now())
    const res = await conn.request(
      DeleteTopicsApi,
      version >= 6 ? { topics: todo.map((name) => ({ name })), timeoutMs } : { topicNames: todo, timeoutMs },
      { version },
    )
    return res.responses.map((r) => ({ name: r.name ?? '', errorCode: r.errorCode, errorMessage: r.errorMessage }))
  })
}

export async function createPartitions(cluster: Cluster, changes: NewPartitions[], deadline: number, validateOnly = false): Promise<void> {
  const byName = new Map<string, NewPartitions>()
  for (const c of changes) {
    if (byName.has(c.topic)) throw new KafkaError(`createPartitions: topic "${c.topic}" is named more than once`, { type: 'INVALID_REQUEST', context: { topic: c.topic } })
    byName.set(c.topic, c)
  }
  await perTopic(cluster, 'createPartitions', [...byName.keys()], deadline, async (conn, names) => {
    const res = await conn.request(CreatePartitionsApi, {
      topics: names.map((name) => ({ name, count: byName.get(name)!.count, assignments: null })),
      timeoutMs: Math.max(0, deadline - Date.now()),
      validateOnly,
    })
    return res.results
  })
}

/** Fetches fresh metadata for `names` (null: every topic), with retries on connection trouble. */
async function fetchTopics(cluster: Cluster, names: string[] | null, deadline: number) {
  return sendToAny(cluster, 'metadata', deadline, async (conn) => {
    const res = await conn.request(MetadataApi, {
      topics: names === null ? null : names.map((name) => ({ name })),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    })
    // A broker answers every topic named (an unknown one with UNKNOWN_TOPIC_OR_PARTITION): a name missing
    // from the answer was corrupted on the way, so it is asked again rather than reported unknown.
    const missing = names?.filter((n) => !res.topics.some((t) => t.name === n)) ?? []
    if (missing.length > 0) {
      throw new KafkaError(`the metadata answer does not name ${missing.join(', ')}: taken for a corrupt response and asked again`,
        { type: 'CORRUPT_RESPONSE', retriable: true, context: { topics: missing.join(',') } })
    }
    const wrong = res.topics.find((t) => !plausibleTopicError(t.errorCode))
    if (wrong !== undefined) {
      throw new KafkaError(`the metadata answer gives topic ${wrong.name ?? '(null)'} error code ${wrong.errorCode}, which no broker sends there: taken for a corrupt response and asked again`,
        { type: 'CORRUPT_RESPONSE', retriable: true, context: { topic: wrong.name ?? '', code: wrong.errorCode } })
    }
    return res
  })
}

/** Topic names, without internal topics unless `listInternal`. Sorted. */
export async function listTopics(cluster: Cluster, deadline: number, listInternal = false): Promise<string[]> {
  const res = await fetchTopics(cluster, null, deadline)
  return res.topics
    .filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null && (listInternal || !t.isInternal))
    .map((t) => t.name!)
    .sort()
}

export async function describeTopics(cluster: Cluster, names: string[], deadline: number): Promise<TopicDescription[]> {
  const res = await fetchTopics(cluster, names, deadline)
  const byName = new Map(res.topics.map((t) => [t.name, t]))
  return names.map((name) => {
    const t = byName.get(name)
    if (!t) throw brokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: name })
    if (t.errorCode !== ErrorCode.NONE) throw brokerError(t.errorCode, { topic: name })
    return {
      name,
      topicId: t.topicId,
      isInternal: t.isInternal,
      partitions: t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
        }))
        .sort((a, b) => a.partition - b.partition),
    }
  })
}
