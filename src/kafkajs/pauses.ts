/**
 * KafkaJS's pause state: `pause([{ topic }])` pauses a whole topic (also its
 * partitions assigned later), `pause([{ topic, partitions }])` only those
 * partitions; `resume` undoes either, and resuming one partition of a paused
 * topic leaves the rest paused. The state is kept per topic, independent of
 * what is assigned right now.
 */
import { KafkaJSNonRetriableError } from './errors.js'
import type { TopicPartitions } from './types.js'

interface TopicState {
  all: boolean
  paused: Set<number>
  resumed: Set<number>
}

export type PauseRequest = Array<{ topic: string; partitions?: number[] }>

export function checkPauseRequest(request: PauseRequest, what: 'pause' | 'resume'): void {
  if (!Array.isArray(request)) throw new KafkaJSNonRetriableError(`Invalid topics array ${String(request)}`)
  for (const tp of request) {
    if (!tp || !tp.topic) throw new KafkaJSNonRetriableError(`Invalid topic ${String(tp?.topic ?? tp)}`)
    if (tp.partitions !== undefined && (!Array.isArray(tp.partitions) || tp.partitions.some((p) => typeof p !== 'number' || Number.isNaN(p)))) {
      throw new KafkaJSNonRetriableError(`Array of valid partitions required to ${what} specific partitions instead of ${String(tp.partitions)}`)
    }
  }
}

export class PauseState {
  private readonly topics = new Map<string, TopicState>()

  private state(topic: string): TopicState {
    let s = this.topics.get(topic)
    if (!s) this.topics.set(topic, (s = { all: false, paused: new Set(), resumed: new Set() }))
    return s
  }

  pause(request: PauseRequest): void {
    for (const { topic, partitions } of request) {
      const s = this.state(topic)
      if (partitions === undefined) {
        s.paused.clear()
        s.resumed.clear()
        s.all = true
      } else {
        for (const p of partitions) {
          s.paused.add(p)
          s.resumed.delete(p)
        }
        s.all = false
      }
    }
  }

  resume(request: PauseRequest): void {
    for (const { topic, partitions } of request) {
      const s = this.state(topic)
      if (partitions === undefined) {
        s.paused.clear()
        s.resumed.clear()
        s.all = false
      } else {
        for (const p of partitions) {
          s.paused.delete(p)
          if (s.all) s.resumed.add(p)
        }
      }
    }
  }

  isPaused(topic: string, partition: number): boolean {
    const s = this.topics.get(topic)
    if (!s) return false
    return (s.all && !s.resumed.has(partition)) || s.paused.has(partition)
  }

  /** The paused partitions among `assigned`, grouped by topic, partitions sorted. */
  paused(assigned: { topic: string; partition: number }[]): TopicPartitions[] {
    const byTopic = new Map<string, number[]>()
    for (const tp of assigned) {
      if (!this.isPaused(tp.topic, tp.partition)) continue
      const list = byTopic.get(tp.topic) ?? []
      list.push(tp.partition)
      byTopic.set(tp.topic, list)
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }))
  }
}
