/**
 * KafkaJS's default assigner ("RoundRobinAssigner"), so that KafkaJS
 * consumers and samsa consumers can share one classic group while an
 * application migrates member by member: the group protocol name, the
 * version 0 member metadata and the version 0 member assignment are those
 * KafkaJS 2.x writes.
 *
 * KafkaJS deals every partition of the subscribed topics (topic by topic,
 * partitions in order) to the members sorted by member id, one after the
 * other. This does the same over the sorted topics, skipping a member not
 * subscribed to a partition's topic (KafkaJS does not look at subscriptions;
 * with equal subscriptions, the usual case, the results are the same).
 */
import type { TopicPartition } from '../../../types.js'
import { emptyAssignment, type Assignor } from './assignor.js'

export const kafkaJsRoundRobinAssignor: Assignor = {
  name: 'kafkajs-roundrobin',
  protocolName: 'RoundRobinAssigner',
  wireVersion: 0,
  protocols: ['eager'],
  assign(partitionsPerTopic, members) {
    const out = emptyAssignment(members)
    // KafkaJS sorts member ids with Array#sort (UTF-16 code unit order).
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
    if (sorted.length === 0) return out
    let next = 0
    for (const [topic, count] of [...partitionsPerTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!sorted.some((m) => m.topics.includes(topic))) continue
      for (let partition = 0; partition < count; partition++) {
        for (let tries = 0; tries < sorted.length; tries++) {
          const m = sorted[next++ % sorted.length]!
          if (m.topics.includes(topic)) {
            out.get(m.memberId)!.push({ topic, partition } satisfies TopicPartition)
            break
          }
        }
      }
    }
    return out
  },
}
