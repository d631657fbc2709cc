/**
 * The classic group leader's watch over topics it assigned without
 * partitions: a topic some member subscribes to that did not exist (or had
 * no usable metadata) when the leader assigned.
 *
 * Contract (Java's Metadata asks for an update whenever a response carries an
 * InvalidMetadataException for a topic; its ConsumerCoordinator then rejoins
 * when the leader's metadata no longer matches what it assigned):
 * - While any topic given to `track()` is still missing from the cluster's
 *   snapshot (absent, a stale-metadata error such as
 *   UNKNOWN_TOPIC_OR_PARTITION or LEADER_NOT_AVAILABLE, or no partitions),
 *   metadata for those topics is asked for again after `retry.backoff.ms`, the wait
 *   doubling up to `retry.backoff.max.ms` (±20 % jitter), for as long as it
 *   stays missing.
 * - After each refresh `onRefreshed` runs, so that the consumer's poll loop
 *   compares the new partition counts with the assigned ones
 *   (`checkMetadata`) and rejoins when a topic appeared.
 * - Other topic errors (TOPIC_AUTHORIZATION_FAILED, INVALID_TOPIC_EXCEPTION)
 *   are not asked for again here, as in Java; the consumer's poll refreshes
 *   denied topics itself.
 * - `track([])` and `stop()` end the watch; its timer never keeps the process
 *   alive.
 */
import type { Cluster } from '../../cluster/cluster.js'
import { isStaleMetadata } from '../../protocol/error-classes.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Log } from '../../logger.js'

export interface MissingTopicsOptions {
  cluster: Cluster
  backoffMs: number
  backoffMaxMs: number
  log: Log
  onRefreshed: () => void
}

/** Whether the cluster's current snapshot gives this topic partitions the assignor can hand out. */
export function topicUsable(cluster: Cluster, topic: string): boolean {
  const info = cluster.topic(topic)
  return info !== undefined && info.errorCode === ErrorCode.NONE && info.partitions.length > 0
}

export class MissingTopicsWatch {
  private readonly opts: MissingTopicsOptions
  private topics: string[] = []
  private timer: NodeJS.Timeout | undefined
  private delayMs: number

  constructor(opts: MissingTopicsOptions) {
    this.opts = opts
    this.delayMs = opts.backoffMs
  }

  /** Watches these topics (those assigned without partitions) from now on, replacing the earlier set. */
  track(topics: string[]): void {
    this.stop()
    this.topics = topics
    this.delayMs = this.opts.backoffMs
    this.schedule()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.topics = []
  }

  private missing(): string[] {
    return this.topics.filter((t) => {
      const info = this.opts.cluster.topic(t)
      return info === undefined || isStaleMetadata(info.errorCode) || (info.errorCode === ErrorCode.NONE && info.partitions.length === 0)
    })
  }

  private schedule(): void {
    if (this.missing().length === 0) return
    const jitter = 0.8 + Math.random() * 0.4
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.refresh()
    }, Math.round(this.delayMs * jitter))
    this.timer.unref()
    this.delayMs = Math.min(this.delayMs * 2, this.opts.backoffMaxMs)
  }

  private async refresh(): Promise<void> {
    const topics = this.missing()
    if (topics.length === 0) return
    const watched = this.topics
    try {
      await this.opts.cluster.refreshMetadata(topics)
    } catch (e) {
      this.opts.log.debug(`metadata refresh for missing topics ${topics.join(', ')} failed: ${(e as Error).message}`)
    }
    // stopped or replaced meanwhile: the new owner of the watch schedules its own refreshes
    if (this.topics !== watched || this.timer !== undefined) return
    this.opts.onRefreshed()
    this.schedule()
  }
}
