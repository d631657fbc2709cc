/**
 * Round robin (Java RoundRobinAssignor): every partition of every subscribed
 * topic, sorted by topic then partition, dealt in turn to the members (in
 * member order), skipping members not subscribed to the partition's topic.
 */
import type { TopicPartition } from '../../../types.js'
import { compareMembers, emptyAssignment, type Assignor } from './assignor.js'

export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocols: ['eager'],
  assign(partitionsPerTopic, members) {
    const out = emptyAssignment(members)
    const sorted = [...members].sort(compareMembers)
    if (sorted.length === 0) return out
    const all: TopicPartition[] = []
    for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!sorted.some((m) => m.topics.includes(topic))) continue
      for (let p = 0; p < count; p++) all.push({ topic, partition: p })
    }
    let next = 0
    for (const tp of all) {
      for (let tries = 0; tries < sorted.length; tries++) {
        const m = sorted[next % sorted.length]!
        next++
        if (m.topics.includes(tp.topic)) {
          out.get(m.memberId)!.push(tp)
          break
        }
      }
    }
    return out
  },
}
