/**
 * The record collector: every record a topology writes (sinks, repartition
 * topics, changelogs) goes through here to the application's one producer.
 * It remembers the first failed write, which the next check or flush throws
 * (or logs, with the "continue" production handler).
 */
import { KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import type { Producer } from '../producer/producer.js'
import { isThenable } from '../serde/serde.js'
import type { Header } from '../types.js'
import { StreamsError } from './errors.js'
import type { StreamRecord } from './processor.js'
import type { Serde } from './serde.js'

export type RawProducer = Producer<Buffer | null, Buffer | null>

export class RecordCollector {
  /** Sends waiting for an async serializer, kept in order. */
  private chain: Promise<void> | undefined
  private failure: KafkaError | undefined
  /** Writes that failed and were skipped under the "continue" production handler. */
  skipped = 0

  constructor(
    private readonly producer: RawProducer,
    private readonly continueOnFailure: boolean,
    private readonly log: Log,
  ) {}

  /** Serializes and sends one record. */
  send(topic: string, record: StreamRecord<unknown, unknown>, keySerde: Serde<unknown>, valueSerde: Serde<unknown>, partition?: number): void {
    const key = keySerde.serializer.serialize(topic, record.key, record.headers)
    const value = valueSerde.serializer.serialize(topic, record.value, record.headers)
    if (this.chain || isThenable(key) || isThenable(value)) {
      const previous = this.chain ?? Promise.resolve()
      this.chain = previous.then(async () => this.sendBytes(topic, partition, await key, await value, record.timestamp, record.headers))
        .catch((e: unknown) => this.fail(e, topic))
      return
    }
    this.sendBytes(topic, partition, key, value, record.timestamp, record.headers)
  }

  /** Sends bytes as they are (changelog writes). */
  sendBytes(topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Header[] = []): void {
    try {
      this.producer.send({ topic, partition, key, value, timestamp, headers }, (error) => {
        if (error) this.fail(error, topic)
      })
    } catch (e) {
      this.fail(e, topic)
    }
  }

  /** Throws the first failure not yet reported (unless the handler says continue). */
  check(): void {
    const failure = this.failure
    if (failure) {
      this.failure = undefined
      throw failure
    }
  }

  /** Waits until every record handed over so far is acknowledged (or failed), then {@link check}s. */
  async flush(): Promise<void> {
    while (this.chain) {
      const chain = this.chain
      await chain
      if (this.chain === chain) this.chain = undefined
    }
    await this.producer.flush()
    this.check()
  }

  private fail(e: unknown, topic: string): void {
    const error = e instanceof KafkaError ? e : new StreamsError(`writing to topic "${topic}" failed: ${(e as Error)?.message ?? String(e)}`, { cause: e, context: { topic } })
    if (this.continueOnFailure) {
      this.skipped++
      this.log.warn('a record could not be written and is skipped (default.production.exception.handler=continue)', { topic, error: error.message })
      return
    }
    this.failure ??= new StreamsError(`writing to topic "${topic}" failed: ${error.message}`, { cause: error, context: { topic } })
  }
}
