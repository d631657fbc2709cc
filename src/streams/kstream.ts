/**
 * KStream: an unbounded stream of records. Each method adds a node to the
 * graph and returns the stream of what that node forwards; the key and value
 * types follow the functions given.
 */
import type { GraphBuilder } from './builder.js'
import { TopologyError } from './errors.js'
import { KGroupedStream, type Grouped } from './kgrouped.js'
import { streamTableJoin, type Joined, type ValueJoiner } from './join.js'
import { JoinWindows } from './join-windows.js'
import type { KTable } from './ktable.js'
import { processorNode, type ProcessorSupplier } from './processor-api.js'
import { FnNode, SinkNode, type Node, type StreamRecord, type TopicNameExtractor } from './processor.js'
import type { Serde } from './serde.js'
import { streamStreamJoin, type StreamJoined, type StreamJoinKind } from './stream-join.js'

/** The serdes known for a stream's keys and values (from its source, kept while they still fit). */
export interface KnownSerdes<K, V> {
  key?: Serde<K>
  value?: Serde<V>
}

/** Serdes of an output topic (Kafka Streams' `Produced`); the stream's own when left out. */
export interface Produced<K, V> {
  keySerde?: Serde<K>
  valueSerde?: Serde<V>
}

export type KeyValue<K, V> = [key: K, value: V]

export class KStream<K, V> {
  /** @internal */
  constructor(
    readonly graph: GraphBuilder,
    readonly node: Node,
    readonly serdes: KnownSerdes<K, V>,
    /** Whether the key may have changed since the source (a grouping then repartitions). */
    readonly keyChanged: boolean,
  ) {}

  private next<K2, V2>(prefix: string, fn: (record: StreamRecord<K, V>, forward: (r: StreamRecord<K2, V2>) => void) => void, serdes: KnownSerdes<K2, V2>, keyChanged: boolean): KStream<K2, V2> {
    const node = this.graph.add(new FnNode(this.graph.name(prefix), (record, ctx, self) => {
      fn(record as StreamRecord<K, V>, (r) => ctx.forward(self, r as StreamRecord<unknown, unknown>))
    }), this.node)
    return new KStream<K2, V2>(this.graph, node, serdes, keyChanged)
  }

  /** The records for which `predicate` holds. */
  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.next<K, V>('KSTREAM-FILTER', (r, forward) => {
      if (predicate(r.key, r.value)) forward(r)
    }, this.serdes, this.keyChanged)
  }

  /** The records for which `predicate` does not hold. */
  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.filter((k, v) => !predicate(k, v))
  }

  /** A new key and value per record. */
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): KStream<K2, V2> {
    return this.next<K2, V2>('KSTREAM-MAP', (r, forward) => {
      const [key, value] = mapper(r.key, r.value)
      forward({ ...r, key, value })
    }, {}, true)
  }

  /** A new value per record; the key (and its serde) stays. */
  mapValues<V2>(mapper: (value: V, key: K) => V2): KStream<K, V2> {
    return this.next<K, V2>('KSTREAM-MAPVALUES', (r, forward) => forward({ ...r, value: mapper(r.value, r.key) }), { key: this.serdes.key }, this.keyChanged)
  }

  /** Zero or more records per record. */
  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2> {
    return this.next<K2, V2>('KSTREAM-FLATMAP', (r, forward) => {
      for (const [key, value] of mapper(r.key, r.value)) forward({ ...r, key, value })
    }, {}, true)
  }

  /** Zero or more values per record, each with the record's key. */
  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): KStream<K, V2> {
    return this.next<K, V2>('KSTREAM-FLATMAPVALUES', (r, forward) => {
      for (const value of mapper(r.value, r.key)) forward({ ...r, value })
    }, { key: this.serdes.key }, this.keyChanged)
  }

  /** A new key per record; the value stays. */
  selectKey<K2>(mapper: (key: K, value: V) => K2): KStream<K2, V> {
    return this.next<K2, V>('KSTREAM-KEY-SELECT', (r, forward) => forward({ ...r, key: mapper(r.key, r.value) }), { value: this.serdes.value }, true)
  }

  /** Calls `action` for each record and passes the record on unchanged. */
  peek(action: (key: K, value: V) => void): KStream<K, V> {
    return this.next<K, V>('KSTREAM-PEEK', (r, forward) => {
      action(r.key, r.value)
      forward(r)
    }, this.serdes, this.keyChanged)
  }

  /** Calls `action` for each record; the end of this branch (Kafka Streams' `foreach`). */
  foreach(action: (key: K, value: V) => void): void {
    this.graph.add(new FnNode(this.graph.name('KSTREAM-FOREACH'), (r) => action(r.key as K, r.value as V)), this.node)
  }

  /** The records of this stream and `other`, interleaved as they are processed. */
  merge(other: KStream<K, V>): KStream<K, V> {
    if (other.graph !== this.graph) throw new TopologyError('merge(): both streams must come from the same StreamsBuilder')
    const node = this.graph.add(new FnNode(this.graph.name('KSTREAM-MERGE'), (r, ctx, self) => ctx.forward(self, r)), this.node, other.node)
    const same = <T>(a: T | undefined, b: T | undefined) => (a === b ? a : undefined)
    return new KStream<K, V>(this.graph, node, { key: same(this.serdes.key, other.serdes.key), value: same(this.serdes.value, other.serdes.value) }, this.keyChanged || other.keyChanged)
  }

  /**
   * Splits the stream by predicates (Kafka Streams' `split()`): each record
   * goes to the first branch whose predicate holds, or to the default branch.
   */
  split(prefix = ''): BranchedKStream<K, V> {
    return new BranchedKStream<K, V>(this, prefix)
  }

  /** The older form of split(): one stream per predicate, each record in the first that matches (or none). */
  branch(...predicates: ((key: K, value: V) => boolean)[]): KStream<K, V>[] {
    const split = this.split()
    predicates.forEach((p, i) => split.branch(p, String(i)))
    const out = split.noDefaultBranch()
    return predicates.map((_, i) => out[String(i)]!)
  }

  /** Writes the records to `topic`, or to the topic `topic(key, value, record)` names. */
  to(topic: string | TopicNameExtractor<K, V>, produced: Produced<K, V> = {}): void {
    if (typeof topic !== 'function' && (typeof topic !== 'string' || topic === '')) throw new TopologyError(`to(): expected a topic name or a function choosing one, got ${JSON.stringify(topic)}`)
    const keySerde = produced.keySerde ?? this.serdes.key
    const valueSerde = produced.valueSerde ?? this.serdes.value
    const where = typeof topic === 'string' ? `to("${topic}")` : 'to(<function>)'
    if (!keySerde) throw new TopologyError(`${where}: the keys were changed after the source, so their serde is not known: pass { keySerde }`)
    if (!valueSerde) throw new TopologyError(`${where}: the values were changed after the source, so their serde is not known: pass { valueSerde }`)
    const ref = typeof topic === 'string' ? { name: topic, internal: false } : (topic as TopicNameExtractor<unknown, unknown>)
    this.graph.add(new SinkNode(this.graph.name('KSTREAM-SINK'), ref, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), this.node)
  }

  /**
   * With a KTable: joins each record with the table's current value for its
   * key (records whose key the table lacks are dropped). With a KStream and
   * JoinWindows: joins the records of both streams with the same key whose
   * timestamps are within the windows (each pair once, with the larger
   * timestamp). The inputs must be co-partitioned; a stream whose key
   * changed is repartitioned first.
   */
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR>, joined?: Joined<K, V>): KStream<K, VR>
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
  join<VO, VR>(other: KTable<K, VO> | KStream<K, VO>, joiner: ValueJoiner<V, VO, VR>, options?: Joined<K, V> | JoinWindows, streamJoined: StreamJoined<K, V, VO> = {}): KStream<K, VR> {
    return this.joinWith(other, joiner as ValueJoiner<V | null, VO | null, VR>, 'inner', options, streamJoined)
  }

  /**
   * As {@link join}, but a record without a match is joined with null: at
   * once with a table; with a stream, once its window has closed (window end
   * + grace passed by stream time) and no record of the other stream joined it.
   */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT | null, VR>, joined?: Joined<K, V>): KStream<K, VR>
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
  leftJoin<VO, VR>(other: KTable<K, VO> | KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR>, options?: Joined<K, V> | JoinWindows, streamJoined: StreamJoined<K, V, VO> = {}): KStream<K, VR> {
    return this.joinWith(other, joiner as ValueJoiner<V | null, VO | null, VR>, 'left', options, streamJoined)
  }

  /** As the windowed {@link leftJoin}, and records of the other stream without a match are joined with null too (as `joiner(null, otherValue)`). */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR>, windows: JoinWindows, streamJoined: StreamJoined<K, V, VO> = {}): KStream<K, VR> {
    if (!(other instanceof KStream)) throw new TopologyError('outerJoin(): expected a KStream to join with (a KStream has no outer join with a KTable)')
    return this.joinWith(other, joiner, 'outer', windows, streamJoined)
  }

  private joinWith<VO, VR>(other: KTable<K, VO> | KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR>, kind: StreamJoinKind, options: Joined<K, V> | JoinWindows | undefined, streamJoined: StreamJoined<K, V, VO>): KStream<K, VR> {
    if (other instanceof KStream) return streamStreamJoin(this, other, joiner, options as JoinWindows, kind, streamJoined)
    if (options instanceof JoinWindows) throw new TopologyError(`${kind === 'inner' ? 'join' : 'leftJoin'}(): JoinWindows are for a join with a KStream; a KTable join takes Joined options`)
    return streamTableJoin(this, other, joiner as ValueJoiner<V, VO | null, VR>, kind === 'left', (options ?? {}) as Joined<K, V>)
  }

  /**
   * Runs each record through a processor of the Processor API (one instance
   * per task, from `supplier`), connected to the named state stores
   * (`builder.addStateStore()`); returns the stream of what it forwards.
   */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut> {
    return new KStream<KOut, VOut>(this.graph, processorNode(this.graph, this.node, supplier, storeNames), {}, true)
  }

  /** Groups by the current key, for an aggregation. */
  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream<K, V>(this, grouped)
  }

  /** Groups by a new key (the records go through a repartition topic). */
  groupBy<K2>(selector: (key: K, value: V) => K2, grouped: Grouped<K2, V> = {}): KGroupedStream<K2, V> {
    const rekeyed = this.next<K2, V>('KSTREAM-KEY-SELECT', (r, forward) => forward({ ...r, key: selector(r.key, r.value) }), { value: this.serdes.value }, true)
    return new KGroupedStream<K2, V>(rekeyed, grouped)
  }
}

/** The branches of a split stream. */
export class BranchedKStream<K, V> {
  private readonly branches: { name: string; predicate: (key: K, value: V) => boolean; node: Node }[] = []
  private readonly router: Node

  constructor(private readonly stream: KStream<K, V>, private readonly prefix: string) {
    const branches = this.branches
    this.router = stream.graph.add(new FnNode(stream.graph.name('KSTREAM-BRANCH'), (r, ctx) => {
      for (const b of branches) {
        if (b.predicate(r.key as K, r.value as V)) {
          b.node.process(r, ctx)
          return
        }
      }
    }), stream.node)
  }

  /** A branch for the records `predicate` accepts (and no earlier branch took), named `prefix + name`. */
  branch(predicate: (key: K, value: V) => boolean, name = String(this.branches.length + 1)): this {
    const full = this.prefix + name
    if (this.branches.some((b) => b.name === full)) throw new TopologyError(`split(): a branch named "${full}" already exists`)
    const node = this.stream.graph.add(new FnNode(this.stream.graph.name('KSTREAM-BRANCHCHILD'), (r, ctx, self) => ctx.forward(self, r)))
    this.router.children.push(node)
    this.branches.push({ name: full, predicate, node })
    return this
  }

  /** Ends the split with a branch for the records no predicate took; returns every branch by name. */
  defaultBranch(name = '0'): Record<string, KStream<K, V>> {
    this.branch(() => true, name)
    return this.noDefaultBranch()
  }

  /** Ends the split; records no predicate took are dropped. */
  noDefaultBranch(): Record<string, KStream<K, V>> {
    const out: Record<string, KStream<K, V>> = {}
    for (const b of this.branches) out[b.name] = new KStream<K, V>(this.stream.graph, b.node, this.stream.serdes, this.stream.keyChanged)
    return out
  }
}
