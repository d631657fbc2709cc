/**
 * The RecordMetadata a produced record's callback gets from the producer.
 *
 * Contract: the fields of {@link RecordMetadata}, with `offset` computed
 * when it is read (base offset + the record's index in its batch), so that
 * acknowledging a batch makes no BigInt per record. `offset` is an accessor
 * on the prototype: reading it, `util.inspect` / `console.log` and
 * `toJSON()` (offset as a decimal string, since JSON has no BigInt) show it,
 * but object spread and `Object.keys` do not (copy it explicitly:
 * `{ ...metadata, offset: metadata.offset }`).
 */
import { inspect } from 'node:util'
import type { RecordMetadata } from './types.js'

export class AcknowledgedRecord implements RecordMetadata {
  readonly topic: string
  readonly partition: number
  readonly timestamp: number
  readonly serializedKeySize: number
  readonly serializedValueSize: number
  /** The batch's base offset; -1n when unknown. Not enumerable (on the prototype's accessor's side). */
  readonly #base: bigint
  readonly #index: number

  constructor(topic: string, partition: number, baseOffset: bigint, index: number, timestamp: number,
    serializedKeySize: number, serializedValueSize: number) {
    this.topic = topic
    this.partition = partition
    this.timestamp = timestamp
    this.serializedKeySize = serializedKeySize
    this.serializedValueSize = serializedValueSize
    this.#base = baseOffset
    this.#index = index
  }

  /** -1n when acks=0 (and for a duplicate the broker no longer has offsets for). */
  get offset(): bigint {
    return this.#base < 0n ? -1n : this.#base + BigInt(this.#index)
  }

  toJSON(): Record<string, unknown> {
    return { ...this.plain(), offset: this.offset.toString() }
  }

  [inspect.custom](depth: number, options: Parameters<typeof inspect>[1]): string {
    return inspect(this.plain(), options)
  }

  private plain(): RecordMetadata {
    const { topic, partition, offset, timestamp, serializedKeySize, serializedValueSize } = this
    return { topic, partition, offset, timestamp, serializedKeySize, serializedValueSize }
  }
}
