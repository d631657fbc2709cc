/**
 * Telling a broker's verdict on a batch from a corrupted response.
 *
 * Kafka frames carry no checksum, so a response damaged on the way (a bad
 * link, a faulty proxy) can decode "validly" into an error code the broker
 * never sent. The producer must not give up on records that still have
 * delivery time because of such garbage, yet it must still fail fast on a
 * genuine refusal (MESSAGE_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED, ...).
 *
 * Contract:
 * - A code a broker never answers Produce with (one outside the error table,
 *   or one of another API such as INVALID_FETCH_SIZE) is taken for a corrupt
 *   response: the batch is retried like after a network error (Java maps an
 *   unknown code to UNKNOWN_SERVER_ERROR; samsa retries it within
 *   `delivery.timeout.ms`, which idempotence makes safe).
 * - A non-retriable code that Produce can carry (OUT_OF_ORDER_SEQUENCE_NUMBER
 *   and UNKNOWN_PRODUCER_ID included: believed, they renumber batches the
 *   broker may already have) is confirmed once: the batch
 *   is sent again (one round trip) and fails only if the broker gives the
 *   same answer again. A genuine refusal therefore still fails within
 *   milliseconds; a corrupted one costs a retry. This is the rule of
 *   src/cluster/confirm.ts, through a `Confirmation` kept per batch.
 */
import { Confirmation, unconfirmed } from '../cluster/confirm.js'
import { KafkaError } from '../errors.js'
import type { ProducerBatch } from './batch.js'

/** The partition error names a broker answers Produce with (ProduceResponse, ReplicaManager, the transaction checks). */
const PRODUCE_ERRORS: ReadonlySet<string> = new Set([
  'UNKNOWN_SERVER_ERROR', 'CORRUPT_MESSAGE', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER', 'REQUEST_TIMED_OUT', 'MESSAGE_TOO_LARGE', 'NETWORK_EXCEPTION',
  'INVALID_TOPIC_EXCEPTION', 'RECORD_LIST_TOO_LARGE', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'INVALID_REQUIRED_ACKS', 'TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'INVALID_TIMESTAMP',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT', 'POLICY_VIOLATION', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH', 'INVALID_TXN_STATE', 'INVALID_PRODUCER_ID_MAPPING', 'CONCURRENT_TRANSACTIONS',
  'TRANSACTION_COORDINATOR_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'KAFKA_STORAGE_ERROR',
  'UNKNOWN_PRODUCER_ID', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'UNSUPPORTED_COMPRESSION_TYPE',
  'INVALID_RECORD', 'THROTTLING_QUOTA_EXCEEDED', 'PRODUCER_FENCED', 'UNKNOWN_TOPIC_ID', 'INCONSISTENT_TOPIC_ID',
  'TRANSACTION_ABORTABLE', 'UNSUPPORTED_VERSION', 'INVALID_REQUEST',
])

export type ProduceErrorVerdict =
  /** Use the error as the broker's answer. */
  | { kind: 'answer' }
  /** Not believed: retry the batch as after a network error, with this (retriable) error. */
  | { kind: 'suspect'; error: KafkaError }

/**
 * What to make of partition error `error` (code `code`) for batch `b`.
 * The batch's `Confirmation` (src/cluster/confirm.ts) remembers the code, so
 * that a repeat is believed.
 */
export function judgeProduceError(b: ProducerBatch, code: number, error: KafkaError): ProduceErrorVerdict {
  // OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID are confirmed too: believed at once they bump
  // the epoch and renumber batches the broker may already have, which would then be written twice.
  // Sent again unchanged, a batch the broker has comes back DUPLICATE_SEQUENCE_NUMBER (a success).
  const confirmation = (b.confirmation ??= new Confirmation())
  if (error.retriable || error.type === 'DUPLICATE_SEQUENCE_NUMBER') {
    confirmation.reset()
    return { kind: 'answer' }
  }
  if (!PRODUCE_ERRORS.has(error.type)) {
    return {
      kind: 'suspect',
      error: new KafkaError(`the produce response carries ${error.message}, which no broker answers Produce with: ` +
        'taken for a corrupt response and retried', { type: 'CORRUPT_RESPONSE', retriable: true, cause: error, context: error.context }),
    }
  }
  return confirmation.believe(error) ? { kind: 'answer' } : { kind: 'suspect', error: unconfirmed(error) }
}
