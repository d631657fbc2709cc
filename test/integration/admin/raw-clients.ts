// Raw clients for admin tests (no dependency on the Producer/Consumer):
// produceRaw writes records with a bare Produce request; and group members: a classic member (JoinGroup + SyncGroup,
// leader assigning every partition to itself) and a KIP-848 member
// (ConsumerGroupHeartbeat). They hold their membership until leave().
import crypto from 'node:crypto'
import { Cluster } from '../../../src/cluster/cluster.js'
import { adminSchema } from '../../../src/config/admin.js'
import { parseConfig } from '../../../src/config/validate.js'
import { brokerError } from '../../../src/errors.js'
import { retry } from '../../../src/cluster/retry.js'
import type { ApiDescriptor } from '../../../src/protocol/api.js'
import { Writer } from '../../../src/protocol/writer.js'
import { JoinGroupApi } from '../../../src/protocol/messages/join-group.js'
import { SyncGroupApi } from '../../../src/protocol/messages/sync-group.js'
import { LeaveGroupApi } from '../../../src/protocol/messages/leave-group.js'
import { ConsumerGroupHeartbeatApi } from '../../../src/protocol/messages/consumer-group-heartbeat.js'
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/messages/consumer-protocol-subscription.js'
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/messages/consumer-protocol-assignment.js'
import { ProduceApi } from '../../../src/protocol/messages/produce.js'
import { RecordBatchBuilder } from '../../../src/protocol/records/batch.js'
import { bootstrapServers } from '../../helpers/kafka.js'

export interface Member {
  memberId: string
  leave(): Promise<void>
}

function cluster(clientId: string): Cluster {
  return new Cluster(parseConfig(adminSchema, { 'bootstrap.servers': bootstrapServers(), 'client.id': clientId }, 'admin'))
}

/** Joins `groupId` as the only classic member and takes `partitions` of `topic`. */
export async function joinClassic(groupId: string, topic: string, partitions: number[], clientId = 'classic-member'): Promise<Member> {
  const c = cluster(clientId)
  const deadline = Date.now() + 30000
  const coord = await c.coordinator('group', groupId, deadline)
  const conn = await c.pool.get(coord)
  const sub = new Writer().int16(0)
  encodeConsumerProtocolSubscription(sub, { topics: [topic], userData: null }, 0)
  const join = (memberId: string) =>
    conn.request(JoinGroupApi, {
      groupId,
      sessionTimeoutMs: 45000,
      rebalanceTimeoutMs: 30000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: sub.finish() }],
      reason: null,
    })
  let res = await join('')
  if (res.errorCode === 79) res = await join(res.memberId) // MEMBER_ID_REQUIRED
  if (res.errorCode !== 0) throw brokerError(res.errorCode, { group: groupId })
  const memberId = res.memberId
  const assignment = new Writer().int16(0)
  encodeConsumerProtocolAssignment(assignment, { assignedPartitions: [{ topic, partitions }], userData: null }, 0)
  const sync = await conn.request(SyncGroupApi, {
    groupId,
    generationId: res.generationId,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: res.protocolName,
    assignments: [{ memberId, assignment: assignment.finish() }],
  })
  if (sync.errorCode !== 0) throw brokerError(sync.errorCode, { group: groupId })
  return {
    memberId,
    async leave() {
      try {
        const conn = await c.pool.get(coord)
        const version = conn.versionFor(LeaveGroupApi as ApiDescriptor<unknown, unknown>)
        await conn.request(LeaveGroupApi, version >= 3 ? { groupId, members: [{ memberId, groupInstanceId: null }] } : { groupId, memberId })
      } finally {
        c.close()
      }
    },
  }
}

/** Joins `groupId` as a KIP-848 member subscribed to `topic`; resolves once it owns `expectPartitions` partitions. */
export async function joinConsumerProtocol(groupId: string, topic: string, expectPartitions: number, clientId = 'kip848-member'): Promise<Member> {
  const c = cluster(clientId)
  const deadline = Date.now() + 30000
  const coord = await c.coordinator('group', groupId, deadline)
  const conn = await c.pool.get(coord)
  const version = conn.versionFor(ConsumerGroupHeartbeatApi as ApiDescriptor<unknown, unknown>)
  let memberId = version >= 1 ? crypto.randomBytes(16).toString('base64url') : ''
  let epoch = 0
  let owned: { topicId: string; partitions: number[] }[] = []
  for (;;) {
    const res = await conn.request(ConsumerGroupHeartbeatApi, {
      groupId,
      memberId,
      memberEpoch: epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: [topic],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: owned,
    })
    if (res.errorCode !== 0) throw brokerError(res.errorCode, { group: groupId }, res.errorMessage)
    memberId = res.memberId ?? memberId
    epoch = res.memberEpoch
    if (res.assignment) owned = res.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: t.partitions }))
    const count = owned.reduce((n, t) => n + t.partitions.length, 0)
    if (count >= expectPartitions) break
    if (Date.now() > deadline) throw new Error(`member of ${groupId} got ${count} partitions, wanted ${expectPartitions}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  // One more heartbeat acknowledges the assignment.
  await conn.request(ConsumerGroupHeartbeatApi, { groupId, memberId, memberEpoch: epoch, topicPartitions: owned, subscribedTopicNames: null })
  return {
    memberId,
    async leave() {
      try {
        await conn.request(ConsumerGroupHeartbeatApi, { groupId, memberId, memberEpoch: -1 })
      } finally {
        c.close()
      }
    },
  }
}

/** Writes `count` records to one partition with a bare Produce request (acks=all). */
export async function produceRaw(topic: string, partition: number, count: number, timestamp = Date.now()): Promise<void> {
  const c = cluster('raw-producer')
  try {
    const deadline = Date.now() + 30000
    const b = new RecordBatchBuilder({ capacity: 64 + count * 32 })
    for (let i = 0; i < count; i++) {
      if (!b.tryAppend(timestamp, null, Buffer.from(`value-${i}`))) throw new Error('batch full')
    }
    const records = await b.build()
    // A new topic's leader may not be ready yet: retry retriable errors.
    await retry(
      'produceRaw',
      async (attempt) => {
        if (attempt > 0) await c.refreshMetadata([topic])
        await c.topicMetadata(topic, deadline)
        const leader = c.partition(topic, partition)!.leader
        const res = await c.send(leader, ProduceApi, { acks: -1, timeoutMs: 10000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] })
        const p = res.responses[0]!.partitionResponses[0]!
        if (p.errorCode !== 0) throw brokerError(p.errorCode, { topic, partition })
      },
      { ...c.backoff, deadline },
    )
  } finally {
    c.close()
  }
}
