/**
 * Admin requests to a group's coordinator.
 *
 * Contract: `withGroupCoordinator` finds the coordinator (FindCoordinator,
 * cached by the cluster) and runs `fn` on a connection to it. When the
 * coordinator moved or is unreachable (NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE, a connection error) the cached coordinator is
 * forgotten and the call retried; COORDINATOR_LOAD_IN_PROGRESS and other
 * retriable errors are retried as they are, until the deadline. `fn` reports
 * group-level error codes by throwing `brokerError(...)`.
 */
import { ConnectionError, KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import type { BrokerInfo } from '../cluster/metadata.js'
import { retry } from '../cluster/retry.js'
import type { Connection } from '../network/connection.js'
import { isCoordinatorMoved } from '../protocol/error-classes.js'

export async function withGroupCoordinator<T>(
  cluster: Cluster,
  groupId: string,
  what: string,
  deadline: number,
  fn: (conn: Connection, coordinator: BrokerInfo) => Promise<T>,
): Promise<T> {
  return retry(
    `${what}(group "${groupId}")`,
    async () => {
      const coordinator = await cluster.coordinator('group', groupId, deadline)
      try {
        const conn = await cluster.pool.get(coordinator)
        return await fn(conn, coordinator)
      } catch (e) {
        if (e instanceof ConnectionError || (e instanceof KafkaError && isCoordinatorMoved(e.code))) {
          cluster.invalidateCoordinator('group', groupId)
        }
        throw e
      }
    },
    { ...cluster.backoff, deadline },
  )
}
