/**
 * The retry policy every samsa request follows: Java's exponential backoff
 * (`retry.backoff.ms` doubling per attempt up to `retry.backoff.max.ms`, with
 * ±20% jitter), bounded by the call's deadline.
 *
 * Contract of `retry(what, fn, options)`:
 * - `fn(attempt)` runs with attempt 0, 1, 2, ... until it resolves (its value
 *   is returned), or throws an error that is not retried (thrown as it is).
 *   By default a `KafkaError` with `retriable` is retried and anything else
 *   is not; `options.retriable` narrows or widens that for callers whose
 *   protocol says otherwise (e.g. transactions retry a fixed list of codes).
 * - An error that is not retried and carries a broker error `code` is
 *   believed only when the next attempt repeats it (confirm.ts), whatever
 *   decided it is not retried (the error table or `options.retriable`):
 *   frames carry no checksum, and a corrupt response can decode into any
 *   code. A genuine refusal thus arrives one backoff later. `confirm: false`
 *   turns this off, for callers whose answers are not Kafka frames or who
 *   confirm them in their own terms.
 * - Before retry n (n = attempt + 1) it waits `backoffDelay(options, attempt)`
 *   (capped by `maxWaitMs()` when given). When that wait would end at or after
 *   `deadline`, it gives up at once and throws `timeoutError(lastError)`,
 *   by default a `TimeoutError` "<what> did not succeed before its deadline"
 *   carrying the last error as `cause`, its `code` and `context`.
 *   `deadline: Infinity` retries until `fn` succeeds, fails for good, or the
 *   signal aborts.
 * - `onRetry(error, attempt)` runs before each wait (refresh metadata, forget
 *   a coordinator...); an error it throws ends the call.
 * - `signal`: checked (`throwIfAborted`) before every attempt, and it cuts a
 *   wait short; the call then rejects with `signal.reason`. Without one, the
 *   signal of the surrounding call (`withSignal`, wait.ts) is used, so an
 *   aborted admin call stops its retries at once.
 * - `ref: false`: the waits do not keep the process alive.
 */
import { KafkaError, TimeoutError } from '../errors.js'
import { Confirmation } from './confirm.js'
import { ambientSignal, sleep } from './wait.js'

export interface Backoff {
  backoffMs: number
  backoffMaxMs: number
}

export interface RetryOptions extends Backoff {
  /** ms since epoch after which no retry starts; Infinity: none. */
  deadline: number
  signal?: AbortSignal | undefined
  /** Which errors are retried (default: `error.retriable`). Errors that are not KafkaErrors never are. The others are still confirmed (`confirm`). */
  retriable?: (error: KafkaError) => boolean
  /** Runs before each wait, e.g. to refresh metadata or forget a coordinator. */
  onRetry?: (error: KafkaError, attempt: number) => void | Promise<void>
  /** The error thrown when the deadline comes (default: a TimeoutError wrapping the last error). */
  timeoutError?: (last: KafkaError) => KafkaError
  /** Caps each wait, read before it (e.g. the time until the oldest waiter of a queue expires). */
  maxWaitMs?: () => number
  /** false: waits do not keep the process alive. */
  ref?: boolean
  /** false: a non-retriable broker error is believed at once (default: when repeated, see confirm.ts). */
  confirm?: boolean
}

/**
 * The wait before retry `attempt + 1`: `backoffMs * 2^attempt`, capped at
 * `backoffMaxMs`, times a random factor in [0.8, 1.2) (Java's
 * ExponentialBackoff with jitter 0.2).
 */
export function backoffDelay(b: Backoff, attempt: number): number {
  const base = Math.min(b.backoffMaxMs, b.backoffMs * 2 ** Math.max(0, attempt))
  return Math.max(0, Math.round(base * (0.8 + Math.random() * 0.4)))
}

const isRetriable = (e: KafkaError) => e.retriable

/** Runs `fn` under the retry policy (see the module comment). */
export async function retry<T>(what: string, fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const confirmation = options.confirm !== false ? new Confirmation() : undefined
  const retriable = options.retriable ?? isRetriable
  const signal = options.signal ?? ambientSignal()
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    try {
      return await fn(attempt)
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e
      if (retriable(e)) confirmation?.reset()
      else if (confirmation === undefined || confirmation.believe(e)) throw e
      let delay = backoffDelay(options, attempt)
      if (options.maxWaitMs !== undefined) delay = Math.max(0, Math.min(delay, options.maxWaitMs()))
      if (Date.now() + delay >= options.deadline) {
        throw options.timeoutError !== undefined ? options.timeoutError(e) : deadlineError(what, e)
      }
      await options.onRetry?.(e, attempt)
      await sleep(delay, { signal, ref: options.ref })
    }
  }
}

/** The default error of a call whose deadline came: a TimeoutError carrying the last error. */
export function deadlineError(what: string, last: KafkaError): TimeoutError {
  return new TimeoutError(`${what} did not succeed before its deadline; last error: ${last.message}`, {
    cause: last,
    ...(last.code !== undefined ? { code: last.code } : {}),
    context: last.context,
  })
}
