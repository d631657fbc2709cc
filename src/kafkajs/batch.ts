/**
 * What a KafkaJS handler sees of the records samsa's consumer returned:
 * `KafkaMessage` (offsets and timestamps as strings, headers as an object of
 * Buffers where a repeated key becomes an array) and `Batch`.
 */
import type { ConsumerRecord } from '../consumer/index.js'
import type { Header } from '../types.js'
import type { Batch, IHeaders, KafkaMessage } from './types.js'

export function toIHeaders(headers: Header[]): IHeaders {
  const out: IHeaders = {}
  for (const h of headers) {
    const value = h.value as Buffer
    const seen = out[h.key]
    if (seen === undefined) out[h.key] = value
    else if (Array.isArray(seen)) seen.push(value)
    else out[h.key] = [seen, value]
  }
  return out
}

function toKafkaMessage(r: ConsumerRecord<Buffer, Buffer>): KafkaMessage {
  return {
    key: r.key,
    value: r.value,
    timestamp: String(r.timestamp),
    attributes: 0,
    offset: String(r.offset),
    headers: toIHeaders(r.headers),
  }
}

/**
 * The records of one partition from one poll. `end` is the consumer's
 * position after them (past any control records or aborted records that
 * followed), `highWatermark` the partition's end as of the fetch.
 */
export class PartitionBatch implements Batch {
  readonly messages: KafkaMessage[]
  readonly highWatermark: string
  /** Offset of the first message not handled yet. */
  next: bigint

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly records: ConsumerRecord<Buffer, Buffer>[],
    readonly end: bigint,
    highWatermark: bigint,
    /** The partition's seek epoch when the records were polled. */
    readonly epoch: number,
  ) {
    this.messages = records.map(toKafkaMessage)
    this.highWatermark = String(highWatermark)
    this.next = records.length > 0 ? records[0]!.offset : end
  }

  get first(): bigint {
    return this.records.length > 0 ? this.records[0]!.offset : this.end
  }

  isEmpty(): boolean {
    return this.messages.length === 0
  }

  firstOffset(): string | null {
    return this.messages.length > 0 ? this.messages[0]!.offset : null
  }

  /** The last offset this batch covers (control records included, as in KafkaJS). */
  lastOffset(): string {
    return String(this.end - 1n)
  }

  offsetLag(): string {
    return String(BigInt(this.highWatermark) - this.end)
  }

  offsetLagLow(): string {
    if (this.messages.length === 0) return '0'
    return String(BigInt(this.highWatermark) - 1n - this.first)
  }
}
