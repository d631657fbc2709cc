/**
 * KIP-848 consumer groups (ConsumerGroupHeartbeat): the group epoch, a
 * server-side assignor that spreads each subscribed topic's partitions evenly
 * over its subscribers, and per-member reconciliation — a member first gives
 * up what it must revoke, then receives partitions once their previous owner
 * has released them, and gets the new epoch when it holds no revoked
 * partition.
 */
import crypto from 'node:crypto'
import { ErrorCode } from '../../protocol/errors.js'
import type { ClusterState } from './cluster.js'

export interface HeartbeatRequest {
  groupId: string
  memberId: string
  memberEpoch: number
  instanceId: string | null
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[] | null
  subscribedTopicRegex: string | null
  topicPartitions: Array<{ topicId: string, partitions: number[] }> | null
}

export interface HeartbeatResult {
  errorCode: number
  errorMessage: string | null
  memberId: string | null
  memberEpoch: number
  heartbeatIntervalMs: number
  assignment: { topicPartitions: Array<{ topicId: string, partitions: number[] }> } | null
}

/** topic id → partitions */
type Assignment = Map<string, Set<number>>

interface CMember {
  memberId: string
  instanceId: string | null
  epoch: number
  previousEpoch: number
  topics: string[]
  regex: string | null
  rebalanceTimeoutMs: number
  clientId: string
  clientHost: string
  lastHeartbeat: number
  /** What the member was last told it owns. */
  assigned: Assignment
  sentAssignment: string
}

interface CGroup {
  id: string
  epoch: number
  assignmentEpoch: number
  /** Partition counts of the subscribed topics when the target was computed. */
  metadataKey: string
  members: Map<string, CMember>
  target: Map<string, Assignment>
}

interface DescribedAssignment { topicPartitions: Array<{ topicId: string, topicName: string, partitions: number[] }> }

export interface ConsumerGroupDescription {
  groupState: string
  groupEpoch: number
  assignmentEpoch: number
  assignorName: string
  members: Array<{
    memberId: string
    instanceId: string | null
    rackId: string | null
    memberEpoch: number
    clientId: string
    clientHost: string
    subscribedTopicNames: string[]
    subscribedTopicRegex: string | null
    assignment: DescribedAssignment
    targetAssignment: DescribedAssignment
  }>
}

/** The server-side assignor's name (Kafka's default is 'uniform'; the fake's spreads partitions evenly too). */
const ASSIGNOR = 'uniform'

/** The interval the fake asks members to heartbeat at (Kafka's default is 5 s). */
export const HEARTBEAT_INTERVAL_MS = 500
/** group.consumer.session.timeout.ms */
const SESSION_TIMEOUT_MS = 45_000

export class ConsumerGroups {
  private readonly groups = new Map<string, CGroup>()

  constructor (private readonly cluster: ClusterState) {}

  close (): void { this.groups.clear() }

  hasMembers (groupId: string): boolean { return (this.groups.get(groupId)?.members.size ?? 0) > 0 }

  memberIds (groupId: string): string[] { return [...this.groups.get(groupId)?.members.keys() ?? []] }

  heartbeat (req: HeartbeatRequest, classicInUse: boolean, client: { clientId: string, clientHost: string } = { clientId: '', clientHost: '' }): HeartbeatResult {
    const fail = (errorCode: number, errorMessage: string | null = null): HeartbeatResult =>
      ({ errorCode, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null })
    let group = this.groups.get(req.groupId)
    if (group === undefined) {
      if (classicInUse) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a consumer group.`)
      group = { id: req.groupId, epoch: 0, assignmentEpoch: 0, metadataKey: '', members: new Map(), target: new Map() }
      this.groups.set(req.groupId, group)
    }
    const now = Date.now()
    if (req.memberEpoch === -1 || req.memberEpoch === -2) {
      if (group.members.delete(req.memberId)) group.epoch++
      return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null }
    }
    let member = group.members.get(req.memberId)
    if (req.memberEpoch === 0) {
      if (member === undefined) {
        const memberId = req.memberId !== '' ? req.memberId : crypto.randomBytes(16).toString('base64url')
        member = { memberId, instanceId: req.instanceId, epoch: 0, previousEpoch: 0, topics: [], regex: null, rebalanceTimeoutMs: req.rebalanceTimeoutMs, clientId: client.clientId, clientHost: client.clientHost, lastHeartbeat: now, assigned: new Map(), sentAssignment: '' }
        group.members.set(memberId, member)
      }
      member.assigned = new Map()
      member.sentAssignment = ''
      group.epoch++
    } else {
      if (member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not in group ${req.groupId}.`)
      if (req.memberEpoch !== member.epoch && req.memberEpoch !== member.previousEpoch) {
        return fail(ErrorCode.FENCED_MEMBER_EPOCH, `Member epoch ${req.memberEpoch} is not ${member.epoch}.`)
      }
    }
    member.lastHeartbeat = now
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs
    if (req.subscribedTopicNames !== null && req.subscribedTopicNames.join('\u0000') !== member.topics.join('\u0000')) {
      member.topics = [...req.subscribedTopicNames].sort()
      group.epoch++
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== member.regex) {
      member.regex = req.subscribedTopicRegex
      group.epoch++
    }
    if (req.topicPartitions !== null) member.assigned = this.owned(member, req.topicPartitions)
    const metadataKey = this.metadataKey(group)
    if (metadataKey !== group.metadataKey) {
      group.metadataKey = metadataKey
      group.epoch++
    }
    if (group.assignmentEpoch < group.epoch) this.computeTarget(group)
    this.reconcile(group, member)
    const sent = serialize(member.assigned)
    const assignment = sent !== member.sentAssignment || req.memberEpoch === 0
      ? { topicPartitions: [...member.assigned].map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((a, b) => a - b) })) }
      : null
    member.sentAssignment = sent
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: member.memberId, memberEpoch: member.epoch, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, assignment }
  }

  /** A member's report of what it owns, limited to what it was given (it cannot take more than that). */
  private owned (member: CMember, reported: Array<{ topicId: string, partitions: number[] }>): Assignment {
    const out: Assignment = new Map()
    for (const t of reported) {
      const given = member.assigned.get(t.topicId)
      if (given === undefined) continue
      const keep = new Set(t.partitions.filter((p) => given.has(p)))
      if (keep.size > 0) out.set(t.topicId, keep)
    }
    return out
  }

  private subscribed (member: CMember): string[] {
    const names = new Set(member.topics)
    if (member.regex !== null) {
      let re: RegExp | undefined
      try { re = new RegExp(`^(?:${member.regex})$`) } catch { re = undefined }
      if (re !== undefined) for (const name of this.cluster.topics.keys()) if (re.test(name)) names.add(name)
    }
    return [...names].filter((n) => this.cluster.topics.has(n)).sort()
  }

  private metadataKey (group: CGroup): string {
    const topics = new Set<string>()
    for (const m of group.members.values()) for (const t of this.subscribed(m)) topics.add(t)
    return [...topics].sort().map((t) => `${t}:${this.cluster.topics.get(t)!.id}:${this.cluster.topics.get(t)!.partitions.length}`).join(',')
  }

  /** The uniform assignor: each topic's partitions dealt round-robin over its subscribers, sticky where counts allow. */
  private computeTarget (group: CGroup): void {
    const target = new Map<string, Assignment>()
    for (const id of group.members.keys()) target.set(id, new Map())
    const byTopic = new Map<string, string[]>()
    for (const m of group.members.values()) {
      for (const t of this.subscribed(m)) byTopic.set(t, [...(byTopic.get(t) ?? []), m.memberId])
    }
    for (const [name, subscribers] of byTopic) {
      const topic = this.cluster.topics.get(name)!
      subscribers.sort()
      const n = topic.partitions.length
      const quota = new Map(subscribers.map((id, i) => [id, Math.floor(n / subscribers.length) + (i < n % subscribers.length ? 1 : 0)]))
      const free: number[] = []
      const take = (id: string, p: number): void => {
        const a = target.get(id)!
        const set = a.get(topic.id) ?? new Set<number>()
        set.add(p)
        a.set(topic.id, set)
        quota.set(id, quota.get(id)! - 1)
      }
      for (let p = 0; p < n; p++) {
        // keep a partition with its current target owner while that owner has room
        const owner = subscribers.find((id) => group.target.get(id)?.get(topic.id)?.has(p) === true)
        if (owner !== undefined && quota.get(owner)! > 0) take(owner, p)
        else free.push(p)
      }
      for (const p of free) {
        const id = subscribers.find((s) => quota.get(s)! > 0)!
        take(id, p)
      }
    }
    group.target = target
    group.assignmentEpoch = group.epoch
  }

  private reconcile (group: CGroup, member: CMember): void {
    const target = group.target.get(member.memberId) ?? new Map<string, Set<number>>()
    // 1. revoke what is no longer the member's; the epoch waits until it has let go
    let revoking = false
    const kept: Assignment = new Map()
    for (const [topicId, ps] of member.assigned) {
      const want = target.get(topicId)
      const keep = new Set([...ps].filter((p) => want?.has(p) === true))
      if (keep.size !== ps.size) revoking = true
      if (keep.size > 0) kept.set(topicId, keep)
    }
    if (revoking) {
      member.assigned = kept
      return
    }
    // 2. add target partitions no other member still holds
    for (const [topicId, ps] of target) {
      for (const p of ps) {
        const held = [...group.members.values()].some((o) => o !== member && o.assigned.get(topicId)?.has(p) === true)
        if (held) continue
        const set = kept.get(topicId) ?? new Set<number>()
        set.add(p)
        kept.set(topicId, set)
      }
    }
    member.assigned = kept
    if (member.epoch !== group.assignmentEpoch) {
      member.previousEpoch = member.epoch
      member.epoch = group.assignmentEpoch
    }
  }

  exists (groupId: string): boolean { return this.groups.has(groupId) }

  delete (groupId: string): void { this.groups.delete(groupId) }

  /** The groups as ListGroups lists them (type 'consumer'). */
  list (): Array<{ groupId: string, protocolType: string, groupState: string, groupType: string }> {
    return [...this.groups.values()].map((g) => ({ groupId: g.id, protocolType: 'consumer', groupState: this.state(g), groupType: 'consumer' }))
  }

  /** Kafka's consumer group states: Empty, Assigning (target older than the group epoch), Reconciling, Stable. */
  private state (group: CGroup): string {
    if (group.members.size === 0) return 'Empty'
    if (group.assignmentEpoch < group.epoch) return 'Assigning'
    for (const m of group.members.values()) {
      if (m.epoch !== group.assignmentEpoch || serialize(m.assigned) !== serialize(group.target.get(m.memberId) ?? new Map())) return 'Reconciling'
    }
    return 'Stable'
  }

  /** A group as ConsumerGroupDescribe answers; undefined when there is no such KIP-848 group. */
  describe (groupId: string): ConsumerGroupDescription | undefined {
    const group = this.groups.get(groupId)
    if (group === undefined) return undefined
    const names = new Map([...this.cluster.topics.values()].map((t) => [t.id, t.name]))
    const tps = (a: Assignment): DescribedAssignment => ({
      topicPartitions: [...a].filter(([id]) => names.has(id)).map(([topicId, ps]) => ({ topicId, topicName: names.get(topicId)!, partitions: [...ps].sort((x, y) => x - y) })),
    })
    return {
      groupState: this.state(group),
      groupEpoch: group.epoch,
      assignmentEpoch: group.assignmentEpoch,
      assignorName: ASSIGNOR,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: null,
        memberEpoch: m.epoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.topics,
        subscribedTopicRegex: m.regex,
        assignment: tps(m.assigned),
        targetAssignment: tps(group.target.get(m.memberId) ?? new Map()),
      })),
    }
  }

  validateCommit (groupId: string, epoch: number, memberId: string): number {
    const member = this.groups.get(groupId)?.members.get(memberId)
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    return epoch === member.epoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH
  }

  /** Removes members whose session expired. */
  sweep (now: number): void {
    for (const group of this.groups.values()) {
      for (const m of [...group.members.values()]) {
        if (now - m.lastHeartbeat > SESSION_TIMEOUT_MS) {
          group.members.delete(m.memberId)
          group.epoch++
        }
      }
    }
  }
}

function serialize (a: Assignment): string {
  return [...a].sort(([x], [y]) => (x < y ? -1 : 1)).map(([t, ps]) => `${t}:${[...ps].sort((x, y) => x - y).join('.')}`).join(',')
}
