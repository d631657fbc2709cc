/**
 * `samsa topics`: kafka-topics.sh. Exactly one action of --create, --list,
 * --describe, --alter, --delete. `--topic` names a topic, or for the actions
 * other than --create a regular expression matched against whole names
 * (as in Kafka). --describe prints Kafka's layout:
 *
 *   Topic: T<TAB>TopicId: …<TAB>PartitionCount: N<TAB>ReplicationFactor: R<TAB>Configs: k=v,…
 *   <TAB>Topic: T<TAB>Partition: 0<TAB>Leader: 1<TAB>Replicas: 1<TAB>Isr: 1
 *
 * `Configs` lists the values that are not Kafka's defaults (sensitive ones as
 * "(sensitive)").
 */
import type { Admin } from '../admin/admin.js'
import { UsageError, type ParsedArgs } from './args.js'
import { clientConfig, connectedAdmin, out, type Tool } from './tool.js'

const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const

export const tool: Tool = {
  name: 'topics',
  summary: 'Create, list, describe, alter (add partitions to) and delete topics.',
  options: [
    { name: 'create', kind: 'flag', help: 'Create a topic' },
    { name: 'list', kind: 'flag', help: 'List topic names' },
    { name: 'describe', kind: 'flag', help: 'Describe topics: partitions, leaders, replicas, non-default configs' },
    { name: 'alter', kind: 'flag', help: 'Raise the partition count of a topic (with --partitions)' },
    { name: 'delete', kind: 'flag', help: 'Delete topics' },
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Topic name; with --list/--describe/--alter/--delete also a regular expression' },
    { name: 'partitions', kind: 'value', arg: '<n>', help: 'Number of partitions (--create, --alter); default: the broker\'s num.partitions' },
    { name: 'replication-factor', kind: 'value', arg: '<n>', help: 'Replicas per partition (--create); default: the broker\'s default.replication.factor' },
    { name: 'config', kind: 'repeat', arg: '<name=value>', help: 'A topic config for --create, e.g. --config retention.ms=3600000' },
    { name: 'if-exists', kind: 'flag', help: 'With --alter/--describe/--delete: no error when the topic does not exist' },
    { name: 'if-not-exists', kind: 'flag', help: 'With --create: no error when the topic exists' },
    { name: 'exclude-internal', kind: 'flag', help: 'Leave internal topics (__consumer_offsets, ...) out of --list/--describe' },
  ],
  notes: [
    'Examples:',
    '  samsa topics --create --topic orders --partitions 3 --replication-factor 1 --config retention.ms=86400000',
    '  samsa topics --describe --topic orders',
    '  samsa topics --list',
  ],
  async run(args) {
    const actions = ACTIONS.filter((a) => args.has(a))
    if (actions.length !== 1) {
      throw new UsageError('give exactly one action: --create, --list, --describe, --alter or --delete')
    }
    const action = actions[0]!
    if (args.has('config') && action !== 'create') throw new UsageError('--config is only valid with --create')
    if (args.has('replication-factor') && action !== 'create') throw new UsageError('--replication-factor is only valid with --create')
    if ((action === 'create' || action === 'alter' || action === 'delete') && !args.has('topic')) {
      throw new UsageError(`--${action} needs --topic`)
    }
    const partitions = args.int('partitions')
    if (partitions !== undefined && partitions < 1) throw new UsageError('--partitions must be at least 1')
    const rf = args.int('replication-factor')
    if (rf !== undefined && (rf < 1 || rf > 32767)) throw new UsageError('--replication-factor must be from 1 to 32767')
    if (action === 'alter' && partitions === undefined) throw new UsageError('--alter needs --partitions')
    const configs = args.keyValues('config')

    const admin = await connectedAdmin(clientConfig(args))
    try {
      switch (action) {
        case 'create':
          return await create(admin, args, partitions, rf, configs)
        case 'list':
          await out((await matching(admin, args)).map((t) => `${t}\n`).join(''))
          return 0
        case 'describe':
          return await describe(admin, args)
        case 'alter': {
          const topics = await matchingOrFail(admin, args)
          if (topics.length > 0) await admin.createPartitions(topics.map((topic) => ({ topic, count: partitions! })))
          return 0
        }
        case 'delete': {
          const topics = await matchingOrFail(admin, args)
          if (topics.length > 0) await admin.deleteTopics(topics)
          return 0
        }
      }
    } finally {
      await admin.close()
    }
  },
}

async function create(admin: Admin, args: ParsedArgs, partitions: number | undefined, rf: number | undefined, configs: Record<string, string>) {
  const topic = args.required('topic')
  try {
    await admin.createTopics([
      {
        topic,
        ...(partitions !== undefined ? { numPartitions: partitions } : {}),
        ...(rf !== undefined ? { replicationFactor: rf } : {}),
        configs,
      },
    ])
  } catch (e) {
    if (args.has('if-not-exists') && (e as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return 0
    throw e
  }
  await out(`Created topic ${topic}.\n`)
  return 0
}

/** Topics matching --topic (a name or a whole-name regex), or all; internal ones unless --exclude-internal. */
async function matching(admin: Admin, args: ParsedArgs): Promise<string[]> {
  const all = await admin.listTopics({ listInternal: !args.has('exclude-internal') })
  const pattern = args.value('topic')
  if (pattern === undefined) return all
  if (all.includes(pattern)) return [pattern]
  let re: RegExp
  try {
    re = new RegExp(`^(?:${pattern})$`)
  } catch {
    return []
  }
  return all.filter((t) => re.test(t))
}

async function matchingOrFail(admin: Admin, args: ParsedArgs): Promise<string[]> {
  const topics = await matching(admin, args)
  if (topics.length === 0 && args.has('topic') && !args.has('if-exists')) {
    throw new UsageError(`Topic '${args.value('topic')}' does not exist as expected`)
  }
  return topics
}

async function describe(admin: Admin, args: ParsedArgs): Promise<number> {
  const topics = await matchingOrFail(admin, args)
  if (topics.length === 0) return 0
  const [descriptions, configs] = await Promise.all([
    admin.describeTopics(topics),
    admin.describeConfigs(topics.map((name) => ({ type: 'topic' as const, name }))),
  ])
  const lines: string[] = []
  descriptions.forEach((d, i) => {
    const overrides = configs[i]!.entries
      .filter((e) => !e.isDefault)
      .map((e) => `${e.name}=${e.isSensitive ? '(sensitive)' : e.value ?? ''}`)
      .join(',')
    const rf = d.partitions[0]?.replicas.length ?? 0
    lines.push(`Topic: ${d.name}\tTopicId: ${d.topicId}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${overrides}`)
    for (const p of d.partitions) {
      const offline = p.offlineReplicas.length > 0 ? `\tOffline: ${p.offlineReplicas.join(',')}` : ''
      lines.push(
        `\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline}`,
      )
    }
  })
  await out(lines.map((l) => `${l}\n`).join(''))
  return 0
}
