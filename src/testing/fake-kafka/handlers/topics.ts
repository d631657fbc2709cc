// CreateTopics, DeleteTopics, CreatePartitions (the fake has no controller: any broker answers).
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeCreatePartitionsRequest, decodeCreateTopicsRequest, decodeDeleteTopicsRequest, encodeCreatePartitionsResponse,
  encodeCreateTopicsResponse, encodeDeleteTopicsResponse, type CreatePartitionsRequest, type CreatePartitionsResponseInput,
  type CreateTopicsRequest, type CreateTopicsResponseInput, type DeleteTopicsRequest,
  type DeleteTopicsResponseInput,
} from '../../../protocol/messages/index.js'
import type { CreatableTopicResultInput } from '../../../protocol/messages/create-topics.js'
import { ZERO_UUID } from '../../../protocol/writer.js'
import { defineHandler, type RequestContext } from '../api.js'
import { DEFAULT_TOPIC_CONFIGS, type ClusterState } from '../cluster.js'

/** Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'. */
export function validTopicName (name: string): boolean {
  return name.length > 0 && name.length <= 249 && name !== '.' && name !== '..' && /^[a-zA-Z0-9._-]+$/.test(name)
}

function createOne (ctx: RequestContext, t: CreateTopicsRequest['topics'][number], validateOnly: boolean): CreatableTopicResultInput {
  const cluster: ClusterState = ctx.cluster
  const fail = (errorCode: number, errorMessage: string): CreatableTopicResultInput =>
    ({ name: t.name, topicId: ZERO_UUID, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null })
  if (!validTopicName(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${t.name}" is illegal: use 1-249 characters of [a-zA-Z0-9._-]`)
  if (cluster.topics.has(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`)
  const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? cluster.defaultPartitions : t.numPartitions
  if (partitions <= 0) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.')
  const brokers = cluster.brokers.length
  const rf = t.assignments.length > 0 ? t.assignments[0]!.brokerIds.length : t.replicationFactor === -1 ? Math.min(3, brokers) : t.replicationFactor
  if (rf <= 0) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.')
  if (rf > brokers) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${brokers} broker(s) are registered.`)
  const configs = new Map<string, string>()
  for (const c of t.configs) if (c.value !== null) configs.set(c.name, c.value)
  let id = ZERO_UUID
  if (!validateOnly) {
    const topic = cluster.createTopic(t.name, partitions, rf, configs)
    t.assignments.forEach((a, i) => { if (a.brokerIds.length > 0) { topic.partitions[i]!.replicas = a.brokerIds; topic.partitions[i]!.leader = a.brokerIds[0]! } })
    id = topic.id
  }
  const all = new Map([...DEFAULT_TOPIC_CONFIGS, ...configs])
  return {
    name: t.name,
    topicId: id,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: partitions,
    replicationFactor: rf,
    configs: [...all].map(([name, value]) => ({ name, value, readOnly: false, configSource: configs.has(name) ? 1 : 5, isSensitive: false })),
  }
}

export const createTopicsHandler = defineHandler<CreateTopicsRequest, CreateTopicsResponseInput>({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 7,
  decodeRequest: decodeCreateTopicsRequest,
  encodeResponse: encodeCreateTopicsResponse,
  handle: (ctx, req) => ({ topics: req.topics.map((t) => createOne(ctx, t, req.validateOnly)) }),
  fail: (req, errorCode) => ({ topics: req.topics.map((t) => ({ name: t.name, errorCode, topicId: ZERO_UUID })) }),
})

export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, DeleteTopicsResponseInput>({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 1,
  maxVersion: 6,
  decodeRequest: decodeDeleteTopicsRequest,
  encodeResponse: encodeDeleteTopicsResponse,
  handle: (ctx, req) => {
    const wanted = req.topicNames.length > 0 ? req.topicNames.map((name) => ({ name, topicId: ZERO_UUID })) : req.topics
    return {
      responses: wanted.map((t) => {
        const topic = t.name !== null ? ctx.cluster.topics.get(t.name) : ctx.cluster.topicsById.get(t.topicId)
        if (topic === undefined) {
          return {
            name: t.name,
            topicId: t.topicId,
            errorCode: t.name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID,
            errorMessage: 'This server does not host this topic.',
          }
        }
        ctx.cluster.deleteTopic(topic)
        return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null }
      }),
    }
  },
  fail: (req, errorCode) => ({
    responses: (req.topicNames.length > 0 ? req.topicNames.map((name) => ({ name, topicId: ZERO_UUID })) : req.topics)
      .map((t) => ({ name: t.name, topicId: t.topicId, errorCode })),
  }),
})

export const createPartitionsHandler = defineHandler<CreatePartitionsRequest, CreatePartitionsResponseInput>({
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  decodeRequest: decodeCreatePartitionsRequest,
  encodeResponse: encodeCreatePartitionsResponse,
  handle: (ctx, req) => ({
    results: req.topics.map((t) => {
      const topic = ctx.cluster.topics.get(t.name)
      if (topic === undefined) return { name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${t.name}' does not exist.` }
      if (t.count <= topic.partitions.length) {
        return {
          name: t.name,
          errorCode: ErrorCode.INVALID_PARTITIONS,
          errorMessage: `Topic currently has ${topic.partitions.length} partitions, which is higher than the requested ${t.count}.`,
        }
      }
      if (!req.validateOnly) ctx.cluster.addPartitions(topic, t.count)
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null }
    }),
  }),
  fail: (req, errorCode) => ({ results: req.topics.map((t) => ({ name: t.name, errorCode })) }),
})
