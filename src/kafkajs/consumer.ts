/**
 * KafkaJS's consumer on samsa's {@link SamsaConsumer}.
 *
 * Contract:
 * - `subscribe` records topics (RegExps are matched against the cluster's
 *   non-internal topics now, as KafkaJS does) and their `fromBeginning`;
 *   it is refused while the consumer runs. Named topics are created if
 *   missing (broker auto-creation) unless `allowAutoTopicCreation` is false,
 *   as KafkaJS's subscribe does.
 * - `run()` creates the samsa consumer (offsets committed by this facade,
 *   never by samsa's auto-commit), resolves once the group has assigned
 *   partitions (or, if the group cannot be joined yet, after about
 *   `requestTimeout` plus the retry budget, while joining goes on), and
 *   processes messages in the background (see runner.ts).
 * - `seek`, `pause`, `resume` and `commitOffsets` need `run()` to have been
 *   called, as in KafkaJS (KafkaJSNonRetriableError otherwise); `seek`,
 *   `pause` and `resume` may follow a `run()` that is not awaited.
 * - A crash (a non-retriable error, or retries exhausted) stops the consumer,
 *   emits CRASH and, when the error is retriable and
 *   `retry.restartOnFailure` (if given) agrees, starts it again after a
 *   backoff, as KafkaJS does.
 * - `stop()` commits what was resolved and leaves the group; `disconnect()`
 *   also releases every socket and timer, so the process can exit.
 */
import { Consumer as SamsaConsumer } from '../consumer/index.js'
import { consumerSchema, type AssignorName } from '../config/consumer.js'
import { parseConfig } from '../config/validate.js'
import { AdminFacade, parseOffset } from './admin.js'
import { assignorNames } from './assigners.js'
import { consumerConfig } from './config.js'
import type { ClientContext } from './context.js'
import { CONSUMER_EVENTS, Instrumentation } from './events.js'
import { KafkaJSNonRetriableError, toKafkaJSError } from './errors.js'
import { checkPauseRequest, type PauseRequest } from './pauses.js'
import { Runner, type RunnerHost, type RunOptions } from './runner.js'
import { abortable, checkSignal, throwIfAborted } from '../util/abort.js'
import type {
  Consumer,
  ConsumerConfig,
  ConsumerEventMap,
  ConsumerEvents,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  ConsumerSubscribeTopics,
  GroupDescription,
  Logger,
  RetryOptions,
  TopicPartitionOffset,
  TopicPartitionOffsetAndMetadata,
  TopicPartitions,
  ValueOf,
  AbortOptions,
} from './types.js'

const NOT_RUNNING = 'Consumer group was not initialized, consumer#run must be called first'

const PROTOCOL_NAMES: Record<AssignorName, string> = {
  roundrobin: 'roundrobin',
  'kafkajs-roundrobin': 'RoundRobinAssigner',
  range: 'RangeAssigner',
  'cooperative-sticky': 'CooperativeStickyAssigner',
}

export class ConsumerFacade implements Consumer {
  readonly events: ConsumerEvents = CONSUMER_EVENTS
  private readonly instrumentation: Instrumentation<ConsumerEvents>
  private readonly log: Logger
  private readonly groupId: string
  private readonly assignors: AssignorName[]
  private readonly retry: RetryOptions
  private readonly admin: AdminFacade
  private readonly topics = new Map<string, { fromBeginning: boolean }>()
  private runner: Runner | undefined
  private runOptions: RunOptions | undefined
  /** seek/pause/resume called after run() but before its runner exists: applied to the runner when it does. */
  private early: ((runner: Runner) => void)[] = []
  private restartTimer: NodeJS.Timeout | undefined

  constructor(private readonly context: ClientContext, private readonly options: ConsumerConfig) {
    if (!options || !options.groupId || typeof options.groupId !== 'string') {
      throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.')
    }
    this.groupId = options.groupId
    const session = options.sessionTimeout ?? 30000
    const heartbeat = options.heartbeatInterval ?? 3000
    if (heartbeat >= session) {
      throw new KafkaJSNonRetriableError(
        `Consumer heartbeatInterval (${heartbeat}) must be lower than sessionTimeout (${session}). It is recommended to set heartbeatInterval to approximately a third of the sessionTimeout.`,
      )
    }
    this.assignors = assignorNames(options.partitionAssigners)
    this.retry = { ...(context.config.retry ?? {}), ...(options.retry ?? {}) }
    this.log = context.logger.namespace('Consumer')
    this.instrumentation = new Instrumentation(CONSUMER_EVENTS, 'consumer', this.log)
    try {
      parseConfig(consumerSchema, this.samsaConfig(context.staticBrokers(), 'latest'), 'consumer')
    } catch (e) {
      throw toKafkaJSError(e)
    }
    this.admin = new AdminFacade(context, { retry: this.retry }, (a) => this.instrumentation.observe(a, CONSUMER_EVENTS, this.clientId()))
  }

  private samsaConfig(brokers: string[], autoOffsetReset: 'earliest' | 'latest', eachBatch = false) {
    return consumerConfig(this.context.common(brokers), this.options, { autoOffsetReset, assignors: this.assignors, eachBatch })
  }

  logger(): Logger {
    return this.log
  }

  private clientId(): string {
    return this.context.config.clientId ?? 'kafkajs'
  }

  on<E extends ValueOf<ConsumerEvents>>(eventName: E, listener: (event: ConsumerEventMap[E]) => void): () => void {
    return this.instrumentation.on(eventName, listener as never)
  }

  async connect(): Promise<void> {
    const common = this.context.common(await this.context.brokers())
    await this.context.checkConnection(common, this.retry)
    this.instrumentation.emit(CONSUMER_EVENTS.CONNECT)
  }

  async disconnect(): Promise<void> {
    try {
      await this.stop()
      await this.admin.disconnect()
    } catch (e) {
      this.log.error(`Caught error when disconnecting the consumer: ${(e as Error).message}`, { groupId: this.groupId })
      throw toKafkaJSError(e)
    }
    this.instrumentation.emit(CONSUMER_EVENTS.DISCONNECT)
  }

  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = undefined
    this.runOptions = undefined
    this.early = []
    const runner = this.runner
    if (runner) {
      this.runner = undefined
      await runner.stop()
      this.instrumentation.emit(CONSUMER_EVENTS.STOP)
    }
    this.log.info('Stopped', { groupId: this.groupId })
  }

  async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic): Promise<void> {
    if (this.runner) throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running')
    const { fromBeginning = false } = subscription ?? {}
    const one = (subscription as ConsumerSubscribeTopic)?.topic
    const many = (subscription as ConsumerSubscribeTopics)?.topics
    if (!one && !many) throw new KafkaJSNonRetriableError('Missing required argument "topics"')
    if (many !== undefined && many !== null && !Array.isArray(many)) throw new KafkaJSNonRetriableError('Argument "topics" must be an array')
    const list = many ?? [one!]
    for (const s of list) {
      if (typeof s !== 'string' && !(s instanceof RegExp)) {
        throw new KafkaJSNonRetriableError(`Invalid topic ${String(s)} (${typeof s}), the topic name has to be a String or a RegExp`)
      }
    }
    const patterns = list.filter((s): s is RegExp => s instanceof RegExp)
    const existing = patterns.length > 0 ? await this.admin.userTopics() : []
    const named = list.filter((s): s is string => typeof s === 'string')
    if (named.length > 0 && this.options.allowAutoTopicCreation !== false) {
      await this.context.ensureTopics(this.context.common(await this.context.brokers()), named, this.retry)
    }
    for (const s of list) {
      const names = typeof s === 'string' ? [s] : existing.filter((t) => s.test(t))
      for (const t of names) this.topics.set(t, { fromBeginning })
    }
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.runner || this.restartTimer) {
      this.log.warn('consumer#run was called, but the consumer is already running', { groupId: this.groupId })
      return
    }
    if (this.topics.size === 0) throw new KafkaJSNonRetriableError('Cannot run a consumer without subscriptions: call consumer.subscribe() first')
    if (!config.eachMessage && !config.eachBatch) throw new KafkaJSNonRetriableError('consumer.run() needs an eachMessage or an eachBatch handler')
    this.runOptions = {
      autoCommit: config.autoCommit ?? true,
      autoCommitInterval: config.autoCommitInterval ?? null,
      autoCommitThreshold: config.autoCommitThreshold ?? null,
      eachBatchAutoResolve: config.eachBatchAutoResolve ?? true,
      concurrency: Math.max(1, config.partitionsConsumedConcurrently ?? 1),
      eachMessage: config.eachMessage ?? null,
      eachBatch: config.eachMessage ? null : config.eachBatch ?? null,
    }
    await this.start(this.runOptions)
  }

  private async start(options: RunOptions): Promise<void> {
    this.log.info('Starting', { groupId: this.groupId })
    const allFromBeginning = [...this.topics.values()].every((t) => t.fromBeginning)
    const defaultReset: 'earliest' | 'latest' = allFromBeginning ? 'earliest' : 'latest'
    let consumer: SamsaConsumer
    try {
      const brokers = await this.context.brokers()
      if (this.runOptions !== options) return // stopped meanwhile
      consumer = new SamsaConsumer(this.samsaConfig(brokers, defaultReset, !options.eachMessage))
      this.instrumentation.observe(consumer, CONSUMER_EVENTS, this.clientId())
    } catch (e) {
      throw toKafkaJSError(e)
    }
    const topics = this.topics
    const self = this
    const host: RunnerHost = {
      groupId: this.groupId,
      logger: this.log,
      emit: (event, payload) => this.instrumentation.emit(event, payload),
      fromBeginning: (topic) => topics.get(topic)?.fromBeginning ?? false,
      defaultReset,
      retry: this.retry,
      heartbeatIntervalMs: this.options.heartbeatInterval ?? 3000,
      protocolName: PROTOCOL_NAMES[this.assignors[0]!],
      crashed: (error) => {
        if (self.runner === runner) self.runner = undefined
        void self.crashed(error, options)
      },
    }
    const startupMs = (this.context.common(this.context.staticBrokers())['default.api.timeout.ms'] as number)
    const runner = new Runner(host, consumer, options, startupMs)
    this.runner = runner
    try {
      const started = runner.start([...topics.keys()])
      for (const apply of this.early.splice(0)) apply(runner)
      await started
    } catch (e) {
      this.runner = undefined
      await runner.stop().catch(() => undefined)
      throw toKafkaJSError(e)
    }
  }

  /** KafkaJS's crash handling: report, then restart if the error is retriable and the user agrees. */
  private async crashed(error: Error, options: RunOptions): Promise<void> {
    this.log.error(`Crash: ${error.name}: ${error.message}`, { groupId: this.groupId, retryCount: (error as { retryCount?: number }).retryCount, stack: error.stack })
    this.instrumentation.emit(CONSUMER_EVENTS.STOP)
    this.instrumentation.emit(CONSUMER_EVENTS.DISCONNECT)
    let cause: unknown = error
    while ((cause as { cause?: unknown })?.cause) cause = (cause as { cause?: unknown }).cause
    const retriable = error.name === 'KafkaJSNumberOfRetriesExceeded' || (cause as { retriable?: unknown })?.retriable === true
    let restart = retriable
    const restartOnFailure = this.retry.restartOnFailure
    if (restart && restartOnFailure) {
      restart = await Promise.resolve().then(() => restartOnFailure(error)).catch((e: unknown) => {
        this.log.error('Caught error when invoking user-provided "restartOnFailure" callback. Defaulting to restarting.', {
          error: (e as Error)?.message ?? String(e),
          cause: error.message,
          groupId: this.groupId,
        })
        return true
      })
    }
    this.instrumentation.emit(CONSUMER_EVENTS.CRASH, { error, groupId: this.groupId, restart })
    if (!restart || this.runOptions !== options) return
    const retryTime = (error as { retryTime?: number }).retryTime || this.retry.initialRetryTime || 300
    this.log.error(`Restarting the consumer in ${retryTime}ms`, { retryCount: (error as { retryCount?: number }).retryCount, retryTime, groupId: this.groupId })
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined
      if (this.runOptions !== options) return
      this.start(options).catch((e: unknown) => this.crashed(toKafkaJSError(e), options))
    }, retryTime)
  }

  private running(): Runner {
    if (!this.runner) throw new KafkaJSNonRetriableError(NOT_RUNNING)
    return this.runner
  }

  /** Applies `fn` to the runner now, or as soon as run() has created it (KafkaJS allows seek right after a run() not awaited). */
  private withRunner(fn: (runner: Runner) => void): void {
    if (this.runner) return fn(this.runner)
    if (!this.runOptions) throw new KafkaJSNonRetriableError(NOT_RUNNING)
    this.early.push(fn)
  }

  /** Commits exactly these offsets (the offset of the next message to read). */
  async commitOffsets(topicPartitions: TopicPartitionOffsetAndMetadata[] = [], options: AbortOptions = {}): Promise<void> {
    const signal = checkSignal(options?.signal, 'commitOffsets()')
    throwIfAborted(signal, 'commitOffsets()')
    for (const { topic, partition, offset, metadata = null } of topicPartitions) {
      if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
      if (typeof partition !== 'number' || Number.isNaN(partition)) throw new KafkaJSNonRetriableError(`Invalid partition, expected a number received ${String(partition)}`)
      if (parseOffset(offset, 'offset') < 0n) throw new KafkaJSNonRetriableError('Offset must not be a negative number')
      if (metadata !== null && typeof metadata !== 'string') throw new KafkaJSNonRetriableError(`Invalid offset metadata, expected string or null, received ${String(metadata)}`)
    }
    const runner = this.running()
    await abortable(signal, () => runner.commitOffsets(topicPartitions), 'commitOffsets()')
  }

  /** Moves a partition's position; '-1' is the latest offset, '-2' the earliest. */
  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    if (!topic) throw new KafkaJSNonRetriableError(`Invalid topic ${String(topic)}`)
    if (typeof partition !== 'number' || Number.isNaN(partition)) throw new KafkaJSNonRetriableError(`Invalid partition, expected a number received ${String(partition)}`)
    const o = parseOffset(offset, 'offset')
    if (o < 0n && o !== -1n && o !== -2n) throw new KafkaJSNonRetriableError('Offset must not be a negative number')
    this.withRunner((r) => r.seek(topic, partition, o))
  }

  async describeGroup(): Promise<GroupDescription> {
    const { groups } = await this.admin.describeGroups([this.groupId])
    return groups[0]!
  }

  pause(topicPartitions: PauseRequest = []): void {
    checkPauseRequest(topicPartitions, 'pause')
    this.withRunner((r) => r.pause(topicPartitions))
  }

  resume(topicPartitions: PauseRequest = []): void {
    checkPauseRequest(topicPartitions, 'resume')
    this.withRunner((r) => r.resume(topicPartitions))
  }

  paused(): TopicPartitions[] {
    return this.runner ? this.runner.paused() : []
  }
}
