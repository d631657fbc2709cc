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
 * - `Confirmation.reset()`: an attempt succeeded or failed retriably.
 *
 * A genuine refusal therefore arrives one attempt (one `retry.backoff.ms`)
 * later than the broker gave it. `retry()` (retry.ts) confirms this way by
 * default.
 */
import { AuthenticationError, KafkaError } from '../errors.js'
import { ErrorCode } from '../protocol/errors.js'

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
    if (this.last === which) {
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
    let c = this.byItem.get(item)
    if (c === undefined) this.byItem.set(item, (c = new Confirmation()))
    return c.believe(error)
  }

  /** `item` succeeded or failed retriably. */
  reset(item: string): void {
    this.byItem.get(item)?.reset()
  }
}

/** The retriable error that makes a call ask again to confirm `error` (see the module comment). */
export function unconfirmed(error: KafkaError): KafkaError {
  return new KafkaError(`${error.message}; asking once more to confirm it is the broker's answer`, {
    type: 'UNCONFIRMED_ERROR', retriable: true, cause: error, context: error.context,
  })
}
