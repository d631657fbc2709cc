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
import { adminSchema, type AdminConfig, type AdminConfigInput } from '../config/admin.js'
import { parseConfig } from '../config/validate.js'
import { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { brokerError, KafkaError } from '../errors.js'
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
import { listOffsets, type ListedOffset, type ListOffsetsOptions, type OffsetQuery } from './offsets.js'
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
import type { TopicPartitionOffset } from '../types.js'

export interface ClusterDescription {
  clusterId: string | null
  controller: number
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[]
}

export interface TimeoutOption {
  timeoutMs?: number
}

export class Admin {
  readonly config: AdminConfig
  private readonly cluster: Cluster
  private closed = false

  constructor(config: AdminConfigInput) {
    this.config = parseConfig(adminSchema, config, 'admin')
    this.cluster = new Cluster({ ...this.config, 'allow.auto.create.topics': false })
  }

  private deadline(timeoutMs?: number): number {
    if (this.closed) throw new KafkaError('admin client is closed', { type: 'CLIENT_CLOSED' })
    return Date.now() + (timeoutMs ?? this.config['default.api.timeout.ms'])
  }

  /** Creates topics; resolves when the controller has accepted them all. */
  async createTopics(topics: NewTopic[], options: CreateTopicsOptions = {}): Promise<void> {
    await createTopics(this.cluster, topics, options, this.deadline(options.timeoutMs))
  }

  async deleteTopics(names: string[], options: TimeoutOption = {}): Promise<void> {
    await deleteTopics(this.cluster, names, this.deadline(options.timeoutMs))
  }

  /** Topic names (internal topics only with `listInternal`), sorted. */
  async listTopics(options: TimeoutOption & { listInternal?: boolean } = {}): Promise<string[]> {
    return listTopics(this.cluster, this.deadline(options.timeoutMs), options.listInternal)
  }

  async describeTopics(names: string[], options: TimeoutOption = {}): Promise<TopicDescription[]> {
    return describeTopics(this.cluster, names, this.deadline(options.timeoutMs))
  }

  /** Raises each topic's partition count to `count`. */
  async createPartitions(changes: NewPartitions[], options: TimeoutOption & { validateOnly?: boolean } = {}): Promise<void> {
    await createPartitions(this.cluster, changes, this.deadline(options.timeoutMs), options.validateOnly)
  }

  async describeCluster(options: TimeoutOption = {}): Promise<ClusterDescription> {
    const deadline = this.deadline(options.timeoutMs)
    return retry(
      'describeCluster',
      async () => {
        const conn = await this.cluster.anyConnection()
        if (conn.supports(DescribeClusterApi)) {
          const res = await conn.request(DescribeClusterApi, { includeClusterAuthorizedOperations: false, endpointType: 1 })
          if (res.errorCode !== 0) throw brokerError(res.errorCode, {}, res.errorMessage)
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
      { ...this.cluster.backoff, deadline },
    )
  }

  /** Offsets by time (`earliest`, `latest`, or a timestamp in ms) for each partition. */
  async listOffsets(queries: OffsetQuery[], options: TimeoutOption & ListOffsetsOptions = {}): Promise<ListedOffset[]> {
    return listOffsets(this.cluster, queries, this.deadline(options.timeoutMs), options)
  }

  /**
   * The configs of topics, brokers (name: the broker id, or '' for the
   * cluster-wide default), broker loggers or groups, in request order.
   * Sensitive values are null.
   */
  async describeConfigs(resources: ConfigResource[], options: TimeoutOption & DescribeConfigsOptions = {}): Promise<ConfigDescription[]> {
    return describeConfigs(this.cluster, resources, this.deadline(options.timeoutMs), options)
  }

  /** Sets, deletes (reverts to default), appends to or subtracts from config values (KIP-339). */
  async incrementalAlterConfigs(changes: ConfigChange[], options: TimeoutOption & { validateOnly?: boolean } = {}): Promise<void> {
    await incrementalAlterConfigs(this.cluster, changes, this.deadline(options.timeoutMs), options.validateOnly)
  }

  /** Consumer groups (classic and consumer) known to any broker, sorted by id. */
  async listConsumerGroups(options: TimeoutOption & ListConsumerGroupsOptions = {}): Promise<ConsumerGroupListing[]> {
    return listConsumerGroups(this.cluster, this.deadline(options.timeoutMs), options)
  }

  /** State, members and their assignments of each group, in request order. */
  async describeConsumerGroups(ids: string[], options: TimeoutOption = {}): Promise<ConsumerGroupDescription[]> {
    return describeConsumerGroups(this.cluster, ids, this.deadline(options.timeoutMs))
  }

  /** The group's committed offsets with each partition's log-end offset and lag, sorted by topic and partition. */
  async listConsumerGroupOffsets(groupId: string, options: TimeoutOption & ListGroupOffsetsOptions = {}): Promise<GroupOffset[]> {
    return listConsumerGroupOffsets(this.cluster, groupId, this.deadline(options.timeoutMs), options)
  }

  /** Commits offsets for a group that has no active members (e.g. to reset it). */
  async alterConsumerGroupOffsets(groupId: string, offsets: TopicPartitionOffset[], options: TimeoutOption = {}): Promise<void> {
    await alterConsumerGroupOffsets(this.cluster, groupId, offsets, this.deadline(options.timeoutMs))
  }

  /** Deletes empty groups and their committed offsets. A group with members fails with NON_EMPTY_GROUP. */
  async deleteConsumerGroups(ids: string[], options: TimeoutOption = {}): Promise<void> {
    await deleteConsumerGroups(this.cluster, ids, this.deadline(options.timeoutMs))
  }

  /** Deletes records before the given offsets (-1n: all records); resolves with the new low watermarks. */
  async deleteRecords(offsets: RecordsToDelete[], options: TimeoutOption = {}): Promise<DeletedRecords[]> {
    return deleteRecords(this.cluster, offsets, this.deadline(options.timeoutMs))
  }

  /** Creates ACLs (existing identical ones stay); see acls.ts for the model. */
  async createAcls(acls: AclBinding[], options: TimeoutOption = {}): Promise<void> {
    await createAcls(this.cluster, acls, this.deadline(options.timeoutMs))
  }

  /** The ACLs matching the filter (default: every ACL). */
  async describeAcls(filter: AclBindingFilter = {}, options: TimeoutOption = {}): Promise<AclDescription[]> {
    return describeAcls(this.cluster, filter, this.deadline(options.timeoutMs))
  }

  /** Deletes the ACLs matching any of the filters; resolves with those deleted. */
  async deleteAcls(filters: AclBindingFilter[], options: TimeoutOption = {}): Promise<AclDescription[]> {
    return deleteAcls(this.cluster, filters, this.deadline(options.timeoutMs))
  }

  /** Each user's SCRAM mechanisms and iteration counts (no users: every user with credentials). */
  async describeUserScramCredentials(users?: string[], options: TimeoutOption = {}): Promise<UserScramCredentialsDescription[]> {
    return describeUserScramCredentials(this.cluster, users, this.deadline(options.timeoutMs))
  }

  /** Creates, replaces or deletes SCRAM credentials; passwords are salted and hashed here, never sent. */
  async alterUserScramCredentials(alterations: ScramCredentialAlteration[], options: TimeoutOption = {}): Promise<void> {
    await alterUserScramCredentials(this.cluster, alterations, this.deadline(options.timeoutMs))
  }

  /** The quotas of the entities matching every component (none: all entities). */
  async describeClientQuotas(
    components: ClientQuotaFilterComponent[] = [],
    options: TimeoutOption & DescribeClientQuotasOptions = {},
  ): Promise<ClientQuotaDescription[]> {
    return describeClientQuotas(this.cluster, components, this.deadline(options.timeoutMs), options)
  }

  /** Sets (a number) or removes (null) quota values of each entity. */
  async alterClientQuotas(alterations: ClientQuotaAlteration[], options: TimeoutOption & { validateOnly?: boolean } = {}): Promise<void> {
    await alterClientQuotas(this.cluster, alterations, this.deadline(options.timeoutMs), options.validateOnly)
  }

  /** Releases every connection and timer. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true
    this.cluster.close()
  }
}
