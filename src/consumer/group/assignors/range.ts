/**
 * Range (Java RangeAssignor): per topic, the partitions are split into
 * consecutive ranges over the members subscribed to it, in member order; the
 * first `partitions % members` members get one extra.
 */
import { compareMembers, emptyAssignment, type Assignor } from './assignor.js'

export const rangeAssignor: Assignor = {
  name: 'range',
  protocols: ['eager'],
  assign(partitionsPerTopic, members) {
    const out = emptyAssignment(members)
    const sorted = [...members].sort(compareMembers)
    for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const subscribed = sorted.filter((m) => m.topics.includes(topic))
      if (subscribed.length === 0) continue
      const per = Math.floor(count / subscribed.length)
      const extra = count % subscribed.length
      subscribed.forEach((m, i) => {
        const start = per * i + Math.min(i, extra)
        const length = per + (i < extra ? 1 : 0)
        const list = out.get(m.memberId)!
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p })
      })
    }
    return out
  },
}
