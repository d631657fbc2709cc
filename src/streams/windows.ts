/**
 * Window definitions (Kafka Streams' TimeWindows and SessionWindows) and
 * the `Windowed<K>` key of a windowed table, with the serdes Kafka Streams
 * writes windowed keys with.
 *
 * Times are milliseconds of event time (the records' timestamps). A window
 * is `[start, end)`; a record whose window ends at or before the stream time
 * minus the grace period is late and dropped.
 */
import { SerializationError } from '../errors.js'
import { TopologyError } from './errors.js'
import { deserializeNow, serializeNow, type Serde } from './serde.js'

/** A time interval `[start, end)` (a session window: `[start, end]`, both the first and last record's time). */
export interface Window {
  readonly start: number
  readonly end: number
}

/** The key of a windowed aggregate: the record key and its window (Kafka Streams' `Windowed<K>`). */
export interface Windowed<K> {
  readonly key: K
  readonly window: Window
}

/** `ms` as a whole number of milliseconds >= `min`, or a TopologyError naming `what`. */
export function checkMs(what: string, ms: number, min: number): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < min) {
    throw new TopologyError(`${what}: expected an integer number of milliseconds >= ${min}, got ${String(ms)}`)
  }
  return ms
}

/**
 * Fixed-size windows: tumbling (`ofSizeAndGrace(size, grace)`, advance =
 * size) or hopping (`.advanceBy(hop)`, overlapping when hop < size).
 * Window starts are multiples of the advance, from epoch 0.
 */
export class TimeWindows {
  private constructor(readonly sizeMs: number, readonly advanceMs: number, readonly graceMs: number) {}

  /** Tumbling windows of `sizeMs` that accept records up to `graceMs` after the window ends. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = checkMs('TimeWindows.ofSizeAndGrace(size)', sizeMs, 1)
    return new TimeWindows(size, size, checkMs('TimeWindows.ofSizeAndGrace(grace)', graceMs, 0))
  }

  /** Tumbling windows with no grace period: a record is late once stream time passed its window's end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0)
  }

  /** Hopping windows: a new window every `advanceMs` (1 <= advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    const advance = checkMs('TimeWindows.advanceBy()', advanceMs, 1)
    if (advance > this.sizeMs) throw new TopologyError(`TimeWindows.advanceBy(${advance}): the advance must not exceed the window size (${this.sizeMs})`)
    return new TimeWindows(this.sizeMs, advance, this.graceMs)
  }

  /** The windows containing `timestamp`, oldest first (Kafka Streams' `windowsFor`). */
  windowsFor(timestamp: number): Window[] {
    const out: Window[] = []
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs
    for (; start <= timestamp; start += this.advanceMs) out.push({ start, end: start + this.sizeMs })
    return out
  }

  /** How long the store keeps a window: size + grace (Kafka Streams' default retention). */
  retentionMs(): number {
    return this.sizeMs + this.graceMs
  }
}

/**
 * Session windows: the records of a key closer than `gapMs` to one another
 * form one session; a record between two sessions merges them.
 */
export class SessionWindows {
  private constructor(readonly inactivityGapMs: number, readonly graceMs: number) {}

  static ofInactivityGapAndGrace(gapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(checkMs('SessionWindows.ofInactivityGapAndGrace(gap)', gapMs, 1), checkMs('SessionWindows.ofInactivityGapAndGrace(grace)', graceMs, 0))
  }

  static ofInactivityGapWithNoGrace(gapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(gapMs, 0)
  }

  /** gap + grace (Kafka Streams' default retention of session stores). */
  retentionMs(): number {
    return this.inactivityGapMs + this.graceMs
  }
}

/** Splits `[key][8-byte time]...` bytes: the key bytes and the big-endian longs after them. */
export function splitWindowedBytes(data: Buffer, longs: number, extra = 0): { key: Buffer; times: number[] } {
  const tail = longs * 8 + extra
  if (data.length < tail) throw new SerializationError(`a windowed key needs at least ${tail} bytes, got ${data.length}`)
  const at = data.length - tail
  const times: number[] = []
  for (let i = 0; i < longs; i++) times.push(Number(data.readBigInt64BE(at + i * 8)))
  return { key: data.subarray(0, at), times }
}

/** `[key bytes][longs as 8-byte big-endian]`. */
export function joinWindowedBytes(key: Buffer | null, longs: number[], extra?: Buffer): Buffer {
  const k = key ?? Buffer.alloc(0)
  const out = Buffer.allocUnsafe(k.length + longs.length * 8 + (extra?.length ?? 0))
  k.copy(out, 0)
  longs.forEach((t, i) => out.writeBigInt64BE(BigInt(t), k.length + i * 8))
  extra?.copy(out, k.length + longs.length * 8)
  return out
}

/**
 * The serdes of windowed keys, with Kafka Streams' bytes: a time window is
 * `[key][start: 8 bytes]` (the end is start + the window size, which the
 * reader must know), a session window `[key][end: 8][start: 8]`.
 */
export const WindowedSerdes = {
  timeWindowed<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    return {
      serializer: {
        serialize: (topic: string, data: Windowed<K> | null) =>
          data === null || data === undefined ? null : joinWindowedBytes(serializeNow(inner, topic, data.key, 'a windowed key'), [data.window.start]),
      },
      deserializer: {
        deserialize: (topic: string, data: Buffer | null) => {
          if (data === null) return null as unknown as Windowed<K>
          const { key, times } = splitWindowedBytes(data, 1)
          return { key: deserializeNow(inner, topic, key, 'a windowed key'), window: { start: times[0]!, end: times[0]! + windowSizeMs } }
        },
      },
    }
  },

  sessionWindowed<K>(inner: Serde<K>): Serde<Windowed<K>> {
    return {
      serializer: {
        serialize: (topic: string, data: Windowed<K> | null) =>
          data === null || data === undefined ? null : joinWindowedBytes(serializeNow(inner, topic, data.key, 'a windowed key'), [data.window.end, data.window.start]),
      },
      deserializer: {
        deserialize: (topic: string, data: Buffer | null) => {
          if (data === null) return null as unknown as Windowed<K>
          const { key, times } = splitWindowedBytes(data, 2)
          return { key: deserializeNow(inner, topic, key, 'a windowed key'), window: { start: times[1]!, end: times[0]! } }
        },
      },
    }
  },
}
