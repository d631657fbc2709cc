/**
 * What the consumer needs from group membership, whichever protocol runs it
 * (classic JoinGroup/SyncGroup, or KIP-848 ConsumerGroupHeartbeat).
 */
import type { Cluster } from '../../cluster/cluster.js'
import type { AssignorName } from '../../config/consumer.js'
import type { KafkaError } from '../../errors.js'
import type { TopicPartition } from '../../types.js'
import type { CommitIdentity } from '../commits.js'
import type { SubscriptionState } from '../positions.js'
import type { GroupCoordinator } from '../../cluster/router.js'

/** The group state a transactional producer needs to commit consumed offsets (`sendOffsetsToTransaction`). */
export interface ConsumerGroupMetadata {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

/** What group membership needs from the consumer's config, translated once by the consumer. */
export interface MembershipSettings {
  /** group.instance.id (static membership), or null. */
  groupInstanceId: string | null
  /** partition.assignment.strategy (classic protocol), in order of preference. */
  assignors: AssignorName[]
  /** group.remote.assignor (KIP-848), or null for the broker's default. */
  remoteAssignor: string | null
  /** client.rack, or null. */
  rackId: string | null
  /** session.timeout.ms (classic protocol). */
  sessionTimeoutMs: number
  /** heartbeat.interval.ms (classic protocol; KIP-848 takes the broker's). */
  heartbeatIntervalMs: number
  /** max.poll.interval.ms: the rebalance timeout, and the longest time between polls. */
  maxPollIntervalMs: number
  /** request.timeout.ms */
  requestTimeoutMs: number
  /** retry.backoff.ms and retry.backoff.max.ms */
  retryBackoffMs: number
  retryBackoffMaxMs: number
  /** default.api.timeout.ms */
  defaultApiTimeoutMs: number
}

export interface MembershipHost {
  readonly settings: MembershipSettings
  readonly cluster: Cluster
  readonly coordinator: GroupCoordinator
  readonly subscriptions: SubscriptionState
  /** When poll was last called (ms since epoch). */
  lastPollAt(): number
  /**
   * Partitions leave this member: when not `lost` and auto-commit is on,
   * their positions are committed first; then the listener runs
   * (onPartitionsRevoked, or onPartitionsLost) and is awaited; then they are
   * unassigned.
   */
  revoke(tps: TopicPartition[], lost: boolean): Promise<void>
  /** Partitions join this member: assigned, then the listener's onPartitionsAssigned is awaited. */
  assign(tps: TopicPartition[]): Promise<void>
  /** Something poll must act on happened (a rebalance is needed, a fatal error). */
  wake(): void
  /** The topics the subscription covers now (the list, or existing topics matching the pattern). */
  subscribedTopics(): string[]
}

export interface Membership {
  /**
   * Called by poll: joins or rejoins the group when needed, running the
   * rebalance listener. Resolves once the member is stable or `deadline`
   * passes (the rebalance goes on in the background and the next call picks
   * it up). Rejects with a fatal error (fenced instance id, unsupported
   * protocol, authorization...).
   */
  ensureActive(deadline: number): Promise<void>
  readonly rejoinNeeded: boolean
  requestRejoin(reason: string): void
  /** Asks for a rebalance when the subscription or (for the leader) the topics' partition counts changed. */
  checkMetadata(): void
  identity(): CommitIdentity
  metadata(): ConsumerGroupMetadata
  /** A commit was rejected because this member is out of date. */
  onFenced(error: KafkaError): void
  /** Whether the partitions owned now are still this member's (false after being fenced or timing out). */
  readonly ownsAssignment: boolean
  /** Leaves the group (dynamic members; static members stay until session.timeout.ms) and stops heartbeats. */
  leave(reason: string, deadline: number): Promise<void>
  /** Stops every timer. */
  close(): void
}
