/**
 * The fake cluster's shared state: brokers, topics and their partition logs,
 * and the waiters of long-polling fetches. The network side (listener.ts)
 * and the coordinators read and change it; nothing here touches a socket.
 */
import crypto from 'node:crypto'
import type { FetchSessionCache } from './fetch-sessions.js'
import { PartitionLog } from './partition-log.js'

export interface BrokerState {
  nodeId: number
  host: string
  port: number
  alive: boolean
  /** The broker's KIP-227 fetch sessions (emptied when it is killed). */
  fetchSessions: FetchSessionCache
}

export interface Topic {
  name: string
  id: string
  partitions: PartitionLog[]
  configs: Map<string, string>
}

/** Topic configs the fake reports (DescribeConfigs) when a topic does not override them. */
export const DEFAULT_TOPIC_CONFIGS: ReadonlyMap<string, string> = new Map([
  ['cleanup.policy', 'delete'],
  ['compression.type', 'producer'],
  ['max.message.bytes', '1048588'],
  ['message.timestamp.type', 'CreateTime'],
  ['min.insync.replicas', '1'],
  ['retention.bytes', '-1'],
  ['retention.ms', '604800000'],
  ['segment.bytes', '1073741824'],
])

export function randomUuid (): string {
  return crypto.randomBytes(16).toString('base64url')
}

export class ClusterState {
  readonly clusterId = randomUuid()
  readonly brokers: BrokerState[] = []
  readonly topics = new Map<string, Topic>()
  readonly topicsById = new Map<string, Topic>()
  private waiters = new Set<() => void>()
  private nextProducerId = 1000n

  constructor (readonly autoCreateTopics: boolean, readonly defaultPartitions: number) {}

  aliveBrokers (): BrokerState[] { return this.brokers.filter((b) => b.alive) }

  broker (nodeId: number): BrokerState | undefined { return this.brokers.find((b) => b.nodeId === nodeId) }

  allocateProducerId (): bigint { return this.nextProducerId++ }

  /** Creates a topic with leaders spread round-robin over the live brokers. */
  createTopic (name: string, partitions: number, replicationFactor: number, configs: Map<string, string> = new Map()): Topic {
    const topic: Topic = { name, id: randomUuid(), partitions: [], configs }
    this.topics.set(name, topic)
    this.topicsById.set(topic.id, topic)
    this.addPartitions(topic, partitions, replicationFactor)
    return topic
  }

  addPartitions (topic: Topic, total: number, replicationFactor = topic.partitions[0]?.replicas.length ?? 1): void {
    const nodes = this.aliveBrokers().map((b) => b.nodeId)
    const all = nodes.length > 0 ? nodes : this.brokers.map((b) => b.nodeId)
    const rf = Math.max(1, Math.min(replicationFactor, all.length))
    for (let p = topic.partitions.length; p < total; p++) {
      const start = (p + hashName(topic.name)) % all.length
      const replicas: number[] = []
      for (let r = 0; r < rf; r++) replicas.push(all[(start + r) % all.length]!)
      topic.partitions.push(new PartitionLog(topic.name, p, replicas))
    }
  }

  deleteTopic (topic: Topic): void {
    this.topics.delete(topic.name)
    this.topicsById.delete(topic.id)
    this.notify()
  }

  partition (topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[index]
  }

  /** Resolves when anything is appended (or `ms` passes, or `signal` aborts). */
  waitForData (ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.waiters.add(done)
      signal.addEventListener('abort', done, { once: true })
    })
  }

  /** Wakes every waiting fetch. */
  notify (): void {
    const waiters = this.waiters
    this.waiters = new Set()
    for (const w of waiters) w()
  }

  /** Moves every partition led by `nodeId` to another live replica (or any live broker). */
  failOver (nodeId: number): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (p.leader !== nodeId) continue
        const next = p.replicas.find((r) => r !== nodeId && this.broker(r)?.alive === true) ??
          this.aliveBrokers().find((b) => b.nodeId !== nodeId)?.nodeId
        if (next === undefined) continue
        if (!p.replicas.includes(next)) p.replicas = [next, ...p.replicas.filter((r) => r !== nodeId)]
        p.leader = next
        p.leaderEpoch++
      }
    }
  }
}

function hashName (name: string): number {
  let h = 0
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0
  return h
}
