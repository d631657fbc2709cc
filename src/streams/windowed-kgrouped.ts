/**
 * Windowed aggregations (Kafka Streams' TimeWindowedKStream and
 * SessionWindowedKStream): `groupByKey().windowedBy(windows)` then `count`,
 * `reduce` or `aggregate` into a KTable keyed by `Windowed<K>`.
 *
 * Event time is the record's timestamp. Each aggregation keeps its stream
 * time per task (the largest timestamp it has seen; after a restart, the
 * largest timestamp of its changelog); a record whose window ends at or
 * before `stream time - grace` is dropped, logged and counted in the task's
 * `dropped-records` metric, as are records without key or value. Every
 * update is forwarded (no suppression, no record cache).
 */
import type { Materialized } from './builder.js'
import { TopologyError } from './errors.js'
import type { Grouped } from './kgrouped.js'
import type { KStream } from './kstream.js'
import { KTable } from './ktable.js'
import { FnNode, type Node, type StreamRecord, type TaskContext } from './processor.js'
import { Serdes, type Serde } from './serde.js'
import { InMemorySessionStore } from './session-store.js'
import type { ChangeLogger, StateStore, StoreDefinition } from './store.js'
import { InMemoryWindowStore } from './window-store.js'
import { WindowedSerdes, type SessionWindows, type TimeWindows, type Window, type Windowed } from './windows.js'

/** Materialized options of a windowed store: also how long its windows are kept. */
export interface WindowedMaterialized<K, V> extends Materialized<K, V> {
  /** How long (in stream time) windows stay in the store and queryable; default and minimum: window size (or gap) + grace. */
  retentionMs?: number
}

/** What a windowed stream needs of the grouped stream it comes from. */
export interface GroupedSource<K, V> {
  readonly stream: KStream<K, V>
  readonly grouped: Grouped<K, V>
  /** The node the aggregation goes under: the stream's, or a repartition topic's source when the key changed. */
  parent(name: string, keySerde: Serde<K>): Node
}

/** Kafka Streams' windowed changelogs: compacted and deleted after retention + `windowstore.changelog.additional.retention.ms` (1 day). */
export function windowedChangelogConfigs(retentionMs: number): Record<string, string> {
  return { 'cleanup.policy': 'compact,delete', 'retention.ms': String(retentionMs + 24 * 3600 * 1000) }
}

interface Plan<K, VA> {
  storeName: string
  keySerde: Serde<K>
  valueSerde: Serde<VA>
  retentionMs: number
}

/** Names the store, finds its serdes and retention, or says which option is missing. */
function plan<K, V, VA>(src: GroupedSource<K, V>, prefix: string, minRetentionMs: number, materialized: WindowedMaterialized<K, VA>): Plan<K, VA> {
  const storeName = materialized.storeName ?? src.stream.graph.name(`${prefix}-STATE-STORE`)
  const keySerde = materialized.keySerde ?? src.grouped.keySerde ?? src.stream.serdes.key
  const what = `windowed ${prefix === 'KSTREAM-REDUCE' ? 'reduce' : 'aggregate/count'}() into store "${storeName}"`
  if (!keySerde) throw new TopologyError(`${what}: the serde of the keys is not known (they were changed after the source): pass { keySerde } in the Grouped or Materialized options`)
  if (!materialized.valueSerde) throw new TopologyError(`${what}: the serde of the aggregates is not known: pass { valueSerde } in the Materialized options`)
  const retentionMs = materialized.retentionMs ?? minRetentionMs
  if (!Number.isSafeInteger(retentionMs) || retentionMs < minRetentionMs) {
    throw new TopologyError(`${what}: the retention (${retentionMs} ms) must be at least the window size (or gap) plus the grace period (${minRetentionMs} ms)`)
  }
  return { storeName, keySerde, valueSerde: materialized.valueSerde, retentionMs }
}

/** How one aggregation step works: an initial aggregate (none: the first value is it) and the step. */
type Step<K, V, VA> = (key: K, value: V, aggregate: VA, first: boolean) => VA

/** Drops a record without key or value (counted as Kafka Streams does); true when dropped. */
function droppedForNull(r: StreamRecord<unknown, unknown>, ctx: TaskContext, node: Node): boolean {
  if (r.key !== null && r.key !== undefined && r.value !== null && r.value !== undefined) return false
  ctx.recordDropped?.('Skipping record due to null key or value', { processor: node.name })
  return true
}

function dropExpired(ctx: TaskContext, timestamp: number, window: Window, closeTime: number, streamTime: number): void {
  ctx.recordDropped?.('Skipping record for expired window', { timestamp, window: `[${window.start},${window.end})`, expiration: closeTime, streamTime })
}

/** The store a windowed aggregation writes, with the stream time of its task's processor. */
interface WindowedStateStore {
  streamTime: number
}

/**
 * Adds the store and the aggregation node: records without key or value are
 * dropped, the stream time advanced, then `step(record, store, closeTime)`
 * does the kind's work.
 */
function addWindowedNode<K, V, S extends WindowedStateStore>(
  src: GroupedSource<K, V>,
  prefix: string,
  p: Plan<K, unknown>,
  kind: 'window' | 'session',
  graceMs: number,
  create: (def: StoreDefinition, changelog: string, logger: ChangeLogger | undefined) => S & StateStore,
  step: (r: StreamRecord<K, V>, ctx: TaskContext, self: Node, store: S, closeTime: number) => void,
): Node {
  const { graph } = src.stream
  const def: StoreDefinition = { name: p.storeName, keySerde: p.keySerde as Serde<unknown>, valueSerde: p.valueSerde as Serde<unknown>, logged: true, kind, changelogConfigs: windowedChangelogConfigs(p.retentionMs) }
  def.create = (changelog, logger) => create(def, changelog, logger)
  graph.addStore(def)
  const parent = src.parent(src.grouped.name ?? p.storeName, p.keySerde)
  return graph.add(new FnNode(graph.name(prefix), (r, ctx, self) => {
    if (droppedForNull(r, ctx, self)) return
    const store = ctx.store(p.storeName) as unknown as S
    store.streamTime = Math.max(store.streamTime, r.timestamp)
    step(r as StreamRecord<K, V>, ctx, self, store, store.streamTime - graceMs)
  }, [p.storeName]), parent)
}

/** A grouped stream cut into fixed-size (tumbling or hopping) time windows. */
export class TimeWindowedKStream<K, V> {
  /** @internal */
  constructor(private readonly src: GroupedSource<K, V>, readonly windows: TimeWindows) {}

  /** The number of records per key and window. */
  count(materialized: WindowedMaterialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregateWith<number>('KSTREAM-AGGREGATE', () => 0, (_k, _v, n) => n + 1, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.long })
  }

  /** Combines the values of each key and window: the first value, then `reducer(aggregate, value)`. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized: WindowedMaterialized<K, V> = {}): KTable<Windowed<K>, V> {
    const valueSerde = materialized.valueSerde ?? this.src.grouped.valueSerde ?? this.src.stream.serdes.value
    return this.aggregateWith<V>('KSTREAM-REDUCE', undefined, (_k, v, agg, first) => (first ? v : reducer(agg, v)), { ...materialized, valueSerde })
  }

  /** Folds the values of each key and window into an aggregate that starts as `initializer()`. */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: WindowedMaterialized<K, VA> = {}): KTable<Windowed<K>, VA> {
    return this.aggregateWith<VA>('KSTREAM-AGGREGATE', initializer, (k, v, agg) => aggregator(k, v, agg), materialized)
  }

  private aggregateWith<VA>(prefix: string, initializer: (() => VA) | undefined, step: Step<K, V, VA>, materialized: WindowedMaterialized<K, VA>): KTable<Windowed<K>, VA> {
    const windows = this.windows
    const p = plan(this.src, prefix, windows.retentionMs(), materialized)
    const create = (def: StoreDefinition, changelog: string, logger: ChangeLogger | undefined) =>
      new InMemoryWindowStore<K, VA>(def as StoreDefinition<K, VA>, changelog, logger, { retentionMs: p.retentionMs, windowSizeMs: windows.sizeMs })
    const node = addWindowedNode(this.src, prefix, p, 'window', windows.graceMs, create, (r, ctx, self, store, closeTime) => {
      const key = r.key
      for (const window of windows.windowsFor(r.timestamp)) {
        if (window.end <= closeTime) {
          dropExpired(ctx, r.timestamp, window, closeTime, store.streamTime)
          continue
        }
        const old = store.fetch(key, window.start)
        const first = old === undefined
        const next = step(key, r.value, first ? (initializer ? initializer() : (undefined as VA)) : old, first && !initializer)
        store.put(key, next, window.start)
        ctx.forward(self, { ...r, key: { key, window }, value: next })
      }
    })
    return new KTable<Windowed<K>, VA>(this.src.stream.graph, node, p.storeName, { key: WindowedSerdes.timeWindowed(p.keySerde, windows.sizeMs), value: p.valueSerde })
  }
}

/** A grouped stream cut into sessions of activity. */
export class SessionWindowedKStream<K, V> {
  /** @internal */
  constructor(private readonly src: GroupedSource<K, V>, readonly windows: SessionWindows) {}

  /** The number of records per key and session. */
  count(materialized: WindowedMaterialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.aggregateWith<number>('KSTREAM-AGGREGATE', () => 0, (_k, _v, n) => n + 1, (_k, a, b) => a + b, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.long })
  }

  /** Combines the values of each key and session with `reducer` (which also merges two sessions). */
  reduce(reducer: (aggregate: V, value: V) => V, materialized: WindowedMaterialized<K, V> = {}): KTable<Windowed<K>, V> {
    const valueSerde = materialized.valueSerde ?? this.src.grouped.valueSerde ?? this.src.stream.serdes.value
    return this.aggregateWith<V>('KSTREAM-REDUCE', undefined, (_k, v, agg, first) => (first ? v : reducer(agg, v)), (_k, a, b) => reducer(a, b), { ...materialized, valueSerde })
  }

  /**
   * Folds the values of each key and session into an aggregate that starts
   * as `initializer()`; when a record joins two sessions, `merger(key, a, b)`
   * combines their aggregates.
   */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, aggregate1: VA, aggregate2: VA) => VA,
    materialized: WindowedMaterialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    return this.aggregateWith<VA>('KSTREAM-AGGREGATE', initializer, (k, v, agg) => aggregator(k, v, agg), merger, materialized)
  }

  private aggregateWith<VA>(
    prefix: string,
    initializer: (() => VA) | undefined,
    step: Step<K, V, VA>,
    merger: (key: K, a: VA, b: VA) => VA,
    materialized: WindowedMaterialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    const windows = this.windows
    const p = plan(this.src, prefix, windows.retentionMs(), materialized)
    const gap = windows.inactivityGapMs
    const create = (def: StoreDefinition, changelog: string, logger: ChangeLogger | undefined) => new InMemorySessionStore<K, VA>(def as StoreDefinition<K, VA>, changelog, logger, p.retentionMs)
    const node = addWindowedNode(this.src, prefix, p, 'session', windows.graceMs, create, (r, ctx, self, store, closeTime) => {
      const key = r.key
      const ts = r.timestamp
      // The record's own session [ts, ts], merged with every session it is within the gap of.
      let merged: Window = { start: ts, end: ts }
      // As Kafka Streams: the initial aggregate merged with each session's (a reduce has none: the first session's is it).
      let agg = initializer ? initializer() : (undefined as VA)
      let first = !initializer
      const overlapping = [...store.findSessions(key, ts - gap, ts + gap)]
      for (const [session, value] of overlapping) {
        agg = first ? value : merger(key, agg, value)
        first = false
        merged = { start: Math.min(merged.start, session.window.start), end: Math.max(merged.end, session.window.end) }
      }
      if (merged.end < closeTime) {
        dropExpired(ctx, ts, merged, closeTime, store.streamTime)
        return
      }
      if (merged.start !== ts || merged.end !== ts) {
        for (const [session] of overlapping) {
          store.remove(session)
          ctx.forward(self, { ...r, key: session, value: null })
        }
      }
      const next = step(key, r.value, agg, first)
      const windowed: Windowed<K> = { key, window: merged }
      store.put(windowed, next)
      ctx.forward(self, { ...r, key: windowed, value: next })
    })
    return new KTable<Windowed<K>, VA>(this.src.stream.graph, node, p.storeName, { key: WindowedSerdes.sessionWindowed(p.keySerde), value: p.valueSerde })
  }
}
