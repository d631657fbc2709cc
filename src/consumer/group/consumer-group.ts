/**
 * KIP-848 group membership (`group.protocol: "consumer"`, Kafka 4.0+): one
 * ConsumerGroupHeartbeat loop; the broker computes assignments
 * (`group.remote.assignor`) and may match a regex subscription itself.
 *
 * States: unjoined → joining (epoch 0 sent) → stable (epoch > 0), with
 * reconciliation of a new target assignment done by poll; fenced (member
 * epoch or id rejected: partitions lost, then rejoin with epoch 0); leaving;
 * closed.
 *
 * Contract:
 * - The heartbeat loop runs in the background at the interval the broker
 *   asks for, plus at once when joining or acknowledging an assignment.
 * - A new assignment is reconciled by poll (`ensureActive`): revoked
 *   partitions first (auto-commit, onPartitionsRevoked awaited), then added
 *   ones (onPartitionsAssigned awaited), then a heartbeat acknowledges what
 *   the member owns.
 * - FENCED_MEMBER_EPOCH and UNKNOWN_MEMBER_ID report the partitions lost at
 *   the next poll and rejoin with epoch 0; coordinator moves are retried.
 *   Frames carry no checksum, so a fence is believed when the next heartbeat
 *   repeats it, and that heartbeat goes back to the epoch the member had
 *   before the last answer changed it (a corrupt epoch, believed, makes the
 *   broker fence the member: one extra heartbeat instead of a rebalance).
 * - A broker without ConsumerGroupHeartbeat makes poll fail with an
 *   UNSUPPORTED_VERSION error that says to use group.protocol=classic.
 * - Leaving sends epoch -1 (dynamic member) or -2 (static member).
 * - An authentication failure (TLS or SASL) met by a heartbeat makes the
 *   next poll reject with it; heartbeats go on after reconnect.backoff.max.ms.
 */
import { randomBytes } from 'node:crypto'
import { AuthenticationError, AuthorizationError, brokerError, KafkaError } from '../../errors.js'
import { Confirmation } from '../../cluster/confirm.js'
import type { ApiDescriptor } from '../../protocol/api.js'
import { isCoordinatorLoading, isCoordinatorMoved, isMemberFenced } from '../../protocol/error-classes.js'
import { ErrorCode, type ErrorName } from '../../protocol/errors.js'
import { ConsumerGroupHeartbeatApi, type ConsumerGroupHeartbeatResponse } from '../../protocol/messages/consumer-group-heartbeat.js'
import type { TopicPartition } from '../../types.js'
import type { CommitIdentity } from '../commits.js'
import { tpKey } from '../positions.js'
import { sleep, until } from '../../cluster/wait.js'
import type { ConsumerGroupMetadata, Membership, MembershipHost } from './membership.js'
import { Log } from '../../logger.js'

type ConsumerGroupState = 'unjoined' | 'joining' | 'stable' | 'fenced' | 'closed'

const FATAL_HINTS: Partial<Record<ErrorName, string>> = {
  INCONSISTENT_GROUP_PROTOCOL: 'the group exists with members of the classic protocol that cannot be converted, or uses another protocol type',
  GROUP_MAX_SIZE_REACHED: 'the group has reached group.consumer.max.size',
  FENCED_INSTANCE_ID: 'another consumer with the same group.instance.id has joined',
  UNRELEASED_INSTANCE_ID: 'the previous member with this group.instance.id has not left the group yet',
  UNSUPPORTED_ASSIGNOR: 'group.remote.assignor names an assignor the broker does not have (group.consumer.assignors)',
}

export class ConsumerGroupMembership implements Membership {
  private readonly host: MembershipHost
  private readonly groupId: string
  private readonly instanceId: string | null
  state: ConsumerGroupState = 'unjoined'
  private memberId = randomBytes(16).toString('base64url')
  private epoch = 0
  private intervalMs = 5000
  /** The latest assignment from the broker, not yet reconciled: topic id → partitions. */
  private target: { topicId: string; partitions: number[] }[] | undefined
  private lostPending = false
  private fatal: KafkaError | undefined
  /** A non-retriable heartbeat error waiting for the next heartbeat to repeat it. */
  private readonly unconfirmed = new Confirmation()
  /** The epoch before the last answer changed it, until an answer repeats the new one (see the contract). */
  private epochBefore: number | undefined
  /** A fence code came; believed when the next heartbeat repeats it. */
  private fenceUnconfirmed = false
  /** When the last authorization failure came (0: never). */
  private deniedAt = 0
  private authError: AuthenticationError | undefined
  private timer: NodeJS.Timeout | undefined
  private sending = false
  private sendAgain = false
  private joined: { promise: Promise<void>; resolve: () => void } = deferred()
  private reconciling: Promise<void> | undefined
  private checkedSupport = false
  private joinedTopics = ''

  private readonly log: Log

  constructor(host: MembershipHost) {
    this.log = Log.of(host.cluster, 'consumer:group')
    this.host = host
    this.groupId = host.coordinator.groupId
    this.instanceId = host.settings.groupInstanceId
  }

  get rejoinNeeded(): boolean {
    return this.state !== 'stable' || this.target !== undefined || this.lostPending
  }

  get ownsAssignment(): boolean {
    return !this.lostPending && this.state !== 'fenced'
  }

  requestRejoin(reason: string): void {
    this.log.debug(`group ${this.groupId}: ${reason}; sending a full heartbeat`)
    this.heartbeatNow()
  }

  checkMetadata(): void {
    const topics = this.host.subscribedTopics().join('\u0000')
    if (this.state === 'stable' && this.host.subscriptions.type === 'topics' && topics !== this.joinedTopics) this.requestRejoin('the subscription changed')
  }

  identity(): CommitIdentity {
    return { generationIdOrMemberEpoch: this.epoch, memberId: this.memberId, groupInstanceId: this.instanceId }
  }

  metadata(): ConsumerGroupMetadata {
    return { groupId: this.groupId, generationId: this.epoch, memberId: this.memberId, groupInstanceId: this.instanceId }
  }

  onFenced(error: KafkaError): void {
    if (isMemberFenced(error.code)) this.fence(error.message)
  }

  /** Throws the fatal error; an authorization failure only once, so the next poll joins again (as Java's). */
  private throwIfFailed(): void {
    const f = this.fatal
    if (!f) return
    if (f instanceof AuthorizationError) this.fatal = undefined
    throw f
  }

  /** Throws (once) the authentication failure the last heartbeat met. */
  private throwAuthError(): void {
    const e = this.authError
    this.authError = undefined
    if (e) throw e
  }

  async ensureActive(deadline: number): Promise<void> {
    this.throwIfFailed()
    this.throwAuthError()
    if (this.state === 'closed') return
    if (!this.checkedSupport) {
      let conn
      try {
        conn = await this.host.coordinator.connection(Date.now() + this.host.settings.defaultApiTimeoutMs)
      } catch (e) {
        await this.retryLater(e, 'cannot reach the coordinator yet', deadline)
        return
      }
      if (!conn.supports(ConsumerGroupHeartbeatApi as ApiDescriptor<unknown, unknown>)) {
        this.fatal = new KafkaError(
          `group.protocol "consumer" (KIP-848) needs a broker that offers ConsumerGroupHeartbeat (Kafka 4.0+); this broker (${conn.brokerRelease}), ` +
            `the coordinator of group "${this.groupId}", does not support it. Use group.protocol "classic" with this broker`,
          { type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION, context: { group: this.groupId } },
        )
        throw this.fatal
      }
      this.checkedSupport = true
    }
    if (this.state === 'unjoined') {
      this.state = 'joining'
      this.joined = deferred()
      // after an authorization failure, a caller polling in a loop joins again at most every retry.backoff.ms
      const wait = this.deniedAt + this.host.settings.retryBackoffMs - Date.now()
      if (wait > 0) this.schedule(wait)
      else this.heartbeatNow()
    }
    if (this.lostPending || this.target !== undefined) {
      if (!this.reconciling) {
        this.reconciling = this.reconcile().finally(() => {
          this.reconciling = undefined
        })
        this.reconciling.catch(() => undefined)
      }
      await until(this.reconciling, deadline)
      this.throwIfFailed()
      return
    }
    if (this.state === 'joining') await until(this.joined.promise, deadline)
    this.throwIfFailed()
    this.throwAuthError()
  }

  /**
   * A retriable failure inside poll's group work (a broken connection, a malformed answer) costs a
   * retry at the next poll, after retry.backoff.ms (never later than `deadline`), never poll() itself.
   */
  private async retryLater(e: unknown, what: string, deadline: number): Promise<void> {
    if (!(e instanceof KafkaError) || !e.retriable) throw e
    this.log.debug(`group ${this.groupId}: ${what}: ${e.message}`)
    await sleep(Math.max(0, Math.min(this.host.settings.retryBackoffMs, deadline - Date.now())))
  }

  /** Applies lost partitions or a new target assignment, running the listener. */
  private async reconcile(): Promise<void> {
    const { subscriptions, cluster } = this.host
    if (this.lostPending) {
      const owned = subscriptions.assignment()
      this.lostPending = false
      if (owned.length > 0) await this.host.revoke(owned, true)
      this.epoch = 0
      this.state = 'joining'
      this.joined = deferred()
      this.heartbeatNow()
      return
    }
    const target = this.target
    if (!target) return
    const names = new Map<string, string>()
    const resolve = () => {
      for (const t of cluster.snapshot.topics.values()) names.set(t.topicId, t.name)
      return target.every((t) => names.has(t.topicId))
    }
    if (!resolve()) {
      try {
        await cluster.refreshMetadata(subscriptions.type === 'pattern' ? null : this.host.subscribedTopics())
        if (!resolve()) await cluster.refreshMetadata(null)
      } catch (e) {
        await this.retryLater(e, 'cannot resolve the assignment\'s topic ids yet', Date.now() + this.host.settings.retryBackoffMs)
        return
      }
      resolve()
    }
    if (this.target !== target) return // a newer one arrived meanwhile; the next poll takes it
    const next: TopicPartition[] = []
    for (const t of target) {
      const topic = names.get(t.topicId)
      if (topic === undefined) {
        this.log.debug(`group ${this.groupId}: assigned unknown topic id ${t.topicId}; ignored until metadata knows it`)
        continue
      }
      for (const partition of t.partitions) next.push({ topic, partition })
    }
    cluster.watch(new Set(next.map((t) => t.topic)))
    const owned = subscriptions.assignment()
    const nextKeys = new Set(next.map((t) => tpKey(t.topic, t.partition)))
    const ownedKeys = new Set(owned.map((t) => tpKey(t.topic, t.partition)))
    const revoked = owned.filter((t) => !nextKeys.has(tpKey(t.topic, t.partition)))
    const added = next.filter((t) => !ownedKeys.has(tpKey(t.topic, t.partition)))
    if (revoked.length > 0) await this.host.revoke(revoked, false)
    if (this.state === 'fenced' || this.lostPending) return
    await this.host.assign(added)
    if (this.target === target) this.target = undefined
    this.log.info(`group ${this.groupId}: epoch ${this.epoch} owns ${next.length} partitions (+${added.length} -${revoked.length})`, { groupId: this.groupId, memberId: this.memberId, epoch: this.epoch })
    // A change is acknowledged at once. An unchanged assignment is not: every answer to a heartbeat that
    // lists the owned partitions carries the assignment again, and acknowledging that at once loops.
    if (added.length > 0 || revoked.length > 0) this.heartbeatNow()
  }

  private fence(why: string): void {
    if (this.state === 'closed') return
    this.log.warn(`group ${this.groupId}: member ${this.memberId} fenced at epoch ${this.epoch}: ${why}`, { groupId: this.groupId, memberId: this.memberId, epoch: this.epoch })
    this.state = 'fenced'
    this.target = undefined
    this.epochBefore = undefined
    this.fenceUnconfirmed = false
    this.lostPending = true
    this.stopTimer()
    this.host.wake()
  }

  // --- heartbeats -----------------------------------------------------------

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule(ms: number): void {
    this.stopTimer()
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.heartbeatNow()
    }, ms)
    this.timer.unref()
  }

  private heartbeatNow(): void {
    if (this.state === 'closed' || this.state === 'fenced' || this.state === 'unjoined') return
    if (this.sending) {
      this.sendAgain = true
      return
    }
    this.stopTimer()
    this.sending = true
    this.sendHeartbeat()
      .catch((e) => this.log.debug(`group ${this.groupId}: heartbeat failed: ${(e as Error).message}`))
      .finally(() => {
        this.sending = false
        if (this.sendAgain) {
          this.sendAgain = false
          this.heartbeatNow()
        }
      })
  }

  private ownedByTopicId(): { topicId: string; partitions: number[] }[] | null {
    const { cluster, subscriptions } = this.host
    const byTopic = new Map<string, number[]>()
    for (const tp of subscriptions.assignment()) {
      const id = cluster.topic(tp.topic)?.topicId
      if (!id) continue
      let l = byTopic.get(id)
      if (!l) byTopic.set(id, (l = []))
      l.push(tp.partition)
    }
    return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }))
  }

  private async sendHeartbeat(): Promise<void> {
    const { settings, coordinator, subscriptions } = this.host
    if (Date.now() - this.host.lastPollAt() > settings.maxPollIntervalMs && this.state === 'stable') {
      this.log.warn(`group ${this.groupId}: no poll() within max.poll.interval.ms (${settings.maxPollIntervalMs} ms): leaving the group`, { groupId: this.groupId, memberId: this.memberId })
      await this.sendLeave(Date.now() + settings.requestTimeoutMs)
      this.fence('poll timeout expired')
      return
    }
    const epoch = this.epoch
    const full = epoch === 0
    this.joinedTopics = this.host.subscribedTopics().join('\u0000')
    let res: ConsumerGroupHeartbeatResponse
    try {
      res = await coordinator.send(
        ConsumerGroupHeartbeatApi,
        {
          groupId: this.groupId,
          memberId: this.memberId,
          memberEpoch: epoch,
          instanceId: this.instanceId,
          rackId: settings.rackId,
          rebalanceTimeoutMs: settings.maxPollIntervalMs,
          subscribedTopicNames: subscriptions.type === 'pattern' ? null : this.host.subscribedTopics(),
          subscribedTopicRegex: subscriptions.type === 'pattern' ? subscriptions.pattern!.source : null,
          serverAssignor: settings.remoteAssignor,
          topicPartitions: full ? [] : this.target === undefined ? this.ownedByTopicId() : null,
        },
        Date.now() + settings.requestTimeoutMs,
      )
    } catch (e) {
      this.log.debug(`group ${this.groupId}: heartbeat failed: ${(e as Error).message}`)
      if (!(e instanceof KafkaError) || e.retriable) {
        this.schedule(settings.retryBackoffMs)
        return
      }
      if (e instanceof AuthenticationError) {
        // TLS or SASL refused: the next poll throws it; try again once the pool's
        // authentication backoff (reconnect.backoff.max.ms) has passed.
        this.authError = e
        this.schedule(Math.max(settings.retryBackoffMaxMs, this.host.cluster.config['reconnect.backoff.max.ms']))
        this.host.wake()
        return
      }
      throw e
    }
    if (this.state === 'closed' || this.state === 'fenced') return
    const code = res.errorCode
    if (code === ErrorCode.NONE) {
      this.unconfirmed.reset()
      if ((this.memberId !== '' && res.memberId !== null && res.memberId !== '' && res.memberId !== this.memberId) || res.memberEpoch < 0) {
        // A member keeps its id for life (and its epoch never goes negative in an answer): this one is a
        // corrupt response that decoded. Believed, it would fence this member and strand its partitions.
        this.log.warn(`group ${this.groupId}: heartbeat answer cannot be right (member ${String(res.memberId)}, epoch ${res.memberEpoch}); asking again`, { groupId: this.groupId })
        this.schedule(settings.retryBackoffMs)
        return
      }
      if (res.memberId) this.memberId = res.memberId
      this.fenceUnconfirmed = false
      this.epochBefore = res.memberEpoch === epoch ? undefined : epoch
      this.epoch = res.memberEpoch
      if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs
      if (res.assignment) {
        this.target = res.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions].sort((a, b) => a - b) }))
        this.host.wake()
      }
      if (this.state === 'joining') {
        this.state = 'stable'
        this.joined.resolve()
      }
      this.schedule(this.intervalMs)
      return
    }
    const err = brokerError(code, code === ErrorCode.TOPIC_AUTHORIZATION_FAILED ? { group: this.groupId, topics: this.host.subscribedTopics() } : { group: this.groupId }, res.errorMessage)
    if (isMemberFenced(code)) {
      if (!this.fenceUnconfirmed) {
        this.fenceUnconfirmed = true
        if (this.epochBefore !== undefined && epoch === this.epoch) this.epoch = this.epochBefore
        this.epochBefore = undefined
        this.log.info(`group ${this.groupId}: heartbeat answered ${err.message}; asking again (epoch ${this.epoch}) to confirm it`, { groupId: this.groupId })
        this.schedule(settings.retryBackoffMs)
        return
      }
      this.fenceUnconfirmed = false
      this.fence(err.message)
      return
    }
    this.fenceUnconfirmed = false
    if (isCoordinatorMoved(code) || isCoordinatorLoading(code) || err.retriable) {
      if (isCoordinatorMoved(code)) coordinator.invalidate()
      this.unconfirmed.reset()
      this.schedule(settings.retryBackoffMs)
      return
    }
    if (!this.unconfirmed.believe(err)) {
      // Frames carry no checksum: a fatal code is believed when the next heartbeat repeats it (confirm.ts).
      this.log.info(`group ${this.groupId}: heartbeat answered ${err.message}; asking again to confirm it`, { groupId: this.groupId })
      this.schedule(settings.retryBackoffMs)
      return
    }
    const hint = FATAL_HINTS[err.type as ErrorName]
    this.fatal =
      err instanceof AuthorizationError
        ? err
        : new KafkaError(hint ? `${err.message}: ${hint}` : err.message, { code, type: err.type, context: err.context })
    if (err instanceof AuthorizationError) {
      this.epoch = 0
      this.deniedAt = Date.now()
    }
    this.state = 'unjoined'
    this.joined.resolve()
    this.host.wake()
  }

  private async sendLeave(deadline: number): Promise<void> {
    if (this.epoch <= 0 && this.state !== 'stable') return
    try {
      await this.host.coordinator.send(
        ConsumerGroupHeartbeatApi,
        { groupId: this.groupId, memberId: this.memberId, memberEpoch: this.instanceId === null ? -1 : -2, instanceId: this.instanceId },
        deadline,
        { timeoutMs: Math.max(1, Math.min(this.host.settings.requestTimeoutMs, deadline - Date.now())) },
      )
      this.log.info(`group ${this.groupId}: member ${this.memberId} left`, { groupId: this.groupId, memberId: this.memberId })
    } catch (e) {
      this.log.debug(`group ${this.groupId}: leave heartbeat failed: ${(e as Error).message}`)
    }
  }

  async leave(_reason: string, deadline: number): Promise<void> {
    this.stopTimer()
    while (this.sending && Date.now() < deadline) await sleep(5, { ref: false })
    if (this.state === 'stable' || this.state === 'joining') await this.sendLeave(deadline)
    if (this.state !== 'closed') this.state = 'unjoined'
    this.epoch = 0
    this.target = undefined
    this.joined = deferred()
  }

  close(): void {
    this.state = 'closed'
    this.stopTimer()
    this.joined.resolve()
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}
