/**
 * Metadata: the client's cached view of the cluster (brokers, topics,
 * partition leaders), replaced whole by each Metadata response.
 *
 * Contract: readers get a consistent snapshot (`snapshot`); a refresh never
 * mutates the previous snapshot in place. Topics whose response carried an
 * error are kept with that error code so callers can tell "unknown topic" from
 * "not fetched yet". A topic whose partitions are not numbered 0..n-1, each
 * once, or whose error code no broker gives a topic in Metadata
 * (`plausibleTopicError`), cannot come from a broker (a corrupt response):
 * what was known of it before is kept when it had no error, else the topic
 * is dropped from the snapshot. A topic named what no topic can be named
 * (other than with INVALID_TOPIC_EXCEPTION, the answer to a client that asked
 * for such a name) is left out of the snapshot: its name was damaged.
 */
import { KafkaError } from '../errors.js'
import { isRetriable } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import type { MetadataResponse } from '../protocol/messages/metadata.js'
import { implausibleAddress } from './addresses.js'

export interface BrokerInfo {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

/**
 * One partition as the last Metadata response described it (Java's
 * MetadataResponse.PartitionMetadata): node ids, not nodes. The producer's
 * public `PartitionInfo` (producer/types.ts) is built from it.
 */
export interface PartitionMetadata {
  topic: string
  partition: number
  /** -1 when the partition has no leader right now. */
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
  errorCode: number
}

export interface TopicInfo {
  name: string
  topicId: string
  isInternal: boolean
  errorCode: number
  /** Indexed by partition number. */
  partitions: PartitionMetadata[]
}

export interface Snapshot {
  clusterId: string | null
  controllerId: number
  brokers: ReadonlyMap<number, BrokerInfo>
  topics: ReadonlyMap<string, TopicInfo>
  /** Date.now() when this snapshot was taken (0: never). */
  updatedAt: number
}

export const EMPTY_SNAPSHOT: Snapshot = {
  clusterId: null,
  controllerId: -1,
  brokers: new Map(),
  topics: new Map(),
  updatedAt: 0,
}

/**
 * Builds a snapshot from a Metadata response. With `merge`, topics not in the
 * response are carried over from `previous` (a refresh of some topics keeps
 * what is known of the others). A broker address that no broker can have
 * (addresses.ts) fails it with a retriable CORRUPT_RESPONSE.
 */
export function snapshotFrom(res: MetadataResponse, previous: Snapshot, merge: boolean): Snapshot {
  const brokers = new Map<number, BrokerInfo>()
  for (const b of res.brokers) {
    const wrong = implausibleAddress(b.host, b.port)
    if (wrong !== undefined) throw corruptMetadata(`broker ${b.nodeId}: ${wrong}`)
    brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })
  }
  const topics = new Map<string, TopicInfo>(merge ? previous.topics : [])
  for (const t of res.topics) {
    if (t.name === null) continue
    // A name no topic can have, except as asked for (INVALID_TOPIC_EXCEPTION): damaged on the way. Left
    // out: taken as a topic, its id would resolve to this name (a KIP-848 assignment names topics by id).
    if (t.errorCode !== ErrorCode.INVALID_TOPIC_EXCEPTION && !legalTopicName(t.name)) continue
    const partitions: PartitionMetadata[] = []
    for (const p of t.partitions) {
      partitions[p.partitionIndex] = {
        topic: t.name,
        partition: p.partitionIndex,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        offlineReplicas: p.offlineReplicas,
        errorCode: p.errorCode,
      }
    }
    // A broker lists every partition of a topic exactly once, leaderless ones included (with an error
    // code). Holes or repeats, or a topic error code no broker sends here, mean a corrupt response: keep
    // what was known of the topic instead, if that was usable. A known error is dropped, never kept: read
    // again after this refresh it would pass for the broker repeating it (cluster/confirm.ts).
    let complete = partitions.length === t.partitions.length
    for (let i = 0; complete && i < partitions.length; i++) if (!partitions[i]) complete = false
    if (!complete || !plausibleTopicError(t.errorCode)) {
      const known = previous.topics.get(t.name)
      if (known?.errorCode === ErrorCode.NONE) topics.set(t.name, known)
      else topics.delete(t.name)
      continue
    }
    topics.set(t.name, { name: t.name, topicId: t.topicId, isInternal: t.isInternal, errorCode: t.errorCode, partitions })
  }
  return {
    clusterId: res.clusterId,
    controllerId: res.controllerId,
    brokers,
    topics,
    updatedAt: Date.now(),
  }
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/

/** Whether `name` is a legal Kafka topic name: 1 to 249 of [a-zA-Z0-9._-], not "." nor "..". */
export function legalTopicName(name: string): boolean {
  return LEGAL_TOPIC_NAME.test(name) && name !== '.' && name !== '..'
}

/**
 * The non-retriable errors a broker gives a topic in a Metadata answer (its
 * Metadata handler and the auto-creation path behind it).
 */
const METADATA_TOPIC_ERRORS: ReadonlySet<number> = new Set([
  // The name is not a legal topic name.
  ErrorCode.INVALID_TOPIC_EXCEPTION,
  // Describe on the topic (or Create, for auto-creation) is denied.
  ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  // Auto-creation was refused: the broker's own CreateTopics answer, passed on.
  ErrorCode.INVALID_REPLICATION_FACTOR,
  ErrorCode.INVALID_PARTITIONS,
  ErrorCode.INVALID_CONFIG,
  ErrorCode.POLICY_VIOLATION,
  ErrorCode.INVALID_REQUEST,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNKNOWN_SERVER_ERROR,
])

/**
 * Whether a broker can give a topic this code in a Metadata answer: NONE, a
 * retriable code (at worst one more refresh), or one of METADATA_TOPIC_ERRORS.
 * Any other code is a corrupt answer however often it is read: a CI run
 * under 30% corrupted responses read DELEGATION_TOKEN_REQUEST_NOT_ALLOWED on
 * a topic twice in a row, and the producer failed 1,500 sends with it.
 */
export function plausibleTopicError(code: number): boolean {
  return code === ErrorCode.NONE || isRetriable(code) || METADATA_TOPIC_ERRORS.has(code)
}

/** A Metadata answer that cannot be a broker's (retriable: the next one is asked for). */
export function corruptMetadata(why: string): KafkaError {
  return new KafkaError(`Metadata answer cannot be right: ${why}; asking again`, { type: 'CORRUPT_RESPONSE', retriable: true })
}
