// Helpers for consumer tests: a member running its own poll loop, and waiting for a condition.
import { Consumer, deserializers, type ConsumerRecord, type ConsumerRebalanceListener, type TopicPartition } from '../../src/index.js'
import { bootstrapServers } from './kafka.js'

export type StringConsumer = Consumer<string, string>

export function stringConsumer(config: Record<string, unknown>): StringConsumer {
  return new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'key.deserializer': deserializers.string,
    'value.deserializer': deserializers.string,
    'auto.offset.reset': 'earliest',
    ...config,
  }) as StringConsumer
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const k = (tp: TopicPartition) => `${tp.topic}-${tp.partition}`

/** A group member polling in its own loop, recording what it got and what the listener saw. */
export class Member {
  readonly consumer: StringConsumer
  readonly records: ConsumerRecord<string, string>[] = []
  readonly events: { type: 'assigned' | 'revoked' | 'lost'; partitions: string[] }[] = []
  private stopped = false
  private loop: Promise<void> | undefined
  error: unknown

  constructor(readonly name: string, config: Record<string, unknown>) {
    this.consumer = stringConsumer(config)
  }

  get listener(): ConsumerRebalanceListener {
    return {
      onPartitionsAssigned: (tps) => void this.events.push({ type: 'assigned', partitions: tps.map(k).sort() }),
      onPartitionsRevoked: (tps) => void this.events.push({ type: 'revoked', partitions: tps.map(k).sort() }),
      onPartitionsLost: (tps) => void this.events.push({ type: 'lost', partitions: tps.map(k).sort() }),
    }
  }

  subscribe(topics: string[] | RegExp): this {
    this.consumer.subscribe(topics, this.listener)
    return this
  }

  /** Polls until stopped; `each` runs after every poll (await it to simulate processing). */
  start(each?: (records: ConsumerRecord<string, string>[]) => Promise<void> | void, pollMs = 100): this {
    this.loop = (async () => {
      try {
        while (!this.stopped) {
          const batch = [...await this.consumer.poll(pollMs)]
          this.records.push(...batch)
          await each?.(batch)
        }
      } catch (e) {
        this.error = e
      }
    })()
    return this
  }

  assignment(): string[] {
    return this.consumer.assignment().map(k).sort()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.loop
    if (this.error) throw this.error
  }

  async close(): Promise<void> {
    await this.stop()
    await this.consumer.close()
  }
}
