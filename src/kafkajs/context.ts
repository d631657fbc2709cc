/**
 * What the clients of one `Kafka` share: its options, its logger, and the
 * samsa config derived from them.
 *
 * Contract: brokers given as a function are resolved on each `connect()`
 * (KafkaJS calls it when it connects), so a client built before the brokers
 * are known still works. Warnings about options samsa cannot honour are
 * logged once per Kafka instance, at WARN.
 */
import { Admin as SamsaAdmin } from '../admin/admin.js'
import { Producer as SamsaProducer } from '../producer/producer.js'
import { checkBrokers, commonConfig, retryBudgetMs, type CommonConfig } from './config.js'
import { toKafkaJSError } from './errors.js'
import type { KafkaConfig, Logger, RetryOptions } from './types.js'
import { engineLogger } from './logger.js'

/** Stands in for brokers given as a function when a config is only validated. */
const PLACEHOLDER_BROKERS = ['localhost:9092']

export class ClientContext {
  private warned = false

  /** The samsa `logger` option of every client: engine entries go through the KafkaJS logger. */
  private readonly engine: ReturnType<typeof engineLogger>

  constructor(readonly config: KafkaConfig, readonly logger: Logger) {
    this.engine = engineLogger(logger)
    if (typeof config.brokers !== 'function') checkBrokers(config.brokers)
    // Validates ssl and sasl now, so that a bad option fails in the constructor.
    this.common(PLACEHOLDER_BROKERS)
  }

  /** The common samsa options for these brokers. */
  common(brokers: string[]): CommonConfig {
    const { config, warnings } = commonConfig(this.config, brokers)
    if (!this.warned) {
      this.warned = true
      for (const w of warnings) this.logger.warn(w)
    }
    return { ...config, logger: this.engine }
  }

  /** The broker list: as given, or what the brokers function returns now. */
  async brokers(): Promise<string[]> {
    const b = this.config.brokers
    if (typeof b !== 'function') return checkBrokers(b)
    let list: unknown
    try {
      list = await b()
    } catch (e) {
      throw toKafkaJSError(e)
    }
    return checkBrokers(list)
  }

  /** The brokers if they can be known without calling a function (for config validation). */
  staticBrokers(): string[] {
    return typeof this.config.brokers === 'function' ? PLACEHOLDER_BROKERS : checkBrokers(this.config.brokers)
  }

  /**
   * Connects to the cluster and reads its description, retrying for about as
   * long as KafkaJS's retry policy would, then fails with a KafkaJS error.
   */
  async checkConnection(common: CommonConfig, retry: RetryOptions | undefined): Promise<void> {
    let admin: SamsaAdmin | undefined
    try {
      admin = new SamsaAdmin(common)
      await admin.describeCluster({ timeoutMs: retryBudgetMs(retry ?? this.config.retry) })
    } catch (e) {
      throw toKafkaJSError(e)
    } finally {
      await admin?.close()
    }
  }

  /**
   * Makes sure the topics exist, as KafkaJS's subscribe does: a metadata
   * request that lets the broker auto-create them (when the broker allows
   * it), then waits until each has partitions with leaders. Fails with a
   * KafkaJS error (UNKNOWN_TOPIC_OR_PARTITION) if a topic cannot be had.
   */
  async ensureTopics(common: CommonConfig, topics: string[], retry: RetryOptions | undefined): Promise<void> {
    if (topics.length === 0) return
    let producer: SamsaProducer | undefined
    try {
      producer = new SamsaProducer({
        ...common,
        'allow.auto.create.topics': true,
        'enable.idempotence': false,
        'max.block.ms': (common['request.timeout.ms'] as number) + retryBudgetMs(retry ?? this.config.retry),
      })
      const p = producer
      await Promise.all(topics.map((t) => p.partitionsFor(t)))
    } catch (e) {
      throw toKafkaJSError(e)
    } finally {
      await producer?.close()
    }
  }
}
