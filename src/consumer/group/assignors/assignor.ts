/**
 * Client-side partition assignors of the classic group protocol. The leader
 * runs the group's chosen assignor over every member's subscription.
 *
 * Contract: `assign` is deterministic for the same input (members are
 * ordered by group.instance.id when both have one, else by member id, as in
 * Java's MemberInfo), gives each partition of a subscribed topic to exactly
 * one member subscribed to that topic, and returns an entry (possibly empty)
 * for every member.
 */
import type { TopicPartition } from '../../../types.js'
import type { AssignorName } from '../../../config/consumer.js'

export interface MemberSubscription {
  memberId: string
  groupInstanceId: string | null
  topics: string[]
  /** Partitions the member owns now (cooperative protocol). */
  ownedPartitions: TopicPartition[]
  /** The generation `ownedPartitions` belong to (-1 when unknown). */
  generationId: number
  rackId: string | null
}

export type RebalanceProtocol = 'eager' | 'cooperative'

export interface Assignor {
  readonly name: AssignorName
  /** The name offered in JoinGroup (default `name`), e.g. KafkaJS's "RoundRobinAssigner". */
  readonly protocolName?: string
  /**
   * Version of the subscription and assignment bytes this assignor writes
   * (default 3). At 0 user data is an empty buffer, as KafkaJS writes it.
   */
  readonly wireVersion?: number
  /** Rebalance protocols the assignor works with, best first. */
  readonly protocols: readonly RebalanceProtocol[]
  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartition[]>
}

/** Java's MemberInfo order: static members by instance id, then by member id. */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return a.groupInstanceId < b.groupInstanceId ? -1 : a.groupInstanceId > b.groupInstanceId ? 1 : 0
  if (a.groupInstanceId !== null) return -1
  if (b.groupInstanceId !== null) return 1
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0
}

export function emptyAssignment(members: readonly MemberSubscription[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]))
}

/** The protocol name an assignor is offered under in JoinGroup. */
export function protocolNameOf(a: Assignor): string {
  return a.protocolName ?? a.name
}
