/**
 * Consumer groups: list, describe (members and their assignments), offsets
 * with log-end offsets and lag, alter offsets, delete.
 *
 * Contract (as the Java Admin client):
 * - `listConsumerGroups` asks every broker (each coordinates some groups) and
 *   merges the answers; share and streams groups are left out.
 * - `describeConsumerGroups` asks each group's coordinator. Where the broker
 *   offers ConsumerGroupDescribe (Kafka 4.x, KIP-848) a `consumer` group is
 *   described with it; a classic group (GROUP_ID_NOT_FOUND there) falls back
 *   to DescribeGroups, whose member assignments are decoded from the consumer
 *   protocol. A group that does not exist fails with GROUP_ID_NOT_FOUND.
 * - `alterConsumerGroupOffsets` commits as an administrator (generation -1,
 *   no member id): the coordinator refuses it while the group has members,
 *   and the call then fails with the broker's error type
 *   (UNKNOWN_MEMBER_ID or similar) and a message saying the group is active.
 * - Coordinator moves and loading are retried until the deadline (see
 *   cluster/router.ts); other errors fail the call with the broker's type,
 *   naming the group (and partition).
 */
import { brokerError, KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { Reader } from '../protocol/reader.js'
import { ListGroupsApi } from '../protocol/messages/list-groups.js'
import { DescribeGroupsApi } from '../protocol/messages/describe-groups.js'
import { ConsumerGroupDescribeApi } from '../protocol/messages/consumer-group-describe.js'
import { decodeConsumerProtocolAssignment } from '../protocol/messages/consumer-protocol-assignment.js'
import { OffsetFetchApi } from '../protocol/messages/offset-fetch.js'
import { OffsetCommitApi } from '../protocol/messages/offset-commit.js'
import { DeleteGroupsApi } from '../protocol/messages/delete-groups.js'
import { MetadataApi } from '../protocol/messages/metadata.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { byTopic, sendToAny, withGroupCoordinator } from '../cluster/router.js'
import { listOffsets } from '../cluster/offsets.js'
import { throwFailures } from './failures.js'
import { ErrorCode } from '../protocol/errors.js'

/** Group states with Java's GroupState names. */
export type GroupState =
  | 'Unknown'
  | 'PreparingRebalance'
  | 'CompletingRebalance'
  | 'Stable'
  | 'Dead'
  | 'Empty'
  | 'Assigning'
  | 'Reconciling'

/** `classic`: JoinGroup/SyncGroup; `consumer`: KIP-848. */
export type GroupType = 'classic' | 'consumer'

export interface ConsumerGroupListing {
  groupId: string
  /** True for groups without a protocol type: only offsets committed, never joined. */
  isSimpleConsumerGroup: boolean
  /** null when the broker is too old to say (ListGroups < v4). */
  state: GroupState | null
  /** null when the broker is too old to say (ListGroups < v5). */
  type: GroupType | null
}

export interface ListConsumerGroupsOptions {
  /** Only groups in these states. */
  states?: GroupState[]
  /** Only groups of these types (where the broker reports types). */
  types?: GroupType[]
}

export interface MemberDescription {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  /** As the broker saw it, e.g. "/127.0.0.1". */
  host: string
  /** Partitions the member owns now. */
  assignment: TopicPartition[]
  /** `consumer` groups: what the member is being moved towards. */
  targetAssignment?: TopicPartition[]
  /** `consumer` groups. */
  memberEpoch?: number
}

export interface ConsumerGroupDescription {
  groupId: string
  isSimpleConsumerGroup: boolean
  type: GroupType
  state: GroupState
  /** Classic: the protocol chosen (e.g. "range"); consumer: the server assignor (e.g. "uniform"). */
  partitionAssignor: string
  coordinator: { nodeId: number; host: string; port: number }
  members: MemberDescription[]
  /** `consumer` groups. */
  groupEpoch?: number
  targetAssignmentEpoch?: number
}

export interface GroupOffset extends TopicPartitionOffset {
  /** The partition's end offset (latest); null when the topic no longer exists. */
  logEndOffset: bigint | null
  /** logEndOffset - offset; null when either is unknown. */
  lag: bigint | null
}

export interface ListGroupOffsetsOptions {
  /** Only these partitions (default: every partition the group has committed). */
  partitions?: TopicPartition[]
  /** Wait for pending transactional commits to settle (OffsetFetch requireStable). */
  requireStable?: boolean
}

const STATES = new Map<string, GroupState>(
  (['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'] as const).map((s) => [s.toLowerCase(), s]),
)

function groupState(s: string): GroupState {
  return STATES.get(s.toLowerCase()) ?? 'Unknown'
}

const isConsumerProtocol = (protocolType: string) => protocolType === 'consumer' || protocolType === ''

export async function listConsumerGroups(cluster: Cluster, deadline: number, options: ListConsumerGroupsOptions = {}): Promise<ConsumerGroupListing[]> {
  const snap = await retry('listConsumerGroups', () => cluster.refreshMetadata(), { ...cluster.backoff, deadline })
  const found = new Map<string, ConsumerGroupListing>()
  await Promise.all(
    [...snap.brokers.keys()].map((nodeId) =>
      retry(
        `listConsumerGroups(broker ${nodeId})`,
        async () => {
          const conn = await cluster.connectionTo(nodeId)
          const version = conn.versionFor(ListGroupsApi as ApiDescriptor<unknown, unknown>)
          const res = await conn.request(ListGroupsApi, {}, { version })
          if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, { broker: nodeId })
          for (const g of res.groups) {
            if (version >= 5 && g.groupType !== '' && g.groupType !== 'classic' && g.groupType !== 'consumer') continue
            if (version < 5 && !isConsumerProtocol(g.protocolType)) continue
            if (version >= 5 && g.groupType === 'classic' && !isConsumerProtocol(g.protocolType)) continue
            found.set(g.groupId, {
              groupId: g.groupId,
              isSimpleConsumerGroup: g.protocolType === '',
              state: version >= 4 ? groupState(g.groupState) : null,
              type: version >= 5 ? (g.groupType as GroupType) : null,
            })
          }
        },
        { ...cluster.backoff, deadline },
      ),
    ),
  )
  return [...found.values()]
    .filter((g) => !options.states || (g.state !== null && options.states.includes(g.state)))
    .filter((g) => !options.types || g.type === null || options.types.includes(g.type))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
}

/** Partitions of a classic member's assignment (ConsumerProtocolAssignment, any version). */
function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length < 2) return []
  const r = new Reader(bytes)
  const version = r.int16()
  const a = decodeConsumerProtocolAssignment(r, Math.min(Math.max(version, 0), 3))
  return a.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))).sort(compareTp)
}

/** decodeAssignment for a DescribeGroups answer: bytes that do not decode are a corrupt response, retried. */
function assignmentOf(bytes: Buffer, groupId: string): TopicPartition[] {
  try {
    return decodeAssignment(bytes)
  } catch (e) {
    throw new KafkaError(`DescribeGroups for group "${groupId}" carried an assignment that does not decode: ${(e as Error).message}`, {
      type: 'CORRUPT_RESPONSE', retriable: true, cause: e, context: { group: groupId },
    })
  }
}

function compareTp(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

export async function describeConsumerGroups(cluster: Cluster, ids: string[], deadline: number): Promise<ConsumerGroupDescription[]> {
  const failures: KafkaError[] = []
  const results = await Promise.all(
    ids.map(async (id) => {
      try {
        return await describeOne(cluster, id, deadline)
      } catch (e) {
        failures.push(e as KafkaError)
        return undefined
      }
    }),
  )
  throwFailures('describeConsumerGroups', failures, 'groups')
  return results as ConsumerGroupDescription[]
}

async function describeOne(cluster: Cluster, groupId: string, deadline: number): Promise<ConsumerGroupDescription> {
  return withGroupCoordinator(cluster, groupId, 'describeConsumerGroups', deadline, async (conn, broker) => {
    const coordinator = { nodeId: broker.nodeId, host: broker.host, port: broker.port }
    if (conn.supports(ConsumerGroupDescribeApi as ApiDescriptor<unknown, unknown>)) {
      const res = await conn.request(ConsumerGroupDescribeApi, { groupIds: [groupId], includeAuthorizedOperations: false })
      const g = res.groups.find((x) => x.groupId === groupId)
      if (!g) throw new KafkaError(`ConsumerGroupDescribe did not answer for group "${groupId}"`, { type: 'UNKNOWN_SERVER_ERROR', retriable: true })
      if (g.errorCode === ErrorCode.NONE) {
        const tps = (a: { topicPartitions: { topicName: string; partitions: number[] }[] }) =>
          a.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topicName, partition }))).sort(compareTp)
        return {
          groupId,
          isSimpleConsumerGroup: false,
          type: 'consumer',
          state: groupState(g.groupState),
          partitionAssignor: g.assignorName,
          coordinator,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.instanceId,
            clientId: m.clientId,
            host: m.clientHost,
            assignment: tps(m.assignment),
            targetAssignment: tps(m.targetAssignment),
            memberEpoch: m.memberEpoch,
          })),
          groupEpoch: g.groupEpoch,
          targetAssignmentEpoch: g.assignmentEpoch,
        }
      }
      // GROUP_ID_NOT_FOUND here means "not a consumer group": it may be classic.
      if (g.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw brokerError(g.errorCode, { group: groupId }, g.errorMessage)
    }
    const res = await conn.request(DescribeGroupsApi, { groups: [groupId], includeAuthorizedOperations: false })
    const g = res.groups.find((x) => x.groupId === groupId)
    if (!g) throw new KafkaError(`DescribeGroups did not answer for group "${groupId}"`, { type: 'UNKNOWN_SERVER_ERROR', retriable: true })
    if (g.errorCode !== ErrorCode.NONE) throw brokerError(g.errorCode, { group: groupId })
    const state = groupState(g.groupState)
    if (state === 'Dead') throw brokerError(ErrorCode.GROUP_ID_NOT_FOUND, { group: groupId }, `consumer group "${groupId}" does not exist`)
    if (!isConsumerProtocol(g.protocolType)) {
      throw brokerError(ErrorCode.GROUP_ID_NOT_FOUND, { group: groupId }, `group "${groupId}" is not a consumer group (protocol type "${g.protocolType}")`)
    }
    return {
      groupId,
      isSimpleConsumerGroup: g.protocolType === '',
      type: 'classic',
      state,
      partitionAssignor: g.protocolData,
      coordinator,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: g.protocolType === 'consumer' ? assignmentOf(m.memberAssignment, groupId) : [],
      })),
    }
  })
}

/** The committed offsets of a group, with each partition's end offset and the lag. */
export async function listConsumerGroupOffsets(
  cluster: Cluster,
  groupId: string,
  deadline: number,
  options: ListGroupOffsetsOptions = {},
): Promise<GroupOffset[]> {
  const committed = await fetchCommitted(cluster, groupId, deadline, options)
  const topics = [...new Set(committed.map((c) => c.topic))]
  const existing = await existingTopics(cluster, topics, deadline)
  const queries = committed.filter((c) => existing.has(c.topic)).map((c) => ({ topic: c.topic, partition: c.partition, timestamp: 'latest' as const }))
  const ends = queries.length > 0 ? await listOffsets(cluster, queries, deadline) : []
  const endOf = new Map(ends.map((e) => [`${e.topic}\u0000${e.partition}`, e.offset]))
  return committed.map((c) => {
    const logEndOffset = endOf.get(`${c.topic}\u0000${c.partition}`) ?? null
    const lag = logEndOffset === null || c.offset < 0n ? null : logEndOffset - c.offset > 0n ? logEndOffset - c.offset : 0n
    return { ...c, logEndOffset, lag }
  })
}

async function fetchCommitted(
  cluster: Cluster,
  groupId: string,
  deadline: number,
  options: ListGroupOffsetsOptions,
): Promise<TopicPartitionOffset[]> {
  const wanted = options.partitions
    ? [...byTopic(options.partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) }))
    : null
  return withGroupCoordinator(cluster, groupId, 'listConsumerGroupOffsets', deadline, async (conn) => {
    const version = conn.versionFor(OffsetFetchApi as ApiDescriptor<unknown, unknown>)
    const requireStable = options.requireStable ?? false
    const res = await conn.request(
      OffsetFetchApi,
      version >= 8
        ? { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: wanted }], requireStable }
        : { groupId, topics: wanted, requireStable },
      { version },
    )
    let errorCode = res.errorCode
    let topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number }[] }[] = res.topics
    if (version >= 8) {
      const g = res.groups.find((x) => x.groupId === groupId)
      if (!g) throw new KafkaError(`OffsetFetch did not answer for group "${groupId}"`, { type: 'UNKNOWN_SERVER_ERROR', retriable: true })
      errorCode = g.errorCode
      topics = g.topics
    }
    if (errorCode !== ErrorCode.NONE) throw brokerError(errorCode, { group: groupId })
    const out: TopicPartitionOffset[] = []
    const failures: KafkaError[] = []
    for (const t of topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) {
          const err = brokerError(p.errorCode, { group: groupId, topic: t.name, partition: p.partitionIndex })
          if (err.retriable) throw err
          failures.push(err)
          continue
        }
        // Without a filter the broker lists only committed partitions; with one, -1 means none.
        if (p.committedOffset < 0n && wanted === null) continue
        out.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          ...(p.metadata ? { metadata: p.metadata } : {}),
          ...(p.committedLeaderEpoch >= 0 ? { leaderEpoch: p.committedLeaderEpoch } : {}),
        })
      }
    }
    throwFailures('listConsumerGroupOffsets', failures, 'partitions')
    return out.sort(compareTp)
  })
}

/** Which of `topics` exist (metadata without auto-creation). */
async function existingTopics(cluster: Cluster, topics: string[], deadline: number): Promise<Set<string>> {
  if (topics.length === 0) return new Set()
  const res = await sendToAny(cluster, 'metadata', deadline, (conn) =>
    conn.request(MetadataApi, { topics: topics.map((name) => ({ name })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
  )
  return new Set(res.topics.filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null).map((t) => t.name!))
}

/** Errors that mean "the group has members, an administrator may not commit for it". */
const ACTIVE_GROUP = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'STALE_MEMBER_EPOCH', 'REBALANCE_IN_PROGRESS', 'FENCED_MEMBER_EPOCH'])

export async function alterConsumerGroupOffsets(cluster: Cluster, groupId: string, offsets: TopicPartitionOffset[], deadline: number): Promise<void> {
  await withGroupCoordinator(cluster, groupId, 'alterConsumerGroupOffsets', deadline, async (conn) => {
    const res = await conn.request(OffsetCommitApi, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic(offsets)].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({
          partitionIndex: p.partition,
          committedOffset: p.offset,
          committedLeaderEpoch: p.leaderEpoch ?? -1,
          commitTimestamp: -1n,
          committedMetadata: p.metadata ?? '',
        })),
      })),
    })
    const failures: KafkaError[] = []
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.NONE) continue
        const err = brokerError(p.errorCode, { group: groupId, topic: t.name, partition: p.partitionIndex })
        if (err.retriable) throw err
        if (ACTIVE_GROUP.has(err.type)) {
          throw brokerError(
            p.errorCode,
            { group: groupId },
            `consumer group "${groupId}" has active members; offsets can only be altered while the group is empty (stop its consumers first)`,
          )
        }
        failures.push(err)
      }
    }
    throwFailures('alterConsumerGroupOffsets', failures, 'partitions')
  })
}

export async function deleteConsumerGroups(cluster: Cluster, ids: string[], deadline: number): Promise<void> {
  const failures: KafkaError[] = []
  await Promise.all(
    ids.map(async (groupId) => {
      try {
        await withGroupCoordinator(cluster, groupId, 'deleteConsumerGroups', deadline, async (conn) => {
          const res = await conn.request(DeleteGroupsApi, { groupsNames: [groupId] })
          const r = res.results.find((x) => x.groupId === groupId)
          if (!r) throw new KafkaError(`DeleteGroups did not answer for group "${groupId}"`, { type: 'UNKNOWN_SERVER_ERROR', retriable: true })
          if (r.errorCode !== ErrorCode.NONE) throw brokerError(r.errorCode, { group: groupId })
        })
      } catch (e) {
        failures.push(e as KafkaError)
      }
    }),
  )
  throwFailures('deleteConsumerGroups', failures, 'groups')
}
