// OffsetCommit, OffsetFetch and TxnOffsetCommit (offsets committed in a transaction wait for EndTxn).
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeOffsetCommitRequest, decodeOffsetFetchRequest, decodeTxnOffsetCommitRequest, encodeOffsetCommitResponse,
  encodeOffsetFetchResponse, encodeTxnOffsetCommitResponse, type OffsetCommitRequest, type OffsetCommitResponseInput,
  type OffsetFetchRequest, type OffsetFetchResponseInput, type TxnOffsetCommitRequest, type TxnOffsetCommitResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler, type RequestContext } from '../api.js'
import { isCoordinator } from './coordinator.js'

export const offsetCommitHandler = defineHandler<OffsetCommitRequest, OffsetCommitResponseInput>({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  decodeRequest: decodeOffsetCommitRequest,
  encodeResponse: encodeOffsetCommitResponse,
  handle: (ctx, req) => {
    const groups = ctx.coordinators.groups
    let error = isCoordinator(ctx, req.groupId) ? groups.validateCommit(req.groupId, req.generationIdOrMemberEpoch, req.memberId) : ErrorCode.NOT_COORDINATOR
    if (error === ErrorCode.NONE && req.topics.some((t) => t.partitions.some((p) => p.committedMetadata !== null && p.committedMetadata.length > 4096))) {
      error = ErrorCode.OFFSET_METADATA_TOO_LARGE
    }
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          let code = error
          if (code === ErrorCode.NONE && ctx.cluster.partition(t.name, p.partitionIndex) === undefined) code = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          if (code === ErrorCode.NONE) groups.commit(req.groupId, t.name, p.partitionIndex, { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })
          return { partitionIndex: p.partitionIndex, errorCode: code }
        }),
      })),
    }
  },
  fail: (req, errorCode) => ({ topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) }),
})

interface FetchedTopic {
  name: string
  partitions: Array<{ partitionIndex: number, committedOffset: bigint, committedLeaderEpoch: number, metadata: string | null, errorCode: number }>
}

function fetchGroup (ctx: RequestContext, groupId: string, topics: Array<{ name: string, partitionIndexes: number[] }> | null, requireStable: boolean): { errorCode: number, topics: FetchedTopic[] } {
  if (!isCoordinator(ctx, groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] }
  const groups = ctx.coordinators.groups
  const wanted = topics ?? [...groups.committedTopics(groupId)].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
  return {
    errorCode: ErrorCode.NONE,
    topics: wanted.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => {
        if (requireStable && groups.hasPending(groupId, t.name, p)) {
          return { partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
        }
        const c = groups.committed(groupId, t.name, p)
        return { partitionIndex: p, committedOffset: c?.offset ?? -1n, committedLeaderEpoch: c?.leaderEpoch ?? -1, metadata: c?.metadata ?? '', errorCode: ErrorCode.NONE }
      }),
    })),
  }
}

export const offsetFetchHandler = defineHandler<OffsetFetchRequest, OffsetFetchResponseInput>({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  decodeRequest: decodeOffsetFetchRequest,
  encodeResponse: encodeOffsetFetchResponse,
  handle: (ctx, req) => {
    if (ctx.version >= 8) {
      return {
        groups: req.groups.map((g) => {
          const r = fetchGroup(ctx, g.groupId, g.topics === null ? null : g.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })), req.requireStable)
          return { groupId: g.groupId, errorCode: r.errorCode, topics: r.topics }
        }),
      }
    }
    const r = fetchGroup(ctx, req.groupId, req.topics, req.requireStable)
    return { errorCode: r.errorCode, topics: r.topics }
  },
  fail: (req, errorCode, ctx) => ctx.version >= 8
    ? { groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })) }
    : { errorCode, topics: [] },
})

export const txnOffsetCommitHandler = defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponseInput>({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeTxnOffsetCommitRequest,
  encodeResponse: encodeTxnOffsetCommitResponse,
  handle: (ctx, req) => {
    const groups = ctx.coordinators.groups
    let error = isCoordinator(ctx, req.groupId)
      ? ctx.coordinators.txn.checkOffsetCommit(req.transactionalId, req.producerId, req.producerEpoch, req.groupId)
      : ErrorCode.NOT_COORDINATOR
    if (error === ErrorCode.NONE && ctx.version >= 3 && req.generationId >= 0) error = groups.validateCommit(req.groupId, req.generationId, req.memberId)
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (error === ErrorCode.NONE) {
            groups.commitPending(req.groupId, req.producerId, t.name, p.partitionIndex, { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })
          }
          return { partitionIndex: p.partitionIndex, errorCode: error }
        }),
      })),
    }
  },
  fail: (req, errorCode) => ({ topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) }),
})
