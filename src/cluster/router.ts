/**
 * Request routing: the one place that decides which broker a request goes
 * to, and what happens when it fails there. Admin, consumer and producer
 * import their routing from here (this module and the small files it
 * re-exports: leaders.ts, coordinator.ts); none of them looks a leader, a
 * coordinator or the controller up by itself.
 *
 * Every routed call takes a deadline (ms since epoch) and follows the retry
 * policy of retry.ts: exponential backoff from `retry.backoff.ms` up to
 * `retry.backoff.max.ms` with ±20% jitter; it gives up before a wait that
 * would pass the deadline and then fails with a `TimeoutError` whose `cause`
 * is the last error (and whose `code` and `context` are that error's). An
 * error that is not retriable fails the call at once, as it is: the broker's
 * `type` and `code`, with the partition, group or resource it concerns.
 *
 * Destinations:
 *
 * - **Partition leaders** (`sendToLeaders`, leaders.ts): partitions are grouped
 *   by their leader in the current metadata, one request per leader, in
 *   parallel. Retried: a lost connection or request timeout (the partitions
 *   sent to that broker), NOT_LEADER_OR_FOLLOWER and the other retriable
 *   per-partition errors, and partitions without a leader (LEADER_NOT_AVAILABLE)
 *   — only the partitions they hit are sent again. Cache: every such failure
 *   asks for a metadata refresh (`Cluster.requestRefresh`), and each retry
 *   refreshes the topics involved before regrouping. Fails: a per-partition
 *   error that is not retriable fails the whole call naming the partition; an
 *   unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION at the deadline.
 * - **A coordinator** (`withCoordinator`, `Coordinator`, coordinator.ts): key
 *   type `group`, `transaction` or `share` (share groups, KIP-932). The
 *   coordinator is found with FindCoordinator (retried while it loads) and
 *   cached by the cluster. Cache: NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE
 *   and connection failures forget the cached coordinator, so the next
 *   attempt looks it up again; COORDINATOR_LOAD_IN_PROGRESS is retried
 *   without forgetting it. `Coordinator.send` is the one-attempt form for
 *   callers that run their own state machine (group membership, commits,
 *   transactions): it forgets the coordinator on connection errors and
 *   request timeouts and leaves response codes to the caller.
 * - **Any broker** (`sendToAny`): the least loaded ready connection (fewest
 *   requests in flight), else any known broker, else a bootstrap address
 *   (`Cluster.anyConnection`). Retried: connection failures and any other
 *   retriable error, on whichever broker is chosen next. Cache: none.
 * - **The controller** (`sendToController`): the broker metadata names as
 *   controller (in KRaft, a broker that forwards to the quorum). Retried:
 *   retriable errors (per-item errors too, when `fn` throws them);
 *   NOT_CONTROLLER first refreshes metadata so the next attempt goes to the
 *   new controller.
 *
 * Cancellation: `signal` (where a function takes one) is checked before
 * every attempt and cuts backoff waits short; the call then rejects with
 * `signal.reason`.
 */
import type { Cluster } from './cluster.js'
import type { BrokerInfo } from './metadata.js'
import { retry } from './retry.js'
import { KafkaError } from '../errors.js'
import type { Connection } from '../network/connection.js'

export { byTopic, partitionOutcomes, sendToLeaders, type PartitionOutcome } from './leaders.js'
export {
  Coordinator,
  GroupCoordinator,
  findCoordinator,
  withCoordinator,
  withGroupCoordinator,
  type CoordinatorType,
} from './coordinator.js'

export interface RouteOptions {
  signal?: AbortSignal | undefined
}

/** Runs `fn` on a connection to any broker (see the module comment), retrying until `deadline`. */
export function sendToAny<T>(cluster: Cluster, what: string, deadline: number, fn: (conn: Connection) => Promise<T>, options: RouteOptions = {}): Promise<T> {
  return retry(what, async () => fn(await cluster.anyConnection()), { ...cluster.backoff, deadline, signal: options.signal })
}

/**
 * Runs `fn` on a connection to the controller, retrying until `deadline`;
 * NOT_CONTROLLER refreshes metadata before the retry.
 */
export function sendToController<T>(
  cluster: Cluster,
  what: string,
  deadline: number,
  fn: (conn: Connection, controller: BrokerInfo) => Promise<T>,
  options: RouteOptions = {},
): Promise<T> {
  return retry(
    what,
    async () => {
      const controller = await cluster.controller()
      return fn(await cluster.connectionTo(controller.nodeId), controller)
    },
    // A failed refresh is not fatal: the next attempt meets NOT_CONTROLLER again and refreshes again.
    { ...cluster.backoff, deadline, signal: options.signal, onRetry: (e) => refreshOnNotController(cluster, e) },
  )
}

/** After NOT_CONTROLLER: fresh metadata names the new controller (a failed refresh is ignored). */
async function refreshOnNotController(cluster: Cluster, error: KafkaError): Promise<void> {
  if (error.type === 'NOT_CONTROLLER') await cluster.refreshMetadata().catch(() => undefined)
}
