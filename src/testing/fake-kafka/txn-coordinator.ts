/**
 * Transactions (Kafka's transactions v1): producer ids and epochs per
 * transactional id, the partitions and groups of the open transaction, and
 * the COMMIT/ABORT markers written to those partitions on EndTxn. Offsets
 * committed in a transaction wait in the group coordinator until then.
 */
import { ErrorCode } from '../../protocol/errors.js'
import type { ClusterState } from './cluster.js'
import type { GroupCoordinator } from './group-coordinator.js'

type TxnState = 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort'

interface TxnEntry {
  transactionalId: string
  producerId: bigint
  epoch: number
  state: TxnState
  partitions: Map<string, { topic: string, partition: number }>
  groups: Set<string>
}

const MAX_EPOCH = 32766

export class TxnCoordinator {
  private readonly byId = new Map<string, TxnEntry>()
  private readonly byPid = new Map<bigint, TxnEntry>()

  constructor (private readonly cluster: ClusterState, private readonly groups: GroupCoordinator) {}

  /** InitProducerId: a new id (no transactional id), or the transactional id's next epoch (its open transaction aborted). */
  initProducerId (transactionalId: string | null, producerId: bigint, producerEpoch: number): { errorCode: number, producerId: bigint, producerEpoch: number } {
    if (transactionalId === null) return { errorCode: ErrorCode.NONE, producerId: this.cluster.allocateProducerId(), producerEpoch: 0 }
    let entry = this.byId.get(transactionalId)
    if (entry === undefined) {
      entry = { transactionalId, producerId: this.cluster.allocateProducerId(), epoch: 0, state: 'Empty', partitions: new Map(), groups: new Set() }
      this.byId.set(transactionalId, entry)
      this.byPid.set(entry.producerId, entry)
      return { errorCode: ErrorCode.NONE, producerId: entry.producerId, producerEpoch: 0 }
    }
    if (producerId >= 0n && (producerId !== entry.producerId || producerEpoch !== entry.epoch)) {
      // KIP-360: a producer that asks for a bump must still hold the current id and epoch
      return { errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1n, producerEpoch: -1 }
    }
    if (entry.state === 'Ongoing') this.complete(entry, false)
    if (entry.epoch >= MAX_EPOCH) {
      this.byPid.delete(entry.producerId)
      entry.producerId = this.cluster.allocateProducerId()
      entry.epoch = 0
      this.byPid.set(entry.producerId, entry)
    } else {
      entry.epoch++
    }
    entry.state = 'Empty'
    return { errorCode: ErrorCode.NONE, producerId: entry.producerId, producerEpoch: entry.epoch }
  }

  /** The entry for a request's id/pid/epoch, or the error code that refuses it. */
  private check (transactionalId: string, producerId: bigint, epoch: number): TxnEntry | number {
    const entry = this.byId.get(transactionalId)
    if (entry === undefined || entry.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (epoch !== entry.epoch) return ErrorCode.PRODUCER_FENCED
    return entry
  }

  addPartitions (transactionalId: string, producerId: bigint, epoch: number, topics: Array<{ name: string, partitions: number[] }>): Map<string, Map<number, number>> {
    const entry = this.check(transactionalId, producerId, epoch)
    const results = new Map<string, Map<number, number>>()
    const unknown = typeof entry !== 'number' && topics.some((t) => t.partitions.some((p) => this.cluster.partition(t.name, p) === undefined))
    for (const t of topics) {
      const byPartition = new Map<number, number>()
      results.set(t.name, byPartition)
      for (const p of t.partitions) {
        if (typeof entry === 'number') { byPartition.set(p, entry); continue }
        if (this.cluster.partition(t.name, p) === undefined) { byPartition.set(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION); continue }
        if (unknown) { byPartition.set(p, ErrorCode.OPERATION_NOT_ATTEMPTED); continue }
        entry.partitions.set(`${t.name}\u0000${p}`, { topic: t.name, partition: p })
        entry.state = 'Ongoing'
        byPartition.set(p, ErrorCode.NONE)
      }
    }
    return results
  }

  addOffsets (transactionalId: string, producerId: bigint, epoch: number, groupId: string): number {
    const entry = this.check(transactionalId, producerId, epoch)
    if (typeof entry === 'number') return entry
    entry.groups.add(groupId)
    entry.state = 'Ongoing'
    return ErrorCode.NONE
  }

  /** Whether a TxnOffsetCommit of this producer is part of an open transaction that added the group. */
  checkOffsetCommit (transactionalId: string, producerId: bigint, epoch: number, groupId: string): number {
    const entry = this.check(transactionalId, producerId, epoch)
    if (typeof entry === 'number') return entry
    return entry.state === 'Ongoing' && entry.groups.has(groupId) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
  }

  endTxn (transactionalId: string, producerId: bigint, epoch: number, commit: boolean): number {
    const entry = this.check(transactionalId, producerId, epoch)
    if (typeof entry === 'number') return entry
    if (entry.state === 'CompleteCommit' || entry.state === 'CompleteAbort') {
      // a retried EndTxn for the transaction just completed
      return (entry.state === 'CompleteCommit') === commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
    }
    if (entry.state !== 'Ongoing') return ErrorCode.INVALID_TXN_STATE
    this.complete(entry, commit)
    return ErrorCode.NONE
  }

  /** Whether a transactional batch may be appended: its producer's transaction must have added the partition. */
  checkProduce (transactionalId: string | null, pid: bigint, epoch: number, topic: string, partition: number): number {
    const entry = this.byPid.get(pid)
    if (entry === undefined || (transactionalId !== null && entry.transactionalId !== transactionalId)) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (epoch < entry.epoch) return ErrorCode.PRODUCER_FENCED
    if (entry.state !== 'Ongoing' || !entry.partitions.has(`${topic}\u0000${partition}`)) return ErrorCode.INVALID_TXN_STATE
    return ErrorCode.NONE
  }

  private complete (entry: TxnEntry, commit: boolean): void {
    const now = Date.now()
    for (const { topic, partition } of entry.partitions.values()) {
      const log = this.cluster.partition(topic, partition)
      if (log !== undefined && log.hasOngoing(entry.producerId)) log.writeMarker(entry.producerId, entry.epoch, commit, now)
    }
    for (const group of entry.groups) this.groups.completeTxnOffsets(group, entry.producerId, commit)
    entry.partitions.clear()
    entry.groups.clear()
    entry.state = commit ? 'CompleteCommit' : 'CompleteAbort'
    this.cluster.notify()
  }
}
