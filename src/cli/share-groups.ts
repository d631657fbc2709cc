/**
 * `samsa share-groups`: kafka-share-groups.sh (KIP-932). One action of
 * --list, --describe, --reset-offsets, --delete, --delete-offsets.
 *
 * --describe prints Kafka's tables (a blank line, then header and rows):
 * start offsets (default: GROUP TOPIC PARTITION LEADER-EPOCH START-OFFSET
 * LAG), `--members` (GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS
 * ASSIGNMENT) or `--state` (GROUP COORDINATOR (ID) STATE #MEMBERS;
 * --verbose adds the assignor and epochs). --reset-offsets works only on a
 * group without members; without --execute it prints the plan (dry run).
 */
import type { Admin } from '../admin/admin.js'
import type { ShareGroupDescription } from '../admin/share-groups.js'
import { KafkaError } from '../errors.js'
import type { TopicPartitionOffset } from '../types.js'
import { UsageError, type ParsedArgs } from './args.js'
import { parseDateTime, topicSpecs } from './consumer-groups.js'
import { describeGroups, describeIfExists, groupIds, listGroups, printPlan, runGroupAction, warnDryRun, type GroupKind } from './groups.js'
import { note, out, table, type Tool } from './tool.js'

const ACTIONS = ['list', 'describe', 'reset-offsets', 'delete', 'delete-offsets'] as const
const SCENARIOS = ['to-earliest', 'to-latest', 'to-datetime', 'to-offset'] as const

export const tool: Tool = {
  name: 'share-groups',
  summary: 'List, describe, reset the start offsets of, and delete share groups.',
  options: [
    { name: 'list', kind: 'flag', help: 'List share groups' },
    { name: 'describe', kind: 'flag', help: 'Describe share groups: start offsets and lag (default), --members or --state' },
    { name: 'reset-offsets', kind: 'flag', help: 'Reset the start offsets of a group without members (with a --to-* scenario)' },
    { name: 'delete', kind: 'flag', help: 'Delete share groups (they must have no members)' },
    { name: 'delete-offsets', kind: 'flag', help: 'Delete a share group\'s state for topics (with --topic)' },
    { name: 'group', kind: 'repeat', arg: '<group>', help: 'The group (may be given more than once)' },
    { name: 'all-groups', kind: 'flag', help: 'Every share group (with --describe, --reset-offsets, --delete)' },
    { name: 'members', kind: 'flag', help: 'With --describe: the members' },
    { name: 'verbose', kind: 'flag', help: 'With --describe --state: assignor and epochs' },
    { name: 'state', kind: 'optional', arg: '<states>', help: 'With --describe: the group state; with --list: show states, only these (comma-separated) if given' },
    { name: 'offsets', kind: 'flag', help: 'With --describe: start offsets and lag (the default)' },
    { name: 'topic', kind: 'repeat', arg: '<topic[:p,p]>', help: 'With --reset-offsets / --delete-offsets: a topic (or some of its partitions)' },
    { name: 'all-topics', kind: 'flag', help: 'With --reset-offsets: every topic the group has state for' },
    { name: 'to-earliest', kind: 'flag', help: 'Reset to the earliest offset' },
    { name: 'to-latest', kind: 'flag', help: 'Reset to the latest offset' },
    { name: 'to-offset', kind: 'value', arg: '<offset>', help: 'Reset to this offset' },
    { name: 'to-datetime', kind: 'value', arg: '<YYYY-MM-DDTHH:mm:SS.sss>', help: 'Reset to the first offset at or after this time' },
    { name: 'execute', kind: 'flag', help: 'With --reset-offsets: do it' },
    { name: 'dry-run', kind: 'flag', help: 'With --reset-offsets: only print the new offsets (the default)' },
  ],
  notes: [
    'Examples:',
    '  samsa share-groups --list',
    '  samsa share-groups --describe --group workers --members',
    '  samsa share-groups --reset-offsets --group workers --topic jobs --to-earliest --execute',
  ],
  run(args) {
    return runGroupAction(args, ACTIONS, (action) => {
      if (action === 'reset-offsets') {
        if (SCENARIOS.filter((s) => args.has(s)).length !== 1) throw new UsageError('--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime')
        if (!args.has('topic') && !args.has('all-topics')) throw new UsageError('--reset-offsets needs --topic or --all-topics')
      }
      if (action === 'delete-offsets' && !args.has('topic')) throw new UsageError('--delete-offsets needs --topic')
    }, (action, admin) => {
      switch (action) {
        case 'list':
          return listGroups(admin, args, SHARE_GROUPS)
        case 'describe':
          return describe(admin, args)
        case 'reset-offsets':
          return reset(admin, args)
        case 'delete':
          return remove(admin, args)
        case 'delete-offsets':
          return deleteOffsets(admin, args)
      }
    })
  },
}

const SHARE_GROUPS: GroupKind<ShareGroupDescription> = {
  label: 'Share group',
  list: (admin) => admin.listShareGroups(),
  describe: (admin, groupId) => describeIfExists(() => admin.describeShareGroups([groupId])),
}

async function describe(admin: Admin, args: ParsedArgs): Promise<number> {
  if (['members', 'state', 'offsets'].filter((m) => args.has(m)).length > 1) throw new UsageError('give at most one of --members, --state, --offsets')
  return describeGroups(admin, args, SHARE_GROUPS, async (groupId, d) => {
    if (args.has('state')) {
      const coordinator = `${d.coordinator.host}:${d.coordinator.port} (${d.coordinator.nodeId})`
      const verbose = args.has('verbose')
      const header = ['GROUP', 'COORDINATOR (ID)', ...(verbose ? ['ASSIGNMENT-STRATEGY'] : []), 'STATE', ...(verbose ? ['GROUP-EPOCH', 'ASSIGNMENT-EPOCH'] : []), '#MEMBERS']
      const row = [groupId, coordinator, ...(verbose ? [d.partitionAssignor] : []), d.state, ...(verbose ? [String(d.groupEpoch), String(d.assignmentEpoch)] : []), String(d.members.length)]
      await out('\n' + table([header, row], [15, 25]) + '\n')
      return
    }
    if (d.state === 'Empty' || d.members.length === 0) note(`\nShare group '${groupId}' has no active members.`)
    if (args.has('members')) {
      const rows = d.members.map((m) => [groupId, m.memberId, m.host, m.clientId, String(m.assignment.length), assignmentText(m.assignment)])
      if (rows.length > 0) await out('\n' + table([['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'], ...rows], [15, 15, 15, 15, 12]) + '\n')
      return
    }
    const offsets = await admin.listShareGroupOffsets(groupId)
    const rows = offsets.map((o) => [groupId, o.topic, String(o.partition), o.leaderEpoch >= 0 ? String(o.leaderEpoch) : '-', o.offset >= 0n ? String(o.offset) : '-', o.lag === null ? '-' : String(o.lag)])
    await out('\n' + table([['GROUP', 'TOPIC', 'PARTITION', 'LEADER-EPOCH', 'START-OFFSET', 'LAG'], ...rows], [15, 15, 10, 13, 13]) + '\n')
  })
}

function assignmentText(tps: { topic: string; partition: number }[]): string {
  const by = new Map<string, number[]>()
  for (const tp of tps) by.set(tp.topic, [...(by.get(tp.topic) ?? []), tp.partition])
  return tps.length === 0 ? '-' : [...by].map(([t, ps]) => `${t}:${ps.join(',')}`).join(';')
}

async function reset(admin: Admin, args: ParsedArgs): Promise<number> {
  warnDryRun(args)
  for (const groupId of await groupIds(admin, args, SHARE_GROUPS)) {
    const d = await SHARE_GROUPS.describe(admin, groupId)
    if (d && d.members.length > 0) {
      throw new KafkaError(`Share group '${groupId}' is not empty: it has ${d.members.length} member(s); stop them before resetting its offsets.`, { type: 'NON_EMPTY_GROUP' })
    }
    const tps = args.has('all-topics')
      ? (await admin.listShareGroupOffsets(groupId)).map(({ topic, partition }) => ({ topic, partition }))
      : await topicSpecs(admin, args.values('topic'))
    if (tps.length === 0) continue
    let plan: TopicPartitionOffset[]
    if (args.has('to-offset')) {
      const v = args.value('to-offset')!
      if (!/^\d+$/.test(v)) throw new UsageError(`--to-offset expects a non-negative integer, got "${v}"`)
      plan = tps.map((tp) => ({ ...tp, offset: BigInt(v) }))
    } else {
      const spec = args.has('to-earliest') ? ('earliest' as const) : args.has('to-latest') ? ('latest' as const) : parseDateTime(args.value('to-datetime')!)
      const found = await admin.listOffsets(tps.map((tp) => ({ ...tp, timestamp: spec })))
      const latest = typeof spec === 'number' ? await admin.listOffsets(tps.map((tp) => ({ ...tp, timestamp: 'latest' as const }))) : []
      plan = found.map((o, i) => ({ topic: o.topic, partition: o.partition, offset: o.offset >= 0n ? o.offset : latest[i]!.offset }))
    }
    if (args.has('execute')) await admin.alterShareGroupOffsets(groupId, plan)
    await printPlan(groupId, plan)
  }
  return 0
}

async function remove(admin: Admin, args: ParsedArgs): Promise<number> {
  const ids = await groupIds(admin, args, SHARE_GROUPS)
  if (ids.length === 0) return 0
  await admin.deleteShareGroups(ids)
  await out(`Deletion of requested share groups (${ids.map((g) => `'${g}'`).join(', ')}) was successful.\n`)
  return 0
}

async function deleteOffsets(admin: Admin, args: ParsedArgs): Promise<number> {
  const topics = [...new Set(args.values('topic').map((t) => t.split(':')[0]!))]
  for (const groupId of await groupIds(admin, args, SHARE_GROUPS)) {
    await admin.deleteShareGroupOffsets(groupId, topics)
    await out(`\n${table([['TOPIC', 'STATUS'], ...topics.map((t) => [t, 'Successful'])], [15])}\n`)
  }
  return 0
}
