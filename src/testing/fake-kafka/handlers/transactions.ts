// InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn (transactions v1: clients add partitions explicitly).
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeAddOffsetsToTxnRequest, decodeAddPartitionsToTxnRequest, decodeEndTxnRequest, decodeInitProducerIdRequest,
  encodeAddOffsetsToTxnResponse, encodeAddPartitionsToTxnResponse, encodeEndTxnResponse, encodeInitProducerIdResponse,
  type AddOffsetsToTxnRequest, type AddOffsetsToTxnResponseInput, type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponseInput, type EndTxnRequest, type EndTxnResponseInput, type InitProducerIdRequest,
  type InitProducerIdResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler, type RequestContext } from '../api.js'
import { isCoordinator } from './coordinator.js'

/** Before v2 of InitProducerId/EndTxn... a fenced producer heard INVALID_PRODUCER_EPOCH (PRODUCER_FENCED is KIP-588). */
function fenced (code: number, ctx: RequestContext, firstVersionWithFenced: number): number {
  return code === ErrorCode.PRODUCER_FENCED && ctx.version < firstVersionWithFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : code
}

export const initProducerIdHandler = defineHandler<InitProducerIdRequest, InitProducerIdResponseInput>({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeInitProducerIdRequest,
  encodeResponse: encodeInitProducerIdResponse,
  handle: (ctx, req) => {
    if (req.transactionalId !== null && !isCoordinator(ctx, req.transactionalId)) return { errorCode: ErrorCode.NOT_COORDINATOR, producerId: -1n, producerEpoch: -1 }
    const r = ctx.coordinators.txn.initProducerId(req.transactionalId, ctx.version >= 3 ? req.producerId : -1n, ctx.version >= 3 ? req.producerEpoch : -1)
    return { ...r, errorCode: fenced(r.errorCode, ctx, 4) }
  },
  fail: (_req, errorCode) => ({ errorCode, producerId: -1n, producerEpoch: -1 }),
})

export const addPartitionsToTxnHandler = defineHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponseInput>({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  // v4+ are the brokers' batched verification requests
  maxVersion: 3,
  decodeRequest: decodeAddPartitionsToTxnRequest,
  encodeResponse: encodeAddPartitionsToTxnResponse,
  handle: (ctx, req) => {
    const topics = req.v3AndBelowTopics
    let results: Map<string, Map<number, number>>
    if (!isCoordinator(ctx, req.v3AndBelowTransactionalId)) {
      results = new Map(topics.map((t) => [t.name, new Map(t.partitions.map((p) => [p, ErrorCode.NOT_COORDINATOR]))]))
    } else {
      results = ctx.coordinators.txn.addPartitions(req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, topics)
    }
    return {
      resultsByTopicV3AndBelow: [...results].map(([name, ps]) => ({
        name,
        resultsByPartition: [...ps].map(([partitionIndex, code]) => ({ partitionIndex, partitionErrorCode: fenced(code, ctx, 3) })),
      })),
    }
  },
  fail: (req, errorCode) => ({
    resultsByTopicV3AndBelow: req.v3AndBelowTopics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: errorCode })) })),
  }),
})

export const addOffsetsToTxnHandler = defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponseInput>({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeAddOffsetsToTxnRequest,
  encodeResponse: encodeAddOffsetsToTxnResponse,
  handle: (ctx, req) => ({
    errorCode: isCoordinator(ctx, req.transactionalId)
      ? fenced(ctx.coordinators.txn.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId), ctx, 3)
      : ErrorCode.NOT_COORDINATOR,
  }),
  fail: (_req, errorCode) => ({ errorCode }),
})

export const endTxnHandler = defineHandler<EndTxnRequest, EndTxnResponseInput>({
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  // v5 is transactions v2 (KIP-890)
  maxVersion: 4,
  decodeRequest: decodeEndTxnRequest,
  encodeResponse: encodeEndTxnResponse,
  handle: (ctx, req) => ({
    errorCode: isCoordinator(ctx, req.transactionalId)
      ? fenced(ctx.coordinators.txn.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed), ctx, 3)
      : ErrorCode.NOT_COORDINATOR,
  }),
  fail: (_req, errorCode) => ({ errorCode }),
})
