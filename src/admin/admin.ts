/**
 * Admin: manages topics, partitions, configs, offsets, records, consumer
 * groups, ACLs, SCRAM users and client quotas.
 *
 * Contract: the config is validated in the constructor (ConfigError). Each
 * call retries retriable failures until its deadline — `timeoutMs` when the
 * call takes one, else `default.api.timeout.ms` — and then fails with a
 * TimeoutError carrying the last error. Broker errors surface as KafkaError
 * with the broker's `type` and `code`. Connections open lazily on the first
 * call; `close()` releases every socket and timer so the process can exit.
 * Like Java's AdminClient, it never creates topics as a side effect of
 * looking them up (`allow.auto.create.topics` is ignored).
 */
import { listShareGroups, describeShareGroups, listShareGroupOffsets, alterShareGroupOffsets, deleteShareGroupOffsets, type ShareGroupState, type ShareGroupListing, type ShareGroupDescription, type ShareGroupOffset } from './share-groups.js'
import { adminSchema, type AdminConfig, type AdminConfigInput } from '../config/admin.js'
import { parseConfig } from '../config/validate.js'
import { configFromProperties } from '../config/properties.js'
import { Cluster } from '../cluster/cluster.js'
import { withSignal } from '../cluster/wait.js'
import { clientMetrics, type ClientMetrics } from '../metrics/index.js'
import { CONNECTION_LISTENERS } from '../metrics/network.js'
import type { ConnectionObserver } from '../network/diagnostics.js'
import { sendToAny } from '../cluster/router.js'
import { brokerError, KafkaError } from '../errors.js'
import { abortable, checkSignal, throwIfAborted } from '../util/abort.js'
import { DescribeClusterApi } from '../protocol/messages/describe-cluster.js'
import { MetadataApi } from '../protocol/messages/metadata.js'
import {
  createPartitions,
  createTopics,
  deleteTopics,
  describeTopics,
  listTopics,
  type CreateTopicsOptions,
  type NewPartitions,
  type NewTopic,
  type TopicDescription,
} from './topics.js'
import { listOffsets, type ListedOffset, type ListOffsetsOptions, type OffsetQuery } from '../cluster/offsets.js'
import {
  describeConfigs,
  incrementalAlterConfigs,
  type ConfigChange,
  type ConfigDescription,
  type ConfigResource,
  type DescribeConfigsOptions,
} from './configs.js'
import {
  alterConsumerGroupOffsets,
  deleteConsumerGroups,
  describeConsumerGroups,
  listConsumerGroupOffsets,
  listConsumerGroups,
  type ConsumerGroupDescription,
  type ConsumerGroupListing,
  type GroupOffset,
  type ListConsumerGroupsOptions,
  type ListGroupOffsetsOptions,
} from './groups.js'
import { deleteRecords, type DeletedRecords, type RecordsToDelete } from './records.js'
import { createAcls, deleteAcls, describeAcls, type AclBinding, type AclBindingFilter, type AclDescription } from './acls.js'
import {
  alterUserScramCredentials,
  describeUserScramCredentials,
  type ScramCredentialAlteration,
  type UserScramCredentialsDescription,
} from './scram.js'
import {
  alterClientQuotas,
  describeClientQuotas,
  type ClientQuotaAlteration,
  type ClientQuotaDescription,
  type ClientQuotaFilterComponent,
  type DescribeClientQuotasOptions,
} from './quotas.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { ErrorCode } from '../protocol/errors.js'
import * as args from '../util/arguments.js'
import { checkConfigChanges, checkNewTopics, checkOffsetQueries } from './arguments.js'

export interface ClusterDescription {
  clusterId: string | null
  controller: number
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[]
}

/** Options every admin call takes. */
export interface TimeoutOption {
  /** Deadline of the call, retries included; default `default.api.timeout.ms`. */
  timeoutMs?: number
  /**
   * Stops waiting: the call rejects with an AbortError (its `cause` is the
   * signal's reason) and the admin stays usable. A request already sent may
   * still take effect on the broker, as after a timeout.
   */
  signal?: AbortSignal
}

export class Admin {
  readonly config: AdminConfig
  private readonly cluster: Cluster
  private closed = false

  /**
   * A admin client from a Java client `.properties` file (a path, or the text itself),
   * `overrides` applied last. Keys of Java's clients that mean nothing here
   * (`interceptor.classes`, `send.buffer.bytes`, `client.dns.lookup`, ...) are
   * ignored with a logged warning; see docs/compatibility.md.
   */
  static fromProperties(source: string, overrides: Record<string, unknown> = {}): Admin {
    return new Admin(configFromProperties(source, 'admin', overrides) as AdminConfigInput)
  }

  constructor(config: AdminConfigInput) {
    this.config = parseConfig(adminSchema, config, 'admin')
    this.cluster = new Cluster({ ...this.config, 'allow.auto.create.topics': false })
  }

  /**
   * Runs one admin call with its deadline, under `options.signal`: a
   * pre-aborted signal starts nothing; an abort rejects at once with an
   * AbortError and the work already under way is dropped.
   */
  private call<T>(
    what: string,
    options: TimeoutOption,
    work: (deadline: number, signal: AbortSignal | undefined) => Promise<T>,
    checkArguments?: () => void,
  ): Promise<T> {
    let signal: AbortSignal | undefined
    try {
      if (options === null || typeof options !== 'object') throw new KafkaError(`${what}(): options must be an object, got ${args.describeValue(options)}`, { type: 'INVALID_ARGUMENT' })
      signal = checkSignal(options.signal, what)
      if (options.timeoutMs !== undefined) args.integer(`${what}(): options.timeoutMs`, options.timeoutMs, 0, Number.MAX_SAFE_INTEGER)
      checkArguments?.()
      if (this.closed) throw new KafkaError('admin client is closed', { type: 'CLIENT_CLOSED' })
    } catch (e) {
      return Promise.reject(e)
    }
    // The signal is also the ambient one of the work (wait.ts): an abort stops its retries at once.
    return abortable(signal, () => withSignal(signal, () => work(Date.now() + (options.timeoutMs ?? this.config['default.api.timeout.ms']), signal)), `${what}()`)
  }

  /** Creates topics; resolves when the controller has accepted them all. */
  async createTopics(topics: NewTopic[], options: CreateTopicsOptions & TimeoutOption = {}): Promise<void> {
    await this.call('createTopics', options, async (deadline) => {
      await createTopics(this.cluster, topics, options, deadline)
    }, () => checkNewTopics(topics))
  }

  async deleteTopics(names: string[], options: TimeoutOption = {}): Promise<void> {
    await this.call('deleteTopics', options, async (deadline) => {
      await deleteTopics(this.cluster, names, deadline)
    }, () => args.strings('deleteTopics(): names', names, 'topic name'))
  }

  /** Topic names (internal topics only with `listInternal`), sorted. */
  async listTopics(options: TimeoutOption & { listInternal?: boolean } = {}): Promise<string[]> {
    return this.call('listTopics', options, (deadline) => listTopics(this.cluster, deadline, options.listInternal))
  }

  async describeTopics(names: string[], options: TimeoutOption = {}): Promise<TopicDescription[]> {
    return this.call('describeTopics', options, (deadline) => describeTopics(this.cluster, names, deadline), () => args.strings('describeTopics(): names', names, 'topic name'))
  }

  /** Raises each topic's partition count to `count`. */
  async createPartitions(changes: NewPartitions[], options: TimeoutOption & { validateOnly?: boolean } = {}): Promise<void> {
    await this.call('createPartitions', options, async (deadline) => {
      await createPartitions(this.cluster, changes, deadline, options.validateOnly)
    }, () => args.objects('createPartitions(): changes', changes, { one: 'a NewPartitions object', many: 'NewPartitions objects', shape: '{ topic, count }' }, (c, at) => {
      args.string(`${at}.topic`, c.topic, 'a topic name (a string)')
      args.integer(`${at}.count`, c.count, 1, args.INT32_MAX)
    }))
  }

  async describeCluster(options: TimeoutOption = {}): Promise<ClusterDescription> {
    return this.call('describeCluster', options, (deadline, signal) => sendToAny(
      this.cluster,
      'describeCluster',
      deadline,
      async (conn) => {
        if (conn.supports(DescribeClusterApi)) {
          const res = await conn.request(DescribeClusterApi, { includeClusterAuthorizedOperations: false, endpointType: 1 })
          if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, {}, res.errorMessage)
          return {
            clusterId: res.clusterId,
            controller: res.controllerId,
            brokers: res.brokers
              .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack }))
              .sort((a, b) => a.nodeId - b.nodeId),
          }
        }
        const res = await conn.request(MetadataApi, { topics: [], allowAutoTopicCreation: false })
        return {
          clusterId: res.clusterId,
          controller: res.controllerId,
          brokers: res.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
        }
      },
      { signal },
    ))
  }

  /** Offsets by time (`earliest`, `latest`, or a timestamp in ms) for each partition. */
  async listOffsets(queries: OffsetQuery[], options: TimeoutOption & ListOffsetsOptions = {}): Promise<ListedOffset[]> {
    return this.call('listOffsets', options, (deadline) => listOffsets(this.cluster, queries, deadline, options), () => {
      checkOffsetQueries(queries)
      if (options.isolationLevel !== undefined) args.oneOf('listOffsets(): options.isolationLevel', options.isolationLevel, ['read_uncommitted', 'read_committed'])
    })
  }

  /**
   * The configs of topics, brokers (name: the broker id, or '' for the
   * cluster-wide default), broker loggers or groups, in request order.
   * Sensitive values are null.
   */
  async describeConfigs(resources: ConfigResource[], options: TimeoutOption & DescribeConfigsOptions = {}): Promise<ConfigDescription[]> {
    return this.call('describeConfigs', options, (deadline) => describeConfigs(this.cluster, resources, deadline, options), () =>
      args.objects('describeConfigs(): resources', resources, { one: 'a ConfigResource object', many: 'ConfigResource objects', shape: '{ type, name }' }, (r, at) => args.string(`${at}.name`, r.name, 'the resource\'s name (a string)')))
  }

  /** Sets, deletes (reverts to default), appends to or subtracts from config values (KIP-339). */
  async incrementalAlterConfigs(changes: ConfigChange[], options: TimeoutOption & { validateOnly?: boolean } = {}): Promise<void> {
    await this.call('incrementalAlterConfigs', options, async (deadline) => {
      await incrementalAlterConfigs(this.cluster, changes, deadline, options.validateOnly)
    }, () => checkConfigChanges(changes))
  }

  /** Consumer groups (classic and consumer) known to any broker, sorted by id. */
  async listConsumerGroups(options: TimeoutOption & ListConsumerGroupsOptions = {}): Promise<ConsumerGroupListing[]> {
    return this.call('listConsumerGroups', options, (deadline) => listConsumerGroups(this.cluster, deadline, options))
  }

  /** State, members and their assignments of each group, in request order. */
  async describeConsumerGroups(ids: string[], options: TimeoutOption = {}): Promise<ConsumerGroupDescription[]> {
    return this.call('describeConsumerGroups', options, (deadline) => describeConsumerGroups(this.cluster, ids, deadline), () => args.strings('describeConsumerGroups(): ids', ids, 'group id'))
  }

  /** The group's committed offsets with each partition's log-end offset and lag, sorted by topic and partition. */
  async listConsumerGroupOffsets(groupId: string, options: TimeoutOption & ListGroupOffsetsOptions = {}): Promise<GroupOffset[]> {
    return this.call('listConsumerGroupOffsets', options, (deadline) => listConsumerGroupOffsets(this.cluster, groupId, deadline, options), () => args.string('listConsumerGroupOffsets(): groupId', groupId, 'a group id (a string)'))
  }

  /** Commits offsets for a group that has no active members (e.g. to reset it). */
  async alterConsumerGroupOffsets(groupId: string, offsets: TopicPartitionOffset[], options: TimeoutOption = {}): Promise<void> {
    await this.call('alterConsumerGroupOffsets', options, async (deadline) => {
      await alterConsumerGroupOffsets(this.cluster, groupId, offsets, deadline)
    }, () => {
      args.string('alterConsumerGroupOffsets(): groupId', groupId, 'a group id (a string)')
      args.topicPartitionOffsets('alterConsumerGroupOffsets(): offsets', offsets)
    })
  }

  /** Deletes empty groups and their committed offsets. A group with members fails with NON_EMPTY_GROUP. */
  async deleteConsumerGroups(ids: string[], options: TimeoutOption = {}): Promise<void> {
    await this.call('deleteConsumerGroups', options, async (deadline) => {
      await deleteConsumerGroups(this.cluster, ids, deadline)
    }, () => args.strings('deleteConsumerGroups(): ids', ids, 'group id'))
  }

  /** Share groups (KIP-932) known to the brokers, sorted by id; `states` filters. */
  async listShareGroups(options: TimeoutOption & { states?: ShareGroupState[] } = {}): Promise<ShareGroupListing[]> {
    return this.call('listShareGroups', options, (deadline) => listShareGroups(this.cluster, deadline, options))
  }

  /** State, members and their assignments of each share group, in request order. */
  async describeShareGroups(ids: string[], options: TimeoutOption = {}): Promise<ShareGroupDescription[]> {
    return this.call('describeShareGroups', options, (deadline) => describeShareGroups(this.cluster, ids, deadline), () => args.strings('describeShareGroups(): ids', ids, 'group id'))
  }

  /** Deletes share groups without members, with their state. */
  async deleteShareGroups(ids: string[], options: TimeoutOption = {}): Promise<void> {
    await this.call('deleteShareGroups', options, async (deadline) => {
      await deleteConsumerGroups(this.cluster, ids, deadline)
    }, () => args.strings('deleteShareGroups(): ids', ids, 'group id'))
  }

  /** Each partition's start offset (-1n: not initialised yet) and lag, sorted by topic and partition. */
  async listShareGroupOffsets(groupId: string, options: TimeoutOption & { partitions?: TopicPartition[] } = {}): Promise<ShareGroupOffset[]> {
    return this.call('listShareGroupOffsets', options, (deadline) => listShareGroupOffsets(this.cluster, groupId, deadline, options.partitions), () => {
      args.string('listShareGroupOffsets(): groupId', groupId, 'a group id (a string)')
      if (options.partitions !== undefined) args.topicPartitions('listShareGroupOffsets(): options.partitions', options.partitions)
    })
  }

  /** Sets the start offsets of a share group that has no members (to reset it). */
  async alterShareGroupOffsets(groupId: string, offsets: TopicPartitionOffset[], options: TimeoutOption = {}): Promise<void> {
    await this.call('alterShareGroupOffsets', options, async (deadline) => {
      await alterShareGroupOffsets(this.cluster, groupId, offsets, deadline)
    }, () => {
      args.string('alterShareGroupOffsets(): groupId', groupId, 'a group id (a string)')
      args.topicPartitionOffsets('alterShareGroupOffsets(): offsets', offsets)
    })
  }

  /** Forgets a share group's state for whole topics (it has no members). */
  async deleteShareGroupOffsets(groupId: string, topics: string[], options: TimeoutOption = {}): Promise<void> {
    await this.call('deleteShareGroupOffsets', options, async (deadline) => {
      await deleteShareGroupOffsets(this.cluster, groupId, topics, deadline)
    }, () => {
      args.string('deleteShareGroupOffsets(): groupId', groupId, 'a group id (a string)')
      args.strings('deleteShareGroupOffsets(): topics', topics, 'topic name')
    })
  }

  /** Deletes records before the given offsets (-1n: all records); resolves with the new low watermarks. */
  async deleteRecords(offsets: RecordsToDelete[], options: TimeoutOption = {}): Promise<DeletedRecords[]> {
    return this.call('deleteRecords', options, (deadline) => deleteRecords(this.cluster, offsets, deadline), () =>
      args.objects('deleteRecords(): offsets', offsets, { one: 'a RecordsToDelete object', many: 'RecordsToDelete objects', shape: '{ topic, partition, offset }' }, args.topicPartition))
  }

  /** Creates ACLs (existing identical ones stay); see acls.ts for the model. */
  async createAcls(acls: AclBinding[], options: TimeoutOption = {}): Promise<void> {
    await this.call('createAcls', options, (deadline) => createAcls(this.cluster, acls, deadline), () =>
      args.objects('createAcls(): acls', acls, { one: 'an AclBinding object', many: 'AclBinding objects', shape: '{ resourceType, resourceName, principal, operation, permissionType, ... }' }, () => {}))
  }

  /** The ACLs matching the filter (default: every ACL). */
  async describeAcls(filter: AclBindingFilter = {}, options: TimeoutOption = {}): Promise<AclDescription[]> {
    return this.call('describeAcls', options, (deadline) => describeAcls(this.cluster, filter, deadline), () =>
      args.object('describeAcls(): filter', filter, 'an AclBindingFilter object'))
  }

  /** Deletes the ACLs matching any of the filters; resolves with those deleted. */
  async deleteAcls(filters: AclBindingFilter[], options: TimeoutOption = {}): Promise<AclDescription[]> {
    return this.call('deleteAcls', options, (deadline) => deleteAcls(this.cluster, filters, deadline), () =>
      args.objects('deleteAcls(): filters', filters, { one: 'an AclBindingFilter object', many: 'AclBindingFilter objects', shape: '{ resourceType?, resourceName?, principal?, ... }' }, () => {}))
  }

  /** Each user's SCRAM mechanisms and iteration counts (no users: every user with credentials). */
  async describeUserScramCredentials(users?: string[], options: TimeoutOption = {}): Promise<UserScramCredentialsDescription[]> {
    return this.call('describeUserScramCredentials', options, (deadline) => describeUserScramCredentials(this.cluster, users, deadline), () => {
      if (users !== undefined) args.strings('describeUserScramCredentials(): users', users, 'user name')
    })
  }

  /** Creates, replaces or deletes SCRAM credentials; passwords are salted and hashed here, never sent. */
  async alterUserScramCredentials(alterations: ScramCredentialAlteration[], options: TimeoutOption = {}): Promise<void> {
    await this.call('alterUserScramCredentials', options, (deadline) => alterUserScramCredentials(this.cluster, alterations, deadline), () =>
      args.objects('alterUserScramCredentials(): alterations', alterations, { one: 'a ScramCredentialAlteration object', many: 'ScramCredentialAlteration objects', shape: '{ type, user, mechanism, ... }' }, (a, at) => args.string(`${at}.user`, a.user, 'a user name (a string)')))
  }

  /** The quotas of the entities matching every component (none: all entities). */
  async describeClientQuotas(
    components: ClientQuotaFilterComponent[] = [],
    options: TimeoutOption & DescribeClientQuotasOptions = {},
  ): Promise<ClientQuotaDescription[]> {
    return this.call('describeClientQuotas', options, (deadline) => describeClientQuotas(this.cluster, components, deadline, options), () =>
      args.objects('describeClientQuotas(): components', components, { one: 'a ClientQuotaFilterComponent object', many: 'ClientQuotaFilterComponent objects', shape: '{ entityType, match? }' }, () => {}))
  }

  /** Sets (a number) or removes (null) quota values of each entity. */
  async alterClientQuotas(alterations: ClientQuotaAlteration[], options: TimeoutOption & { validateOnly?: boolean } = {}): Promise<void> {
    await this.call('alterClientQuotas', options, (deadline) => alterClientQuotas(this.cluster, alterations, deadline, options.validateOnly), () =>
      args.objects('alterClientQuotas(): alterations', alterations, { one: 'a ClientQuotaAlteration object', many: 'ClientQuotaAlteration objects', shape: '{ entity, ops }' }, (a, at) => {
        args.object(`${at}.entity`, a.entity, 'an entity object ({ user?, \'client-id\'?, ip? })')
        args.objects(`${at}.ops`, a.ops, { one: 'an op', many: 'ops', shape: '{ key, value }' }, (op, opAt) => args.string(`${opAt}.key`, op.key, 'a quota name (a string)'))
      }))
  }

  /** Internal: the connection listeners (the KafkaJS facade's REQUEST events). */
  [CONNECTION_LISTENERS](): ConnectionObserver[] {
    return this.cluster.network.listeners
  }

  /** The Java admin client's metrics (group admin-client-metrics: connection-count, request-rate, ...). */
  metrics(): ClientMetrics {
    return clientMetrics(this.cluster.metrics)
  }

  /**
   * Releases every connection and timer. Safe to call more than once. Calls
   * still running fail. A pre-aborted `signal` rejects and closes nothing.
   */
  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(checkSignal(options.signal, 'close()'), 'close()')
    this.closed = true
    this.cluster.close()
  }
}
