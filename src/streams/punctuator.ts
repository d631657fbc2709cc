/**
 * Punctuation: functions a processor schedules to run at intervals of
 * stream time or of wall-clock time, inside its task (so their outputs and
 * store changes go where the task's do: under exactly_once_v2, into the
 * open transaction).
 *
 * The rules are Kafka Streams' (PunctuationQueue / PunctuationSchedule):
 * - stream time is the largest timestamp of the records the task has
 *   processed; a stream-time schedule starts aligned to 0, so it fires with
 *   the first record, then each time stream time reaches the next multiple
 *   of the interval;
 * - a wall-clock schedule first fires `interval` after it was made, then
 *   every `interval`;
 * - a schedule that missed several intervals (a gap in the data, a long
 *   pause) fires once and moves to the next interval after the current time.
 */

/** What advances a schedule: the records' timestamps or the system clock. */
export type PunctuationType = 'stream-time' | 'wall-clock-time'

/** Called with the stream time or the system time (ms) at which it fires. */
export type Punctuator = (timestamp: number) => void

/** Returned by `schedule()`: `cancel()` stops the schedule (also from inside its punctuator). */
export interface Cancellable {
  cancel(): void
}

interface Schedule {
  /** When it fires next (stream time or epoch ms). */
  next: number
  readonly interval: number
  readonly punctuator: Punctuator
  cancelled: boolean
  /** Ties schedules made at the same time to their creation order. */
  readonly seq: number
}

/** The schedules of one punctuation type in one task. */
export class PunctuationQueue {
  private schedules: Schedule[] = []
  private seq = 0

  /** Adds a schedule whose first punctuation is at `first`. */
  add(first: number, interval: number, punctuator: Punctuator): Cancellable {
    const schedule: Schedule = { next: first, interval, punctuator, cancelled: false, seq: this.seq++ }
    this.schedules.push(schedule)
    return {
      cancel: () => {
        schedule.cancelled = true
        this.schedules = this.schedules.filter((s) => s !== schedule)
      },
    }
  }

  /** The earliest time a schedule fires next, or undefined without schedules. */
  nextTime(): number | undefined {
    let min: number | undefined
    for (const s of this.schedules) if (min === undefined || s.next < min) min = s.next
    return min
  }

  /**
   * Runs, in order of their due time, the punctuators due at `time` (each
   * once) and reschedules them; returns how many ran. `run` wraps each call
   * (the task sets its record context there).
   */
  punctuate(time: number, run: (punctuator: Punctuator, time: number) => void): number {
    const due = this.schedules.filter((s) => s.next <= time).sort((a, b) => a.next - b.next || a.seq - b.seq)
    let ran = 0
    for (const s of due) {
      if (s.cancelled) continue
      run(s.punctuator, time)
      ran++
      // Java's PunctuationSchedule.next: the next interval after `time`, skipping missed ones.
      let next = s.next + s.interval
      if (time >= next) next = s.next + (Math.floor((time - s.next) / s.interval) + 1) * s.interval
      s.next = next
    }
    return ran
  }

  /** Drops every schedule (the task is closed). */
  clear(): void {
    for (const s of this.schedules) s.cancelled = true
    this.schedules = []
  }
}
