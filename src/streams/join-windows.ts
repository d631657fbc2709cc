/**
 * Join windows of a KStream–KStream join (Kafka Streams' JoinWindows): two
 * records of one key join when the other side's timestamp is at most
 * `beforeMs` before and at most `afterMs` after this side's. The windows
 * slide with each record (they are not aligned to epoch 0), and a record may
 * arrive out of order up to `graceMs` after its window closed (by stream time).
 *
 * The arithmetic is kept in small pure functions, shared by the join
 * processors (stream-join.ts) and the unit tests.
 */
import { TopologyError } from './errors.js'
import { checkMs } from './windows.js'

export class JoinWindows {
  private constructor(
    /** How much earlier the other side's record may be. */
    readonly beforeMs: number,
    /** How much later the other side's record may be. */
    readonly afterMs: number,
    readonly graceMs: number,
  ) {
    if (!Number.isSafeInteger(beforeMs) || !Number.isSafeInteger(afterMs)) throw new TopologyError(`JoinWindows: before and after must be whole numbers of milliseconds, got ${String(beforeMs)} and ${String(afterMs)}`)
    if (beforeMs + afterMs < 0) throw new TopologyError(`JoinWindows: the window (before + after = ${beforeMs + afterMs} ms) must not be negative`)
  }

  /** Records joinable when their timestamps differ by at most `timeDifferenceMs`; late records within `graceMs` still join. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const d = checkMs('JoinWindows.ofTimeDifferenceAndGrace(timeDifference)', timeDifferenceMs, 0)
    return new JoinWindows(d, d, checkMs('JoinWindows.ofTimeDifferenceAndGrace(grace)', graceMs, 0))
  }

  /** As {@link ofTimeDifferenceAndGrace} with no grace period. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    const d = checkMs('JoinWindows.ofTimeDifferenceWithNoGrace(timeDifference)', timeDifferenceMs, 0)
    return new JoinWindows(d, d, 0)
  }

  /** The same windows with another start: the other side's record may be at most `timeDifferenceMs` earlier (may be negative while before + after >= 0). */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(timeDifferenceMs, this.afterMs, this.graceMs)
  }

  /** The same windows with another end: the other side's record may be at most `timeDifferenceMs` later. */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, timeDifferenceMs, this.graceMs)
  }

  /** before + after (Kafka Streams' `size()`): the window size of the join stores. */
  size(): number {
    return this.beforeMs + this.afterMs
  }

  /** How long the join stores keep a record: size + grace. */
  retentionMs(): number {
    return this.size() + this.graceMs
  }
}

/**
 * The timestamps of the other side's records that join a record at
 * `timestamp`: `[timestamp - before, timestamp + after]`, clamped at 0 as in
 * Kafka Streams. For the right side's records before and after swap.
 */
export function joinRange(timestamp: number, beforeMs: number, afterMs: number): [from: number, to: number] {
  return [Math.max(0, timestamp - beforeMs), Math.max(0, timestamp + afterMs)]
}

/**
 * Whether a record at `timestamp` not joined so far may still be joined: its
 * window reaches `lookAheadMs` past it (after for a left record, before for a
 * right one) and stays open `graceMs` longer, by stream time. Once closed, a
 * left/outer join emits it joined with null.
 */
export function outerWindowOpen(timestamp: number, lookAheadMs: number, graceMs: number, streamTime: number): boolean {
  return timestamp + lookAheadMs + graceMs >= streamTime
}
