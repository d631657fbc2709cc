/**
 * `samsa configs`: kafka-configs.sh. Exactly one action of --describe,
 * --alter.
 *
 * Entities: --entity-type topics | brokers | broker-loggers | groups | users
 * | clients | ips with --entity-name (or --entity-default for the type's
 * default entity; brokers: the cluster-wide default), or the shortcuts
 * --topic, --broker, --group, --user, --client, --ip. `users` and `clients`
 * may be combined (`--entity-type users --entity-name u --entity-type clients
 * --entity-name c`) for a quota on that pair.
 *
 * --add-config 'k=v,k2=[a,b]' sets (brackets keep a list's commas);
 * --delete-config 'k,k2' reverts to defaults. For users, `SCRAM-SHA-256` /
 * `SCRAM-SHA-512=[iterations=8192,password=secret]` create or replace a SCRAM
 * credential (iterations default 4096; the password is salted and hashed
 * here and never printed) and --delete-config SCRAM-SHA-256 removes it; for
 * users, clients and ips the quota keys (producer_byte_rate,
 * consumer_byte_rate, request_percentage, controller_mutation_rate,
 * connection_creation_rate) go to client quotas. Output is Kafka's:
 *
 *   Dynamic configs for topic t are:
 *     retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}
 *   Quota configs for user-principal 'bob' are producer_byte_rate=1024.0
 *   SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=8192
 */
import type { Admin } from '../admin/admin.js'
import type { AlterConfigOp, ConfigEntry, ConfigResourceType } from '../admin/configs.js'
import type { ClientQuotaEntity, ClientQuotaEntityType, ClientQuotaFilterComponent, ClientQuotaOp } from '../admin/quotas.js'
import { DEFAULT_SCRAM_ITERATIONS, type ScramCredentialAlteration, type ScramMechanism } from '../admin/scram.js'
import { UsageError, type ParsedArgs } from './args.js'
import { clientConfig, connectedAdmin, out, type Tool } from './tool.js'

const ENTITY_TYPES = ['topics', 'brokers', 'broker-loggers', 'groups', 'users', 'clients', 'ips'] as const
type EntityType = (typeof ENTITY_TYPES)[number]

const CONFIG_TYPES: Partial<Record<EntityType, ConfigResourceType>> = {
  topics: 'topic',
  brokers: 'broker',
  'broker-loggers': 'broker-logger',
  groups: 'group',
}
const QUOTA_TYPES: Partial<Record<EntityType, ClientQuotaEntityType>> = { users: 'user', clients: 'client-id', ips: 'ip' }
const QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate', 'connection_creation_rate']
const SCRAM_MECHANISMS: ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512']
const SHORTCUTS: Record<string, EntityType> = { topic: 'topics', broker: 'brokers', group: 'groups', user: 'users', client: 'clients', ip: 'ips' }

export const tool: Tool = {
  name: 'configs',
  summary: 'Describe and alter configs of topics, brokers and groups, client quotas and SCRAM users (kafka-configs).',
  options: [
    { name: 'describe', kind: 'flag', help: 'Describe the entity\'s configs' },
    { name: 'alter', kind: 'flag', help: 'Alter the entity\'s configs (with --add-config and/or --delete-config)' },
    { name: 'entity-type', kind: 'repeat', arg: '<type>', help: `One of ${ENTITY_TYPES.join(', ')}` },
    { name: 'entity-name', kind: 'repeat', arg: '<name>', help: 'Topic, broker id, group, user principal, client id or ip' },
    { name: 'entity-default', kind: 'flag', help: 'The default entity (brokers: the cluster-wide default; users/clients/ips: the default quota)' },
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Same as --entity-type topics --entity-name <topic>' },
    { name: 'broker', kind: 'value', arg: '<id>', help: 'Same as --entity-type brokers --entity-name <id>' },
    { name: 'group', kind: 'value', arg: '<group>', help: 'Same as --entity-type groups --entity-name <group>' },
    { name: 'user', kind: 'value', arg: '<user>', help: 'Same as --entity-type users --entity-name <user>' },
    { name: 'client', kind: 'value', arg: '<client-id>', help: 'Same as --entity-type clients --entity-name <client-id>' },
    { name: 'ip', kind: 'value', arg: '<ip>', help: 'Same as --entity-type ips --entity-name <ip>' },
    { name: 'add-config', kind: 'value', arg: '<k=v,k2=[a,b]>', help: 'Configs to set; SCRAM-SHA-256=[iterations=N,password=P] for users' },
    { name: 'delete-config', kind: 'value', arg: '<k,k2>', help: 'Configs to remove (revert to default)' },
    { name: 'all', kind: 'flag', help: 'With --describe: every config, not only the dynamic ones' },
  ],
  notes: [
    'Examples:',
    '  samsa configs --describe --entity-type topics --entity-name orders',
    '  samsa configs --alter --entity-type topics --entity-name orders --add-config retention.ms=86400000,cleanup.policy=[compact,delete]',
    "  samsa configs --alter --entity-type users --entity-name alice --add-config 'SCRAM-SHA-256=[iterations=8192,password=alice-secret]'",
    '  samsa configs --alter --entity-type users --entity-name alice --add-config producer_byte_rate=1048576',
    '  samsa configs --describe --entity-type users --entity-name alice',
  ],
  async run(args) {
    const describe = args.has('describe')
    if (describe === args.has('alter')) throw new UsageError('give exactly one action: --describe or --alter')
    const entities = entitiesOf(args)
    if (describe && (args.has('add-config') || args.has('delete-config'))) throw new UsageError('--add-config and --delete-config are only valid with --alter')
    if (!describe && !args.has('add-config') && !args.has('delete-config')) throw new UsageError('--alter needs --add-config and/or --delete-config')
    const quota = entities.some((e) => QUOTA_TYPES[e.type] !== undefined)
    if (entities.length > 1 && (!quota || entities.some((e) => QUOTA_TYPES[e.type] === undefined))) {
      throw new UsageError('only users, clients and ips may be combined (for a quota on that pair)')
    }
    if (!describe && entities.some((e) => e.name === undefined)) throw new UsageError('--alter needs --entity-name or --entity-default')
    // every change is checked before connecting
    const quotaPlan = !describe && quota ? quotaChanges(entities, args) : undefined
    const configOps = !describe && !quota ? configChanges(args) : undefined
    const admin = await connectedAdmin(clientConfig(args))
    try {
      if (quota) {
        if (quotaPlan) await alterQuotaEntities(admin, entities, quotaPlan)
        else await describeQuotaEntities(admin, entities)
      } else {
        const entity = entities[0]!
        if (configOps) await alterConfigEntity(admin, entity, configOps)
        else await describeConfigEntity(admin, entity, args.has('all'))
      }
      return 0
    } finally {
      await admin.close()
    }
  },
}

/** The entities named by --entity-type/--entity-name/--entity-default or a shortcut; a name left undefined means "all of that type". */
function entitiesOf(args: ParsedArgs): { type: EntityType; name: string | null | undefined }[] {
  const out: { type: EntityType; name: string | null | undefined }[] = []
  for (const [opt, type] of Object.entries(SHORTCUTS)) {
    const name = args.value(opt)
    if (name !== undefined) out.push({ type, name })
  }
  const types = args.values('entity-type')
  const names = args.values('entity-name')
  if (out.length > 0 && types.length > 0) throw new UsageError('use either --entity-type or a shortcut (--topic, --user, ...), not both')
  if (types.length === 0 && out.length === 0) throw new UsageError('missing --entity-type (or a shortcut such as --topic or --user)')
  if (names.length > types.length) throw new UsageError('more --entity-name than --entity-type')
  types.forEach((t, i) => {
    if (!(ENTITY_TYPES as readonly string[]).includes(t)) throw new UsageError(`--entity-type must be one of ${ENTITY_TYPES.join(', ')}, got "${t}"`)
    out.push({ type: t as EntityType, name: i < names.length ? names[i]! : args.has('entity-default') ? null : undefined })
  })
  for (const e of out) {
    if (e.name === null && (e.type === 'topics' || e.type === 'groups' || e.type === 'broker-loggers')) {
      throw new UsageError(`--entity-default is not valid for ${e.type}`)
    }
    if (e.type === 'brokers' && e.name !== null && e.name !== undefined && !/^\d+$/.test(e.name)) {
      throw new UsageError(`--entity-name of brokers must be a broker id, got "${e.name}"`)
    }
  }
  return out
}

/** Splits on commas outside brackets: `a=1,b=[x,y]` → ['a=1', 'b=[x,y]']. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of text) {
    if (ch === '[') depth++
    if (ch === ']') depth = Math.max(0, depth - 1)
    if (ch === ',' && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.map((s) => s.trim()).filter((s) => s !== '')
}

/** `--add-config` as key → value (brackets stripped: `[a,b]` → `a,b`). */
export function parseAddConfig(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of splitTopLevel(text)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new UsageError(`--add-config expects k=v[,k2=v2], got "${part}"`)
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1)
    out.set(part.slice(0, eq).trim(), value)
  }
  return out
}

function singular(type: EntityType): string {
  return type === 'clients' ? 'client' : type === 'ips' ? 'ip' : type.slice(0, -1)
}

async function describeConfigEntity(admin: Admin, entity: { type: EntityType; name: string | null | undefined }, all: boolean): Promise<void> {
  const resourceType = CONFIG_TYPES[entity.type]!
  let names: (string | null)[]
  if (entity.name !== undefined) names = [entity.name]
  else if (entity.type === 'topics') names = await admin.listTopics()
  else if (entity.type === 'brokers' || entity.type === 'broker-loggers') names = [...(await admin.describeCluster()).brokers.map((b) => String(b.nodeId)), ...(entity.type === 'brokers' ? [null] : [])]
  else names = (await admin.listConsumerGroups()).map((g) => g.groupId)
  let text = ''
  for (const name of names) {
    const [described] = await admin.describeConfigs([{ type: resourceType, name: name ?? '' }], { includeSynonyms: true })
    // as Java's ConfigCommand: only the entity's own dynamic values, unless --all
    const own: ConfigEntry['source'] =
      entity.type === 'topics'
        ? 'DYNAMIC_TOPIC_CONFIG'
        : entity.type === 'groups'
          ? 'DYNAMIC_GROUP_CONFIG'
          : entity.type === 'broker-loggers'
            ? 'DYNAMIC_BROKER_LOGGER_CONFIG'
            : name === null
              ? 'DYNAMIC_DEFAULT_BROKER_CONFIG'
              : 'DYNAMIC_BROKER_CONFIG'
    const entries = described!.entries.filter((e) => all || e.source === own)
    const header =
      name === null
        ? 'Default configs for brokers in the cluster are:'
        : `${all ? 'All' : 'Dynamic'} configs for ${entity.type === 'broker-loggers' ? 'broker-logger' : singular(entity.type)} ${name} are:`
    text += `${header}\n`
    for (const e of entries) {
      const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value === null ? 'null' : s.value}`).join(', ')
      text += `  ${e.name}=${e.value === null ? 'null' : e.value} sensitive=${e.isSensitive} synonyms={${synonyms}}\n`
    }
  }
  await out(text)
}

function configChanges(args: ParsedArgs): AlterConfigOp[] {
  const ops: AlterConfigOp[] = []
  for (const [name, value] of parseAddConfig(args.value('add-config') ?? '')) ops.push({ name, op: 'set', value })
  for (const name of splitTopLevel(args.value('delete-config') ?? '')) ops.push({ name, op: 'delete' })
  return ops
}

async function alterConfigEntity(admin: Admin, entity: { type: EntityType; name: string | null | undefined }, ops: AlterConfigOp[]): Promise<void> {
  await admin.incrementalAlterConfigs([{ type: CONFIG_TYPES[entity.type]!, name: entity.name ?? '', ops }])
  await out(
    entity.name === null ? `Completed updating default config for brokers in the cluster.\n` : `Completed updating config for ${singular(entity.type)} ${entity.name}.\n`,
  )
}

/** Java's Double.toString for the numbers quotas use: 1024 → '1024.0'. */
const javaDouble = (n: number) => (Number.isInteger(n) && Math.abs(n) < 1e7 ? `${n}.0` : String(n))

function quotaEntityText(entity: ClientQuotaEntity): string {
  const label: Record<ClientQuotaEntityType, string> = { user: 'user-principal', 'client-id': 'client-id', ip: 'ip' }
  return (Object.entries(entity) as [ClientQuotaEntityType, string | null][])
    .map(([t, n]) => (n === null ? `the default ${label[t]}` : `${label[t]} '${n}'`))
    .join(', ')
}

async function describeQuotaEntities(admin: Admin, entities: { type: EntityType; name: string | null | undefined }[]): Promise<void> {
  const components: ClientQuotaFilterComponent[] = entities.map((e) => ({
    entityType: QUOTA_TYPES[e.type]!,
    ...(e.name !== undefined ? { match: e.name } : {}),
  }))
  const quotas = await admin.describeClientQuotas(components, { strict: true })
  let text = ''
  for (const q of quotas) {
    text += `Quota configs for ${quotaEntityText(q.entity)} are ${Object.entries(q.values).map(([k, v]) => `${k}=${javaDouble(v)}`).join(', ')}\n`
  }
  // SCRAM credentials belong to a user alone (not a user/client pair, not a default)
  const user = entities.length === 1 && entities[0]!.type === 'users' ? entities[0]!.name : null
  if (user !== null) {
    const users = user === undefined ? await admin.describeUserScramCredentials() : await admin.describeUserScramCredentials([user]).catch(notFound)
    for (const u of users) {
      if (u.credentials.length === 0) continue
      text += `SCRAM credential configs for user-principal '${u.user}' are ${u.credentials.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ')}\n`
    }
  }
  await out(text)
}

/** A user without SCRAM credentials just has none to show. */
function notFound(e: unknown): [] {
  if ((e as { type?: string }).type === 'RESOURCE_NOT_FOUND') return []
  throw e
}

function quotaChanges(entities: { type: EntityType; name: string | null | undefined }[], args: ParsedArgs): { quotaOps: ClientQuotaOp[]; scram: ScramCredentialAlteration[] } {
  const scramUser = entities.length === 1 && entities[0]!.type === 'users' ? entities[0]!.name : undefined
  const quotaOps: ClientQuotaOp[] = []
  const scram: ScramCredentialAlteration[] = []
  for (const [key, value] of parseAddConfig(args.value('add-config') ?? '')) {
    if ((SCRAM_MECHANISMS as string[]).includes(key)) {
      if (typeof scramUser !== 'string') throw new UsageError(`${key} is only valid for one named user (--entity-type users --entity-name <user>)`)
      const settings = parseAddConfig(value)
      const password = settings.get('password')
      if (password === undefined || password === '') throw new UsageError(`${key} needs password=...: ${key}=[iterations=8192,password=<secret>]`)
      const unknown = [...settings.keys()].filter((k) => k !== 'password' && k !== 'iterations')
      if (unknown.length > 0) throw new UsageError(`${key}: unknown setting ${unknown[0]}; expected iterations and password`)
      const iterations = settings.has('iterations') ? Number(settings.get('iterations')) : DEFAULT_SCRAM_ITERATIONS
      if (!Number.isInteger(iterations) || iterations <= 0) throw new UsageError(`${key}: iterations must be a positive integer`)
      scram.push({ type: 'upsert', user: scramUser, mechanism: key as ScramMechanism, iterations, password })
      continue
    }
    if (!QUOTA_KEYS.includes(key)) throw new UsageError(`unknown config "${key}" for ${entities.map((e) => e.type).join('/')}; expected one of ${[...QUOTA_KEYS, ...SCRAM_MECHANISMS].join(', ')}`)
    const n = Number(value)
    if (value === '' || !Number.isFinite(n)) throw new UsageError(`${key} must be a number, got "${value}"`)
    quotaOps.push({ key, value: n })
  }
  for (const key of splitTopLevel(args.value('delete-config') ?? '')) {
    if ((SCRAM_MECHANISMS as string[]).includes(key)) {
      if (typeof scramUser !== 'string') throw new UsageError(`${key} is only valid for one named user`)
      scram.push({ type: 'delete', user: scramUser, mechanism: key as ScramMechanism })
    } else if (QUOTA_KEYS.includes(key)) {
      quotaOps.push({ key, value: null })
    } else {
      throw new UsageError(`unknown config "${key}"; expected one of ${[...QUOTA_KEYS, ...SCRAM_MECHANISMS].join(', ')}`)
    }
  }
  return { quotaOps, scram }
}

async function alterQuotaEntities(
  admin: Admin,
  entities: { type: EntityType; name: string | null | undefined }[],
  { quotaOps, scram }: { quotaOps: ClientQuotaOp[]; scram: ScramCredentialAlteration[] },
): Promise<void> {
  const entity: ClientQuotaEntity = {}
  for (const e of entities) entity[QUOTA_TYPES[e.type]!] = e.name ?? null
  if (quotaOps.length > 0) await admin.alterClientQuotas([{ entity, ops: quotaOps }])
  if (scram.length > 0) await admin.alterUserScramCredentials(scram)
  const described = entities.map((e) => (e.name === null ? `default ${singular(e.type)}` : `${singular(e.type)} ${e.name}`)).join(', ')
  await out(`Completed updating config for ${described}.\n`)
}
