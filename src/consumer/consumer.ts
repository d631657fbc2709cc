/**
 * Consumer: the Java KafkaConsumer's API on samsa's engine.
 *
 * Contract (see docs/consumer.md):
 * - The config is validated in the constructor (ConfigError); sockets open
 *   lazily on first use; `close()` releases every socket and timer.
 * - `poll(timeoutMs)` resolves with up to `max.poll.records` records as soon
 *   as any are available, or empty when the timeout passes. It drives group
 *   membership (rebalances and their listener callbacks run inside poll),
 *   position look-ups and auto-commit; fetching runs ahead in the background.
 *   A rebalance that outlasts one poll goes on in the background; no poll
 *   returns records of a partition while its listener callback runs.
 *   Errors the fetcher met (OFFSET_OUT_OF_RANGE with auto.offset.reset=none,
 *   corrupt data, authorization) are thrown by the next poll. One poll at a
 *   time: a concurrent call rejects.
 * - `wakeup()` makes a pending poll, or else the next one, reject with
 *   WakeupError.
 * - `commitSync` / `commitAsync` keep order; with no argument they commit the
 *   positions reached by the records poll has returned, never beyond.
 */
import { Cluster } from '../cluster/cluster.js'
import type { TopicInfo } from '../cluster/metadata.js'
import { sleep, until, Waker } from '../cluster/wait.js'
import { Log } from '../logger.js'
import { consumerSchema, type ConsumerConfig, type ConsumerConfigInput } from '../config/consumer.js'
import { parseConfig } from '../config/validate.js'
import { configFromProperties } from '../config/properties.js'
import * as args from '../util/arguments.js'
import { AbortError, brokerError, ConfigError, KafkaError, WakeupError } from '../errors.js'
import { abortable, abortError, checkSignal, onAbort, throwIfAborted } from '../util/abort.js'
import { listOffsets } from '../cluster/offsets.js'
import { agreedAnswers, Confirmation, outsideTable } from '../cluster/confirm.js'
import { deserializers, isDeserializer, javaDeserializers, type DeserializedType, type Deserializer, type JavaDeserializerName } from '../serde/serde.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { Committer } from './commits.js'
import { drainPartition, type DrainOptions } from './fetch-buffer.js'
import { ClassicMembership } from './group/classic.js'
import { ConsumerGroupMembership } from './group/consumer-group.js'
import { GroupCoordinator } from '../cluster/router.js'
import type { ConsumerGroupMetadata, Membership, MembershipHost } from './group/membership.js'
import { SubscriptionState, tpKey, type PartitionState } from './positions.js'
import { ConsumerMetricsRecorder } from '../metrics/consumer.js'
import { CONNECTION_LISTENERS } from '../metrics/network.js'
import { clientMetrics, type ClientMetrics } from '../metrics/index.js'
import { ConsumerInterceptors, type ConsumerInterceptor } from '../instrumentation/interceptors.js'
import { Tracing } from '../instrumentation/opentelemetry.js'
import { ConsumerRecords, type ConsumerRecord } from './records.js'
import { consumerSettings, type ConsumerSettings } from './settings.js'
import { Fetcher } from './source.js'
import { Span, tracing, type ConnectionObserver, type RebalanceContext } from '../network/diagnostics.js'
import { ErrorCode } from '../protocol/errors.js'

export interface ConsumerRebalanceListener {
  /** Before partitions move away (commit their offsets here for at-least-once). Awaited. */
  onPartitionsRevoked?(tps: TopicPartition[]): void | Promise<void>
  /** After partitions are assigned (called on every rebalance, possibly with none). Awaited. */
  onPartitionsAssigned?(tps: TopicPartition[]): void | Promise<void>
  /** When partitions were lost without a chance to commit (fenced, session expired). Defaults to onPartitionsRevoked. Awaited. */
  onPartitionsLost?(tps: TopicPartition[]): void | Promise<void>
}

export type { ConsumerGroupMetadata } from './group/membership.js'

/** A deserializer object, or the class name of one of Java's built-in deserializers. */
export type DeserializerOption = Deserializer<any> | JavaDeserializerName // eslint-disable-line @typescript-eslint/no-explicit-any

/** A deserializer option that stands for values of type T. */
type DeserializerOptionFor<T> = Deserializer<T> | Deserializer<T | null> | JavaDeserializerName | undefined

/**
 * The consumer's config as users write it (Java property names). `KD` and
 * `VD` are the types of `key.deserializer` and `value.deserializer`, from
 * which the constructor infers the key and value types (as the producer's
 * `ProducerConfigInput` does with its serializers).
 */
export type ConsumerOptions<KD = DeserializerOption | undefined, VD = DeserializerOption | undefined> =
  Omit<ConsumerConfigInput, 'key.deserializer' | 'value.deserializer'> & {
    'key.deserializer'?: KD
    'value.deserializer'?: VD
  }

export interface CloseOptions {
  /** Upper bound on closing (final commit, leaving the group). Default 30000. */
  timeoutMs?: number
  /**
   * Cuts the close short as the timeout would (the steps left are skipped,
   * every socket and timer is released), then rejects with an AbortError. A
   * signal aborted before the call closes nothing.
   */
  signal?: AbortSignal
}

/**
 * Cancellation for a consumer call that can wait: when `signal` fires the
 * call rejects with an AbortError (`cause`: the signal's reason) and the
 * consumer stays usable. A signal already aborted rejects at once.
 */
export interface PollOptions {
  signal?: AbortSignal
}

/** Options of the calls that take a deadline (`commitSync`, `position`, `committed`, offset look-ups). */
/** What commitAsync reports: the error (null on success) and the offsets it tried to commit (Java's OffsetCommitCallback). */
export type OffsetCommitCallback = (error: KafkaError | null, offsets: TopicPartitionOffset[]) => void

export interface ApiCallOptions {
  /** Deadline of the call; default `default.api.timeout.ms`. */
  timeoutMs?: number
  signal?: AbortSignal
}

export function resolveDeserializer(v: unknown, key: string): Deserializer<unknown> {
  if (v === undefined || v === null) return deserializers.buffer
  if (typeof v === 'string') {
    const d = (javaDeserializers as Record<string, Deserializer<unknown>>)[v]
    if (!d) throw new ConfigError(`"${key}" = ${JSON.stringify(v)}: unknown deserializer class; expected one of ${Object.keys(javaDeserializers).join(', ')} or an object with deserialize()`, { context: { key } })
    return d
  }
  if (isDeserializer(v)) return v
  throw new ConfigError(`"${key}": expected an object with deserialize(topic, data, headers) or a Java deserializer class name`, { context: { key } })
}

/** `t-0, t-1, u-3` for log lines. */
function tpList(tps: TopicPartition[]): string {
  return tps.length === 0 ? '(none)' : tps.map((t) => `${t.topic}-${t.partition}`).join(', ')
}

const NO_GROUP = 'this operation needs a consumer group: set "group.id" in the consumer config'

class ConsumerImpl<K = Buffer, V = Buffer> implements AsyncIterable<ConsumerRecord<K, V>> {
  readonly config: ConsumerConfig
  /** The config translated once for the parts (and the poll loop). */
  private readonly settings: ConsumerSettings
  private readonly cluster: Cluster
  private readonly log: Log
  private readonly subscriptions = new SubscriptionState()
  private readonly fetcher: Fetcher
  private readonly committer: Committer | undefined
  private readonly coordinator: GroupCoordinator | undefined
  private membership: Membership | undefined
  private listener: ConsumerRebalanceListener | undefined
  private readonly drainOptions: DrainOptions<K, V>
  private readonly errors: KafkaError[] = []
  /** The metadata snapshot (updatedAt) whose unauthorized topics a poll has reported. */
  private deniedReportedAt = -1
  /**
   * Per subscribed topic the metadata reports as TOPIC_AUTHORIZATION_FAILED: the reading that first
   * said so. A different reading saying it too confirms it (src/cluster/confirm.ts): snapshots never
   * bring an earlier reading back, so the denial stays confirmed while the topic stays denied.
   */
  private readonly deniedReadings = new Map<string, TopicInfo>()
  /** A non-retriable position look-up failure is reported only when the next look-up repeats it (src/cluster/confirm.ts). */
  private readonly lookupConfirmation = new Confirmation()
  private lastPoll = Date.now()
  /** When poll was last called (-1: never), for the poll metrics. */
  private lastPollStart = -1
  /** When the rebalance in progress started (-1: none). */
  private rebalanceStart = -1
  /** The `samsa:rebalance` trace of the rebalance under way (only with subscribers). */
  private rebalanceSpan: Span<RebalanceContext> | undefined
  private readonly recorder: ConsumerMetricsRecorder
  /** `interceptor.classes`; undefined when there are none. */
  private readonly interceptors: ConsumerInterceptors<unknown, unknown> | undefined
  /** OpenTelemetry spans; undefined when tracing is off (decided once, in the constructor). */
  private readonly tracing: Tracing | undefined
  private nextAutoCommit = 0
  private polling = false
  private closed = false
  private closing = false
  private drainStart = 0
  /** Resolves the current poll's wait (data, rebalance, wakeup, error). */
  private readonly waker = new Waker()
  /** Work started by unsubscribe()/subscribe() that the next call awaits. */
  private pendingLeave: Promise<void> | undefined
  private readonly initialising = new Set<Promise<void>>()
  /** Called on wakeup() and close() to end waits on work that goes on (a rebalance). */
  private readonly interrupters = new Set<() => void>()

  /**
   * A consumer from a Java client `.properties` file (a path, or the text itself),
   * `overrides` applied last. Keys of Java's clients that mean nothing here
   * (`interceptor.classes`, `send.buffer.bytes`, `client.dns.lookup`, ...) are
   * ignored with a logged warning; see docs/compatibility.md.
   */
  static fromProperties(source: string, overrides: Record<string, unknown> = {}): ConsumerImpl<unknown, unknown> {
    return new ConsumerImpl(configFromProperties(source, 'consumer', overrides) as ConsumerOptions) as ConsumerImpl<unknown, unknown>
  }

  constructor(config: ConsumerOptions) {
    this.config = parseConfig(consumerSchema, config, 'consumer')
    if (this.config['group.instance.id'] !== undefined && this.config['group.id'] === undefined) {
      throw new ConfigError('"group.instance.id" needs "group.id": static membership is membership of a group', { context: { key: 'group.instance.id' } })
    }
    if (this.config['heartbeat.interval.ms'] >= this.config['session.timeout.ms']) {
      throw new ConfigError(
        `"heartbeat.interval.ms" = ${this.config['heartbeat.interval.ms']}: expected less than session.timeout.ms (${this.config['session.timeout.ms']})`,
        { context: { key: 'heartbeat.interval.ms' } },
      )
    }
    const settings = consumerSettings(this.config)
    this.settings = settings
    this.drainOptions = {
      keyDeserializer: resolveDeserializer(this.config['key.deserializer'], 'key.deserializer') as Deserializer<K | null>,
      valueDeserializer: resolveDeserializer(this.config['value.deserializer'], 'value.deserializer') as Deserializer<V | null>,
      ...settings.drain,
    }
    this.cluster = new Cluster(this.config, 'consumer')
    this.log = Log.of(this.cluster, 'consumer')
    const self = this
    const interceptors = (this.config['interceptor.classes'] ?? []) as ConsumerInterceptor[]
    this.interceptors = interceptors.length > 0 ? new ConsumerInterceptors(interceptors, this.log) : undefined
    this.tracing = Tracing.of(this.config, this.config['group.id'])
    this.recorder = new ConsumerMetricsRecorder(this.cluster.metrics, this.config['client.id'], {
      assignedPartitions: () => this.subscriptions.size,
      lastPollAt: () => this.lastPollStart,
    })
    this.fetcher = new Fetcher({
      settings: settings.fetch,
      cluster: this.cluster,
      subscriptions: this.subscriptions,
      metrics: this.recorder,
      groupId: this.config['group.id'],
      onData: () => this.notify(),
      onError: (e) => {
        this.errors.push(e)
        this.notify()
      },
      onReset: () => this.notify(),
    })
    const groupId = this.config['group.id']
    if (groupId !== undefined) {
      this.coordinator = new GroupCoordinator(this.cluster, groupId)
      this.committer = new Committer({
        settings: settings.commits,
        coordinator: this.coordinator,
        identity: () => self.membership?.identity() ?? { generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null },
        onFenced: (e) => self.membership?.onFenced(e),
        onCommitted: (offsets, latencyMs, error) => {
          this.recorder.committed(latencyMs)
          if (error === undefined) this.interceptors?.onCommit(offsets)
        },
      })
    }
  }

  // --- subscription ---------------------------------------------------------

  /** Joins the group for these topics (or every topic matching the pattern). */
  subscribe(topics: string[] | RegExp, listener?: ConsumerRebalanceListener): void {
    this.checkOpen()
    if (this.coordinator === undefined) throw new KafkaError(`subscribe(): ${NO_GROUP}`, { type: 'INVALID_GROUP_ID' })
    if (listener !== undefined && listener !== null) {
      // A listener that is not one would otherwise fail at the first rebalance, inside the group's state machine.
      const l = args.object('subscribe(): listener', listener, 'a ConsumerRebalanceListener ({ onPartitionsAssigned?, onPartitionsRevoked?, onPartitionsLost? })')
      for (const k of ['onPartitionsAssigned', 'onPartitionsRevoked', 'onPartitionsLost']) {
        if (l[k] !== undefined && typeof l[k] !== 'function') args.invalid(`subscribe(): listener.${k}`, 'a function', l[k])
      }
    }
    if (topics instanceof RegExp) {
      this.subscriptions.subscribePattern(topics)
      this.cluster.watchAllTopics()
    } else {
      if (!Array.isArray(topics)) throw new KafkaError('subscribe(): expected an array of topic names or a RegExp', { type: 'INVALID_ARGUMENT' })
      if (topics.length === 0) {
        this.unsubscribe()
        return
      }
      for (const t of topics) {
        if (typeof t !== 'string' || t.trim() === '') throw new KafkaError(`subscribe(): invalid topic name ${JSON.stringify(t)}`, { type: 'INVALID_ARGUMENT' })
      }
      this.subscriptions.subscribeTopics(topics)
      this.cluster.watch(topics)
    }
    this.listener = listener
    this.deniedReadings.clear()
    if (!this.membership) this.membership = this.newMembership()
    else this.membership.checkMetadata()
    this.notify()
  }

  private newMembership(): Membership {
    const self = this
    const host: MembershipHost = {
      settings: this.settings.membership,
      cluster: this.cluster,
      coordinator: this.coordinator!,
      subscriptions: this.subscriptions,
      lastPollAt: () => self.lastPoll,
      revoke: (tps, lost) => self.revokePartitions(tps, lost),
      assign: (tps) => self.assignPartitions(tps),
      wake: () => self.notify(),
      subscribedTopics: () => self.subscribedTopics(),
    }
    return this.config['group.protocol'] === 'consumer' ? new ConsumerGroupMembership(host) : new ClassicMembership(host)
  }

  /** Manual assignment, without group membership. */
  assign(partitions: TopicPartition[]): void {
    this.checkOpen()
    args.topicPartitions('assign(): partitions', partitions)
    if (partitions.length === 0) {
      this.unsubscribe()
      return
    }
    this.subscriptions.assignManually(partitions)
    this.cluster.watch(new Set(partitions.map((p) => p.topic)))
    this.notify()
  }

  /** Leaves the group (revoking partitions through the listener) and forgets subscription and assignment. */
  unsubscribe(): void {
    this.checkOpen()
    const membership = this.membership
    if (membership) {
      this.membership = undefined
      const owned = this.subscriptions.assignment()
      const consumed = this.subscriptions.allConsumed()
      const listener = this.listener
      const previous = this.pendingLeave ?? Promise.resolve()
      this.pendingLeave = previous
        .then(async () => {
          await this.revokePartitions(owned, !membership.ownsAssignment, { consumed, unassign: false, listener })
          await membership.leave('the consumer unsubscribed', Date.now() + this.config['default.api.timeout.ms'])
          membership.close()
        })
        .catch((e) => this.log.debug(`unsubscribe: ${(e as Error).message}`))
        .finally(() => {
          this.pendingLeave = undefined
        })
    }
    this.subscriptions.unsubscribe()
    this.deniedReadings.clear()
    this.listener = undefined
  }

  /** Subscribed topics: the list, or for a pattern the existing topics it matches. */
  subscription(): string[] {
    return this.subscribedTopics()
  }

  private subscribedTopics(): string[] {
    const s = this.subscriptions
    if (s.type === 'pattern') {
      const out: string[] = []
      for (const t of this.cluster.snapshot.topics.values()) {
        if (t.errorCode !== ErrorCode.NONE || (t.isInternal && this.settings.poll.excludeInternalTopics)) continue
        if (s.matches(t.name)) out.push(t.name)
      }
      return out.sort()
    }
    return s.type === 'none' ? [] : [...s.topics]
  }

  assignment(): TopicPartition[] {
    return this.subscriptions.assignment()
  }

  // --- rebalance callbacks (called by membership from poll) ---------------

  /**
   * Partitions leave: auto-commit their positions (unless lost), run the
   * listener, then unassign them. `consumed` and `unassign` serve
   * unsubscribe(), which clears the assignment at once and revokes after.
   */
  private async revokePartitions(
    tps: TopicPartition[],
    lost: boolean,
    { consumed = this.subscriptions.allConsumed(), unassign = true, listener = this.listener }: { consumed?: TopicPartitionOffset[]; unassign?: boolean; listener?: ConsumerRebalanceListener | undefined } = {},
  ): Promise<void> {
    if (tps.length === 0) return
    this.log[lost ? 'warn' : 'info'](`partitions ${lost ? 'lost' : 'revoked'}: ${tpList(tps)}`, { groupId: this.config['group.id'], partitions: tps.map((t) => ({ topic: t.topic, partition: t.partition })) })
    if (!lost && this.settings.poll.autoCommit && this.committer) {
      const offsets = consumed.filter((o) => tps.some((t) => t.topic === o.topic && t.partition === o.partition))
      try {
        await this.committer.commitSync(offsets, Date.now() + this.settings.poll.commitTimeoutMs)
      } catch (e) {
        this.log.warn(`auto-commit before revoking partitions failed: ${(e as Error).message}`, { groupId: this.config['group.id'], error: e })
      }
    }
    const l = listener
    const flagged = this.flagInCallback(tps)
    try {
      if (lost) await (l?.onPartitionsLost ? l.onPartitionsLost(tps) : l?.onPartitionsRevoked?.(tps))
      else await l?.onPartitionsRevoked?.(tps)
    } catch (e) {
      this.log.warn(`rebalance listener ${lost ? 'onPartitionsLost' : 'onPartitionsRevoked'} threw: ${(e as Error).message}`, { groupId: this.config['group.id'], error: e })
    } finally {
      for (const s of flagged) s.inCallback = false
      if (unassign) {
        this.subscriptions.removePartitions(tps)
        for (const tp of tps) this.recorder.unassigned(tp.topic, tp.partition)
      }
    }
  }

  private async assignPartitions(tps: TopicPartition[]): Promise<void> {
    this.log.info(`partitions assigned: ${tpList(tps)}`, { groupId: this.config['group.id'], partitions: tps.map((t) => ({ topic: t.topic, partition: t.partition })) })
    this.subscriptions.addPartitions(tps)
    this.cluster.watch(new Set(tps.map((t) => t.topic)))
    const flagged = this.flagInCallback(tps)
    try {
      await this.listener?.onPartitionsAssigned?.(tps)
    } catch (e) {
      this.log.warn(`rebalance listener onPartitionsAssigned threw: ${(e as Error).message}`, { groupId: this.config['group.id'], error: e })
    } finally {
      for (const s of flagged) s.inCallback = false
    }
    this.fetcher.wake()
    this.notify()
  }

  /**
   * Marks partitions whose listener callback is about to run: a rebalance
   * outlasting one poll goes on in the background, and the polls meanwhile
   * must not fetch or return their records (the callback may be restoring
   * state, seeking or committing).
   */
  private flagInCallback(tps: TopicPartition[]): PartitionState[] {
    if (!this.listener) return []
    const out: PartitionState[] = []
    for (const tp of tps) {
      const s = this.subscriptions.get(tp.topic, tp.partition)
      if (s) {
        s.inCallback = true
        out.push(s)
      }
    }
    return out
  }

  // --- poll -----------------------------------------------------------------

  /**
   * Up to `max.poll.records` records, as soon as some are available, or none
   * once `timeoutMs` has passed.
   */
  async poll(timeoutMs: number, options: PollOptions = {}): Promise<ConsumerRecords<K, V>> {
    this.checkOpen()
    if (this.polling) throw new KafkaError('poll() called while another poll() is pending: a consumer is polled from one loop', { type: 'ILLEGAL_STATE' })
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new KafkaError(`poll(): timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, { type: 'INVALID_ARGUMENT' })
    const signal = checkSignal(options?.signal, 'poll()')
    throwIfAborted(signal, 'poll()')
    this.takeWakeup()
    this.polling = true
    // An abort ends the wait like wakeup() does, but only for this poll. Records are
    // never drained and then dropped: once collected they are returned.
    const removeAbort = onAbort(signal, () => {
      this.notify()
      for (const i of this.interrupters) i()
    })
    try {
      if (this.pendingLeave) await abortable(signal, () => this.pendingLeave!, 'poll()')
      if (this.subscriptions.type === 'none') {
        throw new KafkaError('poll(): the consumer is not subscribed to any topics or assigned any partitions', { type: 'ILLEGAL_STATE' })
      }
      this.lastPoll = Date.now()
      this.recorder.pollStarted(this.lastPollStart < 0 ? -1 : this.lastPoll - this.lastPollStart)
      this.lastPollStart = this.lastPoll
      const deadline = this.lastPoll + timeoutMs
      this.maybeAutoCommit()
      for (;;) {
        this.throwPendingError()
        this.throwIfTopicsDenied()
        if (this.closing) return ConsumerRecords.empty()
        const membership = this.membership
        if (membership) {
          membership.checkMetadata()
          if (membership.rejoinNeeded) {
            if (this.rebalanceStart < 0) this.rebalanceStart = Date.now()
            this.rebalanceSpan ??= Span.start(tracing.rebalance, () => ({
              groupId: this.config['group.id']!,
              clientId: this.config['client.id'],
              protocol: this.config['group.protocol'],
            }))
            try {
              await this.interruptible(membership.ensureActive(deadline))
            } catch (e) {
              if (!(e instanceof WakeupError) && !(e instanceof AbortError)) {
                this.recorder.rebalanceFailed()
                this.rebalanceSpan?.finish(e)
                this.rebalanceSpan = undefined
              }
              throw e
            }
            if (!membership.rejoinNeeded) {
              this.recorder.rebalanced(Date.now() - this.rebalanceStart)
              this.rebalanceStart = -1
              if (this.rebalanceSpan !== undefined) {
                const id = membership.identity()
                this.rebalanceSpan.finish(undefined, {
                  memberId: id.memberId,
                  generationId: id.generationIdOrMemberEpoch,
                  assignment: this.subscriptions.assignment().map((tp) => ({ topic: tp.topic, partition: tp.partition })),
                })
                this.rebalanceSpan = undefined
              }
            }
            throwIfAborted(signal, 'poll()')
            this.takeWakeup()
            this.throwPendingError()
            this.throwIfTopicsDenied()
          }
        }
        void this.initPositions()
        this.fetcher.wake()
        const records = await this.collect()
        if (records.count > 0) {
          this.recorder.polled(records.count)
          this.fetcher.wake()
          const out = this.interceptors === undefined ? records : this.interceptors.onConsume(records) as ConsumerRecords<K, V>
          if (this.tracing !== undefined) this.tracing.polled(out, out.count, this.lastPoll)
          return out
        }
        if (Date.now() >= deadline) return records
        if (membership?.rejoinNeeded && membership === this.membership) {
          await this.waker.wait(Math.min(deadline, Date.now() + 50))
        } else {
          await this.waker.wait(deadline)
        }
        throwIfAborted(signal, 'poll()')
        this.takeWakeup()
      }
    } finally {
      removeAbort()
      this.polling = false
    }
  }

  private takeWakeup(): void {
    if (this.waker.takeWakeup()) throw new WakeupError()
  }

  private throwPendingError(): void {
    const e = this.errors.shift()
    if (e) throw e
  }

  /**
   * As Java's consumer: subscribed topics that the latest metadata reports
   * as TOPIC_AUTHORIZATION_FAILED fail the poll with an AuthorizationError
   * naming them, once per metadata update, from the second reading that says
   * so (one damaged Metadata answer fails no poll; Java throws at the first);
   * meanwhile metadata is refreshed
   * (at most every retry.backoff.ms) so that rights granted later are seen and
   * the group is rejoined with the topics' partitions.
   */
  private throwIfTopicsDenied(): void {
    const s = this.subscriptions
    if (s.type !== 'topics') return
    let denied: string[] | undefined
    let unconfirmed = false
    for (const t of s.topics) {
      const info = this.cluster.topic(t)
      if (info?.errorCode !== ErrorCode.TOPIC_AUTHORIZATION_FAILED) {
        if (this.deniedReadings.size > 0) this.deniedReadings.delete(t)
        continue
      }
      // A denial is believed once a new reading repeats it: one damaged answer fails no poll.
      const first = this.deniedReadings.get(t)
      if (first === undefined) this.deniedReadings.set(t, info)
      if (first !== undefined && first !== info) (denied ??= []).push(t)
      else unconfirmed = true
    }
    if (denied === undefined && !unconfirmed) return
    const snap = this.cluster.snapshot
    if (Date.now() - snap.updatedAt >= this.config['retry.backoff.ms']) this.cluster.requestRefresh()
    if (denied === undefined) return
    denied.sort()
    if (snap.updatedAt === this.deniedReportedAt) return
    this.deniedReportedAt = snap.updatedAt
    throw brokerError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, { topics: denied })
  }

  private notify(): void {
    this.waker.notify()
  }

  /** Awaits `p`, but returns early (leaving it running) on wakeup or close. */
  private async interruptible(p: Promise<void>): Promise<void> {
    let interrupt!: () => void
    const interrupted = new Promise<void>((r) => (interrupt = r))
    this.interrupters.add(interrupt)
    try {
      await Promise.race([p, interrupted])
    } finally {
      this.interrupters.delete(interrupt)
    }
  }

  private async collect(): Promise<ConsumerRecords<K, V>> {
    const max = this.settings.poll.maxPollRecords
    const states = [...this.subscriptions.states()]
    const n = states.length
    const byPartition = new Map<string, { tp: TopicPartition; records: ConsumerRecord<K, V>[] }>()
    let count = 0
    const start = n > 0 ? this.drainStart++ % n : 0
    for (let i = 0; i < n && count < max; i++) {
      const s = states[(start + i) % n]!
      if (s.paused || s.inCallback || s.position === null || s.buffered.length === 0) continue
      const out: ConsumerRecord<K, V>[] = []
      try {
        for (let r = drainPartition(s, out, max - count, this.drainOptions); r !== null; r = drainPartition(s, out, max - count, this.drainOptions)) await r
      } catch (e) {
        if (out.length === 0 && count === 0) throw e
        this.errors.push(e as KafkaError)
      }
      if (out.length > 0) {
        this.recorder.consumed(s.topic, s.partition, out.length, this.lagOf(s), Date.now())
        byPartition.set(s.key, { tp: { topic: s.topic, partition: s.partition }, records: out })
        count += out.length
      }
      if (this.errors.length > 0) break
    }
    return new ConsumerRecords(byPartition, count)
  }

  /** Starts offset look-ups for partitions without a position (committed offset, else the reset policy). */
  private initPositions(): Promise<void> | undefined {
    const todo: PartitionState[] = []
    const now = Date.now()
    for (const s of this.subscriptions.states()) {
      if (s.position === null && !s.initialising && s.retryAt <= now) todo.push(s)
    }
    if (todo.length === 0) return undefined
    for (const s of todo) s.initialising = true
    const epochs = new Map(todo.map((s) => [s, s.epoch]))
    const task = this.lookUpPositions(todo, epochs)
      .catch((e) => {
        const err = e instanceof KafkaError ? e : new KafkaError(String(e), { cause: e })
        this.log.debug(`position look-up failed: ${err.message}`)
        let retryAt = Date.now() + this.settings.positions.retryBackoffMs
        if (err.retriable) this.lookupConfirmation.reset()
        else if (this.lookupConfirmation.believe(err)) this.errors.push(err)
        // Not believed yet (a corrupt response can carry any error code): the next look-up goes out at once,
        // so a real refusal still reaches this poll. A code outside the table is never believed: backoff.
        else if (!outsideTable(err.code)) retryAt = Date.now()
        for (const s of todo) s.retryAt = retryAt
      })
      .finally(() => {
        for (const s of todo) if (epochs.get(s) === s.epoch) s.initialising = false
        this.initialising.delete(task)
        this.fetcher.wake()
        this.notify()
      })
    this.initialising.add(task)
    return task
  }

  /**
   * Opens the fetch sockets to these partitions' leaders while their positions are looked up,
   * so the first Fetch does not wait for a connect (and its ApiVersions) after ListOffsets.
   * Failures are left to the fetcher, which connects (and reports) on its own.
   */
  private warmFetchConnections(todo: PartitionState[]): void {
    const leaders = new Set<number>()
    for (const s of todo) {
      const leader = this.cluster.partition(s.topic, s.partition)?.leader
      if (leader !== undefined && this.cluster.broker(leader)) leaders.add(leader)
    }
    for (const nodeId of leaders) this.cluster.connectionTo(nodeId, 'fetch').catch(() => {})
  }

  private async lookUpPositions(todo: PartitionState[], epochs: Map<PartitionState, number>): Promise<void> {
    const settings = this.settings.positions
    const deadline = Date.now() + settings.lookupTimeoutMs
    const current = (s: PartitionState) => epochs.get(s) === s.epoch && this.subscriptions.get(s.topic, s.partition) === s
    this.warmFetchConnections(todo)
    const needCommitted = todo.filter((s) => !s.committedChecked && s.pendingReset === undefined)
    if (this.committer && needCommitted.length > 0) {
      const committed = await this.committer.fetchCommitted(needCommitted.map((s) => s.tp), deadline)
      for (const s of needCommitted) {
        if (!current(s)) continue
        s.committedChecked = true
        const c = committed.get(s.key)
        if (c) {
          s.seek(c.offset, c.leaderEpoch)
          epochs.set(s, s.epoch)
          this.log.debug(`${s.topic}-${s.partition}: starting at committed offset ${c.offset}`)
        }
      }
    }
    const reset = todo.filter((s) => current(s) && s.position === null)
    if (reset.length === 0) return
    const none = reset.filter((s) => (s.pendingReset ?? settings.autoOffsetReset) === 'none')
    if (none.length > 0) {
      const names = none.map((s) => `${s.topic}-${s.partition}`).join(', ')
      for (const s of none) s.retryAt = Date.now() + settings.retryBackoffMaxMs
      this.errors.push(new KafkaError(
        `no committed offset for ${names} and auto.offset.reset is "none"; seek() to an offset or set auto.offset.reset to "earliest" or "latest"`,
        { type: 'NO_OFFSET_FOR_PARTITION', context: { partitions: names } },
      ))
    }
    const rest = reset.filter((s) => !none.includes(s))
    if (rest.length === 0) return
    // The reset offset is taken when two look-ups agree (a corrupt one too high would skip records).
    const found = await agreedAnswers(
      rest.map((s) => ({ topic: s.topic, partition: s.partition, timestamp: (s.pendingReset ?? settings.autoOffsetReset) as 'earliest' | 'latest' })),
      (queries) => listOffsets(this.cluster, queries, deadline, { isolationLevel: settings.isolationLevel }),
      (a, b) => a.offset === b.offset && a.leaderEpoch === b.leaderEpoch,
      (a, b) => (a.offset <= b.offset ? a : b),
    )
    rest.forEach((s, i) => {
      if (!current(s)) return
      const o = found[i]!
      s.seek(o.offset, o.leaderEpoch)
      this.log.info(`${s.topic}-${s.partition}: reset to ${s.pendingReset ?? settings.autoOffsetReset} offset ${o.offset}`, { topic: s.topic, partition: s.partition, offset: o.offset })
    })
  }

  private maybeAutoCommit(): void {
    if (!this.settings.poll.autoCommit || !this.committer || this.subscriptions.size === 0) return
    const now = Date.now()
    if (now < this.nextAutoCommit) return
    if (this.nextAutoCommit === 0) {
      this.nextAutoCommit = now + this.settings.poll.autoCommitIntervalMs
      return
    }
    this.nextAutoCommit = now + this.settings.poll.autoCommitIntervalMs
    if (this.membership && this.membership.rejoinNeeded) return
    const offsets = this.subscriptions.allConsumed()
    if (offsets.length === 0) return
    this.committer.commitAsync(offsets).catch((e) => this.log.warn(`auto-commit failed: ${(e as Error).message}`, { groupId: this.config['group.id'], error: e }))
  }

  /** The poll loop as an async iterator; ends when the consumer is closed. WakeupError propagates. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumerRecord<K, V>, void, undefined> {
    while (!this.closing && !this.closed) {
      const records = await this.poll(1000)
      for (const r of records) yield r
    }
  }

  // --- offsets --------------------------------------------------------------

  /**
   * Commits `offsets` (default: the positions reached by what poll returned);
   * resolves once stored. Takes `{ timeoutMs, signal }` as the last argument
   * (`commitSync({ signal })` or `commitSync(offsets, { signal })`). An
   * aborted commit that was not sent yet is dropped; one already sent may
   * still be stored. Either way the group and later commits are unaffected.
   */
  async commitSync(offsets?: TopicPartitionOffset[], options?: ApiCallOptions): Promise<void>
  async commitSync(options: ApiCallOptions): Promise<void>
  async commitSync(offsetsOrOptions?: TopicPartitionOffset[] | ApiCallOptions, maybeOptions: ApiCallOptions = {}): Promise<void> {
    const offsets = Array.isArray(offsetsOrOptions) ? offsetsOrOptions : undefined
    // One offset given without its array would otherwise read as options and commit the polled positions instead.
    if (offsets === undefined && offsetsOrOptions !== undefined && offsetsOrOptions !== null) {
      const extra = typeof offsetsOrOptions === 'object' ? Object.keys(offsetsOrOptions).filter((k) => k !== 'timeoutMs' && k !== 'signal') : ['?']
      if (extra.length > 0) args.invalid('commitSync(): the first argument', 'an array of offsets ({ topic, partition, offset: bigint }) or options ({ timeoutMs?, signal? })', offsetsOrOptions)
    }
    const options = offsetsOrOptions !== undefined && offsetsOrOptions !== null && !Array.isArray(offsetsOrOptions) ? offsetsOrOptions : maybeOptions ?? {}
    const signal = checkSignal(options.signal, 'commitSync()')
    throwIfAborted(signal, 'commitSync()')
    // Allowed while closing: onPartitionsRevoked commits during close(), as in Java.
    this.checkNotClosed()
    if (!this.committer) throw new KafkaError(`commitSync(): ${NO_GROUP}`, { type: 'INVALID_GROUP_ID' })
    const list = offsets ? this.checkOffsets(offsets, 'commitSync') : this.subscriptions.allConsumed()
    const committer = this.committer
    await abortable(signal, () => committer.commitSync(list, Date.now() + (options.timeoutMs ?? this.config['default.api.timeout.ms']), signal), 'commitSync()')
  }

  /** Commits without waiting or retrying; `callback` gets the outcome. Commits complete in order. */
  commitAsync(callback: OffsetCommitCallback): void
  commitAsync(offsets?: TopicPartitionOffset[], callback?: OffsetCommitCallback): void
  commitAsync(offsetsOrCallback?: TopicPartitionOffset[] | OffsetCommitCallback, maybeCallback?: OffsetCommitCallback): void {
    // Java's commitAsync(callback): the polled positions, reported to the callback.
    const { list: offsets, callback } = args.listAndCallback<TopicPartitionOffset[], OffsetCommitCallback>(offsetsOrCallback, maybeCallback)
    if (callback !== undefined && callback !== null && typeof callback !== 'function') {
      // Nothing can be called back and commitAsync() does not throw: reported as a process warning, nothing committed.
      const message = `commitAsync() callback must be a function, got ${typeof callback}; nothing was committed`
      process.nextTick(() => process.emitWarning(message, { type: 'SamsaWarning', code: 'SAMSA_INVALID_ARGUMENT' }))
      return
    }
    let list: TopicPartitionOffset[] = []
    const report = (e: KafkaError | null) => {
      if (callback) {
        try {
          callback(e, list)
        } catch (err) {
          this.log.warn(`commitAsync callback threw: ${(err as Error).message}`, { error: err })
        }
      } else if (e) {
        this.log.warn(`commitAsync failed: ${e.message}`, { groupId: this.config['group.id'], error: e })
      }
    }
    try {
      this.checkNotClosed()
      if (!this.committer) throw new KafkaError(`commitAsync(): ${NO_GROUP}`, { type: 'INVALID_GROUP_ID' })
      list = offsets ? this.checkOffsets(offsets, 'commitAsync') : this.subscriptions.allConsumed()
    } catch (e) {
      queueMicrotask(() => report(e as KafkaError))
      return
    }
    this.committer.commitAsync(list).then(() => report(null), (e) => report(e instanceof KafkaError ? e : new KafkaError(String(e), { cause: e })))
  }

  private checkOffsets(offsets: TopicPartitionOffset[], what: string): TopicPartitionOffset[] {
    args.topicPartitionOffsets(`${what}(): offsets`, offsets)
    return offsets
  }

  /** The next poll returns records of `tp` from `offset` on. */
  seek(tp: TopicPartition, offset: bigint): void {
    this.checkOpen()
    args.oneTopicPartition('seek(): the partition', tp)
    if (typeof offset !== 'bigint' || offset < 0n) throw new KafkaError(`seek(): offset must be a bigint >= 0n, got ${String(offset)}`, { type: 'INVALID_ARGUMENT' })
    this.subscriptions.require(tp, 'seek()').seek(offset)
    this.fetcher.wake()
  }

  /** The next poll reads these partitions (default: all assigned) from their first offset. */
  seekToBeginning(tps?: TopicPartition[]): void {
    this.seekTo(tps, 'earliest', 'seekToBeginning()')
  }

  /** The next poll reads only records written to these partitions (default: all assigned) from now on. */
  seekToEnd(tps?: TopicPartition[]): void {
    this.seekTo(tps, 'latest', 'seekToEnd()')
  }

  private seekTo(tps: TopicPartition[] | undefined, where: 'earliest' | 'latest', what: string): void {
    this.checkOpen()
    if (tps !== undefined) args.topicPartitions(`${what}: partitions`, tps)
    const states = tps && tps.length > 0 ? tps.map((tp) => this.subscriptions.require(tp, what)) : [...this.subscriptions.states()]
    for (const s of states) s.invalidate(where)
    this.notify()
  }

  /** The offset of the next record poll will return for `tp` (looked up if not known yet). */
  async position(tp: TopicPartition, options: ApiCallOptions = {}): Promise<bigint> {
    this.checkOpen()
    args.oneTopicPartition('position(): the partition', tp)
    const signal = checkSignal(options.signal, 'position()')
    return abortable(signal, () => this.lookUpPosition(tp, Date.now() + (options.timeoutMs ?? this.config['default.api.timeout.ms']), signal), 'position()')
  }

  private async lookUpPosition(tp: TopicPartition, deadline: number, signal: AbortSignal | undefined): Promise<bigint> {
    for (;;) {
      throwIfAborted(signal)
      const s = this.subscriptions.require(tp, 'position()')
      if (s.position !== null) return s.position
      const task = this.initPositions() ?? [...this.initialising][0]
      if (task !== undefined) await task
      else await sleep(Math.max(1, Math.min(s.retryAt - Date.now(), 50)))
      const err = this.errors.find((e) => e.context.partitions !== undefined || (e.context.topic === tp.topic && e.context.partition === tp.partition))
      if (err) {
        this.errors.splice(this.errors.indexOf(err), 1)
        throw err
      }
      if (Date.now() >= deadline) {
        throw new KafkaError(`position() of ${tp.topic}-${tp.partition} could not be determined within the timeout`, { type: 'TIMEOUT', retriable: true })
      }
    }
  }

  /**
   * The group's committed offsets for `tps`, one entry per partition in the
   * order asked; `offset` is -1n where the group has committed nothing.
   */
  async committed(tps: TopicPartition[], options: ApiCallOptions = {}): Promise<TopicPartitionOffset[]> {
    this.checkOpen()
    args.topicPartitions('committed(): partitions', tps)
    const signal = checkSignal(options.signal, 'committed()')
    throwIfAborted(signal, 'committed()')
    if (!this.committer) throw new KafkaError(`committed(): ${NO_GROUP}`, { type: 'INVALID_GROUP_ID' })
    const committer = this.committer
    const found = await abortable(signal, () => committer.fetchCommitted(tps, Date.now() + (options.timeoutMs ?? this.config['default.api.timeout.ms'])), 'committed()')
    return tps.map((tp) => found.get(tpKey(tp.topic, tp.partition)) ?? { topic: tp.topic, partition: tp.partition, offset: -1n })
  }

  /** The first offset of each partition (Java's beginningOffsets), in the order asked. */
  async beginningOffsets(tps: TopicPartition[], options: ApiCallOptions = {}): Promise<TopicPartitionOffset[]> {
    args.topicPartitions('beginningOffsets(): partitions', tps)
    return this.offsetsAt(tps.map((tp) => ({ ...tp, timestamp: 'earliest' as const })), options)
  }

  /**
   * The log-end offset of each partition (Java's endOffsets): the offset the
   * next record will get; under read_committed, the last stable offset.
   */
  async endOffsets(tps: TopicPartition[], options: ApiCallOptions = {}): Promise<TopicPartitionOffset[]> {
    args.topicPartitions('endOffsets(): partitions', tps)
    return this.offsetsAt(tps.map((tp) => ({ ...tp, timestamp: 'latest' as const })), options)
  }

  /**
   * For each partition, the earliest offset whose record timestamp is at or
   * after `timestamp` (ms), with that record's timestamp; `offset` is -1n when
   * there is none (Java's offsetsForTimes returns null there).
   */
  async offsetsForTimes(queries: { topic: string; partition: number; timestamp: number }[], options: ApiCallOptions = {}): Promise<(TopicPartitionOffset & { timestamp: number })[]> {
    args.objects('offsetsForTimes(): queries', queries, { one: 'a query', many: 'queries', shape: '{ topic, partition, timestamp }' }, (q, at) => {
      args.topicPartition(q, at)
      args.integer(`${at}.timestamp`, q.timestamp, 0, Number.MAX_SAFE_INTEGER)
    })
    return this.offsetsAt(queries, options)
  }

  private async offsetsAt(queries: { topic: string; partition: number; timestamp: 'earliest' | 'latest' | number }[], options: ApiCallOptions) {
    this.checkOpen()
    const signal = checkSignal(options.signal, 'offsets look-up')
    return abortable(signal, () => listOffsets(this.cluster, queries, Date.now() + (options.timeoutMs ?? this.config['default.api.timeout.ms']), { isolationLevel: this.config['isolation.level'] }), 'the offsets look-up')
  }

  /** Asks the group for a rebalance at the next poll (Java's enforceRebalance). */
  enforceRebalance(reason = 'rebalance enforced by the user'): void {
    this.checkOpen()
    if (!this.membership) throw new KafkaError('enforceRebalance(): the consumer is not subscribed to a group', { type: 'ILLEGAL_STATE' })
    this.membership.requestRejoin(reason)
  }

  // --- flow control ---------------------------------------------------------

  /** Stops returning (and fetching) records of these partitions; what was prefetched is kept. */
  pause(tps: TopicPartition[]): void {
    this.checkOpen()
    args.topicPartitions('pause(): partitions', tps)
    for (const tp of tps) this.subscriptions.require(tp, 'pause()').paused = true
  }

  resume(tps: TopicPartition[]): void {
    this.checkOpen()
    args.topicPartitions('resume(): partitions', tps)
    for (const tp of tps) this.subscriptions.require(tp, 'resume()').paused = false
    this.fetcher.wake()
    this.notify()
  }

  paused(): TopicPartition[] {
    return [...this.subscriptions.states()].filter((s) => s.paused).map((s) => s.tp)
  }

  /**
   * How many records `tp`'s position is behind the end of the partition, as
   * of the last fetch response (Java's `currentLag`): the high watermark
   * minus the position, or the last stable offset minus the position with
   * read_committed. null while either is unknown or `tp` is not assigned.
   */
  currentLag(tp: TopicPartition): bigint | null {
    args.oneTopicPartition('currentLag(): the partition', tp)
    const s = this.subscriptions.get(tp.topic, tp.partition)
    return s ? this.lagOf(s) : null
  }

  private lagOf(s: PartitionState): bigint | null {
    if (s.position === null) return null
    const end = this.config['isolation.level'] === 'read_committed' ? s.lastStableOffset : s.highWatermark
    return end < 0n ? null : end - s.position
  }

  /** Internal: the connection listeners (the KafkaJS facade's REQUEST events). */
  [CONNECTION_LISTENERS](): ConnectionObserver[] {
    return this.cluster.network.listeners
  }

  /** The Java consumer's metrics (records-consumed-rate, records-lag-max, commit-latency-avg, ...): docs/observability.md. */
  /**
   * Runs `fn` (the application's handling of `record`) in an OpenTelemetry
   * `process <topic>` span (kind CONSUMER), a child of the span that
   * produced the record (its `traceparent` header), and returns what `fn`
   * returns. The span ends when `fn` returns or its promise settles, with an
   * error status if it threw or rejected. Spans started in `fn` are children
   * of it. Without tracing (`opentelemetry.tracing`) this just calls `fn`.
   */
  process<T>(record: ConsumerRecord<K, V>, fn: () => T): T {
    return this.tracing === undefined ? fn() : this.tracing.process(record as ConsumerRecord<unknown, unknown>, fn)
  }

  metrics(): ClientMetrics {
    return clientMetrics(this.cluster.metrics)
  }

  groupMetadata(): ConsumerGroupMetadata {
    this.checkOpen()
    const groupId = this.config['group.id']
    if (groupId === undefined) throw new KafkaError(`groupMetadata(): ${NO_GROUP}`, { type: 'INVALID_GROUP_ID' })
    return this.membership?.metadata() ?? { groupId, generationId: -1, memberId: '', groupInstanceId: this.config['group.instance.id'] ?? null }
  }

  /** A pending poll, or else the next one, rejects with WakeupError. Safe to call from a signal handler. */
  wakeup(): void {
    this.waker.wakeup()
    for (const i of this.interrupters) i()
  }

  // --- close ----------------------------------------------------------------

  /**
   * Commits the positions reached when auto-commit is on, revokes the
   * partitions through the listener, leaves the group (dynamic members) and
   * releases every socket and timer, within `timeoutMs` (default 30 s).
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const signal = checkSignal(options?.signal, 'close()')
    throwIfAborted(signal, 'close()')
    if (this.closed || this.closing) return
    this.closing = true
    const deadline = Date.now() + (options?.timeoutMs ?? 30000)
    this.notify()
    for (const i of this.interrupters) i()
    let wasCutShort = false
    const bounded = (p: Promise<unknown>) =>
      until(p.catch((e) => this.log.debug(`close: ${(e as Error).message}`)), deadline, { signal }).catch(() => {
        wasCutShort = true
      })
    try {
      if (this.pendingLeave) await bounded(this.pendingLeave)
      const membership = this.membership
      const owned = this.subscriptions.assignment()
      if (membership) {
        if (owned.length > 0) await bounded(this.revokePartitions(owned, !membership.ownsAssignment))
        await bounded(membership.leave('the consumer is closing', deadline))
      } else if (this.settings.poll.autoCommit && this.committer && owned.length > 0) {
        await bounded(this.committer.commitSync(this.subscriptions.allConsumed(), deadline))
      }
      if (this.committer) await bounded(this.committer.drain())
      await bounded(Promise.allSettled([...this.initialising]))
      await bounded(this.fetcher.close(Math.min(deadline, Date.now() + 1000)))
    } finally {
      this.membership?.close()
      void this.fetcher.close(0)
      this.cluster.close()
      this.interceptors?.close()
      this.closed = true
      this.log.debug(`consumer closed`)
    }
    if (wasCutShort && signal !== undefined) throw abortError(signal, 'close()')
  }

  private checkOpen(): void {
    if (this.closed || this.closing) throw new KafkaError('the consumer is closed', { type: 'CLIENT_CLOSED' })
  }

  /** Commits stay possible until close() has finished (its revoke callback commits). */
  private checkNotClosed(): void {
    if (this.closed) throw new KafkaError('the consumer is closed', { type: 'CLIENT_CLOSED' })
  }
}

/**
 * `new Consumer(config)`: key and value types follow from `key.deserializer`
 * and `value.deserializer` (deserializer objects or Java class names; bytes
 * when absent), or are given explicitly: `new Consumer<K, V>(config)`.
 */
export interface ConsumerConstructor {
  /**
   * Key and value types inferred from the deserializers: with
   * `'key.deserializer': deserializers.int32` and `'value.deserializer': deserializers.string`
   * (or the Java class names) this is a `Consumer<number, string>`; without
   * deserializers, `Consumer<Buffer, Buffer>`.
   */
  new <KD extends DeserializerOption | undefined = undefined, VD extends DeserializerOption | undefined = undefined>(
    config: ConsumerOptions<KD, VD>,
  ): ConsumerImpl<DeserializedType<KD>, DeserializedType<VD>>
  /** Key and value types given explicitly: `new Consumer<number, string>(config)`; the deserializers must fit them. */
  new <K, V>(config: ConsumerOptions<DeserializerOptionFor<K>, DeserializerOptionFor<V>>): ConsumerImpl<K, V>
  readonly prototype: ConsumerImpl<unknown, unknown>
  /**
   * A consumer from a Java client `.properties` file (a path, or the text itself),
   * `overrides` applied last. Keys of Java's clients that mean nothing here
   * (`interceptor.classes`, `send.buffer.bytes`, `client.dns.lookup`, ...) are
   * ignored with a logged warning; see docs/compatibility.md.
   */
  fromProperties<K = Buffer, V = Buffer>(source: string, overrides?: Record<string, unknown>): ConsumerImpl<K, V>
}

export const Consumer = ConsumerImpl as unknown as ConsumerConstructor
export type Consumer<K = Buffer, V = Buffer> = ConsumerImpl<K, V>

