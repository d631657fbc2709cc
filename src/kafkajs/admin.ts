/**
 * KafkaJS's admin client on samsa's {@link SamsaAdmin}.
 *
 * Contract: results have KafkaJS's shapes (offsets as strings, numeric config
 * sources and resource types); every failure is a KafkaJS error (see
 * errors.ts). Calls retry retriable errors until about as long as KafkaJS's
 * retry policy would (`default.api.timeout.ms` is derived from it). The samsa
 * admin opens on `connect()` (or on the first call) and `disconnect()`
 * releases every socket and timer. Differences from KafkaJS, all listed in
 * docs/kafkajs.md: topics are never auto-created by a metadata look-up;
 * `setOffsets`/`resetOffsets` commit real offsets (never -1/-2);
 * `alterConfigs` keeps KafkaJS's replace-all semantics by deleting the
 * dynamic configs the request leaves out; `deleteAcls` sends one request per
 * filter; reassignment calls reject with KafkaJSNotImplemented.
 */
import { Admin as SamsaAdmin } from '../admin/admin.js'
import type { ConfigResource, ConfigResourceType, ConfigSource as SamsaConfigSource, ConfigChange } from '../admin/configs.js'
import type { NewTopic } from '../admin/topics.js'
import {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSION_TYPES,
  ACL_RESOURCE_TYPES,
  type AclBindingFilter,
  type AclDescription,
} from '../admin/acls.js'
import { AbortError, KafkaError } from '../errors.js'
import { sleep } from '../cluster/wait.js'
import type { TopicPartition } from '../types.js'
import { retryBudgetMs } from './config.js'
import type { ClientContext } from './context.js'
import { ADMIN_EVENTS, Instrumentation, type Observable } from './events.js'
import {
  KafkaJSDeleteGroupsError,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSProtocolError,
  KafkaJSTimeout,
  kafkajsErrors,
  toKafkaJSError,
  type DeleteGroupsErrorEntry,
} from './errors.js'
import { AssignerProtocol } from './assigners.js'
import { abortable, checkSignal, throwIfAborted } from '../util/abort.js'
import {
  ConfigResourceTypes,
  type AbortOptions,
  ConfigSource,
  type AclEntry,
  type AclFilter,
  type AclOperationTypes,
  type AclPermissionTypes,
  type AclResourceTypes,
  type DeleteAclResponse,
  type DescribeAclResource,
  type DescribeAclResponse,
  type ResourcePatternTypes,
  type Admin,
  type AdminConfig,
  type AdminEventMap,
  type AdminEvents,
  type ConfigEntries,
  type ConsumerGroupState,
  type DeleteGroupsResult,
  type DescribeConfigResponse,
  type FetchOffsetsPartition,
  type GroupDescription,
  type GroupDescriptions,
  type GroupOverview,
  type IResourceConfig,
  type ITopicConfig,
  type ITopicMetadata,
  type ITopicPartitionConfig,
  type Logger,
  type ResourceConfigQuery,
  type SeekEntry,
  type ValueOf,
} from './types.js'
import { ErrorCode } from '../protocol/errors.js'

const RESOURCE_TYPES: Record<number, ConfigResourceType> = {
  [ConfigResourceTypes.TOPIC]: 'topic',
  [ConfigResourceTypes.BROKER]: 'broker',
  [ConfigResourceTypes.BROKER_LOGGER]: 'broker-logger',
}

const SOURCES: Record<SamsaConfigSource, number> = {
  UNKNOWN: ConfigSource.UNKNOWN,
  DYNAMIC_TOPIC_CONFIG: ConfigSource.TOPIC_CONFIG,
  DYNAMIC_BROKER_CONFIG: ConfigSource.DYNAMIC_BROKER_CONFIG,
  DYNAMIC_DEFAULT_BROKER_CONFIG: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
  STATIC_BROKER_CONFIG: ConfigSource.STATIC_BROKER_CONFIG,
  DEFAULT_CONFIG: ConfigSource.DEFAULT_CONFIG,
  DYNAMIC_BROKER_LOGGER_CONFIG: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
  DYNAMIC_CLIENT_METRICS_CONFIG: 7,
  DYNAMIC_GROUP_CONFIG: 8,
}

/** Sources a legacy AlterConfigs request replaces: the resource's own dynamic configs. */
const REPLACED: Record<ConfigResourceType, SamsaConfigSource[]> = {
  topic: ['DYNAMIC_TOPIC_CONFIG'],
  broker: ['DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG'],
  'broker-logger': [],
  group: ['DYNAMIC_GROUP_CONFIG'],
  'client-metrics': ['DYNAMIC_CLIENT_METRICS_CONFIG'],
}

const EARLIEST = -2n
const LATEST = -1n

function invalid(message: string): KafkaJSNonRetriableError {
  return new KafkaJSNonRetriableError(message)
}

/** A KafkaJS offset (string or number, -1 latest, -2 earliest) as a bigint. */
export function parseOffset(offset: unknown, what: string): bigint {
  try {
    if (typeof offset === 'bigint') return offset
    if (typeof offset === 'number' && Number.isInteger(offset)) return BigInt(offset)
    if (typeof offset === 'string' && /^-?\d+$/.test(offset.trim())) return BigInt(offset.trim())
  } catch {
    // fall through
  }
  throw invalid(`Invalid ${what}, expected a long received ${JSON.stringify(offset)}`)
}

export class AdminFacade implements Admin {
  readonly events: AdminEvents = ADMIN_EVENTS
  private readonly instrumentation: Instrumentation<AdminEvents>
  private readonly log: Logger
  private admin: SamsaAdmin | undefined
  private opening: Promise<SamsaAdmin> | undefined

  /**
   * `observe` receives the samsa admin when it is created; by default its
   * requests become this admin's REQUEST* events (a consumer's own admin
   * reports them as the consumer's).
   */
  constructor(
    private readonly context: ClientContext,
    private readonly options: AdminConfig = {},
    private readonly observe: (admin: Observable) => void = (a) => this.instrumentation.observe(a, ADMIN_EVENTS, context.config.clientId ?? 'kafkajs'),
  ) {
    this.log = context.logger.namespace('Admin')
    this.instrumentation = new Instrumentation(ADMIN_EVENTS, 'admin', this.log)
  }

  logger(): Logger {
    return this.log
  }

  on<E extends ValueOf<AdminEvents>>(eventName: E, listener: (event: AdminEventMap[E]) => void): () => void {
    return this.instrumentation.on(eventName, listener as never)
  }

  /** The samsa admin, created on first use with the brokers known now. */
  private client(): Promise<SamsaAdmin> {
    if (this.admin) return Promise.resolve(this.admin)
    this.opening ??= (async () => {
      try {
        const common = this.context.common(await this.context.brokers())
        const admin = new SamsaAdmin(common)
        this.observe(admin)
        this.admin = admin
        return admin
      } catch (e) {
        throw toKafkaJSError(e)
      } finally {
        this.opening = undefined
      }
    })()
    return this.opening
  }

  private call<T>(fn: (admin: SamsaAdmin) => Promise<T>): Promise<T> {
    return kafkajsErrors(async () => fn(await this.client()))
  }

  /** `call` under the caller's AbortSignal (samsa extension): an abort rejects with AbortError at once. */
  private callWith<T>(signal: unknown, fn: (admin: SamsaAdmin) => Promise<T>): Promise<T> {
    return kafkajsErrors(async () => {
      const s = checkSignal(signal, 'admin call')
      return abortable(s, async () => fn(await this.client()))
    })
  }

  /** Connects and reads the cluster's description, retrying for about KafkaJS's retry budget. */
  async connect(): Promise<void> {
    await this.call((a) => a.describeCluster({ timeoutMs: retryBudgetMs(this.options.retry ?? this.context.config.retry) }))
    this.instrumentation.emit(ADMIN_EVENTS.CONNECT)
  }

  async disconnect(): Promise<void> {
    const admin = this.admin
    this.admin = undefined
    await admin?.close()
    this.instrumentation.emit(ADMIN_EVENTS.DISCONNECT)
  }

  // --- topics ---------------------------------------------------------------

  /** Every topic of the cluster, internal ones included (as KafkaJS's metadata lists them). */
  listTopics(options: AbortOptions = {}): Promise<string[]> {
    return this.callWith(options?.signal, (a) => a.listTopics({ listInternal: true }))
  }

  /** Topic names without the internal ones (what a RegExp subscription matches). */
  userTopics(): Promise<string[]> {
    return this.call((a) => a.listTopics())
  }

  /**
   * Resolves true when every topic was created, false when some already
   * existed (and nothing else failed); waits for leaders unless told not to.
   */
  async createTopics(options: { validateOnly?: boolean; waitForLeaders?: boolean; timeout?: number; topics: ITopicConfig[] } & AbortOptions): Promise<boolean> {
    const { topics, validateOnly = false, waitForLeaders = true, timeout } = options ?? ({} as never)
    if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`)
    if (topics.some((t) => typeof t?.topic !== 'string')) throw invalid('Invalid topics array, the topic names have to be a valid string')
    const names = topics.map((t) => t.topic)
    if (new Set(names).size < names.length) throw invalid('Invalid topics array, it cannot have multiple entries for the same topic')
    const newTopics: NewTopic[] = topics.map((t) => {
      const entries = t.configEntries ?? []
      if (!Array.isArray(entries)) throw invalid(`Invalid configEntries for topic "${t.topic}", must be an array`)
      entries.forEach((e, i) => {
        if (typeof e?.name !== 'string' || typeof e?.value !== 'string') {
          throw invalid(`Invalid configEntries for topic "${t.topic}". Entry ${i} must have a valid "name" and "value" property`)
        }
      })
      const n: NewTopic = { topic: t.topic, configs: Object.fromEntries(entries.map((e) => [e.name, e.value])) }
      if (t.replicaAssignment && t.replicaAssignment.length > 0) {
        n.replicaAssignment = Object.fromEntries(t.replicaAssignment.map((r) => [r.partition, r.replicas]))
      } else {
        if (t.numPartitions !== undefined && t.numPartitions !== -1) n.numPartitions = t.numPartitions
        if (t.replicationFactor !== undefined && t.replicationFactor !== -1) n.replicationFactor = t.replicationFactor
      }
      return n
    })
    return this.callWith(options?.signal, async (a) => {
      let existed: string[] = []
      try {
        await a.createTopics(newTopics, { validateOnly })
      } catch (e) {
        const errors = failures(e)
        if (errors.length === 0 || errors.some((x) => !(x instanceof KafkaError) || x.type !== 'TOPIC_ALREADY_EXISTS')) throw e
        existed = errors.map((x) => String((x as KafkaError).context.topic ?? ''))
      }
      if (waitForLeaders && !validateOnly) {
        await this.waitForLeaders(a, names.filter((n) => !existed.includes(n)), timeout ?? 10000)
      }
      return existed.length === 0
    })
  }

  private async waitForLeaders(a: SamsaAdmin, names: string[], maxWaitMs: number): Promise<void> {
    if (names.length === 0) return
    const deadline = Date.now() + maxWaitMs
    for (;;) {
      try {
        const described = await a.describeTopics(names, { timeoutMs: Math.max(1000, deadline - Date.now()) })
        if (described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return
      } catch (e) {
        if (!(e instanceof KafkaError) || !e.retriable) throw e
      }
      if (Date.now() >= deadline) throw new KafkaJSTimeout('Timed out while waiting for topic leaders')
      await sleep(100)
    }
  }

  async deleteTopics(options: { topics: string[]; timeout?: number } & AbortOptions): Promise<void> {
    const topics = options?.topics
    if (!Array.isArray(topics)) throw invalid(`Invalid topics array ${String(topics)}`)
    if (topics.some((t) => typeof t !== 'string')) throw invalid('Invalid topics array, the names must be a valid string')
    await this.callWith(options?.signal, (a) => a.deleteTopics(topics))
  }

  async createPartitions(options: { validateOnly?: boolean; timeout?: number; topicPartitions: ITopicPartitionConfig[] } & AbortOptions): Promise<boolean> {
    const tps = options?.topicPartitions
    if (!Array.isArray(tps)) throw invalid(`Invalid topic partitions array ${String(tps)}`)
    if (tps.length === 0) throw invalid('Empty topic partitions array')
    if (tps.some((t) => typeof t?.topic !== 'string')) throw invalid('Invalid topic partitions array, the topic names have to be a valid string')
    if (new Set(tps.map((t) => t.topic)).size < tps.length) throw invalid('Invalid topic partitions array, it cannot have multiple entries for the same topic')
    if (tps.some((t) => t.assignments !== undefined && t.assignments.length > 0)) {
      throw new KafkaJSNotImplemented('createPartitions: explicit replica "assignments" are not supported by samsa; give only "count"')
    }
    await this.callWith(options?.signal, (a) => a.createPartitions(tps.map((t) => ({ topic: t.topic, count: t.count })), { validateOnly: options.validateOnly ?? false }))
    return true
  }

  /** Partition metadata of the given topics (default: every topic). Unknown topics fail; none is created. */
  async fetchTopicMetadata(options: { topics: string[] } & AbortOptions = { topics: [] }): Promise<{ topics: ITopicMetadata[] }> {
    const wanted = options?.topics ?? []
    for (const t of wanted) if (!t || typeof t !== 'string') throw invalid(`Invalid topic ${String(t)}`)
    return this.callWith(options?.signal, async (a) => {
      const names = wanted.length > 0 ? wanted : await a.listTopics({ listInternal: true })
      const described = names.length > 0 ? await a.describeTopics(names) : []
      return {
        topics: described.map((t) => ({
          name: t.name,
          partitions: [...t.partitions]
            .sort((x, y) => x.partition - y.partition)
            .map((p) => ({
              partitionErrorCode: ErrorCode.NONE,
              partitionId: p.partition,
              leader: p.leader,
              replicas: p.replicas,
              isr: p.isr,
              offlineReplicas: p.offlineReplicas,
            })),
        })),
      }
    })
  }

  private async partitionsOf(a: SamsaAdmin, topic: string): Promise<number[]> {
    const [t] = await a.describeTopics([topic])
    return t!.partitions.map((p) => p.partition).sort((x, y) => x - y)
  }

  private async offsetsAt(a: SamsaAdmin, topic: string, partitions: number[], at: 'earliest' | 'latest' | number): Promise<Map<number, bigint>> {
    const found = await a.listOffsets(partitions.map((partition) => ({ topic, partition, timestamp: at })))
    return new Map(found.map((o) => [o.partition, o.offset]))
  }

  /** Each partition's low and high watermark; `offset` is the high one. */
  async fetchTopicOffsets(topic: string, options: AbortOptions = {}): Promise<Array<SeekEntry & { high: string; low: string }>> {
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic ${String(topic)}`)
    return this.callWith(options?.signal, async (a) => {
      const partitions = await this.partitionsOf(a, topic)
      const [high, low] = await Promise.all([this.offsetsAt(a, topic, partitions, 'latest'), this.offsetsAt(a, topic, partitions, 'earliest')])
      return partitions.map((partition) => {
        const h = String(high.get(partition))
        return { partition, offset: h, high: h, low: String(low.get(partition)) }
      })
    })
  }

  /** The first offset at or after `timestamp` in each partition; the high watermark where there is none. */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number, options: AbortOptions = {}): Promise<Array<SeekEntry>> {
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic ${String(topic)}`)
    return this.callWith(options?.signal, async (a) => {
      const partitions = await this.partitionsOf(a, topic)
      const high = await this.offsetsAt(a, topic, partitions, 'latest')
      const at = timestamp === undefined || timestamp === null ? high : await this.offsetsAt(a, topic, partitions, timestamp)
      return partitions.map((partition) => {
        const o = at.get(partition)!
        return { partition, offset: String(o >= 0n ? o : high.get(partition)) }
      })
    })
  }

  // --- consumer group offsets -----------------------------------------------

  /**
   * The group's committed offsets: for the given topics every partition
   * ('-1' where nothing is committed), without topics every partition the
   * group has committed. `resolveOffsets` replaces -1 by the high watermark
   * (and -2 by the low one) and commits the result, as KafkaJS does.
   */
  async fetchOffsets(options: { groupId: string; topics?: string[]; resolveOffsets?: boolean } & AbortOptions): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>> {
    const { groupId, resolveOffsets = false } = options ?? ({} as never)
    const topics = options?.topics ?? []
    if (!groupId) throw invalid(`Invalid groupId ${String(groupId)}`)
    if (!Array.isArray(topics)) throw invalid('Expected topics array to be set')
    return this.callWith(options?.signal, async (a) => {
      let wanted: TopicPartition[] | undefined
      if (topics.length > 0) {
        wanted = []
        for (const topic of topics) for (const partition of await this.partitionsOf(a, topic)) wanted.push({ topic, partition })
      }
      const committed = await a.listConsumerGroupOffsets(groupId, wanted ? { partitions: wanted } : {})
      const byTopic = new Map<string, FetchOffsetsPartition[]>()
      for (const t of topics) byTopic.set(t, [])
      for (const c of committed) {
        const list = byTopic.get(c.topic) ?? []
        list.push({ partition: c.partition, offset: String(c.offset), metadata: c.metadata || null })
        byTopic.set(c.topic, list)
      }
      if (resolveOffsets) {
        for (const [topic, partitions] of byTopic) {
          if (!partitions.some((p) => p.offset === '-1' || p.offset === '-2')) continue
          const ids = partitions.map((p) => p.partition)
          const [high, low] = await Promise.all([this.offsetsAt(a, topic, ids, 'latest'), this.offsetsAt(a, topic, ids, 'earliest')])
          for (const p of partitions) {
            if (p.offset === '-1') p.offset = String(high.get(p.partition))
            else if (p.offset === '-2') p.offset = String(low.get(p.partition))
          }
          await this.commitWhenIdle(a, groupId, partitions.map((p) => ({ topic, partition: p.partition, offset: BigInt(p.offset) })))
        }
      }
      return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((x, y) => x.partition - y.partition) }))
    })
  }

  /** Sets a group's offsets; the group must have no running members. -1 means latest, -2 earliest. */
  async setOffsets(options: { groupId: string; topic: string; partitions: SeekEntry[] } & AbortOptions): Promise<void> {
    const { groupId, topic, partitions } = options ?? ({} as never)
    if (!groupId) throw invalid(`Invalid groupId ${String(groupId)}`)
    if (!topic) throw invalid(`Invalid topic ${String(topic)}`)
    if (!Array.isArray(partitions) || partitions.length === 0) throw invalid('Invalid partitions')
    const wanted = partitions.map((p) => ({ partition: p.partition, offset: parseOffset(p.offset, 'offset') }))
    await this.callWith(options?.signal, async (a) => {
      const special = wanted.filter((w) => w.offset < 0n)
      if (special.length > 0) {
        const ids = special.map((w) => w.partition)
        const [high, low] = await Promise.all([this.offsetsAt(a, topic, ids, 'latest'), this.offsetsAt(a, topic, ids, 'earliest')])
        for (const w of special) {
          if (w.offset !== LATEST && w.offset !== EARLIEST) throw invalid(`Offset must not be a negative number (got ${w.offset} for partition ${w.partition})`)
          w.offset = w.offset === LATEST ? high.get(w.partition)! : low.get(w.partition)!
        }
      }
      await this.commitWhenIdle(a, groupId, wanted.map((w) => ({ topic, partition: w.partition, offset: w.offset })))
    })
  }

  /** Moves every partition of `topic` to its earliest (or latest) offset for an idle group. */
  async resetOffsets(options: { groupId: string; topic: string; earliest: boolean } & AbortOptions): Promise<void> {
    const { groupId, topic, earliest = false } = options ?? ({} as never)
    if (!groupId) throw invalid(`Invalid groupId ${String(groupId)}`)
    if (!topic) throw invalid(`Invalid topic ${String(topic)}`)
    const partitions = await this.callWith(options?.signal, (a) => this.partitionsOf(a, topic))
    await this.setOffsets({ groupId, topic, partitions: partitions.map((partition) => ({ partition, offset: earliest ? '-2' : '-1' })) })
  }

  private async commitWhenIdle(a: SamsaAdmin, groupId: string, offsets: { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    const [group] = await this.describe(a, [groupId])
    if (group && group.state !== 'Empty' && group.state !== 'Dead') {
      throw invalid(`The consumer group must have no running instances, current state: ${group.state}`)
    }
    await a.alterConsumerGroupOffsets(groupId, offsets)
  }

  // --- cluster and groups ---------------------------------------------------

  /** Brokers, controller (null when none) and cluster id. */
  async describeCluster(options: AbortOptions = {}): Promise<{ brokers: Array<{ nodeId: number; host: string; port: number }>; controller: number | null; clusterId: string }> {
    return this.callWith(options?.signal, async (a) => {
      const c = await a.describeCluster()
      return {
        brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        controller: c.controller >= 0 ? c.controller : null,
        clusterId: c.clusterId ?? '',
      }
    })
  }

  async listGroups(options: AbortOptions = {}): Promise<{ groups: GroupOverview[] }> {
    return this.callWith(options?.signal, async (a) => ({
      groups: (await a.listConsumerGroups()).map((g) => ({ groupId: g.groupId, protocolType: g.isSimpleConsumerGroup ? '' : 'consumer' })),
    }))
  }

  /** KafkaJS's group descriptions; a group that does not exist is described as `Dead` with no members. */
  async describeGroups(groupIds: string[], options: AbortOptions = {}): Promise<GroupDescriptions> {
    if (!Array.isArray(groupIds)) throw invalid(`Invalid groupIds array ${String(groupIds)}`)
    return this.callWith(options?.signal, async (a) => ({ groups: await this.describe(a, groupIds) }))
  }

  private async describe(a: SamsaAdmin, ids: string[]): Promise<GroupDescription[]> {
    return Promise.all(
      ids.map(async (groupId): Promise<GroupDescription> => {
        try {
          const [g] = await a.describeConsumerGroups([groupId])
          return {
            groupId,
            members: g!.members.map((m) => {
              const assignment: Record<string, number[]> = {}
              for (const tp of m.assignment) (assignment[tp.topic] ??= []).push(tp.partition)
              return {
                memberId: m.memberId,
                clientId: m.clientId,
                clientHost: m.host,
                memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: Object.keys(assignment), userData: Buffer.alloc(0) }),
                memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
              }
            }),
            protocol: g!.partitionAssignor,
            protocolType: g!.isSimpleConsumerGroup ? '' : 'consumer',
            state: g!.state as ConsumerGroupState,
          }
        } catch (e) {
          if (e instanceof KafkaError && e.type === 'GROUP_ID_NOT_FOUND') {
            return { groupId, members: [], protocol: '', protocolType: '', state: 'Dead' }
          }
          throw e
        }
      }),
    )
  }

  /** Deletes groups; if any fails, rejects with KafkaJSDeleteGroupsError listing the failed ones. */
  async deleteGroups(groupIds: string[], options: AbortOptions = {}): Promise<DeleteGroupsResult[]> {
    if (!Array.isArray(groupIds)) throw invalid(`Invalid groupIds array ${String(groupIds)}`)
    if (groupIds.some((g) => typeof g !== 'string')) throw invalid(`Invalid groupId name: ${JSON.stringify(groupIds)}`)
    const signal = checkSignal(options?.signal, 'deleteGroups()')
    throwIfAborted(signal, 'deleteGroups()')
    const a = await this.client()
    const failed: DeleteGroupsErrorEntry[] = []
    const results = await Promise.all(
      groupIds.map(async (groupId): Promise<DeleteGroupsResult> => {
        try {
          await a.deleteConsumerGroups([groupId], { signal })
          return { groupId, errorCode: ErrorCode.NONE }
        } catch (e) {
          if (e instanceof AbortError) throw e
          const err = toKafkaJSError(e)
          const entry = { groupId, errorCode: e instanceof KafkaError ? e.code ?? ErrorCode.UNKNOWN_SERVER_ERROR : ErrorCode.UNKNOWN_SERVER_ERROR, error: err as KafkaJSError }
          failed.push(entry)
          return { groupId, errorCode: entry.errorCode, ...(err instanceof KafkaJSProtocolError ? { error: err } : {}) }
        }
      }),
    )
    if (failed.length > 0) throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', failed)
    return results
  }

  // --- configs --------------------------------------------------------------

  private resource(r: { type: ConfigResourceTypes; name: string }): ConfigResource {
    const type = RESOURCE_TYPES[r?.type]
    if (type === undefined) throw invalid(`Invalid resource type ${String(r?.type)}: ${JSON.stringify(r)}`)
    if (!r.name || typeof r.name !== 'string') throw invalid(`Invalid resource name ${String(r.name)}: ${JSON.stringify(r)}`)
    return { type, name: r.name }
  }

  async describeConfigs(configs: { resources: ResourceConfigQuery[]; includeSynonyms: boolean } & AbortOptions): Promise<DescribeConfigResponse> {
    const resources = configs?.resources
    if (!Array.isArray(resources)) throw invalid(`Invalid resources array ${String(resources)}`)
    if (resources.length === 0) throw invalid('Resources array cannot be empty')
    const mapped = resources.map((r) => {
      if (r.configNames !== undefined && r.configNames !== null && !Array.isArray(r.configNames)) {
        throw invalid(`Invalid resource configNames ${String(r.configNames)}: ${JSON.stringify(r)}`)
      }
      return this.resource(r)
    })
    const includeSynonyms = configs.includeSynonyms === true
    return this.callWith(configs?.signal, async (a) => {
      const described = await Promise.all(
        mapped.map(async (res, i) => {
          const names = resources[i]!.configNames
          const [d] = await a.describeConfigs([res], { includeSynonyms, ...(names && names.length > 0 ? { configNames: names } : {}) })
          return d!
        }),
      )
      return {
        resources: described.map((d, i) => ({
          configEntries: d.entries.map((e): ConfigEntries => ({
            configName: e.name,
            configValue: e.value as string,
            isDefault: e.isDefault,
            configSource: SOURCES[e.source] ?? ConfigSource.UNKNOWN,
            isSensitive: e.isSensitive,
            readOnly: e.isReadOnly,
            configSynonyms: includeSynonyms
              ? e.synonyms.map((s) => ({ configName: s.name, configValue: s.value as string, configSource: SOURCES[s.source] ?? ConfigSource.UNKNOWN }))
              : [],
          })),
          errorCode: ErrorCode.NONE,
          errorMessage: null as unknown as string,
          resourceName: d.name,
          resourceType: resources[i]!.type,
        })),
        throttleTime: 0,
      }
    })
  }

  /**
   * KafkaJS's AlterConfigs: each resource's dynamic configs become exactly
   * the entries given (others revert to their defaults). Done with
   * incremental alters: set what is given, delete the dynamic configs left out.
   */
  async alterConfigs(configs: { validateOnly: boolean; resources: IResourceConfig[] } & AbortOptions): Promise<{ resources: { errorCode: number; errorMessage: string | null; resourceName: string; resourceType: ConfigResourceTypes }[]; throttleTime: number }> {
    const resources = configs?.resources
    if (!Array.isArray(resources)) throw invalid(`Invalid resources array ${String(resources)}`)
    if (resources.length === 0) throw invalid('Resources array cannot be empty')
    const mapped = resources.map((r) => {
      const res = this.resource(r)
      if (!Array.isArray(r.configEntries)) throw invalid(`Invalid resource configEntries ${String(r.configEntries)}: ${JSON.stringify(r)}`)
      if (r.configEntries.some((e) => typeof e?.name !== 'string' || typeof e?.value !== 'string')) throw invalid(`Invalid resource config value: ${JSON.stringify(r)}`)
      return res
    })
    return this.callWith(configs?.signal, async (a) => {
      const current = await a.describeConfigs(mapped)
      const changes: ConfigChange[] = mapped.map((res, i) => {
        const given = resources[i]!.configEntries
        const keep = new Set(given.map((e) => e.name))
        const replaced = REPLACED[res.type]
        const deletes = current[i]!.entries.filter((e) => replaced.includes(e.source) && !keep.has(e.name)).map((e) => ({ name: e.name, op: 'delete' as const }))
        return { ...res, ops: [...given.map((e) => ({ name: e.name, value: e.value, op: 'set' as const })), ...deletes] }
      })
      await a.incrementalAlterConfigs(changes.filter((c) => c.ops.length > 0), { validateOnly: configs.validateOnly === true })
      return {
        resources: resources.map((r) => ({ errorCode: ErrorCode.NONE, errorMessage: null, resourceName: r.name, resourceType: r.type })),
        throttleTime: 0,
      }
    })
  }

  // --- records --------------------------------------------------------------

  /** Deletes records before the given offsets ('-1': all records). */
  async deleteTopicRecords(options: { topic: string; partitions: SeekEntry[] } & AbortOptions): Promise<void> {
    const { topic, partitions } = options ?? ({} as never)
    if (!topic || typeof topic !== 'string') throw invalid(`Invalid topic "${String(topic)}"`)
    if (!Array.isArray(partitions) || partitions.length === 0) throw invalid('Invalid partitions')
    const offsets = partitions.map((p) => ({ topic, partition: p.partition, offset: parseOffset(p.offset, 'offset') }))
    const a = await this.client()
    try {
      await a.deleteRecords(offsets)
    } catch (e) {
      const errors = failures(e)
      if (errors.length === 0 || errors.some((x) => !(x instanceof KafkaError) || x.context.partition === undefined)) throw toKafkaJSError(e)
      throw new KafkaJSDeleteTopicRecordsError({
        topic,
        partitions: errors.map((x) => {
          const partition = Number((x as KafkaError).context.partition)
          const asked = partitions.find((p) => p.partition === partition)
          return { partition, offset: String(asked?.offset ?? ''), error: toKafkaJSError(x) as KafkaJSError }
        }),
      })
    }
  }

  // --- ACLs -----------------------------------------------------------------

  /** Creates the ACLs; resolves true (KafkaJS's answer). */
  async createAcls(options: { acl: AclEntry[] }): Promise<boolean> {
    const entries = options?.acl
    if (!Array.isArray(entries) || entries.length === 0) throw invalid('Invalid ACL array ' + JSON.stringify(entries))
    const bindings = entries.map((e) => {
      if (!e || typeof e.resourceName !== 'string' || typeof e.principal !== 'string' || typeof e.host !== 'string') {
        throw invalid(`Invalid ACL entry ${JSON.stringify(e)}: resourceName, principal and host must be strings`)
      }
      return {
        resourceType: enumName(ACL_RESOURCE_TYPES, e.resourceType, 'resourceType'),
        resourceName: e.resourceName,
        patternType: enumName(ACL_PATTERN_TYPES, e.resourcePatternType, 'resourcePatternType'),
        principal: e.principal,
        host: e.host,
        operation: enumName(ACL_OPERATIONS, e.operation, 'operation'),
        permissionType: enumName(ACL_PERMISSION_TYPES, e.permissionType, 'permissionType'),
      }
    })
    await this.call((a) => a.createAcls(bindings))
    return true
  }

  /** The ACLs matching the filter, grouped by resource as KafkaJS returns them. */
  async describeAcls(options: AclFilter): Promise<DescribeAclResponse> {
    const found = await this.call((a) => a.describeAcls(aclFilter(options)))
    const resources: DescribeAclResource[] = []
    for (const acl of found) {
      const resourceType = ACL_RESOURCE_TYPES.indexOf(acl.resourceType) as AclResourceTypes
      const resourcePatternType = ACL_PATTERN_TYPES.indexOf(acl.patternType) as ResourcePatternTypes
      let r = resources.find((x) => x.resourceType === resourceType && x.resourceName === acl.resourceName && x.resourcePatternType === resourcePatternType)
      if (!r) resources.push((r = { resourceType, resourceName: acl.resourceName, resourcePatternType, acls: [] }))
      r.acls.push(kafkajsAcl(acl))
    }
    return { throttleTime: 0, errorCode: ErrorCode.NONE, resources }
  }

  /** Deletes the ACLs matching each filter; reports them per filter, in order. */
  async deleteAcls(options: { filters: AclFilter[] }): Promise<DeleteAclResponse> {
    const filters = options?.filters
    if (!Array.isArray(filters) || filters.length === 0) throw invalid('Invalid ACL Filter array ' + JSON.stringify(filters))
    const converted = filters.map(aclFilter)
    const filterResponses = []
    // one request per filter, so each deleted ACL is reported under the filter that matched it
    for (const f of converted) {
      const deleted = await this.call((a) => a.deleteAcls([f]))
      filterResponses.push({
        errorCode: ErrorCode.NONE,
        matchingAcls: deleted.map((acl) => ({
          errorCode: ErrorCode.NONE,
          resourceType: ACL_RESOURCE_TYPES.indexOf(acl.resourceType) as AclResourceTypes,
          resourceName: acl.resourceName,
          resourcePatternType: ACL_PATTERN_TYPES.indexOf(acl.patternType) as ResourcePatternTypes,
          ...kafkajsAcl(acl),
        })),
      })
    }
    return { throttleTime: 0, filterResponses }
  }

  // --- not supported --------------------------------------------------------

  private notSupported(what: string): Promise<never> {
    return Promise.reject(new KafkaJSNotImplemented(`admin.${what}() is not supported by samsa/kafkajs`))
  }

  alterPartitionReassignments(): Promise<never> {
    return this.notSupported('alterPartitionReassignments')
  }

  listPartitionReassignments(): Promise<never> {
    return this.notSupported('listPartitionReassignments')
  }
}

/** The name of a KafkaJS enum value in samsa's string union (they share the protocol codes). */
function enumName<T extends string>(table: readonly T[], value: unknown, what: string): T {
  const name = typeof value === 'number' && Number.isInteger(value) ? table[value] : undefined
  if (name === undefined) throw invalid(`Invalid ${what} ${JSON.stringify(value)}`)
  return name
}

function aclFilter(f: AclFilter): AclBindingFilter {
  if (!f || typeof f !== 'object') throw invalid(`Invalid ACL filter ${JSON.stringify(f)}`)
  return {
    resourceType: enumName(ACL_RESOURCE_TYPES, f.resourceType, 'resourceType'),
    resourceName: f.resourceName ?? null,
    patternType: enumName(ACL_PATTERN_TYPES, f.resourcePatternType, 'resourcePatternType'),
    principal: f.principal ?? null,
    host: f.host ?? null,
    operation: enumName(ACL_OPERATIONS, f.operation, 'operation'),
    permissionType: enumName(ACL_PERMISSION_TYPES, f.permissionType, 'permissionType'),
  }
}

function kafkajsAcl(acl: AclDescription) {
  return {
    principal: acl.principal,
    host: acl.host,
    operation: ACL_OPERATIONS.indexOf(acl.operation) as AclOperationTypes,
    permissionType: ACL_PERMISSION_TYPES.indexOf(acl.permissionType) as AclPermissionTypes,
  }
}

/** The per-resource errors inside a samsa admin failure (one error, or several in `context.errors`). */
function failures(e: unknown): unknown[] {
  if (!(e instanceof KafkaError)) return []
  const list = e.context.errors
  return Array.isArray(list) ? list : [e]
}
