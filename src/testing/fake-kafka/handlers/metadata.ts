// Metadata: live brokers, topics (auto-created when allowed) and partition leaders.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeMetadataRequest, encodeMetadataResponse, type MetadataRequest, type MetadataResponseInput,
} from '../../../protocol/messages/index.js'
import type { MetadataResponseTopicInput } from '../../../protocol/messages/metadata.js'
import { ZERO_UUID } from '../../../protocol/writer.js'
import { defineHandler, type RequestContext } from '../api.js'
import type { ClusterState, Topic } from '../cluster.js'
import { validTopicName } from './topics.js'

const UNKNOWN_OPERATIONS = -2147483648

export function describeTopic (cluster: ClusterState, topic: Topic): MetadataResponseTopicInput {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: false,
    topicAuthorizedOperations: UNKNOWN_OPERATIONS,
    partitions: topic.partitions.map((p) => {
      const leaderAlive = cluster.broker(p.leader)?.alive === true
      const isr = p.replicas.filter((r) => cluster.broker(r)?.alive === true)
      return {
        errorCode: leaderAlive ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p.index,
        leaderId: leaderAlive ? p.leader : -1,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: isr,
        offlineReplicas: p.replicas.filter((r) => !isr.includes(r)),
      }
    }),
  }
}

function topicsFor (ctx: RequestContext, req: MetadataRequest): MetadataResponseTopicInput[] {
  const { cluster } = ctx
  if (req.topics === null) return [...cluster.topics.values()].map((t) => describeTopic(cluster, t))
  return req.topics.map((t) => {
    let topic = t.name !== null ? cluster.topics.get(t.name) : cluster.topicsById.get(t.topicId)
    if (topic === undefined && t.name !== null && req.allowAutoTopicCreation && cluster.autoCreateTopics) {
      if (!validTopicName(t.name)) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name: t.name, topicId: ZERO_UUID }
      topic = cluster.createTopic(t.name, cluster.defaultPartitions, cluster.brokers.length)
    }
    if (topic === undefined) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: t.name, topicId: t.topicId, topicAuthorizedOperations: UNKNOWN_OPERATIONS }
    }
    return describeTopic(cluster, topic)
  })
}

function brokers (ctx: RequestContext): MetadataResponseInput['brokers'] {
  return ctx.cluster.aliveBrokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null }))
}

export const metadataHandler = defineHandler<MetadataRequest, MetadataResponseInput>({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  decodeRequest: decodeMetadataRequest,
  encodeResponse: encodeMetadataResponse,
  handle: (ctx, req) => ({
    brokers: brokers(ctx),
    clusterId: ctx.cluster.clusterId,
    controllerId: ctx.cluster.aliveBrokers()[0]?.nodeId ?? -1,
    topics: topicsFor(ctx, req),
    clusterAuthorizedOperations: UNKNOWN_OPERATIONS,
  }),
  fail: (req, errorCode, ctx) => ({
    brokers: brokers(ctx),
    clusterId: ctx.cluster.clusterId,
    controllerId: ctx.cluster.aliveBrokers()[0]?.nodeId ?? -1,
    topics: (req.topics ?? [...ctx.cluster.topics.values()]).map((t) => ({ errorCode, name: t.name, topicId: 'topicId' in t ? t.topicId : t.id })),
  }),
})
