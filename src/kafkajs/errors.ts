/**
 * KafkaJS's error classes, with KafkaJS's names, fields and retriability, and
 * the mapping from samsa's {@link KafkaError}s to them.
 *
 * Contract: every error a `samsa/kafkajs` client throws or rejects with is a
 * KafkaJS error class, except errors thrown by the caller's own code (an
 * `eachMessage` handler, a partitioner), which pass through unchanged. The
 * samsa error a KafkaJS error was made from is its `cause`. Broker errors
 * become `KafkaJSProtocolError` with the broker's `type` (e.g.
 * `UNKNOWN_TOPIC_OR_PARTITION`), `code` and `retriable`.
 */
import { AuthenticationError, ConfigError, ConnectionError, KafkaError, SslAuthenticationError, TimeoutError, AbortError } from '../errors.js'
import { ErrorCode } from '../protocol/errors.js'
import type { PartitionMetadata } from './types.js'

/** What KafkaJS's protocol error table holds for each code; accepted by KafkaJSProtocolError. */
export interface ProtocolErrorDetails {
  message: string
  type: string
  code: number
  retriable: boolean
}

export interface KafkaJSErrorMetadata {
  retriable?: boolean
  topic?: string
  partitionId?: number
  metadata?: PartitionMetadata
  cause?: Error
}

function messageOf(e: unknown): string {
  if (typeof e === 'string') return e
  if (e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message
  return String(e)
}

export class KafkaJSError extends Error {
  declare readonly retriable: boolean
  declare readonly helpUrl?: string
  declare readonly cause?: Error

  constructor(e: Error | string | ProtocolErrorDetails, metadata: KafkaJSErrorMetadata = {}) {
    super(messageOf(e))
    const self = this as { retriable: boolean; helpUrl?: string; cause?: Error }
    this.name = 'KafkaJSError'
    self.retriable = metadata.retriable ?? true
    const helpUrl = typeof e === 'object' && e !== null ? (e as { helpUrl?: string }).helpUrl : undefined
    if (helpUrl !== undefined) self.helpUrl = helpUrl
    if (metadata.cause !== undefined) self.cause = metadata.cause
  }
}

export class KafkaJSNonRetriableError extends KafkaJSError {
  constructor(e: Error | string, metadata: { cause?: Error } = {}) {
    super(e, { retriable: false, ...(metadata.cause ? { cause: metadata.cause } : {}) })
    this.name = 'KafkaJSNonRetriableError'
  }
}

export class KafkaJSProtocolError extends KafkaJSError {
  declare readonly code: number
  declare readonly type: string

  constructor(e: Error | string | ProtocolErrorDetails, metadata: { retriable?: boolean; cause?: Error } = {}) {
    const details = typeof e === 'object' && e !== null ? (e as Partial<ProtocolErrorDetails>) : {}
    super(e, { retriable: metadata.retriable ?? details.retriable ?? false, ...(metadata.cause ? { cause: metadata.cause } : {}) })
    const self = this as { code: number; type: string }
    self.type = details.type ?? 'UNKNOWN'
    self.code = details.code ?? ErrorCode.UNKNOWN_SERVER_ERROR
    this.name = 'KafkaJSProtocolError'
  }
}

export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  declare readonly topic: string
  declare readonly partition: number

  constructor(e: Error | string | ProtocolErrorDetails, metadata: { topic: string; partition: number; cause?: Error }) {
    super(e, metadata.cause ? { cause: metadata.cause } : {})
    const self = this as { topic: string; partition: number }
    self.topic = metadata.topic
    self.partition = metadata.partition
    this.name = 'KafkaJSOffsetOutOfRange'
  }
}

export class KafkaJSMemberIdRequired extends KafkaJSProtocolError {
  declare readonly memberId: string

  constructor(e: Error | string | ProtocolErrorDetails, metadata: { memberId: string }) {
    super(e)
    ;(this as { memberId: string }).memberId = metadata.memberId
    this.name = 'KafkaJSMemberIdRequired'
  }
}

export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  declare readonly retryCount: number
  declare readonly retryTime: number

  constructor(e: Error | string, metadata: { retryCount?: number; retryTime?: number; cause?: Error } = {}) {
    const cause = metadata.cause ?? (e instanceof Error ? e : undefined)
    super(e, cause ? { cause } : {})
    const self = this as { retryCount: number; retryTime: number }
    self.retryCount = metadata.retryCount ?? 0
    self.retryTime = metadata.retryTime ?? 0
    this.name = 'KafkaJSNumberOfRetriesExceeded'
    if (e instanceof Error && e.stack) this.stack = `${this.name}\n  Caused by: ${e.stack}`
  }
}

export class KafkaJSConnectionError extends KafkaJSError {
  declare readonly broker?: string
  declare readonly code?: string

  constructor(e: Error | string, metadata: { broker?: string; code?: string; cause?: Error } = {}) {
    super(e, metadata.cause ? { cause: metadata.cause } : {})
    const self = this as { broker?: string; code?: string }
    if (metadata.broker !== undefined) self.broker = metadata.broker
    if (metadata.code !== undefined) self.code = metadata.code
    this.name = 'KafkaJSConnectionError'
  }
}

export class KafkaJSConnectionClosedError extends KafkaJSConnectionError {
  declare readonly host?: string
  declare readonly port?: number

  constructor(e: Error | string, metadata: { host?: string; port?: number } = {}) {
    super(e, { broker: `${metadata.host}:${metadata.port}` })
    const self = this as { host?: string; port?: number }
    self.host = metadata.host
    self.port = metadata.port
    this.name = 'KafkaJSConnectionClosedError'
  }
}

export class KafkaJSRequestTimeoutError extends KafkaJSError {
  declare readonly broker: string
  declare readonly correlationId: number
  declare readonly createdAt: number
  declare readonly sentAt: number
  declare readonly pendingDuration: number

  constructor(e: Error | string, metadata: Partial<{ broker: string; correlationId: number; createdAt: number; sentAt: number; pendingDuration: number }> = {}) {
    super(e)
    Object.assign(this, metadata)
    this.name = 'KafkaJSRequestTimeoutError'
  }
}

export class KafkaJSMetadataNotLoaded extends KafkaJSError {
  constructor(e: Error | string = 'Metadata not loaded', metadata: KafkaJSErrorMetadata = {}) {
    super(e, metadata)
    this.name = 'KafkaJSMetadataNotLoaded'
  }
}

export class KafkaJSTopicMetadataNotLoaded extends KafkaJSMetadataNotLoaded {
  declare readonly topic: string

  constructor(e: Error | string, metadata: { topic?: string } = {}) {
    super(e)
    ;(this as { topic?: string }).topic = metadata.topic
    this.name = 'KafkaJSTopicMetadataNotLoaded'
  }
}

export class KafkaJSStaleTopicMetadataAssignment extends KafkaJSError {
  declare readonly topic: string
  declare readonly unknownPartitions: PartitionMetadata[]

  constructor(e: Error | string, metadata: { topic?: string; unknownPartitions?: PartitionMetadata[] } = {}) {
    super(e)
    Object.assign(this, metadata)
    this.name = 'KafkaJSStaleTopicMetadataAssignment'
  }
}

export interface DeleteGroupsErrorEntry {
  groupId: string
  errorCode: number
  error: KafkaJSError
}

export class KafkaJSDeleteGroupsError extends KafkaJSError {
  declare readonly groups: DeleteGroupsErrorEntry[]

  constructor(e: Error | string, groups: DeleteGroupsErrorEntry[] = []) {
    super(e)
    ;(this as { groups: DeleteGroupsErrorEntry[] }).groups = groups
    this.name = 'KafkaJSDeleteGroupsError'
  }
}

export class KafkaJSServerDoesNotSupportApiKey extends KafkaJSNonRetriableError {
  declare readonly apiKey: number
  declare readonly apiName: string

  constructor(e: Error | string, metadata: { apiKey?: number; apiName?: string } = {}) {
    super(e)
    Object.assign(this, metadata)
    this.name = 'KafkaJSServerDoesNotSupportApiKey'
  }
}

export class KafkaJSBrokerNotFound extends KafkaJSError {
  constructor(e: Error | string = 'Broker not found', metadata: KafkaJSErrorMetadata = {}) {
    super(e, metadata)
    this.name = 'KafkaJSBrokerNotFound'
  }
}

export class KafkaJSPartialMessageError extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Partial message') {
    super(e)
    this.name = 'KafkaJSPartialMessageError'
  }
}

export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'SASL authentication failed', metadata: { cause?: Error } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSSASLAuthenticationError'
  }
}

export class KafkaJSGroupCoordinatorNotFound extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Group coordinator not found') {
    super(e)
    this.name = 'KafkaJSGroupCoordinatorNotFound'
  }
}

export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Not implemented', metadata: { cause?: Error } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSNotImplemented'
  }
}

export class KafkaJSTimeout extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Timeout', metadata: { cause?: Error } = {}) {
    super(e, metadata)
    this.name = 'KafkaJSTimeout'
  }
}

export class KafkaJSLockTimeout extends KafkaJSTimeout {
  constructor(e: Error | string = 'Lock timeout') {
    super(e)
    this.name = 'KafkaJSLockTimeout'
  }
}

export class KafkaJSUnsupportedMagicByteInMessageSet extends KafkaJSNonRetriableError {
  constructor(e: Error | string = 'Unsupported magic byte in message set') {
    super(e)
    this.name = 'KafkaJSUnsupportedMagicByteInMessageSet'
  }
}

export interface DeleteTopicRecordsErrorPartition {
  partition: number
  offset: string
  error: KafkaJSError
}

export interface DeleteTopicRecordsErrorTopic {
  topic: string
  partitions: DeleteTopicRecordsErrorPartition[]
}

export class KafkaJSDeleteTopicRecordsError extends KafkaJSError {
  declare readonly topic: string
  declare readonly partitions: DeleteTopicRecordsErrorPartition[]

  constructor(metadata: DeleteTopicRecordsErrorTopic) {
    const retriable = metadata.partitions.some((p) => p.error.retriable)
    super('Error while deleting records', { retriable })
    Object.assign(this, { topic: metadata.topic, partitions: metadata.partitions })
    this.name = 'KafkaJSDeleteTopicRecordsError'
  }
}

export class KafkaJSInvariantViolation extends KafkaJSNonRetriableError {
  constructor(e: Error | string) {
    super(e)
    this.name = 'KafkaJSInvariantViolation'
  }
}

export class KafkaJSInvalidVarIntError extends KafkaJSNonRetriableError {
  constructor(e: Error | string) {
    super(e)
    this.name = 'KafkaJSInvalidVarIntError'
  }
}

export class KafkaJSInvalidLongError extends KafkaJSNonRetriableError {
  constructor(e: Error | string) {
    super(e)
    this.name = 'KafkaJSInvalidLongError'
  }
}

export class KafkaJSCreateTopicError extends KafkaJSProtocolError {
  declare readonly topic: string

  constructor(e: Error | string | ProtocolErrorDetails, topicName: string, metadata: { cause?: Error } = {}) {
    super(e, metadata)
    ;(this as { topic: string }).topic = topicName
    this.name = 'KafkaJSCreateTopicError'
  }
}

export class KafkaJSAlterPartitionReassignmentsError extends KafkaJSProtocolError {
  declare readonly topic?: string
  declare readonly partition?: number

  constructor(e: Error | string | ProtocolErrorDetails, topic?: string, partition?: number) {
    super(e)
    Object.assign(this, { topic, partition })
    this.name = 'KafkaJSAlterPartitionReassignmentsError'
  }
}

export class KafkaJSAggregateError extends Error {
  declare readonly errors: (Error | string)[]

  constructor(message: Error | string, errors: (Error | string)[]) {
    super(messageOf(message))
    ;(this as { errors: (Error | string)[] }).errors = errors
    this.name = 'KafkaJSAggregateError'
  }
}

export class KafkaJSFetcherRebalanceError extends Error {}

export class KafkaJSNoBrokerAvailableError extends KafkaJSError {
  constructor() {
    super('No broker available')
    this.name = 'KafkaJSNoBrokerAvailableError'
  }
}

/**
 * The KafkaJS error for anything a samsa client threw. KafkaJS errors and
 * errors that are not samsa's (the caller's own) are returned as they are.
 */
export function toKafkaJSError(err: unknown): Error {
  // The caller's own cancellation stays what it is: an AbortError, as in fetch and node:fs.
  if (err instanceof AbortError) return err
  if (err instanceof KafkaJSError || !(err instanceof KafkaError)) {
    return err instanceof Error ? err : new KafkaJSNonRetriableError(String(err))
  }
  const message = err.message
  if (err.code !== undefined) {
    const details: ProtocolErrorDetails = { message, type: err.type, code: err.code, retriable: err.retriable }
    if (err.type === 'OFFSET_OUT_OF_RANGE') {
      return new KafkaJSOffsetOutOfRange(details, {
        topic: String(err.context.topic ?? ''),
        partition: Number(err.context.partition ?? -1),
        cause: err,
      })
    }
    if (err instanceof AuthenticationError) return new KafkaJSSASLAuthenticationError(message, { cause: err })
    return new KafkaJSProtocolError(details, { cause: err })
  }
  if (err instanceof ConnectionError) {
    const broker = err.context.broker ?? (err.context.host !== undefined ? `${err.context.host}:${err.context.port}` : undefined)
    return new KafkaJSConnectionError(message, { ...(broker !== undefined ? { broker: String(broker) } : {}), cause: err })
  }
  // A TLS handshake failure is no SASL failure; KafkaJS has no class of its own for it.
  if (err instanceof SslAuthenticationError) return new KafkaJSNonRetriableError(message, { cause: err })
  if (err instanceof AuthenticationError) return new KafkaJSSASLAuthenticationError(message, { cause: err })
  if (err instanceof TimeoutError) return new KafkaJSNumberOfRetriesExceeded(err, { cause: err })
  if (err instanceof ConfigError) return new KafkaJSNonRetriableError(message, { cause: err })
  if (err.type === 'NOT_IMPLEMENTED') return new KafkaJSNotImplemented(message, { cause: err })
  return err.retriable ? new KafkaJSError(message, { retriable: true, cause: err }) : new KafkaJSNonRetriableError(message, { cause: err })
}

/** Runs `fn`, rethrowing whatever it throws as a KafkaJS error. */
export async function kafkajsErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw toKafkaJSError(e)
  }
}
