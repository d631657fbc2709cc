/**
 * Admin: manages topics, partitions, offsets and (later) configs and groups.
 *
 * Contract: the config is validated in the constructor (ConfigError). Each
 * call retries retriable failures until its deadline — `timeoutMs` when the
 * call takes one, else `default.api.timeout.ms` — and then fails with a
 * TimeoutError carrying the last error. Broker errors surface as KafkaError
 * with the broker's `type` and `code`. Connections open lazily on the first
 * call; `close()` releases every socket and timer so the process can exit.
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
    this.cluster = new Cluster(this.config)
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

  /** Releases every connection and timer. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true
    this.cluster.close()
  }
}
