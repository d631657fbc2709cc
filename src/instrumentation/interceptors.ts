/**
 * Java's ProducerInterceptor and ConsumerInterceptor, given as objects in
 * `interceptor.classes`. They run in order; each one sees what the previous
 * returned. One that throws is logged and skipped: it never fails a send, a
 * poll or a commit. Without interceptors none of this runs.
 */
import type { KafkaError } from '../errors.js'
import type { Log } from '../logger.js'
import type { TopicPartitionOffset } from '../types.js'
import type { ProducerRecord, RecordMetadata, SendCallback } from '../producer/types.js'
import type { ConsumerRecords } from '../consumer/records.js'

export interface ProducerInterceptor<K = unknown, V = unknown> {
  /**
   * Called by send() before the record is serialized and partitioned; may
   * return a changed record (or nothing to keep it).
   */
  onSend?(record: ProducerRecord<K, V>): ProducerRecord<K, V> | void
  /**
   * Called when the record is acknowledged, or fails (`error`, and
   * `metadata` null), before the send's callback or promise. Runs on the
   * producer's path: keep it fast.
   */
  onAcknowledgement?(metadata: RecordMetadata | null, error: KafkaError | null): void
  /** Called by the producer's close(). */
  close?(): void
}

export interface ConsumerInterceptor<K = unknown, V = unknown> {
  /** Called before poll() returns its records; may return other records (or nothing to keep them). */
  onConsume?(records: ConsumerRecords<K, V>): ConsumerRecords<K, V> | void
  /** Called after offsets were committed. */
  onCommit?(offsets: TopicPartitionOffset[]): void
  /** Called by the consumer's close(). */
  close?(): void
}

export function isInterceptor(v: unknown, methods: readonly string[]): boolean {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return methods.some((m) => typeof o[m] === 'function') && methods.every((m) => o[m] === undefined || typeof o[m] === 'function')
}

function guarded<T>(log: Log, what: string, fn: () => T): T | undefined {
  try {
    return fn()
  } catch (e) {
    log.warn(`interceptor ${what} threw: ${(e as Error)?.message ?? String(e)}`, { error: e })
    return undefined
  }
}

export class ProducerInterceptors<K, V> {
  constructor(private readonly list: readonly ProducerInterceptor<K, V>[], private readonly log: Log) {}

  onSend(record: ProducerRecord<K, V>): ProducerRecord<K, V> {
    for (const i of this.list) {
      if (i.onSend === undefined) continue
      const r = guarded(this.log, 'onSend', () => i.onSend!(record))
      if (r !== undefined && r !== null) record = r
    }
    return record
  }

  /** The callback that tells the interceptors first. */
  wrap(callback: SendCallback): SendCallback {
    return (error, metadata) => {
      for (const i of this.list) {
        if (i.onAcknowledgement !== undefined) guarded(this.log, 'onAcknowledgement', () => i.onAcknowledgement!(error === null ? metadata : null, error))
      }
      callback(error, metadata)
    }
  }

  close(): void {
    for (const i of this.list) if (i.close !== undefined) guarded(this.log, 'close', () => i.close!())
  }
}

export class ConsumerInterceptors<K, V> {
  constructor(private readonly list: readonly ConsumerInterceptor<K, V>[], private readonly log: Log) {}

  onConsume(records: ConsumerRecords<K, V>): ConsumerRecords<K, V> {
    for (const i of this.list) {
      if (i.onConsume === undefined) continue
      const r = guarded(this.log, 'onConsume', () => i.onConsume!(records))
      if (r !== undefined && r !== null) records = r
    }
    return records
  }

  onCommit(offsets: TopicPartitionOffset[]): void {
    for (const i of this.list) if (i.onCommit !== undefined) guarded(this.log, 'onCommit', () => i.onCommit!(offsets))
  }

  close(): void {
    for (const i of this.list) if (i.close !== undefined) guarded(this.log, 'close', () => i.close!())
  }
}
