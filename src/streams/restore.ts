/**
 * Restoration: before a task processes anything, its stores are rebuilt by
 * reading their changelog partitions from the beginning to the end (under
 * exactly_once_v2 the last stable offset: what committed transactions wrote).
 */
import type { Consumer } from '../consumer/consumer.js'
import type { Log } from '../logger.js'
import type { TopicPartition } from '../types.js'
import type { InMemoryKeyValueStore } from './store.js'

export interface RestoreTarget {
  tp: TopicPartition
  store: InMemoryKeyValueStore<unknown, unknown>
}

/** Reads each target's changelog partition into its store; resolves with the number of records applied. */
export async function restoreStores(consumer: Consumer<Buffer | null, Buffer | null>, targets: RestoreTarget[], log: Log, stopped: () => boolean): Promise<number> {
  if (targets.length === 0) return 0
  const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`
  const byTp = new Map(targets.map((t) => [key(t.tp), t]))
  const tps = targets.map((t) => t.tp)
  const ends = new Map((await consumer.endOffsets(tps)).map((o) => [key(o), o.offset]))
  const pending = tps.filter((tp) => (ends.get(key(tp)) ?? 0n) > 0n)
  if (pending.length === 0) return 0
  consumer.assign(pending)
  consumer.seekToBeginning(pending)
  let applied = 0
  let left = pending
  const started = Date.now()
  while (left.length > 0 && !stopped()) {
    const records = await consumer.poll(200)
    for (const r of records) {
      byTp.get(key(r))!.store.restore(r.key, r.value)
      applied++
    }
    const positions = await Promise.all(left.map(async (tp) => [tp, await consumer.position(tp)] as const))
    left = positions.filter(([tp, position]) => position < ends.get(key(tp))!).map(([tp]) => tp)
  }
  consumer.assign([])
  log.info('state stores restored', { partitions: pending.length, records: applied, ms: Date.now() - started })
  return applied
}
