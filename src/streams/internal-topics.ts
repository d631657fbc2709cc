/**
 * The topics a topology needs: its source topics must exist; its changelog
 * (compacted) and repartition topics are created when missing. Partition
 * counts follow Kafka Streams: a store's changelog has as many partitions as
 * its sub-topology's sources, a repartition topic as many as the largest
 * source topic.
 */
import type { Admin } from '../admin/admin.js'
import { checkCopartitioning, copartitionedRepartitionCounts, copartitionGroups } from './copartition.js'
import { TopologyError } from './errors.js'
import { changelogTopic } from './store.js'
import type { Topology } from './topology.js'

export interface InternalTopicOptions {
  applicationId: string
  replicationFactor: number
}

export function repartitionTopic(applicationId: string, name: string): string {
  return `${applicationId}-${name}`
}

/** Checks the source topics and creates the missing internal ones; returns the partition count of every topic involved. */
export async function ensureTopics(admin: Admin, topology: Topology, options: InternalTopicOptions): Promise<Map<string, number>> {
  const app = options.applicationId
  const userSources = [...new Set(topology.sources.filter((s) => !s.topic.internal).map((s) => s.topic.name))]
  const existing = new Set(await admin.listTopics())
  const missing = userSources.filter((t) => !existing.has(t))
  if (missing.length > 0) throw new TopologyError(`source topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} do${missing.length > 1 ? '' : 'es'} not exist: create ${missing.length > 1 ? 'them' : 'it'} before starting the application`)
  const counts = new Map<string, number>()
  for (const d of await admin.describeTopics(userSources)) counts.set(d.name, d.partitions.length)
  const widest = Math.max(...counts.values())
  const groups = copartitionGroups(topology)
  const nameOf = (ref: { name: string; internal: boolean }) => (ref.internal ? repartitionTopic(app, ref.name) : ref.name)
  checkCopartitioning(groups, counts, nameOf)
  const fixed = copartitionedRepartitionCounts(groups, counts)

  const wanted: { topic: string; numPartitions: number; configs: Record<string, string> }[] = []
  for (const name of topology.repartitionTopics()) {
    wanted.push({ topic: repartitionTopic(app, name), numPartitions: fixed.get(name) ?? widest, configs: { 'cleanup.policy': 'delete' } })
  }
  for (const sub of topology.subTopologies()) {
    const partitions = Math.max(...sub.sources.map((s) => (s.topic.internal ? (fixed.get(s.topic.name) ?? widest) : counts.get(s.topic.name)!)))
    for (const store of sub.stores.filter((s) => s.logged)) {
      wanted.push({ topic: changelogTopic(app, store.name), numPartitions: partitions, configs: { 'cleanup.policy': 'compact', ...store.changelogConfigs } })
    }
  }
  const toCreate = wanted.filter((w) => !existing.has(w.topic))
  if (toCreate.length > 0) {
    const rf = options.replicationFactor
    await admin.createTopics(toCreate.map((w) => ({ ...w, ...(rf > 0 ? { replicationFactor: rf } : {}) }))).catch((e: unknown) => {
      // another instance may have created them at the same moment
      if ((e as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw e
    })
  }
  const known = wanted.filter((w) => existing.has(w.topic)).map((w) => w.topic)
  if (known.length > 0) for (const d of await admin.describeTopics(known)) counts.set(d.name, d.partitions.length)
  for (const w of toCreate) counts.set(w.topic, w.numPartitions)
  checkCopartitioning(groups, counts, nameOf) // a repartition topic made earlier with another count
  return counts
}
