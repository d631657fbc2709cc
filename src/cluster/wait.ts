/**
 * Waiting: the one way samsa code lets time pass. Every wait is a
 * `setTimeout` from `node:timers/promises`, except the `Waker` of a poll
 * loop (see there); nothing else builds a timer promise by hand.
 *
 * Contract:
 * - `sleep(ms)` resolves after `ms` (at once for ms <= 0).
 * - `until(p, deadline)` resolves when `p` settles or `deadline` (ms since
 *   epoch) passes, whichever comes first, and rethrows `p`'s error when `p`
 *   rejected first (also when the deadline has already passed but `p` has
 *   already failed). `p` keeps running after a timeout; the timer never
 *   outlives the call.
 * - With `signal`, both reject with `signal.reason` once it aborts (at once
 *   when it already has), as `signal.throwIfAborted()` would, and clear
 *   their timer.
 * - With `ref: false` the timer does not keep the process alive (background
 *   waits: group rebalances, retries nobody awaits).
 * - `withSignal(signal, fn)` runs `fn` with `signal` as the ambient signal of
 *   everything it starts (AsyncLocalStorage): `ambientSignal()` returns it,
 *   and `retry()` uses it when given none, so aborting a public call stops
 *   the retries deep inside it.
 * - `Waker`: the one waiting spot of a loop that is run one call at a time
 *   (a consumer's poll). `wait(deadline)` resolves at `deadline` or at the
 *   next `notify()`, whichever comes first; a `notify()` with nobody waiting
 *   is dropped (the loop checks its state before waiting again).
 *   `wakeup()` notifies and is remembered until `takeWakeup()` reports it.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { once } from 'node:events'
import { setTimeout as timer } from 'node:timers/promises'

/** Node's timers hold at most 2^31-1 ms (longer ones fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface WaitOptions {
  signal?: AbortSignal | undefined
  /** false: the wait does not keep the process alive (default true). */
  ref?: boolean | undefined
}

/** Resolves after `ms`; rejects with `signal.reason` when `signal` aborts first. */
export async function sleep(ms: number, options: WaitOptions = {}): Promise<void> {
  const { signal, ref = true } = options
  signal?.throwIfAborted()
  try {
    await timer(Math.max(0, ms), undefined, signal === undefined ? { ref } : { ref, signal })
  } catch (e) {
    // timers/promises rejects with its own AbortError; callers get the signal's reason.
    if (signal?.aborted) throw signal.reason
    throw e
  }
}

/**
 * Waits for `p` but no later than `deadline`; rethrows `p`'s error.
 * Rejects with `signal.reason` when `signal` aborts first.
 */
export async function until(p: Promise<unknown>, deadline: number, options: WaitOptions = {}): Promise<void> {
  const { signal } = options
  signal?.throwIfAborted()
  const ms = deadline - Date.now()
  if (ms <= 0) {
    // Still surface an error that has already happened.
    await Promise.race([p, Promise.resolve()])
    return
  }
  const cancel = new AbortController()
  const onAbort = () => cancel.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  // No deadline: only the signal can cut the wait short.
  const timeout = Number.isFinite(ms)
    ? sleep(Math.min(ms, MAX_TIMER_MS), { signal: cancel.signal, ref: options.ref })
    : once(cancel.signal, 'abort').then(() => undefined)
  const timedOut = timeout.catch(() => undefined).then(() => {
    if (signal?.aborted) throw signal.reason
  })
  try {
    await Promise.race([p, timedOut])
  } finally {
    cancel.abort()
    signal?.removeEventListener('abort', onAbort)
  }
}

const ambient = new AsyncLocalStorage<AbortSignal>()

/** Runs `fn` with `signal` as the ambient signal of all it starts (none: `fn` runs as it is). */
export function withSignal<T>(signal: AbortSignal | undefined, fn: () => T): T {
  return signal === undefined ? fn() : ambient.run(signal, fn)
}

/** The signal of the surrounding `withSignal` call, if any. */
export function ambientSignal(): AbortSignal | undefined {
  return ambient.getStore()
}

/**
 * The waiting spot of a loop run one call at a time: woken by notify(), wakeup() or its deadline.
 *
 * The one wait built on a plain timer rather than `sleep()`: it is ended by
 * notify() on every record a poll waits for, and cancelling a timers/promises
 * wait through an AbortController builds two DOMExceptions with stack traces
 * (the signal's reason and the timer's AbortError), about 12 µs per notify
 * in a consumer fed one record at a time.
 */
export class Waker {
  private waiting: (() => void) | undefined
  private woken = false

  /** Ends the pending wait, if any (new data, an error, a rebalance, close). */
  notify(): void {
    const w = this.waiting
    this.waiting = undefined
    w?.()
  }

  /** Resolves at `deadline` (ms since epoch) or at the next notify(); never rejects. */
  wait(deadline: number): Promise<void> {
    const ms = deadline - Date.now()
    if (ms <= 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(handle)
        if (this.waiting === done) this.waiting = undefined
        resolve()
      }
      const handle = setTimeout(done, Math.min(ms, MAX_TIMER_MS))
      this.waiting = done
    })
  }

  /** Notifies, and makes the next takeWakeup() true (Java's consumer.wakeup()). */
  wakeup(): void {
    this.woken = true
    this.notify()
  }

  /** Whether wakeup() was called since the last takeWakeup(); clears it. */
  takeWakeup(): boolean {
    const w = this.woken
    this.woken = false
    return w
  }
}
