/**
 * KafkaJS's offset bookkeeping for a running consumer: offsets resolved by
 * the handlers (the next offset to commit, i.e. the message offset + 1) and
 * the offsets last committed, per partition.
 *
 * Contract: `uncommitted()` lists every partition whose resolved offset
 * differs from what was last committed, in KafkaJS's `TopicOffsets` shape
 * (offsets as strings). `pendingCount()` is the number of resolved but
 * uncommitted messages, as KafkaJS counts it for `autoCommitThreshold`.
 */
import type { TopicPartition } from '../types.js'
import type { TopicOffsets } from './types.js'

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

interface Entry extends TopicPartition {
  offset: bigint
}

export class OffsetTracker {
  private readonly resolved = new Map<string, Entry>()
  private readonly committed = new Map<string, bigint>()
  lastCommit = Date.now()

  /** The message at `offset` is done: commit `offset + 1` next. */
  resolve(topic: string, partition: number, offset: bigint): void {
    this.resolved.set(tpKey(topic, partition), { topic, partition, offset: offset + 1n })
  }

  /** The next offset to commit is `next` (a seek without auto-commit). */
  setNext(topic: string, partition: number, next: bigint): void {
    this.resolved.set(tpKey(topic, partition), { topic, partition, offset: next })
  }

  /** The next offset to commit for a partition, if one was resolved. */
  next(topic: string, partition: number): bigint | undefined {
    return this.resolved.get(tpKey(topic, partition))?.offset
  }

  /** Resolved offsets not committed yet, optionally only for some partitions. */
  uncommitted(only?: TopicPartition[]): TopicOffsets[] {
    const keys = only ? new Set(only.map((tp) => tpKey(tp.topic, tp.partition))) : undefined
    const byTopic = new Map<string, { partition: number; offset: string }[]>()
    for (const [key, e] of this.resolved) {
      if (keys && !keys.has(key)) continue
      if (e.offset < 0n || this.committed.get(key) === e.offset) continue
      const list = byTopic.get(e.topic) ?? []
      list.push({ partition: e.partition, offset: String(e.offset) })
      byTopic.set(e.topic, list)
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a.partition - b.partition) }))
  }

  /** Messages resolved since the last commit (a partition never committed counts from offset 0, as in KafkaJS). */
  pendingCount(): bigint {
    let n = 0n
    for (const [key, e] of this.resolved) {
      const c = this.committed.get(key)
      n += c === undefined || c < 0n ? e.offset : e.offset - c
    }
    return n
  }

  markCommitted(topics: TopicOffsets[]): void {
    for (const t of topics) for (const p of t.partitions) this.committed.set(tpKey(t.topic, p.partition), BigInt(p.offset))
    this.lastCommit = Date.now()
  }

  /** Forgets partitions that moved to another member. */
  forget(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const key = tpKey(tp.topic, tp.partition)
      this.resolved.delete(key)
      this.committed.delete(key)
    }
  }

  /** Forgets what was resolved for a partition (a seek with auto-commit moved it). */
  clearResolved(topic: string, partition: number): void {
    this.resolved.delete(tpKey(topic, partition))
  }
}
