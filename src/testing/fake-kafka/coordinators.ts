/**
 * Which fake broker coordinates a group or a transactional id, and the
 * coordinators themselves (group-coordinator.ts, txn-coordinator.ts).
 */
import type { BrokerState, ClusterState } from './cluster.js'
import { GroupCoordinator } from './group-coordinator.js'
import { TxnCoordinator } from './txn-coordinator.js'

export class FakeCoordinators {
  readonly groups: GroupCoordinator
  readonly txn: TxnCoordinator
  /** Keys moved by a test to a chosen broker. */
  private readonly pinned = new Map<string, number>()

  constructor (private readonly cluster: ClusterState) {
    this.groups = new GroupCoordinator(cluster)
    this.txn = new TxnCoordinator(cluster, this.groups)
  }

  /** The live broker that coordinates `key` (a hash over the brokers, skipping dead ones). */
  nodeFor (key: string): BrokerState | undefined {
    const pinned = this.pinned.get(key)
    if (pinned !== undefined) {
      const b = this.cluster.broker(pinned)
      if (b?.alive === true) return b
    }
    const brokers = this.cluster.brokers
    let h = 0
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0
    for (let i = 0; i < brokers.length; i++) {
      const b = brokers[(h + i) % brokers.length]!
      if (b.alive) return b
    }
    return undefined
  }

  pin (key: string, nodeId: number): void { this.pinned.set(key, nodeId) }

  close (): void {
    this.groups.close()
  }
}
