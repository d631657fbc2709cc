/**
 * What poll returns: records grouped by partition, in offset order within each
 * partition, iterable in that order.
 */
import type { Header, TopicPartition } from '../types.js'

export interface ConsumerRecord<K, V> {
  topic: string
  partition: number
  offset: bigint
  /** ms since epoch: the producer's (CreateTime) or the broker's (LogAppendTime). */
  timestamp: number
  timestampType: 'CreateTime' | 'LogAppendTime'
  key: K | null
  value: V | null
  /**
   * The record's headers in the order written: a fresh array per record
   * (empty when it has none), the application's to change, as Java's
   * `ConsumerRecord.headers()` is.
   */
  headers: Header[]
  /** The leader epoch of the batch, when the broker stamped one. */
  leaderEpoch?: number
  /** Bytes of the key as stored; -1 for a null key. */
  serializedKeySize: number
  /** Bytes of the value as stored; -1 for a null value. */
  serializedValueSize: number
}

const EMPTY: never[] = []

/** `R`: the record type (a share consumer's records carry their delivery count). */
export class ConsumerRecords<K, V, R extends ConsumerRecord<K, V> = ConsumerRecord<K, V>> implements Iterable<R> {
  /** The records of each partition, keyed by `topic\0partition`. */
  private readonly byPartition: Map<string, { tp: TopicPartition; records: R[] }>
  readonly count: number

  constructor(byPartition: Map<string, { tp: TopicPartition; records: R[] }> = new Map(), count = 0) {
    this.byPartition = byPartition
    this.count = count
  }

  static empty<K, V>(): ConsumerRecords<K, V> {
    return new ConsumerRecords<K, V>()
  }

  get isEmpty(): boolean {
    return this.count === 0
  }

  /** Partitions with at least one record in this batch. */
  partitions(): TopicPartition[] {
    return [...this.byPartition.values()].map((e) => ({ topic: e.tp.topic, partition: e.tp.partition }))
  }

  /** The records of one partition (empty if it has none here). */
  records(tp: TopicPartition): R[] {
    return this.byPartition.get(`${tp.topic}\u0000${tp.partition}`)?.records ?? EMPTY
  }

  *[Symbol.iterator](): Iterator<R> {
    for (const e of this.byPartition.values()) yield* e.records
  }
}
