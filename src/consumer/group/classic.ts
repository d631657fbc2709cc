/**
 * Classic group membership (JoinGroup / SyncGroup / Heartbeat / LeaveGroup)
 * as an explicit state machine. Every state change goes through
 * `transition()`, which checks it against TRANSITIONS:
 *
 *     unjoined ──join──▶ joining ──JoinGroup ok──▶ syncing ──SyncGroup ok──▶ stable
 *        ▲                  │  ▲                      │                        │
 *        └──── error / fenced / leave ────────────────┴──── rebalance ─────────┘
 *
 * Contract:
 * - Rebalances run when poll calls `ensureActive` (as in Java), so listener
 *   callbacks never overlap the user's processing of records returned by an
 *   earlier poll; a rebalance that outlasts one poll goes on in the
 *   background and the next poll picks it up.
 * - Eager protocol (any assignor but cooperative-sticky in the list): every
 *   owned partition is revoked before JoinGroup. Cooperative protocol
 *   (KIP-429): only partitions that move are revoked, after SyncGroup, and the
 *   member then rejoins so the next round can hand them to their new owner.
 * - Heartbeats run on a timer every `heartbeat.interval.ms` on the
 *   coordinator socket, whatever the user does between polls. JoinGroup and
 *   SyncGroup, which the broker may hold up to the rebalance timeout, use a
 *   socket of their own.
 * - A member that does not poll within `max.poll.interval.ms` leaves the
 *   group (static members just stop heartbeating, as in Java); its partitions
 *   are reported lost at the next poll, which rejoins.
 * - MEMBER_ID_REQUIRED, REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID,
 *   ILLEGAL_GENERATION and coordinator moves are recovered by rejoining;
 *   FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, GROUP_MAX_SIZE_REACHED
 *   and the like are fatal and poll rejects with them. GROUP_AUTHORIZATION_FAILED
 *   (an AuthorizationError) rejects the poll that met it; the next poll
 *   joins again. Either is believed only once the next join attempt gave the
 *   same answer (a corrupt response can carry any code; the first one costs a
 *   retry after the backoff).
 * - An authentication failure (TLS or SASL) is not fatal: that poll rejects
 *   with it, and the next poll tries to join again.
 */
import { AuthenticationError, AuthorizationError, brokerError, KafkaError } from '../../errors.js'
import { retry } from '../../cluster/retry.js'
import { Confirmation } from '../../cluster/confirm.js'
import type { ApiDescriptor } from '../../protocol/api.js'
import { isCoordinatorLoading, isCoordinatorMoved, isMemberFenced } from '../../protocol/error-classes.js'
import { ErrorCode, type ErrorName } from '../../protocol/errors.js'
import { HeartbeatApi } from '../../protocol/messages/heartbeat.js'
import { JoinGroupApi, type JoinGroupResponse } from '../../protocol/messages/join-group.js'
import { LeaveGroupApi } from '../../protocol/messages/leave-group.js'
import { SyncGroupApi } from '../../protocol/messages/sync-group.js'
import type { TopicPartition } from '../../types.js'
import type { CommitIdentity } from '../commits.js'
import { tpKey } from '../positions.js'
import { ASSIGNOR_BY_NAME, cooperativeAdjust, protocolNameOf, rebalanceProtocol, type Assignor, type RebalanceProtocol } from './assignors/index.js'
import { sleep, until } from '../../cluster/wait.js'
import type { ConsumerGroupMetadata, Membership, MembershipHost } from './membership.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './protocol.js'
import { MissingTopicsWatch, topicUsable } from './missing-topics.js'
import { Log } from '../../logger.js'

type ClassicState = 'unjoined' | 'joining' | 'syncing' | 'stable' | 'closed'

const TRANSITIONS: Record<ClassicState, readonly ClassicState[]> = {
  unjoined: ['joining', 'closed'],
  joining: ['syncing', 'unjoined', 'closed'],
  syncing: ['stable', 'joining', 'unjoined', 'closed'],
  stable: ['joining', 'unjoined', 'closed'],
  closed: [],
}

/**
 * Join and sync errors after which the member simply tries again (after a
 * backoff): the coordinator moved or is loading, the request timed out on the
 * broker, or the group started another rebalance.
 */
function retryJoin(code: number): boolean {
  return isCoordinatorMoved(code) || isCoordinatorLoading(code) || code === ErrorCode.REQUEST_TIMED_OUT || code === ErrorCode.REBALANCE_IN_PROGRESS
}

export class ClassicMembership implements Membership {
  private readonly host: MembershipHost
  /** A heartbeat's FENCED_INSTANCE_ID is fatal once the next heartbeat repeats it (confirm.ts). */
  private readonly fenceAnswer = new Confirmation()
  private readonly assignors: Assignor[]
  readonly protocol: RebalanceProtocol
  private readonly groupId: string
  private readonly instanceId: string | null
  state: ClassicState = 'unjoined'
  private memberId = ''
  private generation = -1
  private leaderId = ''
  private protocolName: string | null = null
  private needRejoin = true
  private rejoinReason = 'initial join'
  private rebalancing: Promise<void> | undefined
  private fatal: KafkaError | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  private heartbeating = false
  /** Topics (and partition counts) this member's leader assignment was computed from. */
  private assignedCounts: Map<string, number> | undefined
  /** When the last authorization failure came (0: never). */
  private deniedAt = 0
  /** The subscription this member joined with. */
  private joinedTopics = ''
  /** The Metadata request the current join sent for this member's topics, while JoinGroup was on its way. */
  private joinMetadata: { topics: Set<string>; done: Promise<boolean> } | undefined
  /** The leader's watch over assigned topics that had no partitions yet (refreshes, then checkMetadata rejoins). */
  private readonly missingTopics: MissingTopicsWatch
  private lastHeartbeatOk = 0

  private readonly log: Log

  constructor(host: MembershipHost) {
    this.log = Log.of(host.cluster, 'consumer:group')
    this.host = host
    this.groupId = host.coordinator.groupId
    this.instanceId = host.settings.groupInstanceId
    this.assignors = host.settings.assignors.map((n) => ASSIGNOR_BY_NAME[n])
    this.protocol = rebalanceProtocol(this.assignors)
    this.missingTopics = new MissingTopicsWatch({
      cluster: host.cluster,
      backoffMs: host.settings.retryBackoffMs,
      backoffMaxMs: host.settings.retryBackoffMaxMs,
      log: this.log,
      onRefreshed: () => host.wake(),
    })
  }

  private transition(to: ClassicState, why: string): void {
    if (this.state === to) return
    if (!TRANSITIONS[this.state].includes(to)) {
      throw new KafkaError(`internal error: group member cannot go from ${this.state} to ${to} (${why})`, { type: 'ILLEGAL_STATE' })
    }
    this.log.debug(`group ${this.groupId} member ${this.memberId || '(new)'}: ${this.state} -> ${to} (${why})`)
    this.state = to
    if (to === 'stable' || to === 'syncing') this.startHeartbeats()
    else this.stopHeartbeats()
  }

  get rejoinNeeded(): boolean {
    return this.needRejoin || this.state !== 'stable'
  }

  get ownsAssignment(): boolean {
    return this.generation >= 0
  }

  requestRejoin(reason: string): void {
    if (this.state === 'closed') return
    if (!this.needRejoin) this.log.debug(`group ${this.groupId}: rejoin requested: ${reason}`)
    this.needRejoin = true
    this.rejoinReason = reason
    this.host.wake()
  }

  identity(): CommitIdentity {
    return { generationIdOrMemberEpoch: this.generation, memberId: this.memberId, groupInstanceId: this.instanceId }
  }

  metadata(): ConsumerGroupMetadata {
    return { groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: this.instanceId }
  }

  onFenced(error: KafkaError): void {
    if (isMemberFenced(error.code)) this.resetGeneration(error.code === ErrorCode.UNKNOWN_MEMBER_ID, error.message)
  }

  checkMetadata(): void {
    if (this.state !== 'stable' || this.needRejoin) return
    const topics = this.host.subscribedTopics().join('\u0000')
    if (topics !== this.joinedTopics) {
      this.requestRejoin('the subscription changed')
      return
    }
    if (this.assignedCounts) {
      for (const [t, n] of this.assignedCounts) {
        const info = this.host.cluster.topic(t)
        if (info && info.errorCode === ErrorCode.NONE && info.partitions.length !== n) {
          this.requestRejoin(`topic ${t} now has ${info.partitions.length} partitions (was ${n})`)
          return
        }
      }
    }
  }

  async ensureActive(deadline: number): Promise<void> {
    if (this.fatal) throw this.fatal
    if (this.state === 'closed') return
    if (this.state === 'stable' && !this.needRejoin) return
    if (!this.rebalancing) {
      this.rebalancing = this.rebalance().finally(() => {
        this.rebalancing = undefined
      })
      this.rebalancing.catch(() => undefined)
    }
    await until(this.rebalancing, deadline)
  }

  /**
   * Joins until stable, with no rejoin pending. A failed round (retriable
   * error) leaves the member unjoined and is tried again under the retry
   * policy, without a deadline (it runs in the background; poll only waits
   * for it until its own deadline); a non-retriable error is fatal.
   */
  private async rebalance(): Promise<void> {
    const { settings } = this.host
    // after an authorization failure, a caller polling in a loop joins again at most every retry.backoff.ms
    const wait = this.deniedAt + settings.retryBackoffMs - Date.now()
    if (wait > 0) await sleep(wait)
    const settled = () => (!this.needRejoin && this.state === 'stable') || (this.state as ClassicState) === 'closed'
    while (!settled()) {
      try {
        await retry(
          `group ${this.groupId} rebalance`,
          async () => {
            if (settled()) return
            await this.prepare()
            this.needRejoin = false
            const res = await this.join()
            await this.sync(res)
          },
          {
            backoffMs: settings.retryBackoffMs,
            backoffMaxMs: settings.retryBackoffMaxMs,
            deadline: Infinity,
            ref: false,
            // A non-retriable answer is believed when the next attempt gives it again (retry() confirms it):
            // frames carry no checksum, and a corrupt JoinGroup/SyncGroup response can decode into any error code.
            onRetry: (err) => {
              this.log.info(`group ${this.groupId}: rebalance attempt failed, retrying: ${err.message}`, { groupId: this.groupId, error: err })
              this.needRejoin = true
              if (this.state !== 'closed' && this.state !== 'unjoined') this.transition('unjoined', err.message)
            },
          },
        )
      } catch (e) {
        const err = e instanceof KafkaError ? e : new KafkaError(String(e), { cause: e })
        if (err instanceof AuthenticationError) {
          // TLS or SASL refused: this poll throws it; the next poll tries again (the pool
          // answers from its cache, without connecting, until reconnect.backoff.max.ms).
          this.needRejoin = true
          throw err
        }
        if (err instanceof AuthorizationError) {
          // Not sticky (as Java's): this poll throws it, the next one joins again,
          // and succeeds once the group's ACLs allow it.
          this.needRejoin = true
          this.deniedAt = Date.now()
          if (this.state !== 'closed' && this.state !== 'unjoined') this.transition('unjoined', err.message)
          throw err
        }
        this.fatal = err
        this.host.wake()
        throw err
      }
    }
  }

  /** Before JoinGroup: report lost partitions, or revoke what the protocol says to. */
  private async prepare(): Promise<void> {
    const owned = this.host.subscriptions.assignment()
    if (owned.length === 0) return
    if (this.generation < 0) {
      await this.host.revoke(owned, true)
      return
    }
    if (this.protocol === 'eager') {
      await this.host.revoke(owned, false)
      return
    }
    const topics = new Set(this.host.subscribedTopics())
    const gone = owned.filter((tp) => !topics.has(tp.topic))
    if (gone.length > 0) await this.host.revoke(gone, false)
  }

  private requestDeadline(): number {
    return Date.now() + this.host.settings.requestTimeoutMs
  }

  private async join(): Promise<JoinGroupResponse> {
    const { settings, coordinator, subscriptions, cluster } = this.host
    this.transition('joining', this.rejoinReason)
    const topics = this.host.subscribedTopics()
    this.joinedTopics = topics.join('\u0000')
    const owned = subscriptions.assignment()
    const rack = settings.rackId
    // Should this member lead, it assigns from metadata of every member's topics: asked for now, while
    // JoinGroup is on its way, not after it answers (assignAsLeader decides whether it is good enough).
    this.joinMetadata = { topics: new Set(topics), done: cluster.refreshMetadata(topics).then(() => true, () => false) }
    for (let attempt = 0; ; attempt++) {
      // The join socket and the coordinator socket (heartbeats, the OffsetFetch right after the join)
      // are opened at once, not one after the other, once the coordinator is known (one FindCoordinator).
      await coordinator.broker(this.requestDeadline())
      const [version] = await Promise.all([
        coordinator.versionOf(JoinGroupApi as ApiDescriptor<unknown, unknown>, this.requestDeadline(), 'join'),
        coordinator.connection(this.requestDeadline()).catch(() => undefined),
      ])
      if (this.instanceId !== null && version < 5) {
        const release = (await coordinator.connection(this.requestDeadline())).brokerRelease
        throw new KafkaError(`group.instance.id needs JoinGroup v5+ (Kafka 2.3+); this broker (${release}), the coordinator, offers v${version}`, { type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION })
      }
      const res = await coordinator.send(
        JoinGroupApi,
        {
          groupId: this.groupId,
          sessionTimeoutMs: settings.sessionTimeoutMs,
          rebalanceTimeoutMs: settings.maxPollIntervalMs,
          memberId: this.memberId,
          groupInstanceId: this.instanceId,
          protocolType: 'consumer',
          protocols: this.assignors.map((a) => ({ name: protocolNameOf(a), metadata: encodeSubscription(topics, owned, this.generation, rack, a.wireVersion) })),
          reason: this.rejoinReason,
        },
        this.requestDeadline(),
        { timeoutMs: settings.maxPollIntervalMs + 5000 },
        'join',
      )
      if (this.state !== 'joining') throw new KafkaError('join abandoned', { retriable: true })
      const code = res.errorCode
      if (code === ErrorCode.NONE) {
        const nonsense = this.checkJoinResponse(res)
        if (nonsense !== undefined) {
          // Frames carry no checksum: a corrupt JoinGroup answer that still decodes must not become
          // this member's generation (a follower that thinks it leads hands every member nothing).
          this.log.warn(`group ${this.groupId}: JoinGroup answer cannot be right (${nonsense}); joining again`, { groupId: this.groupId })
          throw new KafkaError(`JoinGroup answer cannot be right: ${nonsense}; joining again`, { type: 'CORRUPT_RESPONSE', retriable: true, context: { group: this.groupId } })
        }
        this.memberId = res.memberId
        this.generation = res.generationId
        this.leaderId = res.leader
        this.protocolName = res.protocolName
        this.log.info(`group ${this.groupId}: joined generation ${this.generation} as ${this.memberId} (leader ${this.leaderId}, assignor ${this.protocolName})`, { groupId: this.groupId, generation: this.generation, memberId: this.memberId, leader: this.leaderId, assignor: this.protocolName })
        return res
      }
      if (code === ErrorCode.MEMBER_ID_REQUIRED && attempt < 3) {
        // MEMBER_ID_REQUIRED (KIP-394): join again with the id the broker chose.
        this.memberId = res.memberId
        continue
      }
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = ''
        this.generation = -1
        if (attempt < 3) continue
      }
      const err = brokerError(code, { group: this.groupId })
      if (isCoordinatorMoved(code)) coordinator.invalidate()
      if (retryJoin(code) || code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.MEMBER_ID_REQUIRED) throw new KafkaError(err.message, { code, type: err.type, retriable: true })
      throw this.fatalError(code, err)
    }
  }

  /**
   * Why a successful JoinGroup answer cannot be the coordinator's (a corrupt
   * response that decoded), or undefined: a member id and a generation, an
   * assignor this member offered, the member list only for the leader and
   * with the leader in it (each member once, each subscription decodable),
   * and no skipped assignment for a member without group.instance.id.
   */
  private checkJoinResponse(res: JoinGroupResponse): string | undefined {
    if (res.memberId === '') return 'no member id'
    if (this.memberId !== '' && this.instanceId === null && res.memberId !== this.memberId) return `member id ${res.memberId}, not ${this.memberId}`
    if (res.generationId < 0) return `generation ${res.generationId}`
    if (res.protocolName === null || !this.assignors.some((a) => protocolNameOf(a) === res.protocolName)) return `assignor ${String(res.protocolName)}, which this member did not offer`
    if (res.leader === '') return 'no leader'
    const leads = res.leader === res.memberId
    if (!leads) return res.members.length > 0 ? `${res.members.length} members sent to a follower` : undefined
    if (res.skipAssignment && this.instanceId === null) return 'the leader is told to skip the assignment without group.instance.id'
    if (res.skipAssignment) return undefined
    const ids = new Set<string>()
    for (const m of res.members) {
      if (m.memberId === '' || ids.has(m.memberId)) return `member id "${m.memberId}" is empty or listed twice`
      ids.add(m.memberId)
      try {
        decodeSubscription(m.memberId, m.groupInstanceId, m.metadata)
      } catch (e) {
        return (e as Error).message
      }
    }
    if (!ids.has(res.memberId)) return 'the leader is not in its member list'
    return undefined
  }

  private fatalError(code: number, err: KafkaError): KafkaError {
    if (err instanceof AuthorizationError) return err
    const hint: Partial<Record<ErrorName, string>> = {
      INCONSISTENT_GROUP_PROTOCOL: 'the other members of the group use assignors this consumer does not list in partition.assignment.strategy (or the group uses another protocol type)',
      INVALID_SESSION_TIMEOUT: 'session.timeout.ms is outside the broker\'s group.min.session.timeout.ms..group.max.session.timeout.ms',
      GROUP_MAX_SIZE_REACHED: 'the group has reached the broker\'s group.max.size',
      FENCED_INSTANCE_ID: `another consumer with group.instance.id "${this.instanceId}" has joined the group; this one is fenced`,
    }
    const why = hint[err.type as ErrorName]
    return new KafkaError(why ? `${err.message}: ${why}` : err.message, { code, type: err.type, retriable: false, context: err.context })
  }

  private async sync(join: JoinGroupResponse): Promise<void> {
    const { settings, coordinator } = this.host
    this.transition('syncing', `generation ${join.generationId}`)
    const generation = this.generation
    let assignments: { memberId: string; assignment: Buffer }[] = []
    if (join.leader === join.memberId && !join.skipAssignment) assignments = await this.assignAsLeader(join)
    else if (join.leader !== join.memberId) {
      this.assignedCounts = undefined
      this.missingTopics.stop()
    }
    const res = await coordinator.send(
      SyncGroupApi,
      {
        groupId: this.groupId,
        generationId: generation,
        memberId: this.memberId,
        groupInstanceId: this.instanceId,
        protocolType: 'consumer',
        protocolName: this.protocolName,
        assignments,
      },
      this.requestDeadline(),
      { timeoutMs: settings.maxPollIntervalMs + 5000 },
      'join',
    )
    if (this.state !== 'syncing' || generation !== this.generation) throw new KafkaError('sync abandoned', { retriable: true })
    const code = res.errorCode
    if (code !== ErrorCode.NONE) {
      const err = brokerError(code, { group: this.groupId })
      if (isMemberFenced(code)) this.resetGeneration(code === ErrorCode.UNKNOWN_MEMBER_ID, err.message)
      else if (isCoordinatorMoved(code)) coordinator.invalidate()
      if (retryJoin(code) || isMemberFenced(code)) throw new KafkaError(err.message, { code, type: err.type, retriable: true })
      throw this.fatalError(code, err)
    }
    let assigned: TopicPartition[]
    try {
      assigned = decodeAssignment(res.assignment)
    } catch (e) {
      // Bytes that do not decode as an assignment: a corrupt SyncGroup response (frames carry no checksum)
      // rather than a leader's answer, so not a fatal PROTOCOL error twice in a row, which ended the
      // member for good (CI, 30% corrupted responses: every later poll() threw it). Join again.
      throw new KafkaError(`the SyncGroup answer's assignment does not decode (${(e as Error).message}); joining again`, {
        type: 'CORRUPT_RESPONSE', retriable: true, cause: e, context: { group: this.groupId },
      })
    }
    // As Java: an assignment outside the subscription (or of a partition the topic does not have) cannot
    // come from this group's leader; here it is a corrupt SyncGroup response. Join again.
    const foreign = assigned.find((tp) => {
      const info = this.host.cluster.topic(tp.topic)
      return !this.host.subscriptions.matches(tp.topic) || tp.partition < 0 || (info !== undefined && info.errorCode === ErrorCode.NONE && tp.partition >= info.partitions.length)
    })
    if (foreign !== undefined) {
      throw new KafkaError(`the assignment names ${foreign.topic}-${foreign.partition}, which this member's subscription does not cover; joining again`, {
        type: 'CORRUPT_RESPONSE', retriable: true, context: { group: this.groupId },
      })
    }
    this.transition('stable', `generation ${generation}, ${assigned.length} partitions`)
    this.lastHeartbeatOk = Date.now()
    await this.onJoinComplete(assigned)
  }

  /** The leader's part: run the chosen assignor over every member's subscription. */
  private async assignAsLeader(join: JoinGroupResponse): Promise<{ memberId: string; assignment: Buffer }[]> {
    const { cluster } = this.host
    const assignor = this.assignors.find((a) => protocolNameOf(a) === join.protocolName)
    if (!assignor) {
      throw new KafkaError(`the coordinator chose assignor "${join.protocolName}", which this consumer did not offer`, { type: 'INCONSISTENT_GROUP_PROTOCOL', code: ErrorCode.INCONSISTENT_GROUP_PROTOCOL })
    }
    const members = join.members.map((m) => decodeSubscription(m.memberId, m.groupInstanceId, m.metadata))
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
    cluster.watch(topics)
    await this.leaderMetadata(topics)
    const counts = new Map<string, number>()
    // every subscribed topic, 0 for one not (yet) usable (unknown, not authorized):
    // checkMetadata rejoins when it gets partitions
    const seen = new Map<string, number>()
    for (const t of topics) {
      const info = cluster.topic(t)
      if (info && info.errorCode === ErrorCode.NONE && info.partitions.length > 0) counts.set(t, info.partitions.length)
      seen.set(t, counts.get(t) ?? 0)
    }
    let result = assignor.assign(counts, members)
    if (this.protocol === 'cooperative') result = cooperativeAdjust(result, members)
    this.assignedCounts = seen
    // a topic assigned without partitions (not created yet): keep asking until it appears, then rejoin
    this.missingTopics.track(topics.filter((t) => !counts.has(t)))
    this.log.debug(`group ${this.groupId}: leader assigned ${[...result].map(([m, tps]) => `${m}=[${tps.map((t) => `${t.topic}-${t.partition}`).join(',')}]`).join(' ')}`)
    return members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment(result.get(m.memberId) ?? [], assignor.wireVersion) }))
  }

  /**
   * Makes the cluster's metadata fit for the leader's assignment. The Metadata
   * answer asked for when the join began is used when it covered every
   * member's topics and found each of them (Java assigns from the metadata it
   * holds unless an update is pending, and a missing topic makes one
   * pending); otherwise, and when it failed, metadata is asked for again now,
   * after JoinGroup answered.
   */
  private async leaderMetadata(topics: string[]): Promise<void> {
    const { cluster } = this.host
    const early = this.joinMetadata
    this.joinMetadata = undefined
    if (early && topics.every((t) => early.topics.has(t)) && await early.done && topics.every((t) => topicUsable(cluster, t))) return
    await cluster.refreshMetadata(topics)
  }

  private async onJoinComplete(assigned: TopicPartition[]): Promise<void> {
    const owned = this.host.subscriptions.assignment()
    const next = new Set(assigned.map((t) => tpKey(t.topic, t.partition)))
    const have = new Set(owned.map((t) => tpKey(t.topic, t.partition)))
    const revoked = owned.filter((t) => !next.has(tpKey(t.topic, t.partition)))
    const added = assigned.filter((t) => !have.has(tpKey(t.topic, t.partition)))
    if (revoked.length > 0) {
      await this.host.revoke(revoked, false)
      if (this.protocol === 'cooperative') this.requestRejoin(`${revoked.length} partitions revoked for reassignment`)
    }
    await this.host.assign(added)
  }

  private resetGeneration(resetMemberId: boolean, why: string): void {
    this.log.warn(`group ${this.groupId}: member ${this.memberId} loses generation ${this.generation}: ${why}`, { groupId: this.groupId, memberId: this.memberId, generation: this.generation })
    this.generation = -1
    if (resetMemberId) this.memberId = ''
    if (this.state !== 'unjoined' && this.state !== 'closed') this.transition('unjoined', why)
    this.requestRejoin(why)
  }

  // --- heartbeats -----------------------------------------------------------

  private startHeartbeats(): void {
    if (!this.heartbeatTimer && !this.heartbeating) this.scheduleHeartbeat(this.host.settings.heartbeatIntervalMs)
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = undefined
  }

  private scheduleHeartbeat(ms: number): void {
    this.stopHeartbeats()
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = undefined
      this.heartbeat().catch((e) => this.log.debug(`heartbeat failed: ${(e as Error).message}`))
    }, ms)
    this.heartbeatTimer.unref()
  }

  private async heartbeat(): Promise<void> {
    const { settings, coordinator } = this.host
    if (this.state !== 'stable' && this.state !== 'syncing') return
    if (Date.now() - this.host.lastPollAt() > settings.maxPollIntervalMs) {
      await this.pollTimeoutExpired()
      return
    }
    const generation = this.generation
    this.heartbeating = true
    let code: number
    try {
      const res = await coordinator.send(
        HeartbeatApi,
        { groupId: this.groupId, generationId: generation, memberId: this.memberId, groupInstanceId: this.instanceId },
        this.requestDeadline(),
      )
      code = res.errorCode
    } catch (e) {
      this.log.debug(`group ${this.groupId}: heartbeat failed: ${(e as Error).message}`)
      if (Date.now() - this.lastHeartbeatOk > settings.sessionTimeoutMs) coordinator.invalidate()
      if (this.state === 'stable' || this.state === 'syncing') this.scheduleHeartbeat(settings.retryBackoffMs)
      return
    } finally {
      this.heartbeating = false
    }
    if (generation !== this.generation || (this.state !== 'stable' && this.state !== 'syncing')) {
      if ((this.state === 'stable' || this.state === 'syncing') && !this.heartbeatTimer) this.scheduleHeartbeat(settings.heartbeatIntervalMs)
      return
    }
    let next = settings.heartbeatIntervalMs
    if (code !== ErrorCode.FENCED_INSTANCE_ID) this.fenceAnswer.reset()
    switch (code) {
      case ErrorCode.NONE:
        this.lastHeartbeatOk = Date.now()
        break
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.lastHeartbeatOk = Date.now()
        if (this.state === 'stable') this.requestRejoin('the group is rebalancing')
        break
      case ErrorCode.ILLEGAL_GENERATION:
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.resetGeneration(code === ErrorCode.UNKNOWN_MEMBER_ID, brokerError(code, { group: this.groupId }).message)
        return
      case ErrorCode.FENCED_INSTANCE_ID: {
        const err = brokerError(code, { group: this.groupId })
        // Fatal, so believed only when the next heartbeat repeats it (one damaged answer can carry any
        // code), and never for a member without group.instance.id, which no broker fences this way.
        if (this.instanceId === null || !this.fenceAnswer.believe(err)) {
          this.log.info(`group ${this.groupId}: heartbeat answered ${err.message}; asking again to confirm it`, { groupId: this.groupId })
          next = settings.retryBackoffMs
          break
        }
        this.fatal = this.fatalError(code, err)
        this.transition('unjoined', 'fenced')
        this.host.wake()
        return
      }
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
        if (isCoordinatorMoved(code)) coordinator.invalidate()
        next = settings.retryBackoffMs
        break
      default:
        this.log.debug(`group ${this.groupId}: heartbeat error ${brokerError(code).message}`)
    }
    this.scheduleHeartbeat(next)
  }

  /** max.poll.interval.ms passed without a poll: leave like Java does. */
  private async pollTimeoutExpired(): Promise<void> {
    const reason = `consumer poll timeout has expired: no poll() within max.poll.interval.ms (${this.host.settings.maxPollIntervalMs} ms); ` +
      'the member leaves the group; process fewer records per poll (max.poll.records) or raise max.poll.interval.ms'
    this.log.warn(`group ${this.groupId}: ${reason}`, { groupId: this.groupId, memberId: this.memberId })
    await this.sendLeave(reason, this.requestDeadline())
    this.resetGeneration(true, 'poll timeout expired')
  }

  private async sendLeave(reason: string, deadline: number): Promise<void> {
    if (this.instanceId !== null || this.memberId === '' || this.state === 'unjoined') return
    const { coordinator } = this.host
    try {
      const version = await coordinator.versionOf(LeaveGroupApi as ApiDescriptor<unknown, unknown>, deadline)
      const res = await coordinator.send(
        LeaveGroupApi,
        version >= 3
          ? { groupId: this.groupId, members: [{ memberId: this.memberId, groupInstanceId: null, reason }] }
          : { groupId: this.groupId, memberId: this.memberId },
        deadline,
        { timeoutMs: Math.max(1, Math.min(this.host.settings.requestTimeoutMs, deadline - Date.now())) },
      )
      this.log.info(`group ${this.groupId}: member ${this.memberId} left (${res.errorCode === ErrorCode.NONE ? 'ok' : brokerError(res.errorCode).message})`, { groupId: this.groupId, memberId: this.memberId })
    } catch (e) {
      this.log.debug(`group ${this.groupId}: LeaveGroup failed: ${(e as Error).message}`)
    }
  }

  async leave(reason: string, deadline: number): Promise<void> {
    this.stopHeartbeats()
    await this.sendLeave(reason, deadline)
    this.generation = -1
    this.memberId = ''
    if (this.state !== 'unjoined' && this.state !== 'closed') this.transition('unjoined', reason)
    this.needRejoin = true
  }

  close(): void {
    if (this.state !== 'closed') this.transition('closed', 'consumer closed')
    this.stopHeartbeats()
    this.missingTopics.stop()
  }
}
