/**
 * Cooperative sticky (Java CooperativeStickyAssignor, KIP-429): a balanced
 * assignment that keeps as many partitions as possible where they are.
 *
 * 1. Each member keeps the partitions it owns that still exist and that it is
 *    still subscribed to. A partition claimed by two members goes to the one
 *    with the higher generation (then member order).
 * 2. Unowned partitions go, one by one, to the least-loaded member subscribed
 *    to their topic.
 * 3. While some member has at least two partitions more than another member
 *    that could take one of them, a partition moves from the former to the
 *    latter (the most-loaded gives first). Each move lowers the sum of squared
 *    loads, so this ends; members with equal subscriptions end within one
 *    partition of each other.
 *
 * The cooperative protocol then withholds, for this round, every partition
 * that moves away from a current owner (see `cooperativeAdjust`): its owner
 * revokes it and rejoins, and the next round hands it over.
 */
import type { TopicPartition } from '../../../types.js'
import { compareMembers, emptyAssignment, type Assignor, type MemberSubscription } from './assignor.js'

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`

export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocols: ['cooperative', 'eager'],
  assign(partitionsPerTopic, members) {
    const out = emptyAssignment(members)
    const sorted = [...members].sort(compareMembers)
    if (sorted.length === 0) return out
    const order = new Map(sorted.map((m, i) => [m.memberId, i]))
    const owner = new Map<string, string>()
    const exists = (tp: TopicPartition) => tp.partition >= 0 && tp.partition < (partitionsPerTopic.get(tp.topic) ?? 0)
    // 1. keep owned partitions; higher generation wins a conflict
    const byGeneration = [...sorted].sort((a, b) => b.generationId - a.generationId || order.get(a.memberId)! - order.get(b.memberId)!)
    for (const m of byGeneration) {
      for (const tp of m.ownedPartitions) {
        const k = key(tp)
        if (!exists(tp) || !m.topics.includes(tp.topic) || owner.has(k)) continue
        owner.set(k, m.memberId)
        out.get(m.memberId)!.push({ topic: tp.topic, partition: tp.partition })
      }
    }
    const load = (id: string) => out.get(id)!.length
    // 2. unowned partitions to the least-loaded eligible member
    for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const eligible = sorted.filter((m) => m.topics.includes(topic))
      if (eligible.length === 0) continue
      for (let p = 0; p < count; p++) {
        if (owner.has(key({ topic, partition: p }))) continue
        let best = eligible[0]!
        for (const m of eligible) if (load(m.memberId) < load(best.memberId)) best = m
        out.get(best.memberId)!.push({ topic, partition: p })
        owner.set(key({ topic, partition: p }), best.memberId)
      }
    }
    // 3. balance
    for (let moved = true; moved; ) {
      moved = false
      const givers = [...sorted].sort((a, b) => load(b.memberId) - load(a.memberId) || order.get(a.memberId)! - order.get(b.memberId)!)
      for (const giver of givers) {
        const list = out.get(giver.memberId)!
        for (let i = list.length - 1; i >= 0 && !moved; i--) {
          const tp = list[i]!
          let taker: MemberSubscription | undefined
          for (const m of sorted) {
            if (m === giver || !m.topics.includes(tp.topic)) continue
            if (load(m.memberId) < list.length - 1 && (!taker || load(m.memberId) < load(taker.memberId))) taker = m
          }
          if (taker) {
            list.splice(i, 1)
            out.get(taker.memberId)!.push(tp)
            moved = true
          }
        }
        if (moved) break
      }
    }
    for (const list of out.values()) list.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    return out
  },
}

/**
 * The cooperative protocol's adjustment (KIP-429): a partition assigned to a
 * member other than one that owns it now is left out of this round.
 */
export function cooperativeAdjust(assignment: Map<string, TopicPartition[]>, members: readonly MemberSubscription[]): Map<string, TopicPartition[]> {
  const owners = new Map<string, Set<string>>()
  for (const m of members) {
    for (const tp of m.ownedPartitions) {
      const k = key(tp)
      let s = owners.get(k)
      if (!s) owners.set(k, (s = new Set()))
      s.add(m.memberId)
    }
  }
  const out = new Map<string, TopicPartition[]>()
  for (const [memberId, tps] of assignment) {
    out.set(memberId, tps.filter((tp) => {
      const o = owners.get(key(tp))
      return !o || o.has(memberId)
    }))
  }
  return out
}
