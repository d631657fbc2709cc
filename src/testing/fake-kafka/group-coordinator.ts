/**
 * Consumer groups: the classic protocol's membership state machine
 * (JoinGroup / SyncGroup / Heartbeat / LeaveGroup, with Kafka's states Empty,
 * PreparingRebalance, CompletingRebalance and Stable), committed offsets, and
 * offsets committed inside transactions (pending until EndTxn). KIP-848
 * groups live in consumer-group.ts and share the offsets kept here.
 */
import crypto from 'node:crypto'
import { ErrorCode } from '../../protocol/errors.js'
import type { ClusterState } from './cluster.js'
import { ConsumerGroups } from './consumer-group.js'

export interface CommittedOffset {
  offset: bigint
  leaderEpoch: number
  metadata: string | null
}

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  members: Array<{ memberId: string, groupInstanceId: string | null, metadata: Buffer }>
}

export interface JoinRequest {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: Array<{ name: string, metadata: Buffer }>
  /** JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED and its id. */
  requireKnownMemberId: boolean
  clientId: string
  clientHost: string
}

interface Member {
  memberId: string
  instanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocols: Array<{ name: string, metadata: Buffer }>
  clientId: string
  clientHost: string
  lastHeartbeat: number
  assignment: Buffer
  join: ((r: JoinResult) => void) | undefined
  sync: ((r: { errorCode: number, assignment: Buffer }) => void) | undefined
}

export interface ListedGroup { groupId: string, protocolType: string, groupState: string, groupType: string }

export interface ClassicDescription {
  groupState: string
  protocolType: string
  protocolData: string
  members: Array<{ memberId: string, groupInstanceId: string | null, clientId: string, clientHost: string, memberMetadata: Buffer, memberAssignment: Buffer }>
}

type State = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable'

export interface ClassicGroup {
  id: string
  state: State
  generation: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  members: Map<string, Member>
  pendingIds: Set<string>
  rebalanceTimer: NodeJS.Timeout | undefined
}

const EMPTY = Buffer.alloc(0)
const SWEEP_MS = 100

function key (topic: string, partition: number): string { return `${topic}\u0000${partition}` }

export class GroupCoordinator {
  readonly classic = new Map<string, ClassicGroup>()
  readonly consumer: ConsumerGroups
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>()
  /** group → producer id → offsets committed in the producer's open transaction. */
  private readonly pending = new Map<string, Map<bigint, Map<string, CommittedOffset>>>()
  private readonly sweeper: NodeJS.Timeout

  constructor (cluster: ClusterState) {
    this.consumer = new ConsumerGroups(cluster)
    this.sweeper = setInterval(() => { this.sweep() }, SWEEP_MS)
    this.sweeper.unref()
  }

  close (): void {
    clearInterval(this.sweeper)
    for (const g of this.classic.values()) {
      if (g.rebalanceTimer !== undefined) clearTimeout(g.rebalanceTimer)
    }
    this.consumer.close()
  }

  // ---- classic membership ----

  join (req: JoinRequest): Promise<JoinResult> | JoinResult {
    const fail = (errorCode: number, memberId = req.memberId): JoinResult =>
      ({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] })
    if (this.consumer.hasMembers(req.groupId)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    let group = this.classic.get(req.groupId)
    if (group === undefined) {
      group = { id: req.groupId, state: 'Empty', generation: 0, protocolType: null, protocolName: null, leader: '', members: new Map(), pendingIds: new Set(), rebalanceTimer: undefined }
      this.classic.set(req.groupId, group)
    }
    if (group.members.size > 0 && group.protocolType !== req.protocolType) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    if (group.members.size > 0 && !req.protocols.some((p) => [...group.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)))) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    let memberId = req.memberId
    if (req.groupInstanceId !== null) {
      const existing = [...group.members.values()].find((m) => m.instanceId === req.groupInstanceId)
      if (existing !== undefined && memberId === '') {
        // a static member that restarted takes its old place under a new id
        group.members.delete(existing.memberId)
        existing.memberId = newMemberId(req.groupInstanceId)
        group.members.set(existing.memberId, existing)
        if (group.leader === memberId) group.leader = existing.memberId
        memberId = existing.memberId
      } else if (memberId === '') {
        memberId = newMemberId(req.groupInstanceId)
      } else if (existing !== undefined && existing.memberId !== memberId) {
        return fail(ErrorCode.FENCED_INSTANCE_ID)
      }
    } else if (memberId === '') {
      memberId = newMemberId('consumer')
      if (req.requireKnownMemberId) {
        group.pendingIds.add(memberId)
        return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId)
      }
    } else if (!group.members.has(memberId) && !group.pendingIds.has(memberId)) {
      return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    }
    group.pendingIds.delete(memberId)
    let member = group.members.get(memberId)
    const changed = member === undefined || !sameProtocols(member.protocols, req.protocols)
    if (member === undefined) {
      member = { memberId, instanceId: req.groupInstanceId, sessionTimeoutMs: req.sessionTimeoutMs, rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocols: req.protocols, clientId: req.clientId, clientHost: req.clientHost, lastHeartbeat: Date.now(), assignment: EMPTY, join: undefined, sync: undefined }
      group.members.set(memberId, member)
    }
    member.protocols = req.protocols
    member.clientId = req.clientId
    member.clientHost = req.clientHost
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    member.lastHeartbeat = Date.now()
    group.protocolType = req.protocolType
    const m = member
    const result = new Promise<JoinResult>((resolve) => {
      m.join?.(fail(ErrorCode.UNKNOWN_MEMBER_ID))
      m.join = resolve
    })
    if (group.state === 'Stable' && !changed && group.leader !== memberId) {
      // a follower rejoining without change: Kafka answers at once with the current generation
      m.join = undefined
      return this.joinResult(group, m)
    }
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group)
    this.maybeCompleteJoin(group)
    return result
  }

  private joinResult (group: ClassicGroup, m: Member): JoinResult {
    const isLeader = group.leader === m.memberId
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generation,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leader,
      memberId: m.memberId,
      members: isLeader
        ? [...group.members.values()].map((x) => ({ memberId: x.memberId, groupInstanceId: x.instanceId, metadata: x.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY }))
        : [],
    }
  }

  private prepareRebalance (group: ClassicGroup): void {
    group.state = 'PreparingRebalance'
    for (const m of group.members.values()) {
      if (m.sync !== undefined) { m.sync({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY }); m.sync = undefined }
    }
    if (group.rebalanceTimer !== undefined) clearTimeout(group.rebalanceTimer)
    const timeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs))
    group.rebalanceTimer = setTimeout(() => {
      group.rebalanceTimer = undefined
      // members that did not rejoin in time leave the group
      for (const m of [...group.members.values()]) if (m.join === undefined) group.members.delete(m.memberId)
      this.completeJoin(group)
    }, timeout)
    group.rebalanceTimer.unref()
  }

  private maybeCompleteJoin (group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return
    if ([...group.members.values()].every((m) => m.join !== undefined)) this.completeJoin(group)
  }

  private completeJoin (group: ClassicGroup): void {
    if (group.rebalanceTimer !== undefined) { clearTimeout(group.rebalanceTimer); group.rebalanceTimer = undefined }
    group.generation++
    if (group.members.size === 0) {
      group.state = 'Empty'
      group.protocolName = null
      group.leader = ''
      return
    }
    const members = [...group.members.values()]
    if (!group.members.has(group.leader)) group.leader = members[0]!.memberId
    const leader = group.members.get(group.leader)!
    group.protocolName = leader.protocols.find((p) => members.every((m) => m.protocols.some((q) => q.name === p.name)))?.name ?? leader.protocols[0]?.name ?? null
    group.state = 'CompletingRebalance'
    for (const m of members) {
      m.lastHeartbeat = Date.now()
      const done = m.join
      m.join = undefined
      done?.(this.joinResult(group, m))
    }
  }

  sync (groupId: string, generationId: number, memberId: string, assignments: Array<{ memberId: string, assignment: Buffer }>): Promise<{ errorCode: number, assignment: Buffer }> | { errorCode: number, assignment: Buffer } {
    const group = this.classic.get(groupId)
    const member = group?.members.get(memberId)
    if (group === undefined || member === undefined) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY }
    if (generationId !== group.generation) return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY }
    member.lastHeartbeat = Date.now()
    if (group.state === 'PreparingRebalance') return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY }
    if (group.state === 'Stable') return { errorCode: ErrorCode.NONE, assignment: member.assignment }
    const result = new Promise<{ errorCode: number, assignment: Buffer }>((resolve) => { member.sync = resolve })
    if (memberId === group.leader) {
      const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]))
      group.state = 'Stable'
      for (const m of group.members.values()) {
        m.assignment = byMember.get(m.memberId) ?? EMPTY
        const done = m.sync
        m.sync = undefined
        done?.({ errorCode: ErrorCode.NONE, assignment: m.assignment })
      }
    }
    return result
  }

  heartbeat (groupId: string, generationId: number, memberId: string): number {
    const group = this.classic.get(groupId)
    const member = group?.members.get(memberId)
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION
    member.lastHeartbeat = Date.now()
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  leave (groupId: string, memberId: string, instanceId: string | null): number {
    const group = this.classic.get(groupId)
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    const member = memberId !== '' ? group.members.get(memberId) : [...group.members.values()].find((m) => m.instanceId === instanceId)
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (instanceId !== null && member.instanceId !== instanceId) return ErrorCode.FENCED_INSTANCE_ID
    this.removeMember(group, member)
    return ErrorCode.NONE
  }

  private removeMember (group: ClassicGroup, member: Member): void {
    group.members.delete(member.memberId)
    member.join?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: member.memberId, members: [] })
    member.sync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY })
    member.join = undefined
    member.sync = undefined
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
    else this.prepareRebalance(group)
    if (group.members.size === 0) this.completeJoin(group)
  }

  /** Expires classic members whose session ran out (members waiting in JoinGroup are kept alive). */
  private sweep (): void {
    const now = Date.now()
    for (const group of this.classic.values()) {
      for (const m of [...group.members.values()]) {
        if (m.join === undefined && now - m.lastHeartbeat > m.sessionTimeoutMs) this.removeMember(group, m)
      }
    }
    this.consumer.sweep(now)
  }

  // ---- ListGroups / DescribeGroups ----

  /** Every group the fake knows (classic, KIP-848, or only committed offsets), as ListGroups v5 lists them. */
  listGroups (): ListedGroup[] {
    const out = new Map<string, ListedGroup>()
    for (const id of this.offsets.keys()) out.set(id, { groupId: id, protocolType: '', groupState: 'Empty', groupType: 'classic' })
    for (const g of this.classic.values()) {
      // Kafka forgets a classic group that never had a protocol type once it is empty and has no offsets
      if (g.protocolType === null && !out.has(g.id)) continue
      out.set(g.id, { groupId: g.id, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' })
    }
    for (const g of this.consumer.list()) out.set(g.groupId, g)
    return [...out.values()]
  }

  /** A classic group as DescribeGroups (v0-v5) answers: a group the fake does not know, or a KIP-848 group, is 'Dead'. */
  describeClassic (groupId: string): ClassicDescription {
    const dead: ClassicDescription = { groupState: 'Dead', protocolType: '', protocolData: '', members: [] }
    const group = this.classic.get(groupId)
    if (group === undefined || this.consumer.exists(groupId)) {
      return this.offsets.has(groupId) && !this.consumer.exists(groupId) ? { ...dead, groupState: 'Empty' } : dead
    }
    const stable = group.state === 'Stable'
    return {
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      // as Kafka: the chosen protocol (assignor) and the members' metadata and assignments only once the group is Stable
      protocolData: stable ? group.protocolName ?? '' : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    }
  }

  /** DeleteGroups: an empty group and its offsets go; NON_EMPTY_GROUP while it has members. */
  deleteGroup (groupId: string): number {
    if (!this.listGroups().some((g) => g.groupId === groupId)) return ErrorCode.GROUP_ID_NOT_FOUND
    if ((this.classic.get(groupId)?.members.size ?? 0) > 0 || this.consumer.hasMembers(groupId)) return ErrorCode.NON_EMPTY_GROUP
    this.classic.delete(groupId)
    this.consumer.delete(groupId)
    this.offsets.delete(groupId)
    this.pending.delete(groupId)
    return ErrorCode.NONE
  }

  // ---- offsets ----

  /** Checks the committer's generation (classic) or epoch (KIP-848); NONE for a simple (generation -1) commit of an empty group. */
  validateCommit (groupId: string, generationOrEpoch: number, memberId: string): number {
    if (this.consumer.hasMembers(groupId)) return this.consumer.validateCommit(groupId, generationOrEpoch, memberId)
    const group = this.classic.get(groupId)
    if (generationOrEpoch < 0 && memberId === '') {
      return group === undefined || group.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
    }
    const member = group?.members.get(memberId)
    if (group === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (generationOrEpoch !== group.generation) return ErrorCode.ILLEGAL_GENERATION
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    member.lastHeartbeat = Date.now()
    return ErrorCode.NONE
  }

  commit (groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let byGroup = this.offsets.get(groupId)
    if (byGroup === undefined) { byGroup = new Map(); this.offsets.set(groupId, byGroup) }
    byGroup.set(key(topic, partition), value)
  }

  commitPending (groupId: string, producerId: bigint, topic: string, partition: number, value: CommittedOffset): void {
    let byGroup = this.pending.get(groupId)
    if (byGroup === undefined) { byGroup = new Map(); this.pending.set(groupId, byGroup) }
    let byPid = byGroup.get(producerId)
    if (byPid === undefined) { byPid = new Map(); byGroup.set(producerId, byPid) }
    byPid.set(key(topic, partition), value)
  }

  completeTxnOffsets (groupId: string, producerId: bigint, commit: boolean): void {
    const byPid = this.pending.get(groupId)?.get(producerId)
    if (byPid === undefined) return
    this.pending.get(groupId)!.delete(producerId)
    if (!commit) return
    for (const [k, v] of byPid) {
      const [topic, p] = k.split('\u0000') as [string, string]
      this.commit(groupId, topic, Number(p), v)
    }
  }

  committed (groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(groupId)?.get(key(topic, partition))
  }

  /** Whether an open transaction holds an offset for this partition (OffsetFetch with requireStable). */
  hasPending (groupId: string, topic: string, partition: number): boolean {
    const byGroup = this.pending.get(groupId)
    if (byGroup === undefined) return false
    for (const byPid of byGroup.values()) if (byPid.has(key(topic, partition))) return true
    return false
  }

  /** Every partition with a committed offset in the group: topic → partitions. */
  committedTopics (groupId: string): Map<string, number[]> {
    const out = new Map<string, number[]>()
    for (const k of this.offsets.get(groupId)?.keys() ?? []) {
      const [topic, p] = k.split('\u0000') as [string, string]
      const list = out.get(topic) ?? []
      list.push(Number(p))
      out.set(topic, list)
    }
    return out
  }
}

function sameProtocols (a: Member['protocols'], b: Member['protocols']): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
}

function newMemberId (prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`
}
