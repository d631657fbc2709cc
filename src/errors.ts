/**
 * Every error samsa throws or reports is a {@link KafkaError}. Errors are data:
 * callers branch on `type` (stable), `code` (the protocol error code for broker
 * errors) and `retriable`, never on `message`.
 */
import { isRetriable } from './protocol/error-classes.js'
import { ErrorCode, errorByCode } from './protocol/errors.js'

export interface KafkaErrorOptions {
  /** Kafka protocol error code (broker errors only). */
  code?: number
  /** Stable name: the protocol error name (e.g. `NOT_LEADER_OR_FOLLOWER`) or a samsa name. */
  type?: string
  retriable?: boolean
  cause?: unknown
  /** Where it happened: topic, partition, broker, api, ... Never holds a secret. */
  context?: Record<string, unknown>
}

export class KafkaError extends Error {
  /** The protocol error code for broker errors; `undefined` for client-side errors. */
  readonly code: number | undefined
  /** Stable identifier: the broker's error name, or a samsa error name such as `CONFIG`. */
  readonly type: string
  /** Whether trying the same operation again may succeed. */
  readonly retriable: boolean
  readonly context: Record<string, unknown>

  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.type = options.type ?? 'KAFKA_ERROR'
    this.retriable = options.retriable ?? false
    this.context = options.context ?? {}
  }
}

/** An option is unknown, of the wrong type or out of range. Thrown by constructors. */
export class ConfigError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'CONFIG', ...options, retriable: false })
  }
}

/** An operation did not complete within its deadline. */
export class TimeoutError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'TIMEOUT', retriable: true, ...options })
  }
}

/** A connection could not be made, or broke. */
export class ConnectionError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'CONNECTION', retriable: true, ...options })
  }
}

/** SASL or TLS authentication failed. Not retriable: the credentials must change. */
export class AuthenticationError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'AUTHENTICATION', ...options, retriable: false })
  }
}

/**
 * The authenticated principal lacks an ACL for what it asked: its `type` is
 * the broker's (TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED,
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED, ...)
 * and `context` names the topic(s), group or transactional id. Not
 * retriable: it is reported at once; the same client succeeds once the
 * rights are granted.
 */
export class AuthorizationError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'AUTHORIZATION', ...options, retriable: false })
  }
}

/**
 * An error that reports `cause` in other words (a failed transaction, a
 * refused commit): the same class as `cause` for an AuthorizationError, so
 * `instanceof` keeps working, else a KafkaError.
 */
export function restated(cause: KafkaError, message: string, options: KafkaErrorOptions = {}): KafkaError {
  return cause instanceof AuthorizationError ? new AuthorizationError(message, { ...options, cause }) : new KafkaError(message, { ...options, cause })
}

/**
 * The TLS handshake failed: the broker's certificate is not trusted or does
 * not match its host, or the broker rejected ours (Java's
 * SslAuthenticationException). Type `SSL_AUTHENTICATION`; not retriable: the
 * certificates or the trust settings must change. `context.broker` names the
 * broker, `context.reason` the TLS error code (e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `ERR_TLS_CERT_ALTNAME_INVALID`, `ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN`).
 */
export class SslAuthenticationError extends AuthenticationError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'SSL_AUTHENTICATION', ...options })
  }
}

/** A serializer or deserializer failed. */
export class SerializationError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'SERIALIZATION', ...options, retriable: false })
  }
}

/**
 * A fetched record's key or value could not be deserialized (Java's
 * RecordDeserializationException). `context` names `topic`, `partition`,
 * `offset` and `what` ('key' or 'value'); `cause` is the deserializer's error.
 * `poll()` throws it; the position stays at that record, so every poll throws
 * again until the application seeks past it (`seek(tp, offset + 1n)`).
 */
export class DeserializationError extends SerializationError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'DESERIALIZATION', ...options })
  }
}

/**
 * A Schema Registry request failed (samsa/schema-registry). `context.status`
 * is the HTTP status (undefined when the registry could not be reached),
 * `context.errorCode` the registry's own code (40401 subject not found, 40403
 * schema not found, 409 incompatible, 42201 invalid schema, ...), `context.url`
 * the request's method and path. Retriable for a 5xx, a 429 and connection
 * errors, which the client has already retried (`max.retries`).
 */
export class SchemaRegistryError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'SCHEMA_REGISTRY', ...options })
  }

  /** The HTTP status, when the registry answered. */
  get status(): number | undefined {
    return this.context.status as number | undefined
  }

  /** The registry's error code (e.g. 40401), when it sent one. */
  get errorCode(): number | undefined {
    return this.context.errorCode as number | undefined
  }
}

/** `consumer.wakeup()` interrupted a poll. */
export class WakeupError extends KafkaError {
  constructor(message = 'poll interrupted by wakeup()', options: KafkaErrorOptions = {}) {
    super(message, { type: 'WAKEUP', ...options, retriable: false })
  }
}

/**
 * The caller's `AbortSignal` fired before the call finished. `name` is
 * `'AbortError'` (as for fetch and node:fs), `cause` is the signal's reason,
 * `type` is `'ABORTED'`. Not retriable by itself: the caller chose to stop.
 */
export class AbortError extends KafkaError {
  constructor(message = 'the operation was aborted', options: KafkaErrorOptions = {}) {
    super(message, { type: 'ABORTED', ...options, retriable: false })
    this.name = 'AbortError'
  }
}

/** A frame from the broker was malformed or unexpected. The connection it came on is closed. */
export class ProtocolError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'PROTOCOL', ...options, retriable: options.retriable ?? false })
  }
}

/**
 * The error for a non-zero protocol error code, with the broker's own name and
 * retriability (from Kafka's error table). `detail` is the broker's error
 * message, when the response carries one. A code outside the table gets type
 * `UNKNOWN_SERVER_ERROR` (not retriable), as in Java, and keeps its `code`;
 * whether a caller retries it anyway is the caller's rule (the producer and
 * the fetcher do, see docs/delivery-guarantees.md).
 */
export function brokerError(
  code: number,
  context: Record<string, unknown> = {},
  detail?: string | null,
): KafkaError {
  const entry = errorByCode(code)
  // A code outside the table (a newer broker, or a corrupt response) is what Java makes of it: UNKNOWN_SERVER_ERROR.
  const type = entry?.name ?? 'UNKNOWN_SERVER_ERROR'
  const where = Object.entries(context)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')
  const message = `${type} (error code ${code})${detail ? `: ${detail}` : ''}${where ? ` [${where}]` : ''}`
  if (code === ErrorCode.SASL_AUTHENTICATION_FAILED || code === ErrorCode.ILLEGAL_SASL_STATE || code === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
    return new AuthenticationError(message, { code, type, context })
  }
  if (entry?.name.endsWith('_AUTHORIZATION_FAILED')) {
    const denied = `not authorized to access ${deniedResource(entry.name, context)}`
    return new AuthorizationError(message.replace(`(error code ${code})`, `(error code ${code}): ${denied}`), { code, type, context })
  }
  if (code === ErrorCode.REQUEST_TIMED_OUT) {
    return new TimeoutError(message, { code, type, retriable: true, context })
  }
  return new KafkaError(message, { code, type, retriable: isRetriable(code), context })
}

/**
 * A partition error of a Fetch or ShareFetch answer: `brokerError`, except that CORRUPT_MESSAGE
 * (retriable in the error table, for a Produce request damaged on the way) is not retriable there:
 * the broker cannot read its log at that offset, which no retry cures (Java's consumers throw it).
 */
export function fetchPartitionError(code: number, context: Record<string, unknown>, detail?: string | null): KafkaError {
  const err = brokerError(code, context, detail)
  if (code !== ErrorCode.CORRUPT_MESSAGE) return err
  return new KafkaError(`${err.message}: the broker cannot read this partition's log at that offset; seek past it to go on`, {
    code, type: err.type, retriable: false, context,
  })
}

/** What an authorization failure was about, from its context: `topic "t"`, `group "g"`, ... */
function deniedResource(type: string, context: Record<string, unknown>): string {
  const q = (v: unknown) => (Array.isArray(v) ? v.map((x) => `"${String(x)}"`).join(', ') : `"${String(v)}"`)
  const many = Array.isArray(context.topics) && context.topics.length > 1
  const topic = context.topics !== undefined ? `topic${many ? 's' : ''} ${q(context.topics)}` : context.topic !== undefined ? `topic ${q(context.topic)}` : undefined
  const group = context.group !== undefined ? `group ${q(context.group)}` : undefined
  const txn = context.transactionalId !== undefined ? `transactional id ${q(context.transactionalId)}` : undefined
  const named =
    type === 'TOPIC_AUTHORIZATION_FAILED' ? topic : type === 'GROUP_AUTHORIZATION_FAILED' ? group : type === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' ? txn : undefined
  if (named) return named
  if (type === 'CLUSTER_AUTHORIZATION_FAILED') return 'the cluster (a cluster-level operation)'
  if (context.resource !== undefined) return String(context.resource)
  return topic ?? group ?? txn ?? 'the resource'
}
