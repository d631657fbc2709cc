/**
 * KTable: the latest value per key, kept in a state store. Every update is
 * forwarded downstream (there is no record cache: each change is an output
 * record, as in Kafka Streams with `statestore.cache.max.bytes` = 0).
 */
import type { GraphBuilder } from './builder.js'
import { KStream, type KnownSerdes } from './kstream.js'
import type { Materialized } from './builder.js'
import { tableTableJoin, type TableJoinKind } from './join.js'
import { FnNode, type Node } from './processor.js'

/** The node under a table's source topic: puts each record into the store (null value: delete), forwards it. */
export function tableSourceNode(name: string, storeName: string): Node {
  return new FnNode(name, (r, ctx, self) => {
    if (r.key === null || r.key === undefined) return
    ctx.store(storeName).put(r.key, r.value)
    ctx.forward(self, r)
  }, [storeName])
}

export class KTable<K, V> {
  /** @internal */
  constructor(
    readonly graph: GraphBuilder,
    readonly node: Node,
    /** The store holding the table: `streams.store(queryableStoreName)`. */
    readonly queryableStoreName: string,
    readonly serdes: KnownSerdes<K, V>,
  ) {}

  /** The table of the keys both tables hold, joined; materialized in its own store (pass { valueSerde }). */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, other: VO) => VR, materialized: Materialized<K, VR> = {}): KTable<K, VR> {
    return this.joinWith(other, joiner as (value: V | null, other: VO | null) => VR, 'inner', materialized)
  }

  /** The keys of this table, joined with the other table's value or null. */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, other: VO | null) => VR, materialized: Materialized<K, VR> = {}): KTable<K, VR> {
    return this.joinWith(other, joiner as (value: V | null, other: VO | null) => VR, 'left', materialized)
  }

  /** The keys of either table, joined with the other's value or null. */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, other: VO | null) => VR, materialized: Materialized<K, VR> = {}): KTable<K, VR> {
    return this.joinWith(other, joiner, 'outer', materialized)
  }

  private joinWith<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, other: VO | null) => VR, kind: TableJoinKind, materialized: Materialized<K, VR>): KTable<K, VR> {
    return tableTableJoin(this, other, joiner, kind, materialized)
  }

  /** The stream of the table's updates (a null value: the key was deleted). */
  toStream(): KStream<K, V> {
    const node = this.graph.add(new FnNode(this.graph.name('KTABLE-TOSTREAM'), (r, ctx, self) => ctx.forward(self, r)), this.node)
    return new KStream<K, V>(this.graph, node, this.serdes, false)
  }
}
