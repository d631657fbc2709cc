/**
 * Share groups (KIP-932): list, describe (members and their assignments),
 * start offsets (list, alter, delete), delete.
 *
 * Contract (as Java's Admin):
 * - `listShareGroups` asks every broker with ListGroups v5+ filtered on type
 *   "share"; a broker without it fails the call with UNSUPPORTED_VERSION.
 * - `describeShareGroups` asks each group's coordinator (ShareGroupDescribe);
 *   a group that does not exist fails with GROUP_ID_NOT_FOUND.
 * - `listShareGroupOffsets` (DescribeShareGroupOffsets) gives each partition's
 *   start offset (-1n before the group has initialised it) and lag where the
 *   broker reports it (v1+, else null).
 * - `alterShareGroupOffsets` sets start offsets of a group without members
 *   (the coordinator refuses it otherwise); `deleteShareGroupOffsets` forgets
 *   a group's state for whole topics; `deleteShareGroups` sends DeleteGroups.
 * - Coordinator moves and loading are retried until the deadline; other
 *   errors fail the call with the broker's type, naming group and partition.
 */
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { byTopic, withGroupCoordinator } from '../cluster/router.js'
import { brokerError, KafkaError } from '../errors.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { ErrorCode } from '../protocol/errors.js'
import { AlterShareGroupOffsetsApi } from '../protocol/messages/alter-share-group-offsets.js'
import { DeleteShareGroupOffsetsApi } from '../protocol/messages/delete-share-group-offsets.js'
import { DescribeShareGroupOffsetsApi } from '../protocol/messages/describe-share-group-offsets.js'
import { ListGroupsApi } from '../protocol/messages/list-groups.js'
import { ShareGroupDescribeApi } from '../protocol/messages/share-group-describe.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { throwFailures } from './failures.js'

/** Java's GroupState names for share groups. */
export type ShareGroupState = 'Empty' | 'Stable' | 'Dead' | 'Unknown'

export interface ShareGroupListing {
  groupId: string
  state: ShareGroupState
}

export interface ShareMemberDescription {
  memberId: string
  clientId: string
  /** As the broker saw it, e.g. "/127.0.0.1". */
  host: string
  rackId: string | null
  memberEpoch: number
  subscribedTopics: string[]
  assignment: TopicPartition[]
}

export interface ShareGroupDescription {
  groupId: string
  state: ShareGroupState
  groupEpoch: number
  assignmentEpoch: number
  /** The broker's share group assignor, e.g. "simple". */
  partitionAssignor: string
  coordinator: { nodeId: number; host: string; port: number }
  members: ShareMemberDescription[]
}

export interface ShareGroupOffset extends TopicPartitionOffset {
  /** Records between the start offset and the end of the partition not yet delivered for good; null when the broker does not say. */
  lag: bigint | null
  leaderEpoch: number
}

function shareState(s: string): ShareGroupState {
  const l = s.toLowerCase()
  return l === 'empty' ? 'Empty' : l === 'stable' ? 'Stable' : l === 'dead' ? 'Dead' : 'Unknown'
}

const byName = (a: { groupId: string }, b: { groupId: string }) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)
const byTp = (a: TopicPartition, b: TopicPartition) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)

export async function listShareGroups(cluster: Cluster, deadline: number, options: { states?: ShareGroupState[] } = {}): Promise<ShareGroupListing[]> {
  const snap = await retry('listShareGroups', () => cluster.refreshMetadata(), { ...cluster.backoff, deadline })
  const found = new Map<string, ShareGroupListing>()
  await Promise.all([...snap.brokers.keys()].map((nodeId) =>
    retry(`listShareGroups(broker ${nodeId})`, async () => {
      const conn = await cluster.connectionTo(nodeId)
      const version = conn.versionFor(ListGroupsApi as ApiDescriptor<unknown, unknown>)
      if (version < 5) {
        throw new KafkaError(`listShareGroups: broker ${nodeId} offers ListGroups v${version}; share groups need v5+ (Kafka 4.x)`, { type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION })
      }
      const res = await conn.request(ListGroupsApi, { typesFilter: ['share'] }, { version })
      if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, { broker: nodeId })
      for (const g of res.groups) if (g.groupType === 'share') found.set(g.groupId, { groupId: g.groupId, state: shareState(g.groupState) })
    }, { ...cluster.backoff, deadline }),
  ))
  return [...found.values()].filter((g) => !options.states || options.states.includes(g.state)).sort(byName)
}

export async function describeShareGroups(cluster: Cluster, ids: string[], deadline: number): Promise<ShareGroupDescription[]> {
  return Promise.all(ids.map((groupId) =>
    withGroupCoordinator(cluster, groupId, 'describeShareGroups', deadline, async (conn, coordinator) => {
      const res = await conn.request(ShareGroupDescribeApi, { groupIds: [groupId], includeAuthorizedOperations: false })
      const g = res.groups.find((x) => x.groupId === groupId)
      if (!g) throw new KafkaError(`ShareGroupDescribe did not answer for group "${groupId}"`, { type: 'UNKNOWN_SERVER_ERROR', retriable: true })
      if (g.errorCode !== ErrorCode.NONE) throw brokerError(g.errorCode, { group: groupId }, g.errorMessage)
      return {
        groupId,
        state: shareState(g.groupState),
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        partitionAssignor: g.assignorName,
        coordinator: { nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port },
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          host: m.clientHost,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          subscribedTopics: [...m.subscribedTopicNames].sort(),
          assignment: m.assignment.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topicName, partition }))).sort(byTp),
        })),
      }
    }),
  ))
}

export async function listShareGroupOffsets(cluster: Cluster, groupId: string, deadline: number, partitions?: TopicPartition[]): Promise<ShareGroupOffset[]> {
  return withGroupCoordinator(cluster, groupId, 'listShareGroupOffsets', deadline, async (conn) => {
    const version = conn.versionFor(DescribeShareGroupOffsetsApi as ApiDescriptor<unknown, unknown>)
    const topics = partitions ? [...byTopic(partitions)].map(([topicName, ps]) => ({ topicName, partitions: ps.map((p) => p.partition) })) : null
    const res = await conn.request(DescribeShareGroupOffsetsApi, { groups: [{ groupId, topics }] }, { version })
    const g = res.groups.find((x) => x.groupId === groupId)
    if (!g) throw new KafkaError(`DescribeShareGroupOffsets did not answer for group "${groupId}"`, { type: 'UNKNOWN_SERVER_ERROR', retriable: true })
    if (g.errorCode !== ErrorCode.NONE) throw brokerError(g.errorCode, { group: groupId }, g.errorMessage)
    const out: ShareGroupOffset[] = []
    for (const t of g.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw brokerError(p.errorCode, { group: groupId, topic: t.topicName, partition: p.partitionIndex }, p.errorMessage)
        out.push({ topic: t.topicName, partition: p.partitionIndex, offset: p.startOffset, leaderEpoch: p.leaderEpoch, lag: version >= 1 && p.lag >= 0n ? p.lag : null })
      }
    }
    return out.sort(byTp)
  })
}

export async function alterShareGroupOffsets(cluster: Cluster, groupId: string, offsets: TopicPartitionOffset[], deadline: number): Promise<void> {
  await withGroupCoordinator(cluster, groupId, 'alterShareGroupOffsets', deadline, async (conn) => {
    const topics = [...byTopic(offsets)].map(([topicName, ps]) => ({ topicName, partitions: ps.map((p) => ({ partitionIndex: p.partition, startOffset: p.offset })) }))
    const res = await conn.request(AlterShareGroupOffsetsApi, { groupId, topics })
    if (res.errorCode !== ErrorCode.NONE) throw groupError(res.errorCode, groupId, res.errorMessage)
    const failures: KafkaError[] = []
    for (const t of res.responses) {
      for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) failures.push(brokerError(p.errorCode, { group: groupId, topic: t.topicName, partition: p.partitionIndex }, p.errorMessage))
    }
    throwFailures('alterShareGroupOffsets', failures, 'partitions')
  })
}

export async function deleteShareGroupOffsets(cluster: Cluster, groupId: string, topics: string[], deadline: number): Promise<void> {
  await withGroupCoordinator(cluster, groupId, 'deleteShareGroupOffsets', deadline, async (conn) => {
    const res = await conn.request(DeleteShareGroupOffsetsApi, { groupId, topics: topics.map((topicName) => ({ topicName })) })
    if (res.errorCode !== ErrorCode.NONE) throw groupError(res.errorCode, groupId, res.errorMessage)
    const failures = res.responses.filter((t) => t.errorCode !== ErrorCode.NONE).map((t) => brokerError(t.errorCode, { group: groupId, topic: t.topicName }, t.errorMessage))
    throwFailures('deleteShareGroupOffsets', failures, 'topics')
  })
}

/** A group-level error; NON_EMPTY_GROUP says what to do. */
function groupError(code: number, groupId: string, message: string | null): KafkaError {
  const e = brokerError(code, { group: groupId }, message)
  if (code !== ErrorCode.NON_EMPTY_GROUP) return e
  return new KafkaError(`${e.message}: the share group has active members; stop them before changing its offsets`, { code, type: e.type, context: e.context })
}
