/**
 * Share group membership (KIP-932): one ShareGroupHeartbeat loop to the
 * group coordinator. The broker assigns partitions; a share group has no
 * revocation protocol (records, not partitions, are owned), so a new
 * assignment replaces the old one at once.
 *
 * States: unjoined → joining (epoch 0 sent) → stable (epoch > 0); fenced
 * (FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID: the assignment is dropped and the
 * member joins again with epoch 0); leaving (epoch -1); closed.
 *
 * Contract:
 * - `start()` checks, on the coordinator's connection, that the broker
 *   offers ShareGroupHeartbeat: a broker without share groups (Kafka 3.x)
 *   fails it with UNSUPPORTED_VERSION at once, not after a timeout.
 * - Heartbeats run in the background at the interval the broker asks for;
 *   coordinator moves and retriable errors are retried after
 *   `retry.backoff.ms`; other errors are kept for the next poll to throw
 *   once the next heartbeat (one `retry.backoff.ms` later) repeats them
 *   (cluster/confirm.ts).
 */
import { randomBytes } from 'node:crypto'
import type { Cluster } from '../cluster/cluster.js'
import { Confirmation } from '../cluster/confirm.js'
import { Coordinator } from '../cluster/router.js'
import { sleep, until } from '../cluster/wait.js'
import { brokerError, KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import { isCoordinatorLoading, isCoordinatorMoved, isMemberFenced, isRetriable } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import { ShareGroupHeartbeatApi, type ShareGroupHeartbeatResponse } from '../protocol/messages/share-group-heartbeat.js'
import type { ApiDescriptor } from '../protocol/api.js'

export type ShareMemberState = 'unjoined' | 'joining' | 'stable' | 'fenced' | 'leaving' | 'closed'

export interface ShareMembershipHost {
  cluster: Cluster
  groupId: string
  rackId: string | null
  log: Log
  requestTimeoutMs: number
  retryBackoffMs: number
  /** The subscribed topic names. */
  topics(): string[]
  /** The assignment changed (topic id → partitions). */
  onAssignment(assignment: Map<string, number[]>): void
  /** An error the next poll should throw. */
  onError(e: KafkaError): void
}

export class ShareMembership {
  readonly memberId = randomBytes(16).toString('base64url')
  state: ShareMemberState = 'unjoined'
  epoch = 0
  private readonly host: ShareMembershipHost
  private readonly coordinator: Coordinator
  private intervalMs = 5000
  private timer: NodeJS.Timeout | undefined
  private sending: Promise<void> | undefined
  private again = false
  private joinedWaiters: (() => void)[] = []
  /** A fatal heartbeat answer is believed when the next heartbeat repeats it (confirm.ts). */
  private readonly fatal = new Confirmation()

  constructor(host: ShareMembershipHost) {
    this.host = host
    this.coordinator = new Coordinator(host.cluster, 'group', host.groupId)
  }

  /** Fails with UNSUPPORTED_VERSION when the coordinator has no share groups; else starts heartbeating. */
  async start(deadline: number): Promise<void> {
    const version = await this.coordinator.versionOf(ShareGroupHeartbeatApi as ApiDescriptor<unknown, unknown>, deadline)
    if (version < 0) {
      throw new KafkaError(
        `share groups need a broker with ShareGroupHeartbeat (KIP-932, Kafka 4.0+ with share.version enabled); the coordinator of group "${this.host.groupId}" does not offer it`,
        { type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION, context: { group: this.host.groupId } },
      )
    }
    if (this.state === 'unjoined') {
      this.state = 'joining'
      this.heartbeatNow()
    }
  }

  /** Resolves once the member has an epoch (or the deadline passes). */
  async joined(deadline: number): Promise<void> {
    if (this.state === 'stable') return
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, Math.max(0, deadline - Date.now()))
      function done() {
        clearTimeout(t)
        resolve()
      }
      this.joinedWaiters.push(done)
    })
  }

  /** Sends a heartbeat now (subscription changed, joining). */
  heartbeatNow(): void {
    if (this.state === 'closed' || this.state === 'unjoined') return
    if (this.sending) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    this.timer = undefined
    this.sending = this.beat().finally(() => {
      this.sending = undefined
      if (this.again) {
        this.again = false
        this.heartbeatNow()
      } else this.schedule(this.intervalMs)
    })
  }

  private schedule(ms: number): void {
    if (this.state === 'closed' || this.state === 'leaving') return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.heartbeatNow(), ms)
    this.timer.unref?.()
  }

  private async beat(): Promise<void> {
    const epoch = this.epoch
    let res: ShareGroupHeartbeatResponse
    try {
      res = await this.coordinator.send(
        ShareGroupHeartbeatApi,
        { groupId: this.host.groupId, memberId: this.memberId, memberEpoch: epoch, rackId: this.host.rackId, subscribedTopicNames: this.host.topics() },
        Date.now() + this.host.requestTimeoutMs,
      )
    } catch (e) {
      this.host.log.debug(`share group ${this.host.groupId}: heartbeat failed: ${(e as Error).message}`)
      this.again = false
      await sleep(this.host.retryBackoffMs)
      if (this.state !== 'closed') this.again = true
      return
    }
    if (this.state === 'closed' || this.state === 'leaving') return
    const code = res.errorCode
    if (code !== ErrorCode.NONE) {
      if (isCoordinatorMoved(code)) this.coordinator.invalidate()
      if (isMemberFenced(code)) {
        this.fatal.reset()
        this.host.log.info(`share group ${this.host.groupId}: member fenced (${res.errorMessage ?? code}); joining again`)
        this.epoch = 0
        this.state = 'fenced'
        this.host.onAssignment(new Map())
        this.again = true
        return
      }
      if (isCoordinatorMoved(code) || isCoordinatorLoading(code) || isRetriable(code)) {
        this.fatal.reset()
        await sleep(this.host.retryBackoffMs)
        this.again = true
        return
      }
      const err = brokerError(code, { group: this.host.groupId }, res.errorMessage)
      if (!this.fatal.believe(err)) {
        // Frames carry no checksum: one damaged answer can carry any code.
        this.host.log.debug(`share group ${this.host.groupId}: heartbeat answered ${err.message}; asking again to confirm it`)
        await sleep(this.host.retryBackoffMs)
        this.again = true
        return
      }
      this.host.onError(err)
      this.intervalMs = Math.max(this.intervalMs, this.host.retryBackoffMs)
      return
    }
    this.fatal.reset()
    this.epoch = res.memberEpoch
    if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs
    if (this.state !== 'stable') {
      this.state = 'stable'
      for (const w of this.joinedWaiters.splice(0)) w()
    }
    if (res.assignment) {
      const assignment = new Map<string, number[]>()
      for (const t of res.assignment.topicPartitions) assignment.set(t.topicId, [...t.partitions].sort((a, b) => a - b))
      this.host.onAssignment(assignment)
    }
  }

  /** Leaves the group (epoch -1), within `deadline`. */
  async leave(deadline: number): Promise<void> {
    const wasMember = this.state === 'stable' || this.state === 'joining'
    this.state = 'leaving'
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.sending) await until(this.sending, deadline)
    if (!wasMember) return
    try {
      await this.coordinator.send(ShareGroupHeartbeatApi, { groupId: this.host.groupId, memberId: this.memberId, memberEpoch: -1, subscribedTopicNames: null }, deadline)
    } catch (e) {
      this.host.log.debug(`share group ${this.host.groupId}: leave failed: ${(e as Error).message}`)
    }
  }

  close(): void {
    this.state = 'closed'
    clearTimeout(this.timer)
    this.timer = undefined
    for (const w of this.joinedWaiters.splice(0)) w()
  }
}
