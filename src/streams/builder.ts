/**
 * StreamsBuilder: the entry point of the DSL. `stream()` and `table()` start
 * from topics; the KStream/KTable methods add nodes; `build()` hands the
 * graph to a KafkaStreams instance.
 */
import { TopologyError } from './errors.js'
import { KStream } from './kstream.js'
import { KTable, tableSourceNode } from './ktable.js'
import { SourceNode, type Node } from './processor.js'
import { Serdes, type Serde } from './serde.js'
import type { StoreDefinition } from './store.js'
import { Topology } from './topology.js'

/** Serdes of a source topic (Kafka Streams' `Consumed`); bytes when left out. */
export interface Consumed<K, V> {
  keySerde?: Serde<K>
  valueSerde?: Serde<V>
}

/** Where a table is kept (Kafka Streams' `Materialized`): its store name and serdes. */
export interface Materialized<K, V> {
  /** The store's name: queryable with `streams.store(name)`, changelog `<application.id>-<name>-changelog`. */
  storeName?: string
  keySerde?: Serde<K>
  valueSerde?: Serde<V>
}

/** A state store of the Processor API (Kafka Streams' `Stores.keyValueStoreBuilder`; in memory, changelog-backed unless `logged: false`). */
export interface StateStoreSpec<K, V> {
  name: string
  keySerde: Serde<K>
  valueSerde: Serde<V>
  logged?: boolean
}

/** The builder's bookkeeping, shared with the streams and tables it makes. */
export class GraphBuilder {
  readonly topology = new Topology()
  private index = 0

  /** Kafka Streams' node names: `KSTREAM-FILTER-0000000003`. */
  name(prefix: string): string {
    return `${prefix}-${String(this.index++).padStart(10, '0')}`
  }

  /** Adds `node` under each of `parents`. */
  add<N extends Node>(node: N, ...parents: Node[]): N {
    this.topology.nodes.push(node)
    for (const p of parents) p.children.push(node)
    return node
  }

  addSource(source: SourceNode): SourceNode {
    const taken = this.topology.sources.find((s) => s.topic.internal === source.topic.internal && s.topic.name === source.topic.name)
    if (taken) throw new TopologyError(`topic "${source.topic.name}" is already a source of this topology (${taken.name}): read it once and share the stream`)
    this.topology.sources.push(source)
    return this.add(source)
  }

  addStore(def: StoreDefinition): void {
    if (this.topology.stores.has(def.name)) throw new TopologyError(`a state store named "${def.name}" already exists in this topology: store names must be unique`)
    this.topology.stores.set(def.name, def)
  }
}

export class StreamsBuilder {
  private readonly graph = new GraphBuilder()

  /** A stream of the records of `topic` (or of several topics with the same serdes). */
  stream<K = Buffer, V = Buffer>(topic: string | string[], consumed: Consumed<K, V> = {}): KStream<K, V> {
    const topics = Array.isArray(topic) ? topic : [topic]
    if (topics.length === 0 || topics.some((t) => typeof t !== 'string' || t === '')) {
      throw new TopologyError(`stream(): expected a topic name or a non-empty array of them, got ${JSON.stringify(topic)}`)
    }
    const keySerde = consumed.keySerde ?? (Serdes.buffer as unknown as Serde<K>)
    const valueSerde = consumed.valueSerde ?? (Serdes.buffer as unknown as Serde<V>)
    const sources = topics.map((t) =>
      this.graph.addSource(new SourceNode(this.graph.name('KSTREAM-SOURCE'), { name: t, internal: false }, keySerde as Serde<unknown>, valueSerde as Serde<unknown>)))
    if (sources.length === 1) return new KStream<K, V>(this.graph, sources[0]!, { key: keySerde, value: valueSerde }, false)
    const merged = this.graph.add({ name: this.graph.name('KSTREAM-MERGE'), children: [], stores: [], process(r, ctx) { ctx.forward(this, r) } }, ...sources)
    return new KStream<K, V>(this.graph, merged, { key: keySerde, value: valueSerde }, false)
  }

  /**
   * A table of the latest value per key of `topic` (a null value deletes the
   * key), kept in a state store with its own changelog topic.
   */
  table<K = Buffer, V = Buffer>(topic: string, consumed: Consumed<K, V> & { storeName?: string } = {}): KTable<K, V> {
    if (typeof topic !== 'string' || topic === '') throw new TopologyError(`table(): expected a topic name, got ${JSON.stringify(topic)}`)
    const keySerde = consumed.keySerde ?? (Serdes.buffer as unknown as Serde<K>)
    const valueSerde = consumed.valueSerde ?? (Serdes.buffer as unknown as Serde<V>)
    const source = this.graph.addSource(new SourceNode(this.graph.name('KSTREAM-SOURCE'), { name: topic, internal: false }, keySerde as Serde<unknown>, valueSerde as Serde<unknown>))
    const storeName = consumed.storeName ?? `${topic}-STATE-STORE-${String(this.graph.topology.stores.size).padStart(10, '0')}`
    this.graph.addStore({ name: storeName, keySerde: keySerde as Serde<unknown>, valueSerde: valueSerde as Serde<unknown>, logged: true })
    const node = this.graph.add(tableSourceNode(this.graph.name('KTABLE-SOURCE'), storeName), source)
    return new KTable<K, V>(this.graph, node, storeName, { key: keySerde, value: valueSerde })
  }

  /**
   * Adds a key-value state store for Processor API processors
   * (`stream.process(supplier, name)` connects it). Logged to
   * `<application.id>-<name>-changelog` and restored from it unless
   * `logged: false`.
   */
  addStateStore<K, V>(store: StateStoreSpec<K, V>): this {
    if (!store || typeof store.name !== 'string' || store.name === '') throw new TopologyError(`addStateStore(): expected { name, keySerde, valueSerde }, got ${JSON.stringify(store?.name)} as the name`)
    if (!store.keySerde || !store.valueSerde) throw new TopologyError(`addStateStore("${store.name}"): pass both keySerde and valueSerde`)
    this.graph.addStore({ name: store.name, keySerde: store.keySerde as Serde<unknown>, valueSerde: store.valueSerde as Serde<unknown>, logged: store.logged ?? true })
    return this
  }

  /** The topology to run: `new KafkaStreams(builder.build(), config)`. */
  build(): Topology {
    if (this.graph.topology.sources.length === 0) throw new TopologyError('build(): the topology has no source: call stream() or table() first')
    this.graph.topology.subTopologies()
    return this.graph.topology
  }
}
