/**
 * KTable: the latest value per key, kept in a state store. Every update is
 * forwarded downstream (there is no record cache: each change is an output
 * record, as in Kafka Streams with `statestore.cache.max.bytes` = 0).
 */
import type { GraphBuilder } from './builder.js'
import { KStream, type KnownSerdes } from './kstream.js'
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

  /** The stream of the table's updates (a null value: the key was deleted). */
  toStream(): KStream<K, V> {
    const node = this.graph.add(new FnNode(this.graph.name('KTABLE-TOSTREAM'), (r, ctx, self) => ctx.forward(self, r)), this.node)
    return new KStream<K, V>(this.graph, node, this.serdes, false)
  }
}
