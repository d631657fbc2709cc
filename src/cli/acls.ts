/**
 * `samsa acls`: kafka-acls.sh. Exactly one action of --add, --remove, --list.
 *
 * Resources: --topic, --group, --transactional-id (each repeatable) and
 * --cluster, with --resource-pattern-type (LITERAL by default; PREFIXED;
 * ANY and MATCH for --list/--remove only). ACLs: --allow-principal /
 * --deny-principal with --allow-host / --deny-host (default '*') and
 * --operation (default All); --producer and --consumer add the operations a
 * producer (topics: Write, Describe, Create; transactional ids: Write,
 * Describe) or a consumer (topics: Read, Describe; groups: Read) needs.
 * --remove asks for confirmation on stdin unless --force. Output is Kafka's:
 *
 *   Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`:
 *    	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)
 */
import readline from 'node:readline'
import type { Admin } from '../admin/admin.js'
import {
  ACL_OPERATIONS,
  CLUSTER_RESOURCE_NAME,
  type AclBinding,
  type AclBindingFilter,
  type AclDescription,
  type AclOperation,
  type AclPatternType,
  type AclResourceType,
} from '../admin/acls.js'
import { UsageError, type ParsedArgs } from './args.js'
import { clientConfig, connectedAdmin, out, type Tool } from './tool.js'

const ACTIONS = ['add', 'remove', 'list'] as const

interface Resource {
  resourceType: AclResourceType
  resourceName: string
}

export const tool: Tool = {
  name: 'acls',
  summary: 'Add, remove and list ACLs (kafka-acls).',
  options: [
    { name: 'add', kind: 'flag', help: 'Add ACLs' },
    { name: 'remove', kind: 'flag', help: 'Remove ACLs (asks for confirmation unless --force)' },
    { name: 'list', kind: 'flag', help: 'List ACLs (of the given resources, or all)' },
    { name: 'topic', kind: 'repeat', arg: '<topic>', help: 'A topic resource (\'*\' for all topics)' },
    { name: 'group', kind: 'repeat', arg: '<group>', help: 'A consumer group resource (\'*\' for all groups)' },
    { name: 'transactional-id', kind: 'repeat', arg: '<id>', help: 'A transactional id resource (\'*\' for all)' },
    { name: 'cluster', kind: 'flag', help: 'The cluster resource' },
    { name: 'resource-pattern-type', kind: 'value', arg: '<type>', help: 'LITERAL, PREFIXED, or for --list/--remove ANY or MATCH', default: 'LITERAL' },
    { name: 'allow-principal', kind: 'repeat', arg: '<principal>', help: 'Principal allowed, e.g. User:alice (User:* for everyone)' },
    { name: 'deny-principal', kind: 'repeat', arg: '<principal>', help: 'Principal denied' },
    { name: 'allow-host', kind: 'repeat', arg: '<host>', help: 'Host the allow-principals may connect from', default: '*' },
    { name: 'deny-host', kind: 'repeat', arg: '<host>', help: 'Host the deny-principals are denied from', default: '*' },
    { name: 'principal', kind: 'repeat', arg: '<principal>', help: 'With --list: only the ACLs of this principal' },
    {
      name: 'operation',
      kind: 'repeat',
      arg: '<op>',
      help: 'All, Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, CreateTokens, DescribeTokens',
      default: 'All',
    },
    { name: 'producer', kind: 'flag', help: 'The ACLs a producer needs (with --topic, and --transactional-id for transactions)' },
    { name: 'consumer', kind: 'flag', help: 'The ACLs a consumer needs (with --topic and --group)' },
    { name: 'idempotent', kind: 'flag', help: 'With --producer: also IdempotentWrite on the cluster (not needed since Kafka 2.8)' },
    { name: 'force', kind: 'flag', help: 'Do not ask for confirmation' },
  ],
  notes: [
    'Examples:',
    '  samsa acls --add --allow-principal User:alice --operation Read --operation Describe --topic orders',
    '  samsa acls --add --allow-principal User:alice --consumer --topic orders --group billing',
    '  samsa acls --add --allow-principal User:bob --producer --topic orders --transactional-id tx-',
    '  samsa acls --list --topic orders',
    '  samsa acls --remove --allow-principal User:alice --operation Read --topic orders --force',
  ],
  async run(args) {
    const actions = ACTIONS.filter((a) => args.has(a))
    if (actions.length !== 1) throw new UsageError('give exactly one action: --add, --remove or --list')
    const action = actions[0]!
    const patternType = patternTypeOf(args, action)
    const resources = resourcesOf(args)
    const principals = args.values('allow-principal').length + args.values('deny-principal').length
    if (action === 'add') {
      if (resources.length === 0) throw new UsageError('--add needs a resource: --topic, --group, --transactional-id or --cluster')
      if (principals === 0) throw new UsageError('--add needs --allow-principal or --deny-principal')
    }
    if (action === 'remove' && resources.length === 0) throw new UsageError('--remove needs a resource (--topic, --group, --transactional-id or --cluster)')
    if (action === 'list' && principals > 0) throw new UsageError('--list takes --principal, not --allow-principal/--deny-principal')
    if (args.has('consumer') && args.values('group').length === 0) throw new UsageError('--consumer needs --group')
    if ((args.has('producer') || args.has('consumer')) && args.values('topic').length === 0) {
      throw new UsageError(`--${args.has('producer') ? 'producer' : 'consumer'} needs --topic`)
    }
    const admin = await connectedAdmin(clientConfig(args))
    try {
      if (action === 'add') await add(admin, args, resources, patternType)
      else if (action === 'remove') {
        if (!(await remove(admin, args, resources, patternType))) return 0
      }
      await list(admin, args, resources, patternType)
      return 0
    } finally {
      await admin.close()
    }
  },
}

function patternTypeOf(args: ParsedArgs, action: (typeof ACTIONS)[number]): AclPatternType | undefined {
  const given = args.value('resource-pattern-type')
  if (given === undefined) return action === 'list' ? undefined : 'LITERAL'
  const p = given.toUpperCase() as AclPatternType
  const allowed: AclPatternType[] = action === 'add' ? ['LITERAL', 'PREFIXED'] : ['LITERAL', 'PREFIXED', 'ANY', 'MATCH']
  if (!allowed.includes(p)) throw new UsageError(`--resource-pattern-type must be one of ${allowed.join(', ')} with --${action}, got "${given}"`)
  return p
}

function resourcesOf(args: ParsedArgs): Resource[] {
  const out: Resource[] = []
  for (const name of args.values('topic')) out.push({ resourceType: 'TOPIC', resourceName: name })
  for (const name of args.values('group')) out.push({ resourceType: 'GROUP', resourceName: name })
  for (const name of args.values('transactional-id')) out.push({ resourceType: 'TRANSACTIONAL_ID', resourceName: name })
  if (args.has('cluster')) out.push({ resourceType: 'CLUSTER', resourceName: CLUSTER_RESOURCE_NAME })
  return out
}

/** `Read`, `read`, `DescribeConfigs`, `DESCRIBE_CONFIGS` → Java's AclOperation name. */
export function operationOf(name: string): AclOperation {
  const key = name.replace(/[_-]/g, '').toUpperCase()
  const op = ACL_OPERATIONS.find((o) => o !== 'UNKNOWN' && o !== 'ANY' && o.replace(/_/g, '') === key)
  if (!op) throw new UsageError(`unknown --operation "${name}"; expected one of ${ACL_OPERATIONS.slice(2).map(pascal).join(', ')}`)
  return op
}

const pascal = (op: string) => op.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())

/** The operations per resource: --operation's, or those --producer / --consumer imply. */
function operationsFor(args: ParsedArgs, r: Resource): AclOperation[] {
  if (args.has('producer') || args.has('consumer')) {
    const ops = new Set<AclOperation>()
    if (args.has('producer')) {
      if (r.resourceType === 'TOPIC') ['WRITE', 'DESCRIBE', 'CREATE'].forEach((o) => ops.add(o as AclOperation))
      if (r.resourceType === 'TRANSACTIONAL_ID') ['WRITE', 'DESCRIBE'].forEach((o) => ops.add(o as AclOperation))
      if (r.resourceType === 'CLUSTER' && args.has('idempotent')) ops.add('IDEMPOTENT_WRITE')
    }
    if (args.has('consumer')) {
      if (r.resourceType === 'TOPIC') ['READ', 'DESCRIBE'].forEach((o) => ops.add(o as AclOperation))
      if (r.resourceType === 'GROUP') ops.add('READ')
    }
    return [...ops]
  }
  const given = args.values('operation')
  return given.length === 0 ? ['ALL'] : [...new Set(given.map(operationOf))]
}

/** The bindings the principals/hosts/operations options name on each resource. */
function bindingsOf(args: ParsedArgs, resources: Resource[], patternType: AclPatternType): Map<string, { resource: Resource; acls: AclBinding[] }> {
  const all = [...resources]
  if (args.has('producer') && args.has('idempotent') && !all.some((r) => r.resourceType === 'CLUSTER')) {
    all.push({ resourceType: 'CLUSTER', resourceName: CLUSTER_RESOURCE_NAME })
  }
  const byResource = new Map<string, { resource: Resource; acls: AclBinding[] }>()
  for (const r of all) {
    const acls: AclBinding[] = []
    for (const [permissionType, principalOpt, hostOpt] of [
      ['ALLOW', 'allow-principal', 'allow-host'],
      ['DENY', 'deny-principal', 'deny-host'],
    ] as const) {
      const hosts = args.values(hostOpt).length > 0 ? args.values(hostOpt) : ['*']
      for (const principal of args.values(principalOpt)) {
        for (const host of hosts) {
          for (const operation of operationsFor(args, r)) acls.push({ ...r, patternType, principal, host, operation, permissionType })
        }
      }
    }
    if (acls.length > 0) byResource.set(patternOf({ ...r, patternType }), { resource: r, acls })
  }
  return byResource
}

const patternOf = (r: { resourceType: string; resourceName: string; patternType?: string }) =>
  `ResourcePattern(resourceType=${r.resourceType}, name=${r.resourceName}, patternType=${r.patternType ?? 'LITERAL'})`

const entryOf = (a: AclBinding) => `(principal=${a.principal}, host=${a.host ?? '*'}, operation=${a.operation}, permissionType=${a.permissionType})`

async function add(admin: Admin, args: ParsedArgs, resources: Resource[], patternType: AclPatternType | undefined): Promise<void> {
  const bindings = bindingsOf(args, resources, patternType ?? 'LITERAL')
  for (const [pattern, { acls }] of bindings) {
    await out(`Adding ACLs for resource \`${pattern}\`: \n ${acls.map((a) => `\t${entryOf(a)}`).join('\n')} \n\n`)
  }
  await admin.createAcls([...bindings.values()].flatMap((b) => b.acls))
}

/** Removes the named ACLs, or every ACL of the resources when no principal is given. False when the user declined. */
async function remove(admin: Admin, args: ParsedArgs, resources: Resource[], patternType: AclPatternType | undefined): Promise<boolean> {
  const specific = args.values('allow-principal').length + args.values('deny-principal').length > 0
  let filters: AclBindingFilter[]
  let question: string
  if (specific) {
    if (resources.length === 0) throw new UsageError('--remove with principals needs a resource: --topic, --group, --transactional-id or --cluster')
    const bindings = [...bindingsOf(args, resources, patternType ?? 'LITERAL').values()].flatMap((b) => b.acls)
    filters = bindings.map((b) => ({ ...b }))
    question = `Are you sure you want to remove ACLs: \n ${bindings.map((a) => `\t${entryOf(a)}`).join('\n')} \n from resource filter \`${resources.map((r) => patternOf({ ...r, patternType })).join(', ')}\`? (y/n)`
  } else if (resources.length > 0) {
    filters = resources.map((r) => ({ ...r, patternType: patternType ?? 'LITERAL' }))
    question = `Are you sure you want to delete all ACLs for resource filter \`${resources.map((r) => patternOf({ ...r, patternType })).join(', ')}\`? (y/n)`
  } else {
    throw new UsageError('--remove needs a resource (--topic, --group, --transactional-id or --cluster)')
  }
  if (!args.has('force') && !(await confirm(question))) return false
  await admin.deleteAcls(filters)
  return true
}

async function confirm(question: string): Promise<boolean> {
  process.stderr.write(`${question}\n`)
  const rl = readline.createInterface({ input: process.stdin, terminal: false })
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve)
      rl.once('close', () => resolve(''))
    })
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}

async function list(admin: Admin, args: ParsedArgs, resources: Resource[], patternType: AclPatternType | undefined): Promise<void> {
  const principals = args.values('principal')
  const filters: AclBindingFilter[] = resources.length > 0 ? resources.map((r) => ({ ...r, patternType: patternType ?? 'ANY' })) : [{}]
  const found: AclDescription[] = []
  for (const f of filters) {
    const pf = principals.length > 0 ? principals.map((principal) => ({ ...f, principal })) : [f]
    for (const filter of pf) found.push(...(await admin.describeAcls(filter)))
  }
  const byResource = new Map<string, AclDescription[]>()
  for (const a of found) {
    const key = patternOf(a)
    const list = byResource.get(key) ?? []
    if (!list.some((x) => entryOf(x) === entryOf(a))) list.push(a)
    byResource.set(key, list)
  }
  let text = ''
  for (const [pattern, acls] of [...byResource].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const who = principals.length > 0 ? `ACLs for principal \`${principals.join(', ')}\`` : 'Current ACLs'
    text += `${who} for resource \`${pattern}\`: \n ${acls.map((a) => `\t${entryOf(a)}`).join('\n')} \n\n`
  }
  await out(text)
}
