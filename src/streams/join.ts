/**
 * Joins on the current key: KStream–KTable (each stream record looks up the
 * table's value for its key at the moment it is processed) and KTable–KTable
 * (the result table is recomputed for a key whenever either side changes).
 *
 * Both sides must be co-partitioned: the same number of partitions and the
 * same partitioner, so that a key's stream records and its table entry are
 * in the same partition number, hence in the same task. The join node uses
 * the table's store, which puts both sides into one sub-topology;
 * internal-topics.ts checks the partition counts when the application
 * starts. A stream whose key changed since its source goes through a
 * repartition topic first (as in Kafka Streams).
 */
import type { GraphBuilder, Materialized } from './builder.js'
import { TopologyError } from './errors.js'
import { KStream } from './kstream.js'
import { KTable } from './ktable.js'
import { FnNode, SinkNode, SourceNode, type Node, type StreamRecord, type TaskContext } from './processor.js'
import type { Serde } from './serde.js'

/** Makes the joined value from the two sides' values. */
export type ValueJoiner<V1, V2, VR> = (left: V1, right: V2) => VR

/**
 * Options of a stream–table join (Kafka Streams' `Joined`): the serdes of
 * the stream's records, needed when they go through a repartition topic
 * (`<application.id>-<name>-repartition`, name default: the join node's).
 */
export interface Joined<K, V> {
  name?: string
  keySerde?: Serde<K>
  valueSerde?: Serde<V>
}

/** Writes the records below `parent` to `<application.id>-<name>` and returns the source reading them back. */
export function throughRepartitionTopic(graph: GraphBuilder, parent: Node, name: string, keySerde: Serde<unknown>, valueSerde: Serde<unknown>): SourceNode {
  const topic = { name, internal: true }
  graph.add(new SinkNode(graph.name('KSTREAM-SINK'), topic, keySerde, valueSerde), parent)
  return graph.addSource(new SourceNode(graph.name('KSTREAM-SOURCE'), topic, keySerde, valueSerde))
}

/**
 * `stream.join(table)` / `stream.leftJoin(table)`. A stream record with a
 * null value is dropped; one with a null key is dropped by `join` and joined
 * with null by `leftJoin` (KIP-962); a table without the key drops the
 * record (`join`) or joins it with null (`leftJoin`). Table updates produce
 * nothing by themselves.
 */
export function streamTableJoin<K, V, VT, VR>(stream: KStream<K, V>, table: KTable<K, VT>, joiner: ValueJoiner<V, VT | null, VR>, left: boolean, joined: Joined<K, V>): KStream<K, VR> {
  const graph = stream.graph
  const what = left ? 'leftJoin()' : 'join()'
  if (!(table instanceof KTable)) throw new TopologyError(`${what}: expected a KTable, or a KStream with JoinWindows, to join with`)
  if (table.graph !== graph) throw new TopologyError(`${what}: the stream and the table must come from the same StreamsBuilder`)
  if (typeof joiner !== 'function') throw new TopologyError(`${what}: expected a value joiner function (streamValue, tableValue) => result`)
  const name = graph.name(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN')
  const keySerde = joined.keySerde ?? stream.serdes.key
  let parent = stream.node
  if (stream.keyChanged) {
    const valueSerde = joined.valueSerde ?? stream.serdes.value
    const topic = `${joined.name ?? name}-repartition`
    if (!keySerde || !valueSerde) {
      throw new TopologyError(`${what} with the table of store "${table.queryableStoreName}": the stream's key changed, so it goes through the repartition topic "<application.id>-${topic}", but the serde of its ${keySerde ? 'values' : 'keys'} is not known: pass { ${keySerde ? 'valueSerde' : 'keySerde'} } in the Joined options`)
    }
    parent = throughRepartitionTopic(graph, stream.node, topic, keySerde as Serde<unknown>, valueSerde as Serde<unknown>)
  }
  const storeName = table.queryableStoreName
  const node = graph.add(new FnNode(name, (r, ctx, self) => {
    if (r.value === null || r.value === undefined) return
    let other: VT | undefined
    if (r.key !== null && r.key !== undefined) other = ctx.store<K, VT>(storeName).get(r.key as K)
    else if (!left) return
    if (other === undefined && !left) return
    ctx.forward(self, { ...r, value: joiner(r.value as V, other ?? null) })
  }, [storeName]), parent)
  graph.topology.joins.push(node)
  return new KStream<K, VR>(graph, node, { key: keySerde }, false)
}

/** Which keys a table–table join keeps: both sides (inner), the left one (left), either (outer). */
export type TableJoinKind = 'inner' | 'left' | 'outer'

/**
 * `table.join(other)` / `leftJoin` / `outerJoin`: a KTable materialized in
 * its own store (with a changelog), recomputed for a key on every update of
 * either side. A key whose result becomes null (a side deleted, or the
 * joiner returned null) is deleted from the result, which forwards a
 * tombstone; nothing is forwarded for a key that had no result and still has none.
 */
export function tableTableJoin<K, V1, V2, VR>(left: KTable<K, V1>, right: KTable<K, V2>, joiner: (l: V1 | null, r: V2 | null) => VR, kind: TableJoinKind, materialized: Materialized<K, VR>): KTable<K, VR> {
  const graph = left.graph
  const what = kind === 'inner' ? 'join()' : `${kind}Join()`
  if (!(right instanceof KTable)) throw new TopologyError(`KTable.${what}: expected a KTable to join with`)
  if (right.graph !== graph) throw new TopologyError(`KTable.${what}: both tables must come from the same StreamsBuilder`)
  if ((right as unknown) === left) throw new TopologyError(`KTable.${what}: a table cannot be joined with itself`)
  if (typeof joiner !== 'function') throw new TopologyError(`KTable.${what}: expected a value joiner function (leftValue, rightValue) => result`)
  const storeName = materialized.storeName ?? graph.name('KTABLE-JOIN-STATE-STORE')
  const keySerde = materialized.keySerde ?? left.serdes.key ?? right.serdes.key
  if (!keySerde) throw new TopologyError(`KTable.${what} into store "${storeName}": the serde of the keys is not known: pass { keySerde } in the Materialized options`)
  if (!materialized.valueSerde) throw new TopologyError(`KTable.${what} into store "${storeName}": the serde of the joined values is not known: pass { valueSerde } in the Materialized options`)
  graph.addStore({ name: storeName, keySerde: keySerde as Serde<unknown>, valueSerde: materialized.valueSerde as Serde<unknown>, logged: true })

  const [leftStore, rightStore] = [left.queryableStoreName, right.queryableStoreName]
  const stores = [leftStore, rightStore, storeName]
  // Each side's node runs after that side's store holds the update, so both sides are read from their stores.
  const recompute = (r: StreamRecord<unknown, unknown>, ctx: TaskContext, self: Node) => {
    if (r.key === null || r.key === undefined) return
    const l = ctx.store<K, V1>(leftStore).get(r.key as K) ?? null
    const o = ctx.store<K, V2>(rightStore).get(r.key as K) ?? null
    const keep = kind === 'inner' ? l !== null && o !== null : kind === 'left' ? l !== null : l !== null || o !== null
    const value = keep ? joiner(l, o) : null
    const result = ctx.store<K, VR>(storeName)
    if ((value === null || value === undefined) && result.get(r.key as K) === undefined) return
    result.put(r.key as K, value ?? null)
    ctx.forward(self, { ...r, value: value ?? null })
  }
  const thisSide = graph.add(new FnNode(graph.name('KTABLE-JOINTHIS'), recompute, stores), left.node)
  const otherSide = graph.add(new FnNode(graph.name('KTABLE-JOINOTHER'), recompute, stores), right.node)
  const merge = graph.add(new FnNode(graph.name('KTABLE-MERGE'), (r, ctx, self) => ctx.forward(self, r)), thisSide, otherSide)
  graph.topology.joins.push(merge)
  return new KTable<K, VR>(graph, merge, storeName, { key: keySerde, value: materialized.valueSerde })
}
