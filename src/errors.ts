/**
 * Every error samsa throws or reports is a {@link KafkaError}. Errors are data:
 * callers branch on `type` (stable), `code` (the protocol error code for broker
 * errors) and `retriable`, never on `message`.
 */
import { errorByCode } from './protocol/errors.js'

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

/** A serializer or deserializer failed. */
export class SerializationError extends KafkaError {
  constructor(message: string, options: KafkaErrorOptions = {}) {
    super(message, { type: 'SERIALIZATION', ...options, retriable: false })
  }
}

/** `consumer.wakeup()` interrupted a poll. */
export class WakeupError extends KafkaError {
  constructor(message = 'poll interrupted by wakeup()', options: KafkaErrorOptions = {}) {
    super(message, { type: 'WAKEUP', ...options, retriable: false })
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
  if (entry?.name === 'SASL_AUTHENTICATION_FAILED' || entry?.name === 'ILLEGAL_SASL_STATE' || entry?.name === 'UNSUPPORTED_SASL_MECHANISM') {
    return new AuthenticationError(message, { code, type, context })
  }
  if (entry?.name === 'REQUEST_TIMED_OUT') {
    return new TimeoutError(message, { code, type, retriable: true, context })
  }
  return new KafkaError(message, { code, type, retriable: entry?.retriable ?? false, context })
}

/** True when `err` is a broker error of the given protocol name. */
export function isErrorType(err: unknown, type: string): boolean {
  return err instanceof KafkaError && err.type === type
}
