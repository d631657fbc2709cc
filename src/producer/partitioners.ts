/**
 * Partitioners, placing records exactly where the Java client would.
 *
 * - {@link murmur2} is Java's `Utils.murmur2` (32-bit MurmurHash2, seed
 *   0x9747b28c) and {@link toPositive} its `Utils.toPositive`; a keyed record
 *   goes to `toPositive(murmur2(serializedKey)) % partitionCount`, over all
 *   partitions, available or not (Java's `BuiltInPartitioner.partitionForKey`).
 * - {@link StickyPartitioner} is Java's `BuiltInPartitioner` for records
 *   without a key (KIP-480, KIP-794): it sticks to one partition until about
 *   `batch.size` bytes were produced to it (up to twice that while the
 *   partition's last batch is not full), then picks the next one, uniformly
 *   among partitions with a leader or, with adaptive partitioning, weighted
 *   towards partitions with shorter queues.
 * - {@link RoundRobinPartitioner} is Java's `RoundRobinPartitioner`: one
 *   counter per topic over the available partitions.
 */

const SEED = 0x9747b28c | 0
const M = 0x5bd1e995 | 0

/** Java's `Utils.murmur2`: a signed 32-bit hash of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = SEED ^ length
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  const tail = length & ~3
  const rest = length & 3
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16
    if (rest >= 2) h ^= data[tail + 1]! << 8
    h ^= data[tail]!
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Java's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which overflows for MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Java puts a record with this serialized key in. */
export function partitionForKey(serializedKey: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(serializedKey)) % partitionCount
}

/** A random non-negative int, as `toPositive(ThreadLocalRandom.nextInt())`. */
function randomInt(): number {
  return Math.floor(Math.random() * 0x80000000)
}

/** What a partitioner needs to know of a topic right now. */
export interface TopicLayout {
  /** Number of partitions. */
  count: number
  /** Partitions that have a leader (Java's availablePartitionsForTopic). */
  available: readonly number[]
}

/**
 * Java's BuiltInPartitioner: one per topic, for records without a key.
 *
 * Contract: `current(layout)` is the partition to append to; after appending
 * `bytes` to it, the caller reports `onAppend(bytes, enableSwitch, layout)`,
 * where `enableSwitch` is true when the partition's last batch is full (so a
 * switch does not leave a half-filled batch behind).
 */
export class StickyPartitioner {
  private readonly stickyBatchSize: number
  private partition = -1
  private producedBytes = 0
  /** Cumulative frequency table and partition ids (KIP-794); null: uniform. */
  private cft: Int32Array | null = null
  private ids: Int32Array | null = null
  private statsLength = 0

  constructor(stickyBatchSize: number) {
    this.stickyBatchSize = Math.max(1, stickyBatchSize)
  }

  /** The sticky partition, choosing one first if needed. */
  current(layout: TopicLayout): number {
    if (this.partition < 0 || this.partition >= layout.count) {
      this.partition = this.next(layout)
      this.producedBytes = 0
    }
    return this.partition
  }

  onAppend(bytes: number, enableSwitch: boolean, layout: TopicLayout): void {
    const produced = (this.producedBytes += bytes)
    if ((produced >= this.stickyBatchSize && enableSwitch) || produced >= this.stickyBatchSize * 2) {
      this.partition = this.next(layout)
      this.producedBytes = 0
    }
  }

  private next(layout: TopicLayout): number {
    const random = randomInt()
    const cft = this.cft
    if (cft === null) {
      const available = layout.available
      if (available.length > 0) return available[random % available.length]!
      return random % Math.max(1, layout.count)
    }
    const length = this.statsLength
    const weighted = random % cft[length - 1]!
    // The first index whose cumulative frequency is strictly greater than `weighted`.
    let lo = 0
    let hi = length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cft[mid]! > weighted) hi = mid
      else lo = mid + 1
    }
    return this.ids![lo]!
  }

  /**
   * KIP-794 load stats from the accumulator: `queueSizes[i]` batches queued
   * for partition `partitionIds[i]`, for the first `length` entries (the
   * partitions with a leader that are not excluded for latency); `total` is
   * the topic's partition count. null switches back to uniform choice. The
   * arrays are consumed (modified in place), as in Java.
   */
  updateLoadStats(queueSizes: Int32Array | null, partitionIds: Int32Array | null, length: number, total: number): void {
    if (queueSizes === null || partitionIds === null || length < 1 || total < 2) {
      this.cft = null
      return
    }
    let maxPlus1 = queueSizes[0]!
    let allEqual = true
    for (let i = 1; i < length; i++) {
      if (queueSizes[i] !== maxPlus1) allEqual = false
      if (queueSizes[i]! > maxPlus1) maxPlus1 = queueSizes[i]!
    }
    maxPlus1++
    if (allEqual && length === total) {
      this.cft = null
      return
    }
    queueSizes[0] = maxPlus1 - queueSizes[0]!
    for (let i = 1; i < length; i++) queueSizes[i] = maxPlus1 - queueSizes[i]! + queueSizes[i - 1]!
    this.cft = queueSizes
    this.ids = partitionIds
    this.statsLength = length
  }
}

/** Java's RoundRobinPartitioner: a counter per topic over the available partitions. */
export class RoundRobinPartitioner {
  private readonly counters = new Map<string, number>()

  partition(topic: string, layout: TopicLayout): number {
    const n = this.counters.get(topic) ?? 0
    this.counters.set(topic, (n + 1) | 0)
    const available = layout.available
    if (available.length > 0) return available[toPositive(n) % available.length]!
    return toPositive(n) % layout.count
  }
}
