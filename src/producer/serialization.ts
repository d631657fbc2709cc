/**
 * The queue of records whose serialization is pending (a serializer returned
 * a promise), so that records reach the accumulator in `send()` call order.
 *
 * Contract:
 * - While the queue is empty, a record whose key and value serialize at once
 *   never enters it: the synchronous path costs one length check.
 * - Once a record's serializer returns a promise, that record and every later
 *   one (even a synchronously serialized one) wait here; each leaves, in
 *   order, once it and all before it have settled. Serializations run
 *   concurrently; only their hand-over is ordered.
 * - A rejected serialization hands its record over with the error (the
 *   producer fails that record alone).
 */
import { Fifo } from './fifo.js'

type Bytes = Buffer | null

/** A key or value: its bytes, or the serialization still under way. */
export type MaybeBytes = Bytes | Promise<Bytes>

/** Receives a record's bytes, or the error its serializer gave. */
export type Resume = (error: unknown, key: Bytes, value: Bytes) => void

interface Pending {
  key: Bytes
  value: Bytes
  waiting: number
  failed: boolean
  error: unknown
  resume: Resume
}

export class SerializationQueue {
  private readonly queue = new Fifo<Pending>()
  /** Called after records left the queue (the producer re-checks flush and close). */
  onDrained: () => void = () => undefined

  get length(): number {
    return this.queue.length
  }

  /** Queues a record; `resume` runs once it and every record queued before it have settled. */
  push(key: MaybeBytes, value: MaybeBytes, resume: Resume): void {
    const p: Pending = { key: null, value: null, waiting: 0, failed: false, error: undefined, resume }
    if (key instanceof Promise) {
      p.waiting++
      key.then((k) => this.settle(p, 'key', k), (e: unknown) => this.fail(p, e))
    } else {
      p.key = key
    }
    if (value instanceof Promise) {
      p.waiting++
      value.then((v) => this.settle(p, 'value', v), (e: unknown) => this.fail(p, e))
    } else {
      p.value = value
    }
    this.queue.push(p)
    if (p.waiting === 0 && this.queue.length === 1) this.drain()
  }

  /** Hands every queued record over with `error`, whatever its state (close cut short). */
  failAll(error: unknown): void {
    for (const p of this.queue.drain()) p.resume(error, null, null)
  }

  private settle(p: Pending, which: 'key' | 'value', bytes: Bytes): void {
    p[which] = bytes
    if (--p.waiting === 0 && this.queue.peek() === p) this.drain()
  }

  private fail(p: Pending, error: unknown): void {
    if (!p.failed) {
      p.failed = true
      p.error = error
    }
    if (--p.waiting === 0 && this.queue.peek() === p) this.drain()
  }

  private drain(): void {
    let moved = false
    for (let p = this.queue.peek(); p !== undefined && p.waiting === 0; p = this.queue.peek()) {
      this.queue.shift()
      moved = true
      if (p.failed) p.resume(p.error, null, null)
      else p.resume(undefined, p.key, p.value)
    }
    if (moved) this.onDrained()
  }
}
