// Produce: CRC-checked record batches appended to the leader's log, with idempotent sequence checks.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeProduceRequest, encodeProduceResponse, type ProduceRequest, type ProduceResponseInput,
} from '../../../protocol/messages/index.js'
import type { PartitionProduceResponseInput } from '../../../protocol/messages/produce.js'
import { readBatches } from '../../../protocol/records/index.js'
import { defineHandler, type RequestContext } from '../api.js'

function produceOne (ctx: RequestContext, topicName: string, index: number, records: Buffer | null, transactionalId: string | null): PartitionProduceResponseInput {
  const log = ctx.cluster.partition(topicName, index)
  if (log === undefined) return { index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n }
  if (log.leader !== ctx.broker.nodeId) {
    const currentLeader = ctx.version >= 10 ? { leaderId: log.leader, leaderEpoch: log.leaderEpoch } : undefined
    return { index, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1n, currentLeader }
  }
  let batches
  try {
    batches = readBatches(records ?? Buffer.alloc(0))
  } catch (err) {
    return { index, errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n, errorMessage: (err as Error).message }
  }
  if (batches.length === 0) return { index, errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n, errorMessage: 'no complete record batch' }
  const logAppendTime = ctx.cluster.topics.get(topicName)?.configs.get('message.timestamp.type') === 'LogAppendTime'
  let first = -1n
  let at = 0
  const now = Date.now()
  for (const batch of batches) {
    const bytes = records!.subarray(at, at + batch.sizeInBytes)
    at += batch.sizeInBytes
    if (batch.isTransactional) {
      const error = ctx.coordinators.txn.checkProduce(transactionalId, batch.producerId, batch.producerEpoch, topicName, index)
      if (error !== ErrorCode.NONE) return { index, errorCode: error, baseOffset: -1n }
    }
    const result = log.append(batch, bytes, now, logAppendTime)
    if (result.errorCode !== ErrorCode.NONE) {
      return { index, errorCode: result.errorCode, baseOffset: -1n, errorMessage: result.errorMessage ?? null, logStartOffset: log.logStartOffset }
    }
    if (first < 0n) first = result.baseOffset
  }
  ctx.cluster.notify()
  return { index, errorCode: ErrorCode.NONE, baseOffset: first, logAppendTimeMs: logAppendTime ? BigInt(now) : -1n, logStartOffset: log.logStartOffset }
}

export const produceHandler = defineHandler<ProduceRequest, ProduceResponseInput>({
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  // v12 belongs to transactions v2 (KIP-890), which the fake does not offer
  maxVersion: 11,
  decodeRequest: decodeProduceRequest,
  encodeResponse: encodeProduceResponse,
  handle: (ctx, req) => {
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => produceOne(ctx, t.name, p.index, p.records, req.transactionalId)),
    }))
    return req.acks === 0 ? null : { responses }
  },
  fail: (req, errorCode) => ({
    responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1n })) })),
  }),
})
