// ListOffsets: earliest, latest (high watermark or last stable offset), max timestamp, by timestamp.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeListOffsetsRequest, encodeListOffsetsResponse, type ListOffsetsRequest, type ListOffsetsResponseInput,
} from '../../../protocol/messages/index.js'
import type { ListOffsetsPartitionResponseInput } from '../../../protocol/messages/list-offsets.js'
import { defineHandler, type RequestContext } from '../api.js'

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const EARLIEST_LOCAL = -4n
const LATEST_TIERED = -5n

function lookUp (ctx: RequestContext, topic: string, p: ListOffsetsRequest['topics'][number]['partitions'][number], committed: boolean): ListOffsetsPartitionResponseInput {
  const log = ctx.cluster.partition(topic, p.partitionIndex)
  const answer = (offset: bigint, timestamp = -1n): ListOffsetsPartitionResponseInput => ({
    partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp, offset, leaderEpoch: ctx.version >= 4 ? log!.leaderEpoch : -1,
  })
  if (log === undefined) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1n, timestamp: -1n }
  if (log.leader !== ctx.broker.nodeId) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, offset: -1n, timestamp: -1n }
  if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < log.leaderEpoch) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.FENCED_LEADER_EPOCH, offset: -1n }
  if (p.currentLeaderEpoch > log.leaderEpoch) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1n }
  const ts = p.timestamp
  if (ts === LATEST) return answer(committed ? log.lastStableOffset : log.highWatermark)
  if (ts === EARLIEST || ts === EARLIEST_LOCAL) return answer(log.logStartOffset)
  if (ts === LATEST_TIERED) return answer(-1n)
  if (ts === MAX_TIMESTAMP) {
    const m = log.maxTimestampOffset()
    return m === null ? answer(-1n) : answer(m.offset, m.timestamp)
  }
  const found = log.offsetForTimestamp(ts)
  return found === null ? answer(-1n) : answer(found.offset, found.timestamp)
}

export const listOffsetsHandler = defineHandler<ListOffsetsRequest, ListOffsetsResponseInput>({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  decodeRequest: decodeListOffsetsRequest,
  encodeResponse: encodeListOffsetsResponse,
  handle: (ctx, req) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => lookUp(ctx, t.name, p, req.isolationLevel === 1)) })),
  }),
  fail: (req, errorCode) => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, offset: -1n, timestamp: -1n })) })),
  }),
})
