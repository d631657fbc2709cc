/**
 * KStream–KStream windowed joins (Kafka Streams' KStreamImplJoin and
 * KStreamKStreamJoin): `join`, `leftJoin` and `outerJoin` of two streams on
 * their key, for records whose timestamps are within the JoinWindows.
 *
 * Each side's records are kept in a window store with duplicates
 * (`<store>-this-join-store` / `-other-join-store`, logged to their
 * changelogs, retention = window size + grace); a record is first put into
 * its side's store, then looked up in the other side's: every match within
 * `[ts - before, ts + after]` (swapped for the right side) is forwarded,
 * with the larger of the two timestamps. Left and outer joins do not emit a
 * record without a match at once: it waits in a shared store until its
 * window closes by stream time (window end + grace), and is emitted joined
 * with null only if no match came meanwhile (Kafka Streams' spurious-result
 * fix, KIP-633). A record whose window has already closed when it arrives
 * (out of order) is emitted joined with null at once. Stream time is the
 * largest timestamp either side of the task has processed.
 */
import { TopologyError } from './errors.js'
import { throughRepartitionTopic } from './join.js'
import { joinRange, JoinWindows, outerWindowOpen } from './join-windows.js'
import { KStream } from './kstream.js'
import { leftOrRightValuesSerde, timestampedKeyAndJoinSideSerde, type LeftOrRightValues, type TimestampedKeyAndJoinSide } from './outer-join-store.js'
import { FnNode, type Node, type StreamRecord, type TaskContext } from './processor.js'
import type { Serde } from './serde.js'
import type { KeyValueStore, StoreDefinition } from './store.js'
import { InMemoryWindowStore } from './window-store.js'
import { windowedChangelogConfigs } from './windowed-kgrouped.js'

/**
 * Options of a KStream–KStream join (Kafka Streams' `StreamJoined`). `name`
 * names the join's processors and repartition topics
 * (`<application.id>-<name>-left-repartition` / `-right-repartition`);
 * `storeName` names its stores (`<storeName>-this-join-store`, ...; default
 * the generated `KSTREAM-JOINTHIS-<n>-store`). The serdes are the join
 * stores' (and the repartition topics'): the streams' own when left out.
 */
export interface StreamJoined<K, V, VO> {
  name?: string
  storeName?: string
  keySerde?: Serde<K>
  valueSerde?: Serde<V>
  otherValueSerde?: Serde<VO>
  /** Whether the join stores are logged to changelogs (default true). */
  loggingEnabled?: boolean
}

/** Which unmatched records a stream–stream join emits joined with null: none (inner), the left ones (left), both (outer). */
export type StreamJoinKind = 'inner' | 'left' | 'outer'

/** One task's join time (shared by both sides, Kafka Streams' TimeTracker). */
interface TimeTracker {
  streamTime: number
  /** The smallest timestamp in the outer store (+Infinity: none). */
  minTime: number
}

interface Side {
  left: boolean
  /** Whether an unmatched record of this side is emitted joined with null. */
  outer: boolean
  thisStore: string
  otherStore: string
  beforeMs: number
  afterMs: number
}

/** `left.join(right, joiner, windows, streamJoined)` and its left and outer forms. */
export function streamStreamJoin<K, V1, V2, VR>(
  left: KStream<K, V1>,
  right: KStream<K, V2>,
  joiner: (l: V1 | null, r: V2 | null) => VR,
  windows: JoinWindows,
  kind: StreamJoinKind,
  sj: StreamJoined<K, V1, V2>,
): KStream<K, VR> {
  const graph = left.graph
  const what = kind === 'inner' ? 'join()' : `${kind}Join()`
  if (!(right instanceof KStream)) throw new TopologyError(`${what}: expected a KStream to join with`)
  if (right.graph !== graph) throw new TopologyError(`${what}: both streams must come from the same StreamsBuilder`)
  if (!(windows instanceof JoinWindows)) throw new TopologyError(`${what}: a KStream–KStream join needs JoinWindows as its third argument (JoinWindows.ofTimeDifferenceWithNoGrace(ms) or ofTimeDifferenceAndGrace(ms, graceMs))`)
  if (typeof joiner !== 'function') throw new TopologyError(`${what}: expected a value joiner function (value, otherValue) => result`)
  const keySerde = sj.keySerde ?? left.serdes.key ?? right.serdes.key
  const valueSerde = sj.valueSerde ?? left.serdes.value
  const otherValueSerde = sj.otherValueSerde ?? right.serdes.value
  const missing = !keySerde ? 'keySerde' : !valueSerde ? 'valueSerde' : !otherValueSerde ? 'otherValueSerde' : undefined
  if (missing) throw new TopologyError(`${what} of two streams: the serde of the ${missing === 'keySerde' ? 'keys' : missing === 'valueSerde' ? "left stream's values" : "right stream's values"} is not known (the join stores need it): pass { ${missing} } in the StreamJoined options`)

  // A side whose key changed goes through a repartition topic first (named as Kafka Streams does).
  const leftParent = left.keyChanged ? throughRepartitionTopic(graph, left.node, `${sj.name ? `${sj.name}-left` : left.node.name}-repartition`, keySerde as Serde<unknown>, valueSerde as Serde<unknown>) : left.node
  const rightParent = right.keyChanged ? throughRepartitionTopic(graph, right.node, `${sj.name ? `${sj.name}-right` : right.node.name}-repartition`, keySerde as Serde<unknown>, otherValueSerde as Serde<unknown>) : right.node

  const [leftOuter, rightOuter] = [kind !== 'inner', kind === 'outer']
  const named = (suffix: string, prefix: string) => (sj.name ? `${sj.name}${suffix}` : graph.name(prefix))
  const thisWindowedName = named('-this-windowed', 'KSTREAM-WINDOWED')
  const otherWindowedName = named('-other-windowed', 'KSTREAM-WINDOWED')
  const thisGenerated = graph.name(rightOuter ? 'KSTREAM-OUTERTHIS' : 'KSTREAM-JOINTHIS')
  const otherGenerated = graph.name(leftOuter ? 'KSTREAM-OUTEROTHER' : 'KSTREAM-JOINOTHER')
  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join'
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join'
  const thisStore = `${sj.storeName ? sj.storeName + thisSuffix : thisGenerated}-store`
  const otherStore = `${sj.storeName ? sj.storeName + otherSuffix : otherGenerated}-store`
  const outerStore = leftOuter
    ? `${sj.storeName ? sj.storeName + (rightOuter ? '-outer-shared-join' : '-left-shared-join') : `KSTREAM-OUTERSHARED${thisGenerated.slice((rightOuter ? 'KSTREAM-OUTERTHIS' : 'KSTREAM-JOINTHIS').length)}`}-store`
    : undefined

  const logged = sj.loggingEnabled ?? true
  for (const [name, serde] of [[thisStore, valueSerde], [otherStore, otherValueSerde]] as const) {
    const def: StoreDefinition = { name, keySerde: keySerde as Serde<unknown>, valueSerde: serde as Serde<unknown>, logged, kind: 'window', changelogConfigs: windowedChangelogConfigs(windows.retentionMs()) }
    def.create = (changelog, logger) => new InMemoryWindowStore(def, changelog, logger, { retentionMs: windows.retentionMs(), windowSizeMs: windows.size(), retainDuplicates: true })
    graph.addStore(def)
  }
  if (outerStore) {
    graph.addStore({ name: outerStore, keySerde: timestampedKeyAndJoinSideSerde(keySerde!) as Serde<unknown>, valueSerde: leftOrRightValuesSerde(valueSerde as Serde<unknown>, otherValueSerde as Serde<unknown>) as Serde<unknown>, logged })
  }

  const trackers = new WeakMap<TaskContext, TimeTracker>()
  const trackerOf = (ctx: TaskContext): TimeTracker => {
    let t = trackers.get(ctx)
    if (!t) {
      // A task starts from its restored stores: the stream time their changelogs reached, the oldest unjoined record.
      const restored = (name: string) => (ctx.store(name) as unknown as InMemoryWindowStore<unknown, unknown>).streamTime
      let minTime = Number.POSITIVE_INFINITY
      if (outerStore) for (const [k] of ctx.store<TimestampedKeyAndJoinSide<K>, LeftOrRightValues>(outerStore).all()) minTime = Math.min(minTime, k.timestamp)
      trackers.set(ctx, (t = { streamTime: Math.max(restored(thisStore), restored(otherStore)), minTime }))
    }
    return t
  }

  const windowed = (name: string, store: string, parent: Node) => graph.add(new FnNode(name, (r, ctx, self) => {
    if (r.key !== null && r.key !== undefined && r.value !== null && r.value !== undefined) {
      (ctx.store(store) as unknown as InMemoryWindowStore<unknown, unknown>).put(r.key, r.value, r.timestamp)
    }
    ctx.forward(self, r)
  }, [store]), parent)

  const sides: [Side, Side] = [
    { left: true, outer: leftOuter, thisStore, otherStore, beforeMs: windows.beforeMs, afterMs: windows.afterMs },
    { left: false, outer: rightOuter, thisStore: otherStore, otherStore: thisStore, beforeMs: windows.afterMs, afterMs: windows.beforeMs },
  ]
  const join = (l: unknown, r: unknown) => joiner(l as V1 | null, r as V2 | null)
  const joinNode = (name: string, side: Side, parent: Node) => graph.add(new FnNode(name, (r, ctx, self) => {
    const tracker = trackerOf(ctx)
    tracker.streamTime = Math.max(tracker.streamTime, r.timestamp)
    const pair = (mine: unknown, theirs: unknown) => (side.left ? join(mine, theirs) : join(theirs, mine))
    if (side.outer && (r.key === null || r.key === undefined) && r.value !== null && r.value !== undefined) {
      ctx.forward(self, { ...r, value: pair(r.value, null) }) // KIP-962: a left/outer join keeps a record without a key
      return
    }
    if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) {
      ctx.recordDropped?.('Skipping record due to null key or value', { processor: name })
      return
    }
    const outer = outerStore ? ctx.store<TimestampedKeyAndJoinSide<K>, LeftOrRightValues>(outerStore) : undefined
    if (outer && r.timestamp === tracker.streamTime) emitClosed(outer, tracker, r, ctx, self)
    const [from, to] = joinRange(r.timestamp, side.beforeMs, side.afterMs)
    const others = ctx.store(side.otherStore) as unknown as InMemoryWindowStore<K, unknown>
    let matched = false
    for (const [otherTime, otherValue] of others.fetchValues(r.key as K, from, to)) {
      matched = true
      if (outer) {
        // The other record is joined now: it will not be emitted with null.
        const waiting: TimestampedKeyAndJoinSide<K> = { timestamp: otherTime, left: !side.left, key: r.key as K }
        if (outer.get(waiting) !== undefined) outer.put(waiting, null)
      }
      ctx.forward(self, { ...r, value: pair(r.value, otherValue), timestamp: Math.max(r.timestamp, otherTime) })
    }
    if (matched || !side.outer) return
    if (!outer || to < tracker.streamTime) {
      ctx.forward(self, { ...r, value: pair(r.value, null) }) // its window is already past: no match can come
      return
    }
    const key: TimestampedKeyAndJoinSide<K> = { timestamp: r.timestamp, left: side.left, key: r.key as K }
    outer.put(key, { left: side.left, values: [...(outer.get(key)?.values ?? []), r.value] })
    tracker.minTime = Math.min(tracker.minTime, r.timestamp)
  }, [side.otherStore, side.thisStore, ...(outerStore ? [outerStore] : [])]), parent)

  /** Emits (joined with null) and deletes the waiting records whose window closed, oldest first. */
  const emitClosed = (outer: KeyValueStore<TimestampedKeyAndJoinSide<K>, LeftOrRightValues>, tracker: TimeTracker, r: StreamRecord<unknown, unknown>, ctx: TaskContext, self: Node) => {
    if (outerWindowOpen(tracker.minTime, Math.min(windows.beforeMs, windows.afterMs), windows.graceMs, tracker.streamTime)) return
    const waiting = [...outer.all()].sort(([a], [b]) => a.timestamp - b.timestamp || Number(b.left) - Number(a.left))
    tracker.minTime = Number.POSITIVE_INFINITY
    const open = { left: false, right: false }
    for (const [key, entry] of waiting) {
      if (open.left && open.right) break
      if (outerWindowOpen(key.timestamp, key.left ? windows.afterMs : windows.beforeMs, windows.graceMs, tracker.streamTime)) {
        open[key.left ? 'left' : 'right'] = true
        tracker.minTime = Math.min(tracker.minTime, key.timestamp)
        continue
      }
      for (const value of entry.values) ctx.forward(self, { ...r, key: key.key, value: key.left ? join(value, null) : join(null, value), timestamp: key.timestamp })
      outer.put(key, null)
    }
  }

  const thisJoin = joinNode(sj.name ? sj.name + thisSuffix : thisGenerated, sides[0], windowed(thisWindowedName, thisStore, leftParent))
  const otherJoin = joinNode(sj.name ? sj.name + otherSuffix : otherGenerated, sides[1], windowed(otherWindowedName, otherStore, rightParent))
  const merge = graph.add(new FnNode(named('-merge', 'KSTREAM-MERGE'), (r, ctx, self) => ctx.forward(self, r)), thisJoin, otherJoin)
  graph.topology.joins.push(merge)
  return new KStream<K, VR>(graph, merge, { key: keySerde }, false)
}
