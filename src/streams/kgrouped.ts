/**
 * KGroupedStream: records grouped by key, ready to aggregate into a KTable.
 * When the key may have changed since the source, the records first go
 * through the repartition topic `<application.id>-<name>-repartition` so that
 * each key lands in the task that owns its partition of the store.
 */
import type { Materialized } from './builder.js'
import { TopologyError } from './errors.js'
import type { KStream } from './kstream.js'
import { KTable } from './ktable.js'
import { FnNode, SinkNode, SourceNode, type Node } from './processor.js'
import { Serdes, type Serde } from './serde.js'
import { SessionWindowedKStream, TimeWindowedKStream } from './windowed-kgrouped.js'
import { SessionWindows, TimeWindows } from './windows.js'

/** Serdes and name of a grouping (Kafka Streams' `Grouped`); the name names the repartition topic. */
export interface Grouped<K, V> {
  name?: string
  keySerde?: Serde<K>
  valueSerde?: Serde<V>
}

export class KGroupedStream<K, V> {
  /** @internal */
  constructor(private readonly stream: KStream<K, V>, private readonly grouped: Grouped<K, V>) {}

  /** The number of records per key. */
  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.aggregateWith<number>('KSTREAM-AGGREGATE', () => 0, (_k, _v, n) => n + 1, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.long })
  }

  /** Combines the values of each key: the first value, then `reducer(aggregate, value)`. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<K, V> {
    const valueSerde = materialized.valueSerde ?? this.grouped.valueSerde ?? this.stream.serdes.value
    return this.aggregateWith<V>('KSTREAM-REDUCE', undefined, (_k, v, agg, first) => (first ? v : reducer(agg, v)), { ...materialized, valueSerde })
  }

  /** Folds the values of each key into an aggregate that starts as `initializer()`. */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    return this.aggregateWith<VA>('KSTREAM-AGGREGATE', initializer, (k, v, agg) => aggregator(k, v, agg), materialized)
  }

  /** Cuts each key's records into time windows (tumbling or hopping) or sessions, for a windowed aggregation. */
  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>
  windowedBy(windows: TimeWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    const src = { stream: this.stream, grouped: this.grouped, parent: (name: string, keySerde: Serde<K>) => (this.stream.keyChanged ? this.repartition(name, keySerde) : this.stream.node) }
    if (windows instanceof SessionWindows) return new SessionWindowedKStream(src, windows)
    if (windows instanceof TimeWindows) return new TimeWindowedKStream(src, windows)
    throw new TopologyError('windowedBy(): expected TimeWindows or SessionWindows')
  }

  private aggregateWith<VA>(
    prefix: string,
    initializer: (() => VA) | undefined,
    step: (key: K, value: V, aggregate: VA, first: boolean) => VA,
    materialized: Materialized<K, VA>,
  ): KTable<K, VA> {
    const graph = this.stream.graph
    const storeName = materialized.storeName ?? graph.name(`${prefix}-STATE-STORE`)
    const keySerde = materialized.keySerde ?? this.grouped.keySerde ?? this.stream.serdes.key
    const what = `${prefix === 'KSTREAM-REDUCE' ? 'reduce' : 'aggregate/count'}() into store "${storeName}"`
    if (!keySerde) throw new TopologyError(`${what}: the serde of the keys is not known (they were changed after the source): pass { keySerde } in the Grouped or Materialized options`)
    if (!materialized.valueSerde) throw new TopologyError(`${what}: the serde of the aggregates is not known: pass { valueSerde } in the Materialized options`)
    graph.addStore({ name: storeName, keySerde: keySerde as Serde<unknown>, valueSerde: materialized.valueSerde as Serde<unknown>, logged: true })

    let parent: Node = this.stream.node
    if (this.stream.keyChanged) parent = this.repartition(this.grouped.name ?? storeName, keySerde)
    const node = graph.add(new FnNode(graph.name(prefix), (r, ctx, self) => {
      if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) return // as Kafka Streams: records without key or value are skipped
      const store = ctx.store<K, VA>(storeName)
      const old = store.get(r.key as K)
      const first = old === undefined
      const start = first ? (initializer ? initializer() : (undefined as VA)) : old
      const next = step(r.key as K, r.value as V, start, first && !initializer)
      store.put(r.key as K, next)
      ctx.forward(self, { ...r, value: next })
    }, [storeName]), parent)
    return new KTable<K, VA>(graph, node, storeName, { key: keySerde, value: materialized.valueSerde })
  }

  /** Writes to and reads back from `<application.id>-<name>-repartition`. */
  private repartition(name: string, keySerde: Serde<K>): Node {
    const graph = this.stream.graph
    const valueSerde = this.grouped.valueSerde ?? this.stream.serdes.value
    if (!valueSerde) {
      throw new TopologyError(`grouping "${name}": the records are re-keyed before it and go through a repartition topic, but the serde of their values is not known: pass { valueSerde } in the Grouped options`)
    }
    const topic = { name: `${name}-repartition`, internal: true }
    graph.add(new SinkNode(graph.name('KSTREAM-SINK'), topic, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), this.stream.node)
    return graph.addSource(new SourceNode(graph.name('KSTREAM-SOURCE'), topic, keySerde as Serde<unknown>, valueSerde as Serde<unknown>))
  }
}
