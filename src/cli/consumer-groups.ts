/**
 * `samsa consumer-groups`: kafka-consumer-groups.sh. One action of --list,
 * --describe, --reset-offsets, --delete.
 *
 * --describe prints Kafka's tables (a blank line, then the header and rows):
 * offsets (default: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
 * CONSUMER-ID HOST CLIENT-ID), `--members` or `--state`. Notices such as
 * "has no active members" go to stderr so stdout stays a table.
 *
 * --reset-offsets works only on an inactive group (Empty, or not existing
 * yet), as in Kafka; without --execute it only prints the plan (dry run).
 * --to-offset and --shift-by are clamped to each partition's
 * [earliest, latest] range; --to-datetime takes ISO-8601
 * (`2024-01-31T12:00:00.000`, local time unless a zone is given) and moves to
 * the first offset at or after it (latest when there is none).
 */
import type { Admin } from '../admin/admin.js'
import type { ConsumerGroupDescription, GroupOffset } from '../admin/groups.js'
import { KafkaError } from '../errors.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { UsageError, type ParsedArgs } from './args.js'
import { describeGroups, describeIfExists, groupIds, listGroups, printPlan, runGroupAction, warnDryRun, type GroupKind } from './groups.js'
import { note, out, table, type Tool } from './tool.js'

const ACTIONS = ['list', 'describe', 'reset-offsets', 'delete'] as const
const SCENARIOS = ['to-earliest', 'to-latest', 'to-offset', 'to-datetime', 'shift-by', 'to-current'] as const

export const tool: Tool = {
  name: 'consumer-groups',
  summary: 'List, describe, reset the offsets of, and delete consumer groups.',
  options: [
    { name: 'list', kind: 'flag', help: 'List consumer groups' },
    { name: 'describe', kind: 'flag', help: 'Describe groups: offsets and lag (default), --members or --state' },
    { name: 'reset-offsets', kind: 'flag', help: 'Reset the committed offsets of an inactive group (with a --to-* or --shift-by scenario)' },
    { name: 'delete', kind: 'flag', help: 'Delete groups (they must have no members)' },
    { name: 'group', kind: 'repeat', arg: '<group>', help: 'The group (may be given more than once)' },
    { name: 'all-groups', kind: 'flag', help: 'Every group (with --describe, --reset-offsets, --delete)' },
    { name: 'members', kind: 'flag', help: 'With --describe: the members' },
    { name: 'verbose', kind: 'flag', help: 'With --describe --members: each member\'s assignment' },
    { name: 'state', kind: 'optional', arg: '<states>', help: 'With --describe: the group state; with --list: show states, only these (comma-separated) if given' },
    { name: 'offsets', kind: 'flag', help: 'With --describe: offsets and lag (the default)' },
    { name: 'topic', kind: 'repeat', arg: '<topic[:p,p]>', help: 'With --reset-offsets: a topic, or some of its partitions' },
    { name: 'all-topics', kind: 'flag', help: 'With --reset-offsets: every topic the group has offsets for' },
    { name: 'to-earliest', kind: 'flag', help: 'Reset to the earliest offset' },
    { name: 'to-latest', kind: 'flag', help: 'Reset to the latest offset' },
    { name: 'to-offset', kind: 'value', arg: '<offset>', help: 'Reset to this offset' },
    { name: 'to-datetime', kind: 'value', arg: '<YYYY-MM-DDTHH:mm:SS.sss>', help: 'Reset to the first offset at or after this time' },
    { name: 'shift-by', kind: 'value', arg: '<n>', help: 'Move each committed offset by n (may be negative)' },
    { name: 'to-current', kind: 'flag', help: 'Reset to the committed offsets' },
    { name: 'execute', kind: 'flag', help: 'With --reset-offsets: do it' },
    { name: 'dry-run', kind: 'flag', help: 'With --reset-offsets: only print the new offsets (the default)' },
  ],
  notes: [
    'Examples:',
    '  samsa consumer-groups --list',
    '  samsa consumer-groups --describe --group orders-app',
    '  samsa consumer-groups --reset-offsets --group orders-app --topic orders --to-earliest --execute',
  ],
  run(args) {
    return runGroupAction(args, ACTIONS, (action) => {
      if (action === 'reset-offsets') validateReset(args)
    }, (action, admin) => {
      switch (action) {
        case 'list':
          return listGroups(admin, args, CONSUMER_GROUPS)
        case 'describe':
          return describe(admin, args)
        case 'reset-offsets':
          return reset(admin, args)
        case 'delete':
          return remove(admin, args)
      }
    })
  },
}

const CONSUMER_GROUPS: GroupKind<ConsumerGroupDescription> = {
  label: 'Consumer group',
  list: async (admin) => (await admin.listConsumerGroups()).map((g) => ({ groupId: g.groupId, state: g.state ?? 'Unknown' })),
  describe: (admin, groupId) => describeIfExists(() => admin.describeConsumerGroups([groupId])),
}

async function describe(admin: Admin, args: ParsedArgs): Promise<number> {
  const modes = ['members', 'state', 'offsets'].filter((m) => args.has(m))
  if (modes.length > 1) throw new UsageError('give at most one of --members, --state, --offsets')
  if (args.has('verbose') && !args.has('members')) throw new UsageError('--verbose is only valid with --members')
  return describeGroups(admin, args, CONSUMER_GROUPS, async (groupId, d) => {
    if (args.has('state')) {
      const coordinator = `${d.coordinator.host}:${d.coordinator.port} (${d.coordinator.nodeId})`
      await out('\n' + table([['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [groupId, coordinator, d.partitionAssignor, d.state, String(d.members.length)]], [15, 25, 25, 15]) + '\n')
      return
    }
    notice(d)
    if (args.has('members')) {
      const header = ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(args.has('verbose') ? ['ASSIGNMENT'] : [])]
      const rows = d.members.map((m) => [groupId, m.memberId, m.host, m.clientId, String(m.assignment.length), ...(args.has('verbose') ? [assignmentText(m.assignment)] : [])])
      if (rows.length > 0) await out('\n' + table([header, ...rows], [15, 15, 15, 15, 12]) + '\n')
      return
    }
    const offsets = await admin.listConsumerGroupOffsets(groupId)
    const rows = await offsetRows(admin, d, offsets)
    await out('\n' + table([['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], ...rows], [15, 15, 10, 15, 15, 15, 15, 15]) + '\n')
  })
}

function notice(d: ConsumerGroupDescription): void {
  if (d.state === 'Empty') note(`Consumer group '${d.groupId}' has no active members.`)
  else if (d.state !== 'Stable') note(`Warning: Consumer group '${d.groupId}' is rebalancing (state ${d.state}).`)
}

function assignmentText(tps: TopicPartition[]): string {
  if (tps.length === 0) return '-'
  const byTopic = new Map<string, number[]>()
  for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  return [...byTopic].map(([t, ps]) => `${t}(${ps.join(',')})`).join(',')
}

const tpKey = (t: string, p: number) => `${t}\u0000${p}`
const dash = (v: bigint | null | undefined) => (v === null || v === undefined || v < 0n ? '-' : String(v))

/** One row per assigned or committed partition, and one per member without partitions. */
async function offsetRows(admin: Admin, d: ConsumerGroupDescription, offsets: GroupOffset[]): Promise<string[][]> {
  const committed = new Map(offsets.map((o) => [tpKey(o.topic, o.partition), o]))
  const owner = new Map<string, ConsumerGroupDescription['members'][number]>()
  for (const m of d.members) for (const tp of m.assignment) owner.set(tpKey(tp.topic, tp.partition), m)
  // End offsets of assigned partitions without a commit.
  const uncommitted = d.members.flatMap((m) => m.assignment).filter((tp) => !committed.has(tpKey(tp.topic, tp.partition)))
  const ends = new Map<string, bigint>()
  if (uncommitted.length > 0) {
    for (const e of await admin.listOffsets(uncommitted.map((tp) => ({ ...tp, timestamp: 'latest' as const })))) ends.set(tpKey(e.topic, e.partition), e.offset)
  }
  const keys = new Map<string, TopicPartition>()
  for (const o of offsets) keys.set(tpKey(o.topic, o.partition), o)
  for (const tp of uncommitted) keys.set(tpKey(tp.topic, tp.partition), tp)
  const sorted = [...keys.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
  const rows = sorted.map((tp) => {
    const k = tpKey(tp.topic, tp.partition)
    const c = committed.get(k)
    const m = owner.get(k)
    const end = c ? c.logEndOffset : ends.get(k)
    return [d.groupId, tp.topic, String(tp.partition), dash(c?.offset), dash(end), dash(c?.lag), m?.memberId ?? '-', m?.host ?? '-', m?.clientId ?? '-']
  })
  for (const m of d.members) {
    if (m.assignment.length === 0) rows.push([d.groupId, '-', '-', '-', '-', '-', m.memberId, m.host, m.clientId])
  }
  return rows
}

function validateReset(args: ParsedArgs): void {
  const scenarios = SCENARIOS.filter((s) => args.has(s))
  if (scenarios.length !== 1) throw new UsageError(`--reset-offsets needs exactly one of ${SCENARIOS.map((s) => `--${s}`).join(', ')}`)
  if (args.has('topic') === args.has('all-topics')) throw new UsageError('--reset-offsets needs --topic or --all-topics (one of them)')
  if (args.has('execute') && args.has('dry-run')) throw new UsageError('give --execute or --dry-run, not both')
  args.bigint('to-offset')
  args.bigint('shift-by')
  if (args.has('to-datetime')) parseDateTime(args.value('to-datetime')!)
}

/** Kafka's --to-datetime format: YYYY-MM-DDTHH:mm:SS.sss, local time unless a zone (Z, +hh:mm) follows. */
export function parseDateTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s)
  if (!m) throw new UsageError(`--to-datetime expects YYYY-MM-DDTHH:mm:SS.sss with an optional zone (Z, +01:00), got "${s}"`)
  const ms = (m[7] ?? '0').padEnd(3, '0')
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${ms}`
  const zone = m[8]
  const t = zone ? Date.parse(iso + (zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone)) : new Date(iso).getTime()
  if (Number.isNaN(t)) throw new UsageError(`--to-datetime: "${s}" is not a valid date and time`)
  return t
}

async function resetPartitions(admin: Admin, args: ParsedArgs, groupId: string): Promise<TopicPartition[]> {
  if (args.has('all-topics')) return (await admin.listConsumerGroupOffsets(groupId)).map(({ topic, partition }) => ({ topic, partition }))
  return topicSpecs(admin, args.values('topic'))
}

/** `--topic` values (`topic` for all its partitions, or `topic:p,p`) → partitions. */
export async function topicSpecs(admin: Admin, specs: string[]): Promise<TopicPartition[]> {
  const out: TopicPartition[] = []
  for (const spec of specs) {
    const colon = spec.lastIndexOf(':')
    if (colon > 0) {
      const topic = spec.slice(0, colon)
      for (const p of spec.slice(colon + 1).split(',')) {
        if (!/^\d+$/.test(p.trim())) throw new UsageError(`--topic expects topic or topic:p,p, got "${spec}"`)
        out.push({ topic, partition: Number(p) })
      }
    } else {
      const [d] = await admin.describeTopics([spec])
      for (const p of d!.partitions) out.push({ topic: spec, partition: p.partition })
    }
  }
  return out
}

async function reset(admin: Admin, args: ParsedArgs): Promise<number> {
  warnDryRun(args)
  for (const groupId of await groupIds(admin, args, CONSUMER_GROUPS)) {
    const d = await CONSUMER_GROUPS.describe(admin, groupId)
    if (d && d.state !== 'Empty' && d.state !== 'Dead') {
      throw new KafkaError(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`, {
        type: 'NON_EMPTY_GROUP',
      })
    }
    const tps = await resetPartitions(admin, args, groupId)
    if (tps.length === 0) continue
    const plan = await newOffsets(admin, args, groupId, tps)
    if (args.has('execute')) await admin.alterConsumerGroupOffsets(groupId, plan)
    await printPlan(groupId, plan)
  }
  return 0
}

async function newOffsets(admin: Admin, args: ParsedArgs, groupId: string, tps: TopicPartition[]): Promise<TopicPartitionOffset[]> {
  const bound = async (timestamp: 'earliest' | 'latest') => admin.listOffsets(tps.map((tp) => ({ ...tp, timestamp })))
  const [earliest, latest] = await Promise.all([bound('earliest'), bound('latest')])
  const clamp = (i: number, v: bigint) => (v < earliest[i]!.offset ? earliest[i]!.offset : v > latest[i]!.offset ? latest[i]!.offset : v)
  if (args.has('to-earliest')) return tps.map((tp, i) => ({ ...tp, offset: earliest[i]!.offset }))
  if (args.has('to-latest')) return tps.map((tp, i) => ({ ...tp, offset: latest[i]!.offset }))
  if (args.has('to-offset')) {
    const target = args.bigint('to-offset')!
    return tps.map((tp, i) => ({ ...tp, offset: clamp(i, target) }))
  }
  if (args.has('to-datetime')) {
    const at = parseDateTime(args.value('to-datetime')!)
    const found = await admin.listOffsets(tps.map((tp) => ({ ...tp, timestamp: at })))
    return tps.map((tp, i) => ({ ...tp, offset: found[i]!.offset >= 0n ? found[i]!.offset : latest[i]!.offset }))
  }
  const current = new Map((await admin.listConsumerGroupOffsets(groupId, { partitions: tps })).map((o) => [tpKey(o.topic, o.partition), o.offset]))
  const shift = args.bigint('shift-by') ?? 0n
  return tps.map((tp, i) => {
    const c = current.get(tpKey(tp.topic, tp.partition))
    if (c === undefined || c < 0n) {
      throw new UsageError(`cannot ${args.has('shift-by') ? 'shift' : 'keep'} the offset of ${tp.topic}-${tp.partition}: the group has no committed offset there`)
    }
    return { ...tp, offset: clamp(i, c + shift) }
  })
}

async function remove(admin: Admin, args: ParsedArgs): Promise<number> {
  const ids = await groupIds(admin, args, CONSUMER_GROUPS)
  if (ids.length === 0) return 0
  try {
    await admin.deleteConsumerGroups(ids)
  } catch (e) {
    const errors = (e instanceof KafkaError && Array.isArray(e.context.errors) ? e.context.errors : [e]) as Error[]
    throw new KafkaError(`Deletion of some consumer groups failed: ${errors.map((x) => x.message).join('; ')}`, {
      type: e instanceof KafkaError ? e.type : 'KAFKA_ERROR',
      cause: e,
    })
  }
  await out(`Deletion of requested consumer groups (${ids.map((g) => `'${g}'`).join(', ')}) was successful.\n`)
  return 0
}
