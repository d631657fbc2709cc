/**
 * Restoration: before a task processes anything, its stores are rebuilt by
 * reading their changelog partitions from the beginning to the log end.
 * Under exactly_once_v2 the restore consumer reads committed data only and
 * still reads up to the log end, so it waits for the markers of a just
 * committed transaction (the coordinator writes them after answering
 * EndTxn) and for the abort of a killed writer's open one: stopping at the
 * last stable offset of that moment could miss changes whose input offsets
 * are already committed.
 */
import type { Consumer } from '../consumer/consumer.js'
import type { Log } from '../logger.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import type { StateStore } from './store.js'

export interface RestoreTarget {
  tp: TopicPartition
  store: StateStore
}

/** Reads each target's changelog partition into its store; resolves with the number of records applied. */
export async function restoreStores(
  consumer: Consumer<Buffer | null, Buffer | null>,
  logEnds: (tps: TopicPartition[]) => Promise<TopicPartitionOffset[]>,
  targets: RestoreTarget[],
  log: Log,
  stopped: () => boolean,
): Promise<number> {
  if (targets.length === 0) return 0
  const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`
  const byTp = new Map(targets.map((t) => [key(t.tp), t]))
  const tps = targets.map((t) => t.tp)
  const ends = new Map((await logEnds(tps)).map((o) => [key(o), o.offset]))
  const pending = tps.filter((tp) => (ends.get(key(tp)) ?? 0n) > 0n)
  if (pending.length === 0) return 0
  consumer.assign(pending)
  consumer.seekToBeginning(pending)
  let applied = 0
  const counts = new Map<string, { first: bigint; last: bigint; n: number }>()
  let left = pending
  const started = Date.now()
  while (left.length > 0 && !stopped()) {
    const records = await consumer.poll(200)
    for (const r of records) {
      byTp.get(key(r))!.store.restore(r.key, r.value, r.timestamp)
      const c = counts.get(key(r)) ?? { first: r.offset, last: r.offset, n: 0 }
      c.last = r.offset
      c.n++
      counts.set(key(r), c)
      applied++
    }
    const positions = await Promise.all(left.map(async (tp) => [tp, await consumer.position(tp)] as const))
    left = positions.filter(([tp, position]) => position < ends.get(key(tp))!).map(([tp]) => tp)
  }
  consumer.assign([])
  for (const tp of pending) log.info('restored partition', { tp: key(tp), end: String(ends.get(key(tp))), n: counts.get(key(tp))?.n, first: String(counts.get(key(tp))?.first), last: String(counts.get(key(tp))?.last) })
  log.info('state stores restored', { partitions: pending.length, records: applied, ms: Date.now() - started })
  return applied
}
