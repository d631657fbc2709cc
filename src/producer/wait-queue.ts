/**
 * WaitQueue: the sends waiting for buffer.memory, first in first out.
 *
 * Contract: a ring of columns (one array per field, numbers in typed
 * arrays) rather than one object per send: a producer held at buffer.memory
 * may have tens of thousands of sends waiting, each for longer than the
 * young generation keeps objects, and per-send objects (with their boxed
 * timestamps) were promoted to the old generation and grew the heap by
 * tens of MiB between full collections. `push` adds at the tail; the head's
 * fields are read through the `head*` getters (valid while `length > 0`);
 * `shift` drops the head and its references. Capacity doubles as needed and
 * is never given back while the queue lives (`clear` keeps it too).
 */
import type { RecordHeader } from '../protocol/records/batch.js'
import type { TopicEntry } from './queue.js'
import type { SendCallback } from './types.js'

const INITIAL_CAPACITY = 64

export class WaitQueue {
  private topics: (TopicEntry | undefined)[] = new Array(INITIAL_CAPACITY)
  private keys: (Buffer | null)[] = new Array(INITIAL_CAPACITY)
  private values: (Buffer | null)[] = new Array(INITIAL_CAPACITY)
  private headerLists: (RecordHeader[] | undefined)[] = new Array(INITIAL_CAPACITY)
  private callbacks: (SendCallback | undefined)[] = new Array(INITIAL_CAPACITY)
  private partitions = new Int32Array(INITIAL_CAPACITY)
  private timestamps = new Float64Array(INITIAL_CAPACITY)
  private deadlines = new Float64Array(INITIAL_CAPACITY)
  private head = 0
  private count = 0

  get length(): number {
    return this.count
  }

  /** Adds a send at the tail. `partition` -1: the sticky partitioner chooses when it is appended. */
  push(topic: TopicEntry, partition: number, timestamp: number, key: Buffer | null, value: Buffer | null,
    headers: RecordHeader[] | undefined, callback: SendCallback, deadline: number): void {
    if (this.count === this.partitions.length) this.grow()
    const i = (this.head + this.count) & (this.partitions.length - 1)
    this.topics[i] = topic
    this.partitions[i] = partition
    this.timestamps[i] = timestamp
    this.keys[i] = key
    this.values[i] = value
    this.headerLists[i] = headers
    this.callbacks[i] = callback
    this.deadlines[i] = deadline
    this.count++
  }

  get headTopic(): TopicEntry { return this.topics[this.head]! }
  get headPartition(): number { return this.partitions[this.head]! }
  get headTimestamp(): number { return this.timestamps[this.head]! }
  get headKey(): Buffer | null { return this.keys[this.head]! }
  get headValue(): Buffer | null { return this.values[this.head]! }
  get headHeaders(): RecordHeader[] | undefined { return this.headerLists[this.head] }
  get headCallback(): SendCallback { return this.callbacks[this.head]! }
  get headDeadline(): number { return this.deadlines[this.head]! }

  /** Drops the head send (nothing when empty). */
  shift(): void {
    if (this.count === 0) return
    this.forget(this.head)
    this.head = (this.head + 1) & (this.partitions.length - 1)
    this.count--
  }

  /** Removes the first send with `callback` (O(n), for cancellations); true when one was removed. */
  remove(callback: SendCallback): boolean {
    const mask = this.partitions.length - 1
    for (let n = 0; n < this.count; n++) {
      if (this.callbacks[(this.head + n) & mask] !== callback) continue
      // Close the gap: every later send moves one place towards the head.
      for (let m = n; m < this.count - 1; m++) this.move((this.head + m + 1) & mask, (this.head + m) & mask)
      this.forget((this.head + this.count - 1) & mask)
      this.count--
      return true
    }
    return false
  }

  /** Removes every send; returns their callbacks in order. */
  drainCallbacks(): SendCallback[] {
    const out: SendCallback[] = []
    while (this.count > 0) {
      out.push(this.headCallback)
      this.shift()
    }
    return out
  }

  private forget(i: number): void {
    this.topics[i] = undefined
    this.keys[i] = null
    this.values[i] = null
    this.headerLists[i] = undefined
    this.callbacks[i] = undefined
  }

  private move(from: number, to: number): void {
    this.topics[to] = this.topics[from]
    this.partitions[to] = this.partitions[from]!
    this.timestamps[to] = this.timestamps[from]!
    this.keys[to] = this.keys[from]!
    this.values[to] = this.values[from]!
    this.headerLists[to] = this.headerLists[from]
    this.callbacks[to] = this.callbacks[from]
    this.deadlines[to] = this.deadlines[from]!
  }

  private grow(): void {
    const old = this.partitions.length
    const mask = old - 1
    const size = old * 2
    const topics: (TopicEntry | undefined)[] = new Array(size)
    const keys: (Buffer | null)[] = new Array(size)
    const values: (Buffer | null)[] = new Array(size)
    const headerLists: (RecordHeader[] | undefined)[] = new Array(size)
    const callbacks: (SendCallback | undefined)[] = new Array(size)
    const partitions = new Int32Array(size)
    const timestamps = new Float64Array(size)
    const deadlines = new Float64Array(size)
    for (let n = 0; n < this.count; n++) {
      const i = (this.head + n) & mask
      topics[n] = this.topics[i]
      keys[n] = this.keys[i]!
      values[n] = this.values[i]!
      headerLists[n] = this.headerLists[i]
      callbacks[n] = this.callbacks[i]
      partitions[n] = this.partitions[i]!
      timestamps[n] = this.timestamps[i]!
      deadlines[n] = this.deadlines[i]!
    }
    this.topics = topics
    this.keys = keys
    this.values = values
    this.headerLists = headerLists
    this.callbacks = callbacks
    this.partitions = partitions
    this.timestamps = timestamps
    this.deadlines = deadlines
    this.head = 0
  }
}
