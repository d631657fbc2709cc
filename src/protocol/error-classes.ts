/**
 * What a protocol error code means for the client: the classifications the
 * producer, consumer, group and admin code branch on, each defined once, by
 * name, next to the generated table (errors.ts).
 *
 * Contract: every predicate takes a protocol error code (a number from a
 * response, or `KafkaError.code`, which is undefined for client-side errors)
 * and answers true only for the codes named in its set; any other code
 * (including codes the table does not know, and undefined) answers false.
 * `NONE` (0) is in no set. A code joins a set only after checking what the
 * Java client does with it, and the reason is written next to it.
 */
import { ErrorCode, errorByCode } from './errors.js'

/** Whether trying again may succeed, as Kafka's error table says (unknown codes: no). */
export function isRetriable(code: number | undefined): boolean {
  return code !== undefined && (errorByCode(code)?.retriable ?? false)
}

/**
 * The client's metadata (leaders, epochs, topic ids) is out of date: refresh
 * it, then retry. Used by the producer's sink (Java's Sender refreshes on
 * every InvalidMetadataException) and the consumer's fetch loop (Java's
 * FetchCollector and OffsetFetcher refresh on the errors listed there). One
 * set for both: the sink used to miss OFFSET_NOT_AVAILABLE and the fetch loop
 * NETWORK_EXCEPTION; neither code is answered by the other side's request, so
 * the union changes nothing that already worked and nothing can slip through
 * on one side only.
 */
const STALE_METADATA: ReadonlySet<number> = new Set([
  // Topic or partition not in the broker's view yet, or deleted (Java: UnknownTopicOrPartitionException).
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  // The partition is between leaders (election in progress).
  ErrorCode.LEADER_NOT_AVAILABLE,
  // The broker asked is not the leader any more: the leader moved.
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  // The replica asked is not available (fetch from a follower, KIP-392).
  ErrorCode.REPLICA_NOT_AVAILABLE,
  // The broker dropped the request's connection (Java: NetworkException is an InvalidMetadataException).
  ErrorCode.NETWORK_EXCEPTION,
  // The partition's log directory failed on that broker; leadership will move.
  ErrorCode.KAFKA_STORAGE_ERROR,
  // Our leader epoch is older than the broker's (KIP-320): our metadata is stale.
  ErrorCode.FENCED_LEADER_EPOCH,
  // Our leader epoch is newer than the broker's; Java's ListOffsets path refreshes, and a refresh is harmless.
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  // A new leader has no high watermark yet (KIP-207); Java's fetch and ListOffsets paths refresh.
  ErrorCode.OFFSET_NOT_AVAILABLE,
  // The topic id we sent is unknown: the topic was deleted or recreated (KIP-516).
  ErrorCode.UNKNOWN_TOPIC_ID,
  // The topic id does not match the broker's for that name (recreated topic).
  ErrorCode.INCONSISTENT_TOPIC_ID,
])

/** The metadata is out of date (leader moved, topic recreated, ...): refresh it before the retry. */
export function isStaleMetadata(code: number | undefined): boolean {
  return code !== undefined && STALE_METADATA.has(code)
}

/** The topic id of a fetch session's partition no longer matches: the fetch session must start over too. */
export function isTopicIdStale(code: number | undefined): boolean {
  return code === ErrorCode.UNKNOWN_TOPIC_ID || code === ErrorCode.INCONSISTENT_TOPIC_ID
}

/**
 * The fetch session (KIP-227) the request named is gone or out of step:
 * start a new session with a full fetch. Nothing is lost, since fetch offsets
 * live in the partition state (Java: FetchSessionHandler.handleError).
 */
const FETCH_SESSION: ReadonlySet<number> = new Set([
  ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
  ErrorCode.INVALID_FETCH_SESSION_EPOCH,
  ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR,
])

/** The fetch session is invalid: start a new one. */
export function isFetchSessionError(code: number | undefined): boolean {
  return code !== undefined && FETCH_SESSION.has(code)
}

/**
 * The group or transaction coordinator moved or is not reachable: forget the
 * cached coordinator and find it again (FindCoordinator) before retrying, as
 * Java's coordinators do (markCoordinatorUnknown).
 */
export function isCoordinatorMoved(code: number | undefined): boolean {
  return code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE
}

/** The coordinator is loading its state: retry the same coordinator after a backoff. */
export function isCoordinatorLoading(code: number | undefined): boolean {
  return code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
}

/**
 * The group no longer knows this member as it is (unknown member id, old
 * generation, old KIP-848 member epoch): the member must rejoin with a fresh
 * identity. ILLEGAL_GENERATION only comes from the classic protocol and
 * FENCED_MEMBER_EPOCH only from ConsumerGroupHeartbeat, so each protocol sees
 * just its own codes. FENCED_INSTANCE_ID is not here: a static member fenced
 * by another instance must not rejoin.
 */
const MEMBER_FENCED: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.FENCED_MEMBER_EPOCH,
])

/** This member's identity in the group is stale: rejoin. */
export function isMemberFenced(code: number | undefined): boolean {
  return code !== undefined && MEMBER_FENCED.has(code)
}

/**
 * An offset commit refused because the group has moved on without this member
 * (Java: CommitFailedException / RebalanceInProgressException): retrying the
 * same commit cannot succeed. The member rejoins (except for
 * REBALANCE_IN_PROGRESS, where the rebalance is already under way).
 */
const COMMIT_FENCED: ReadonlySet<number> = new Set([
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.FENCED_INSTANCE_ID,
])

/** The commit was refused because the group rebalanced: do not retry it. */
export function isCommitFenced(code: number | undefined): boolean {
  return code !== undefined && COMMIT_FENCED.has(code)
}

/**
 * Another producer with the same transactional id (or a newer epoch of this
 * one) has taken over: this producer is fenced for good (Java:
 * ProducerFencedException, InvalidProducerEpochException).
 */
export function isProducerFenced(code: number | undefined): boolean {
  return code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.INVALID_PRODUCER_EPOCH
}

/**
 * Errors after which a transactional producer can do nothing but close
 * (Java's TransactionManager: fatalError).
 */
const TRANSACTION_FATAL: ReadonlySet<number> = new Set([
  // Fenced by a newer producer with the same transactional.id.
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  // The coordinator itself was fenced (a newer coordinator epoch owns the transaction).
  ErrorCode.TRANSACTION_COORDINATOR_FENCED,
  // Not allowed to use this transactional.id.
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  // Broker-side transaction state is inconsistent with ours.
  ErrorCode.INVALID_TXN_STATE,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  // transaction.timeout.ms is above the broker's transaction.max.timeout.ms.
  ErrorCode.INVALID_TRANSACTION_TIMEOUT,
  // The broker cannot serve the transactional requests this client needs.
  ErrorCode.UNSUPPORTED_VERSION,
])

/** A transactional producer that sees this error is finished: it can only be closed. */
export function isTransactionFatal(code: number | undefined): boolean {
  return code !== undefined && TRANSACTION_FATAL.has(code)
}

/**
 * A transactional coordinator request (InitProducerId, AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit, EndTxn) that is retried: the coordinator
 * moved or is loading, the previous transaction is still completing
 * (CONCURRENT_TRANSACTIONS), a partition is not known yet, or the request
 * timed out on the broker.
 */
export function isTransactionRetriable(code: number | undefined): boolean {
  return isCoordinatorMoved(code) || isCoordinatorLoading(code) || code === ErrorCode.CONCURRENT_TRANSACTIONS ||
    code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.REQUEST_TIMED_OUT
}
