/**
 * Believing a broker's answer only when it is repeated.
 *
 * Kafka frames carry no checksum: a response damaged on the way (a bad link,
 * a faulty middlebox) can decode "validly" into an error code the broker
 * never sent. A retriable code costs nothing more than a retry, but a
 * non-retriable one would fail a call, a group or a record for good. So a
 * non-retriable broker error is believed only when the next attempt of the
 * same operation gives the same error again (type and code); anything else
 * in between (a success, a retriable error, another code) starts over.
 *
 * Contract:
 * - `needsConfirmation(error)`: a non-retriable `KafkaError` carrying a
 *   broker error code (client-side errors, which have no code, are believed
 *   at once; so are authentication failures, which the connection pool
 *   already remembers and reports again without asking the broker).
 * - `Confirmation.believe(error)`: true when `error` repeats the unconfirmed
 *   error of the previous attempt (or needs no confirmation); false, and
 *   remembers it, otherwise: the caller tries once more.
 * - A code outside Kafka's error table is never believed, however often it
 *   comes (a flipped top bit of NONE decodes as -32768 every time).
 * - `Confirmation.reset()`: an attempt succeeded or failed retriably.
 *
 * A genuine refusal therefore arrives one attempt (one `retry.backoff.ms`)
 * later than the broker gave it. `retry()` (retry.ts) confirms this way by
 * default.
 * - `agreedAnswers(queries, ask, same, settle)`: values, not errors — an
 *   answer a client acts on without any later check (the offset a consumer
 *   starts reading at: a corrupt one too high skips records for good) is
 *   taken only when two consecutive answers to the same query agree; a query
 *   still disagreeing after `rounds` answers takes `settle` of its last two
 *   (the caller's safe side).
 */
import { AuthenticationError, KafkaError } from '../errors.js'
import { ErrorCode, errorByCode } from '../protocol/errors.js'

/** Whether `error` is believed only when repeated (see the module comment). */
export function needsConfirmation(error: KafkaError): boolean {
  return !error.retriable && error.code !== undefined && error.code !== ErrorCode.NONE && !(error instanceof AuthenticationError)
}

/** The unconfirmed error of one operation's last attempt. */
export class Confirmation {
  private last: string | undefined

  /** True: `error` is final. False: it is remembered and the operation is tried once more. */
  believe(error: KafkaError): boolean {
    if (!needsConfirmation(error)) {
      this.last = undefined
      return true
    }
    const which = `${error.type}/${error.code ?? ''}`
    if (this.last === which && !outsideTable(error.code)) {
      this.last = undefined
      return true
    }
    this.last = which
    return false
  }

  /** The last attempt succeeded or failed retriably: nothing is waiting for confirmation. */
  reset(): void {
    this.last = undefined
  }
}

/**
 * Confirmation per item of a call that answers item by item (the topics of
 * CreateTopics, the filters of DeleteAcls, the users of
 * AlterUserScramCredentials...): an item's non-retriable error is believed
 * when the item's next attempt repeats it; the others go on meanwhile.
 */
export class ItemConfirmations {
  private readonly byItem = new Map<string, Confirmation>()

  /** True: `error` is `item`'s final answer. False: ask again for `item`. */
  believe(item: string, error: KafkaError): boolean {
    const c = this.byItem.get(item) ?? new Confirmation()
    if (c.believe(error)) {
      this.byItem.delete(item)
      return true
    }
    this.byItem.set(item, c)
    return false
  }

  /** `item` succeeded or failed retriably: nothing is kept for it (so items that come and go, such as assigned partitions, leave nothing behind). */
  reset(item: string): void {
    this.byItem.delete(item)
  }

  /** How many items have an error waiting for confirmation. */
  get size(): number {
    return this.byItem.size
  }
}

/** The retriable error that makes a call ask again to confirm `error` (see the module comment). */
export function unconfirmed(error: KafkaError): KafkaError {
  return new KafkaError(`${error.message}; asking once more to confirm it is the broker's answer`, {
    type: 'UNCONFIRMED_ERROR', retriable: true, cause: error, context: error.context,
  })
}

/** Whether `code` is a broker error code outside Kafka's table (a corrupt response: never believed). */
export function outsideTable(code: number | undefined): boolean {
  return code !== undefined && errorByCode(code) === undefined
}

/**
 * Asks `ask` about `queries` until, per query, two consecutive answers agree
 * (`same`); queries that agree drop out of the next ask. After `rounds`
 * answers a query still disagreeing takes `settle(previous, last)`. Returns
 * one answer per query, in order. `ask` answers the queries it is given, in
 * order; its errors (and deadline) are the caller's.
 */
export async function agreedAnswers<Q, A>(queries: readonly Q[], ask: (queries: Q[]) => Promise<A[]>,
  same: (a: A, b: A) => boolean, settle: (a: A, b: A) => A, rounds = 4): Promise<A[]> {
  const out: A[] = new Array<A>(queries.length)
  let open = queries.map((_, i) => i)
  // The first two answers are asked for at once (pipelined: no extra round trip).
  const [first, second] = await Promise.all([ask([...queries]), ask([...queries])])
  let previous = first
  let pending: A[] | undefined = second
  for (let round = 2; open.length > 0; round++) {
    const again = pending ?? await ask(open.map((i) => queries[i]!))
    pending = undefined
    const still: number[] = []
    const stillPrevious: A[] = []
    open.forEach((qi, j) => {
      const a = previous[j]!
      const b = again[j]!
      if (same(a, b)) out[qi] = b
      else if (round >= rounds) out[qi] = settle(a, b)
      else {
        still.push(qi)
        stillPrevious.push(b)
      }
    })
    open = still
    previous = stillPrevious
  }
  return out
}
