/**
 * Co-partitioning: the inputs of a join must have the same number of
 * partitions, so that partition n of each holds the same keys and lands in
 * the same task. A join's group is the source topics of its sub-topology;
 * repartition topics in a group get the partition count of its user topics
 * (as in Kafka Streams), and a mismatch is a TopologyError at start.
 */
import { TopologyError } from './errors.js'
import type { Node, TopicRef } from './processor.js'
import type { Topology } from './topology.js'

export interface CopartitionGroup {
  /** The join nodes that need it. */
  joins: string[]
  sources: TopicRef[]
}

/** One group per sub-topology that holds a join. */
export function copartitionGroups(topology: Topology): CopartitionGroup[] {
  const groups = new Map<number, CopartitionGroup>()
  for (const sub of topology.subTopologies()) {
    const reached = new Set<Node>()
    const visit = (node: Node) => {
      if (reached.has(node)) return
      reached.add(node)
      for (const child of node.children) visit(child)
    }
    for (const source of sub.sources) visit(source)
    for (const join of topology.joins.filter((j) => reached.has(j))) {
      let group = groups.get(sub.id)
      if (!group) groups.set(sub.id, (group = { joins: [], sources: sub.sources.map((s) => s.topic) }))
      group.joins.push(join.name)
    }
  }
  return [...groups.values()]
}

/** The partition count each repartition topic of a group must have: that of the group's user topics. */
export function copartitionedRepartitionCounts(groups: CopartitionGroup[], counts: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>()
  for (const group of groups) {
    const user = group.sources.filter((t) => !t.internal).map((t) => counts.get(t.name)).filter((n) => n !== undefined)
    if (user.length === 0) continue
    const n = Math.max(...user)
    for (const t of group.sources) if (t.internal) out.set(t.name, n)
  }
  return out
}

/**
 * Throws a TopologyError naming the topics and their partition counts when
 * the topics of a group (those `counts` knows; `nameOf` gives the real name) differ.
 */
export function checkCopartitioning(groups: CopartitionGroup[], counts: Map<string, number>, nameOf: (ref: TopicRef) => string): void {
  for (const group of groups) {
    const known = group.sources.map((ref) => [nameOf(ref), counts.get(nameOf(ref))] as const).filter((e): e is readonly [string, number] => e[1] !== undefined)
    if (new Set(known.map(([, n]) => n)).size <= 1) continue
    const list = known.map(([t, n]) => `"${t}" has ${n} partition${n === 1 ? '' : 's'}`).join(', ')
    throw new TopologyError(`the inputs of ${group.joins.join(', ')} are not co-partitioned: ${list}; a join needs topics with the same number of partitions (and the same partitioner), so that each key is in the same partition of both: create them alike or repartition one side`)
  }
}
