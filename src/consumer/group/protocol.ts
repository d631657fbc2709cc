/**
 * The "consumer" embedded protocol of classic groups: the subscription each
 * member sends in JoinGroup and the assignment the leader sends in SyncGroup,
 * each prefixed by its int16 version (Java's ConsumerProtocol).
 *
 * Contract: samsa writes version 3 of both (version 0, with empty user data,
 * for an assignor that asks for it, as KafkaJS's). Decoding accepts any version; a
 * newer one than samsa knows is read as the newest known, since later
 * versions only append fields. Malformed bytes throw ProtocolError.
 */
import { ProtocolError } from '../../errors.js'
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import {
  decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription,
} from '../../protocol/messages/consumer-protocol-subscription.js'
import {
  decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment,
} from '../../protocol/messages/consumer-protocol-assignment.js'
import type { TopicPartition } from '../../types.js'
import type { MemberSubscription } from './assignors/index.js'

const VERSION = 3

/** Groups partitions by topic, as the protocol stores them. */
function byTopic(tps: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const m = new Map<string, number[]>()
  for (const tp of tps) {
    let l = m.get(tp.topic)
    if (!l) m.set(tp.topic, (l = []))
    l.push(tp.partition)
  }
  return [...m].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }))
}

function flatten(list: { topic: string; partitions: number[] }[]): TopicPartition[] {
  return list.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })))
}

const EMPTY = Buffer.alloc(0)

export function encodeSubscription(topics: readonly string[], owned: readonly TopicPartition[], generationId: number, rackId: string | null, version = VERSION): Buffer {
  const w = new Writer(64)
  w.int16(version)
  encodeConsumerProtocolSubscription(w, { topics, userData: version === 0 ? EMPTY : null, ownedPartitions: byTopic(owned), generationId, rackId }, version)
  return Buffer.from(w.finish())
}

export function decodeSubscription(memberId: string, groupInstanceId: string | null, bytes: Buffer): MemberSubscription {
  const r = new Reader(bytes)
  try {
    const version = Math.min(r.int16(), VERSION)
    if (version < 0) throw new ProtocolError(`member ${memberId} sent subscription version ${version}`)
    const s = decodeConsumerProtocolSubscription(r, version)
    return { memberId, groupInstanceId, topics: s.topics, ownedPartitions: flatten(s.ownedPartitions), generationId: s.generationId, rackId: s.rackId }
  } catch (e) {
    throw e instanceof ProtocolError ? e : new ProtocolError(`cannot decode the subscription of member ${memberId}: ${(e as Error).message}`, { cause: e })
  }
}

export function encodeAssignment(tps: readonly TopicPartition[], version = VERSION): Buffer {
  const w = new Writer(64)
  w.int16(version)
  encodeConsumerProtocolAssignment(w, { assignedPartitions: byTopic(tps), userData: version === 0 ? EMPTY : null }, version)
  return Buffer.from(w.finish())
}

/** An empty buffer (a member the leader assigned nothing, in some clients) is an empty assignment. */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return []
  const r = new Reader(bytes)
  try {
    const version = Math.min(r.int16(), VERSION)
    return flatten(decodeConsumerProtocolAssignment(r, Math.max(0, version)).assignedPartitions)
  } catch (e) {
    throw e instanceof ProtocolError ? e : new ProtocolError(`cannot decode the group assignment: ${(e as Error).message}`, { cause: e })
  }
}
