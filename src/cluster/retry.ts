/**
 * Retrying with Java's backoff: `retry.backoff.ms` doubling per attempt up to
 * `retry.backoff.max.ms`, with ±20% jitter, until a deadline.
 */
import { KafkaError, TimeoutError } from '../errors.js'

export interface Backoff {
  backoffMs: number
  backoffMaxMs: number
}

export function backoffDelay(b: Backoff, attempt: number): number {
  const base = Math.min(b.backoffMaxMs, b.backoffMs * 2 ** Math.max(0, attempt))
  return Math.max(0, Math.round(base * (0.8 + Math.random() * 0.4)))
}

/**
 * Runs `fn` until it succeeds, it throws a non-retriable error, or `deadline`
 * (ms since epoch) passes; then the last error is thrown, wrapped in a
 * `TimeoutError` when time ran out. `onRetry` runs before each retry (e.g. to
 * refresh metadata).
 */
export async function retry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  options: Backoff & { deadline: number; onRetry?: (error: KafkaError, attempt: number) => void | Promise<void> },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (e) {
      if (!(e instanceof KafkaError) || !e.retriable) throw e
      const delay = backoffDelay(options, attempt)
      if (Date.now() + delay >= options.deadline) {
        throw new TimeoutError(`${what} did not succeed before its deadline; last error: ${e.message}`, {
          cause: e,
          ...(e.code !== undefined ? { code: e.code } : {}),
          context: e.context,
        })
      }
      await options.onRetry?.(e, attempt)
      await new Promise((r) => setTimeout(r, delay))
    }
  }
}
