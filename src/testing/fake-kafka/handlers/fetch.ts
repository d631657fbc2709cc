// Fetch: sessionless (every response answers sessionId 0, so clients send full requests), long-polling up to maxWaitMs.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeFetchRequest, encodeFetchResponse, type FetchRequest, type FetchResponseInput,
} from '../../../protocol/messages/index.js'
import type { PartitionDataInput } from '../../../protocol/messages/fetch.js'
import { defineHandler, type RequestContext } from '../api.js'
import type { Topic } from '../cluster.js'

const READ_COMMITTED = 1

interface Pass { responses: FetchResponseInput['responses'], bytes: number }

function fetchOnce (ctx: RequestContext, req: FetchRequest, byId: boolean): Pass {
  let bytes = 0
  let budget = req.maxBytes > 0 ? req.maxBytes : 2147483647
  const responses = req.topics.map((t) => {
    const topic: Topic | undefined = byId ? ctx.cluster.topicsById.get(t.topicId) : ctx.cluster.topics.get(t.topic)
    const partitions = t.partitions.map((p): PartitionDataInput => {
      const base = { partitionIndex: p.partition, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null }
      if (topic === undefined) return { ...base, errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
      const log = topic.partitions[p.partition]
      if (log === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
      if (log.leader !== ctx.broker.nodeId) {
        const currentLeader = ctx.version >= 12 ? { leaderId: log.leader, leaderEpoch: log.leaderEpoch } : undefined
        return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, currentLeader }
      }
      if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < log.leaderEpoch) return { ...base, errorCode: ErrorCode.FENCED_LEADER_EPOCH }
      if (p.currentLeaderEpoch > log.leaderEpoch) return { ...base, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH }
      const hw = log.highWatermark
      const lso = log.lastStableOffset
      const info = { partitionIndex: p.partition, highWatermark: hw, lastStableOffset: lso, logStartOffset: log.logStartOffset }
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > hw) return { ...info, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null }
      const committed = req.isolationLevel === READ_COMMITTED
      const limit = committed ? lso : hw
      const records = budget > 0 ? log.read(p.fetchOffset, limit, Math.min(p.partitionMaxBytes, budget)) : Buffer.alloc(0)
      bytes += records.length
      budget -= records.length
      return {
        ...info,
        errorCode: ErrorCode.NONE,
        abortedTransactions: committed ? log.abortedBetween(p.fetchOffset, limit).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })) : null,
        records,
      }
    })
    return { topic: t.topic, topicId: t.topicId, partitions }
  })
  return { responses, bytes }
}

export const fetchHandler = defineHandler<FetchRequest, FetchResponseInput>({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  decodeRequest: decodeFetchRequest,
  encodeResponse: encodeFetchResponse,
  handle: async (ctx, req) => {
    const byId = ctx.version >= 13
    const deadline = Date.now() + Math.max(0, req.maxWaitMs)
    for (;;) {
      const pass = fetchOnce(ctx, req, byId)
      const erred = pass.responses!.some((t) => t.partitions!.some((p) => p.errorCode !== ErrorCode.NONE))
      const left = deadline - Date.now()
      if (pass.bytes >= Math.max(1, req.minBytes) || erred || left <= 0 || ctx.signal.aborted || req.topics.length === 0) {
        return { errorCode: ErrorCode.NONE, sessionId: 0, responses: pass.responses }
      }
      await ctx.cluster.waitForData(left, ctx.signal)
    }
  },
  fail: (req, errorCode) => ({
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: req.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode, highWatermark: -1n, lastStableOffset: -1n, records: null })),
    })),
  }),
})
