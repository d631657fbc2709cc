/**
 * A built topology: the processor graph, its source topics, its state stores
 * and internal topics, cut into sub-topologies (the parts joined by
 * repartition topics). A task runs one sub-topology for one partition.
 */
import { TopologyError } from './errors.js'
import { SinkNode, SourceNode, type Node, type TopicRef } from './processor.js'
import type { StoreDefinition } from './store.js'

export interface SubTopology {
  id: number
  sources: SourceNode[]
  stores: StoreDefinition[]
}

export class Topology {
  /** Filled by StreamsBuilder while the DSL is used. */
  readonly sources: SourceNode[] = []
  readonly stores = new Map<string, StoreDefinition>()
  readonly nodes: Node[] = []
  /** Join nodes: their sub-topology's source topics must be co-partitioned (copartition.ts). */
  readonly joins: Node[] = []
  private cut: SubTopology[] | undefined

  /** The node's sub-topology and the sources, stores of each, computed once when the topology is run. */
  subTopologies(): SubTopology[] {
    if (this.cut) return this.cut
    const parent = new Map<Node | string, Node | string>()
    const find = (x: Node | string): Node | string => {
      let root = x
      while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!
      parent.set(x, root)
      return root
    }
    const union = (a: Node | string, b: Node | string) => {
      const [ra, rb] = [find(a), find(b)]
      if (ra !== rb) parent.set(ra, rb)
    }
    for (const node of this.nodes) {
      for (const child of node.children) union(node, child)
      for (const store of node.stores) union(node, `store:${store}`)
    }
    const byRoot = new Map<Node | string, SubTopology>()
    for (const source of this.sources) {
      const root = find(source)
      let sub = byRoot.get(root)
      if (!sub) byRoot.set(root, (sub = { id: byRoot.size, sources: [], stores: [] }))
      sub.sources.push(source)
    }
    for (const [name, def] of this.stores) {
      const sub = byRoot.get(find(`store:${name}`))
      if (!sub) throw new TopologyError(`state store "${name}" is not used by any processor reachable from a source topic`)
      sub.stores.push(def)
    }
    this.cut = [...byRoot.values()]
    return this.cut
  }

  /** The repartition topics (internal names) the topology writes and reads. */
  repartitionTopics(): string[] {
    return this.sources.filter((s) => s.topic.internal).map((s) => s.topic.name)
  }

  /** A text description, one sub-topology after the other (as Kafka Streams' `describe()`). */
  describe(): string {
    const lines: string[] = ['Topologies:']
    const topic = (t: TopicRef) => (t.internal ? `<application.id>-${t.name}` : t.name)
    for (const sub of this.subTopologies()) {
      lines.push(`   Sub-topology: ${sub.id}`)
      const seen = new Set<Node>()
      const visit = (node: Node, depth: number) => {
        if (seen.has(node)) return
        seen.add(node)
        let what = node.name
        if (node instanceof SourceNode) what += ` (topic: ${topic(node.topic)})`
        if (node instanceof SinkNode) what += ` (topic: ${typeof node.topic === 'function' ? '<chosen per record>' : topic(node.topic)})`
        if (node.stores.length > 0) what += ` (stores: ${node.stores.join(', ')})`
        lines.push(`${'  '.repeat(depth + 2)}${what}${node.children.length > 0 ? ` --> ${node.children.map((c) => c.name).join(', ')}` : ''}`)
        for (const child of node.children) visit(child, depth + 1)
      }
      for (const source of sub.sources) visit(source, 0)
    }
    return lines.join('\n')
  }
}
