/** The producer's public shapes (see API.md). */
import type { ClientMetrics } from '../metrics/index.js'
import type { KafkaError } from '../errors.js'
import type { Header } from '../types.js'

export interface ProducerRecord<K, V> {
  topic: string
  /** Explicit partition; wins over the partitioner. */
  partition?: number
  key?: K | null
  value: V | null
  /** Milliseconds since the epoch; default `Date.now()` at send. */
  timestamp?: number
  /** An array of `{ key, value }` or an object of key → string or Buffer. */
  headers?: Header[] | Record<string, string | Buffer | null>
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1n when acks=0 (and for a duplicate the broker no longer has offsets for). */
  offset: bigint
  /** The record's CreateTime, or the broker's LogAppendTime where the topic uses it. */
  timestamp: number
  /** -1 for a null key. */
  serializedKeySize: number
  /** -1 for a null value. */
  serializedValueSize: number
}

/** `callback(error, metadata)`: exactly one of the two is null. */
export type SendCallback = (error: KafkaError | null, metadata: RecordMetadata | null) => void

/** A broker as metadata describes it (Java's `Node`). */
export interface Node {
  id: number
  host: string
  port: number
  rack: string | null
}

/** A partition as metadata describes it (Java's `PartitionInfo`). */
export interface PartitionInfo {
  topic: string
  partition: number
  /** null when the partition has no leader right now. */
  leader: Node | null
  replicas: Node[]
  inSyncReplicas: Node[]
  offlineReplicas: Node[]
}

/** Counters since the producer was created (Java's producer-metrics, by their meaning). */
export interface ProducerMetrics extends ClientMetrics {
  /** Records acknowledged by the broker (or written, with acks=0). */
  recordsSent: number
  /** Bytes of record batches acknowledged (as sent: compressed when compression is on). */
  bytesSent: number
  /** Record batches acknowledged. */
  batchesSent: number
  /** Produce requests sent. */
  requestsSent: number
  /** Records whose batch was sent again after a retriable error. */
  retries: number
  /** Batches split in smaller ones after the broker refused them as too large (MESSAGE_TOO_LARGE). */
  batchSplits: number
  /** Records that failed (reported to their callback or promise with an error). */
  errors: number
  /** bytesSent / batchesSent (0 before the first batch). */
  averageBatchSize: number
  /** Bytes of `buffer.memory` held by unsent or unacknowledged batches. */
  bufferInUse: number
  /** `buffer.memory`. */
  bufferTotal: number
  /** Sends waiting for buffer space or metadata. */
  waitingSends: number
  /** Records accepted but not yet acknowledged or failed. */
  recordsInFlight: number
  /** Produce requests awaiting a response. */
  requestsInFlight: number
}

/**
 * Cancellation for a producer call that can wait (`send`, `flush`,
 * `partitionsFor`, the transaction calls): when `signal` fires the call
 * rejects with an AbortError whose `cause` is the signal's reason. A signal
 * already aborted rejects at once, before anything happens.
 */
export interface AbortOptions {
  signal?: AbortSignal
}

/**
 * `send(record, { signal })` / `send(record, callback, { signal })`: the
 * signal covers only the wait for metadata and for room in `buffer.memory`
 * (Java's blocking part of send). Aborted there, the record is not enqueued
 * and fails with an AbortError. Once the record is in a batch it cannot be
 * taken back: an abort then changes nothing, and the outcome is its delivery.
 */
export type SendOptions = AbortOptions

export interface CloseOptions {
  /** How long to wait for pending records; then they fail. Default: no limit. */
  timeoutMs?: number
  /**
   * Cuts the close short as `timeoutMs` would: records still pending fail,
   * every socket and timer is released, and the call rejects with an
   * AbortError. A signal aborted before the call closes nothing.
   */
  signal?: AbortSignal
}
