/**
 * `new Kafka(config)`: KafkaJS's entry point. Holds the options and the
 * logger its clients share; each client opens its own connections.
 *
 * Contract: invalid options (brokers, ssl, sasl) throw
 * KafkaJSNonRetriableError here; invalid client options throw when the
 * client is created (`kafka.producer()`, `kafka.consumer()`), not later.
 */
import { AdminFacade } from './admin.js'
import { ConsumerFacade } from './consumer.js'
import { ClientContext } from './context.js'
import { KafkaJSNonRetriableError } from './errors.js'
import { createLogger } from './logger.js'
import { ProducerFacade } from './producer.js'
import type { Admin, AdminConfig, Consumer, ConsumerConfig, KafkaConfig, Logger, Producer, ProducerConfig } from './types.js'

export class Kafka {
  private readonly context: ClientContext

  constructor(config: KafkaConfig) {
    if (config === null || typeof config !== 'object') throw new KafkaJSNonRetriableError('new Kafka(config): config must be an object with at least "brokers"')
    const logger = createLogger({ level: config.logLevel, logCreator: config.logCreator })
    this.context = new ClientContext({ ...config }, logger)
  }

  producer(config?: ProducerConfig): Producer {
    return new ProducerFacade(this.context, config ?? {})
  }

  consumer(config: ConsumerConfig): Consumer {
    return new ConsumerFacade(this.context, config)
  }

  admin(config?: AdminConfig): Admin {
    return new AdminFacade(this.context, config ?? {})
  }

  logger(): Logger {
    return this.context.logger
  }
}
