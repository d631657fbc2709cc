/**
 * Cancellation with `AbortSignal`, shared by every public call that can wait.
 *
 * Contract:
 * - An aborted call rejects with {@link AbortError} whose `cause` is the
 *   signal's `reason`.
 * - A signal that is already aborted rejects before any work starts
 *   (`abortable` never calls its work function then).
 * - Every listener added to a signal is removed when the call settles, however
 *   it settles: one long-lived signal may be passed to any number of calls.
 */
import { AbortError, KafkaError } from '../errors.js'

/** The AbortError for `signal` (its reason as `cause`). */
export function abortError(signal: AbortSignal, what?: string): AbortError {
  return new AbortError(what === undefined ? 'the operation was aborted' : `${what} was aborted`, { cause: signal.reason })
}

/** `signal` when it is an AbortSignal or absent; a KafkaError (INVALID_ARGUMENT) otherwise. */
export function checkSignal(signal: unknown, what: string): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined
  if (typeof signal === 'object' && typeof (signal as AbortSignal).aborted === 'boolean' && typeof (signal as AbortSignal).addEventListener === 'function') {
    return signal as AbortSignal
  }
  throw new KafkaError(`${what}: options.signal must be an AbortSignal, got ${typeof signal}`, { type: 'INVALID_ARGUMENT' })
}

/** Throws the AbortError when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortError(signal, what)
}

/** One 'abort' listener per signal, whatever the number of calls waiting on it. */
interface Watch {
  handlers: Set<() => void>
  fire: () => void
}
const watches = new WeakMap<AbortSignal, Watch>()

/**
 * Runs `fn` once when `signal` fires; the returned function removes it (call
 * it when the operation settles). A no-op without a signal. However many
 * calls wait on one signal, samsa adds a single listener to it (no
 * MaxListenersExceededWarning), and removes it when the last call settles.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (signal === undefined) return noop
  if (signal.aborted) {
    fn()
    return noop
  }
  let watch = watches.get(signal)
  if (watch === undefined) {
    const handlers = new Set<() => void>()
    const fire = () => {
      watches.delete(signal)
      for (const h of [...handlers]) {
        try {
          h()
        } catch {
          // one waiting call's clean-up must not keep the others from theirs
        }
      }
      handlers.clear()
    }
    watch = { handlers, fire }
    watches.set(signal, watch)
    signal.addEventListener('abort', fire, { once: true })
  }
  const w = watch
  const entry = () => fn()
  w.handlers.add(entry)
  return () => {
    if (w.handlers.delete(entry) && w.handlers.size === 0 && watches.get(signal) === w) {
      watches.delete(signal)
      signal.removeEventListener('abort', w.fire)
    }
  }
}

/**
 * The outcome of `work`, or an AbortError as soon as `signal` fires, whichever
 * comes first. `work` is a function so that a pre-aborted signal starts
 * nothing. Work still running when the signal fires goes on in the
 * background; its outcome is dropped (never an unhandled rejection), and
 * `onAborted` runs so the caller can undo what it must.
 */
export function abortable<T>(signal: AbortSignal | undefined, work: () => Promise<T>, what?: string, onAborted?: () => void): Promise<T> {
  if (signal === undefined) return work()
  if (signal.aborted) return Promise.reject(abortError(signal, what))
  let p: Promise<T>
  try {
    p = work()
  } catch (e) {
    return Promise.reject(e)
  }
  return new Promise<T>((resolve, reject) => {
    const remove = onAbort(signal, () => {
      p.catch(noop)
      onAborted?.()
      reject(abortError(signal, what))
    })
    p.then(
      (v) => {
        remove()
        resolve(v)
      },
      (e: unknown) => {
        remove()
        reject(e)
      },
    )
  })
}

/** Waits `ms`, or rejects with an AbortError when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortable(signal, () => new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      remove()
      resolve()
    }, Math.max(0, ms))
    const remove = onAbort(signal, () => clearTimeout(timer))
  }))
}

function noop(): void {}
