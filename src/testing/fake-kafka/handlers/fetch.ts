// Fetch: long-polling up to maxWaitMs, read_committed up to the last stable offset, and KIP-227 fetch sessions (fetch-sessions.ts).
import { ErrorCode } from '../../../protocol/errors.js'
import { isFetchSessionError } from '../../../protocol/error-classes.js'
import {
  decodeFetchRequest, encodeFetchResponse, type FetchRequest, type FetchResponseInput,
} from '../../../protocol/messages/index.js'
import type { PartitionDataInput } from '../../../protocol/messages/fetch.js'
import { ZERO_UUID } from '../../../protocol/writer.js'
import { defineHandler, type RequestContext } from '../api.js'
import { sessionKey, type CachedPartition, type FetchSession } from '../fetch-sessions.js'

const READ_COMMITTED = 1
const FINAL_EPOCH = -1
const INITIAL_EPOCH = 0
/** Fetch v7 brought sessions. */
const FIRST_SESSION_VERSION = 7

/** One partition to read: the request's (full fetch) or the session's (incremental). */
type Wanted = Omit<CachedPartition, 'highWatermark' | 'lastStableOffset' | 'logStartOffset'>

interface Read { wanted: Wanted, data: PartitionDataInput, bytes: number }

function readPartition (ctx: RequestContext, req: FetchRequest, byId: boolean, p: Wanted, budget: number): Read {
  const topic = byId ? ctx.cluster.topicsById.get(p.topicId) : ctx.cluster.topics.get(p.topic)
  const base = { partitionIndex: p.partition, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null }
  const fail = (errorCode: number, extra: Partial<PartitionDataInput> = {}): Read => ({ wanted: p, data: { ...base, errorCode, ...extra }, bytes: 0 })
  if (topic === undefined) return fail(byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const log = topic.partitions[p.partition]
  if (log === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (log.leader !== ctx.broker.nodeId) {
    return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER, ctx.version >= 12 ? { currentLeader: { leaderId: log.leader, leaderEpoch: log.leaderEpoch } } : {})
  }
  if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < log.leaderEpoch) return fail(ErrorCode.FENCED_LEADER_EPOCH)
  if (p.currentLeaderEpoch > log.leaderEpoch) return fail(ErrorCode.UNKNOWN_LEADER_EPOCH)
  const hw = log.highWatermark
  const lso = log.lastStableOffset
  const info = { partitionIndex: p.partition, highWatermark: hw, lastStableOffset: lso, logStartOffset: log.logStartOffset }
  if (p.fetchOffset < log.logStartOffset || p.fetchOffset > hw) return { wanted: p, data: { ...info, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null }, bytes: 0 }
  const committed = req.isolationLevel === READ_COMMITTED
  const limit = committed ? lso : hw
  const records = budget > 0 ? log.read(p.fetchOffset, limit, Math.min(p.maxBytes, budget)) : Buffer.alloc(0)
  return {
    wanted: p,
    data: {
      ...info,
      errorCode: ErrorCode.NONE,
      abortedTransactions: committed ? log.abortedBetween(p.fetchOffset, limit).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })) : null,
      records,
    },
    bytes: records.length,
  }
}

/** Reads every wanted partition once, within the request's maxBytes. */
function readAll (ctx: RequestContext, req: FetchRequest, byId: boolean, wanted: Iterable<Wanted>): Read[] {
  let budget = req.maxBytes > 0 ? req.maxBytes : 2147483647
  const out: Read[] = []
  for (const p of wanted) {
    const r = readPartition(ctx, req, byId, p, budget)
    budget -= r.bytes
    out.push(r)
  }
  return out
}

/** Groups partition data by topic, in the order given. */
function byTopic (reads: Read[]): NonNullable<FetchResponseInput['responses']> {
  const topics = new Map<string, { topic: string, topicId: string, partitions: PartitionDataInput[] }>()
  for (const r of reads) {
    const k = `${r.wanted.topicId}\u0000${r.wanted.topic}`
    let t = topics.get(k)
    if (t === undefined) { t = { topic: r.wanted.topic, topicId: r.wanted.topicId, partitions: [] }; topics.set(k, t) }
    t.partitions.push(r.data)
  }
  return [...topics.values()]
}

function requested (req: FetchRequest, byId: boolean, ctx: RequestContext): Wanted[] {
  return req.topics.flatMap((t) => {
    // v13+ names topics by id; the response's name field is not sent then
    const topic = byId ? ctx.cluster.topicsById.get(t.topicId)?.name ?? '' : t.topic
    return t.partitions.map((p) => ({
      topic,
      topicId: byId ? t.topicId : ZERO_UUID,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      currentLeaderEpoch: p.currentLeaderEpoch,
      maxBytes: p.partitionMaxBytes,
    }))
  })
}

/** Reads `wanted` until there are minBytes, an error, maxWaitMs passes, or the connection closes. */
async function longPoll (ctx: RequestContext, req: FetchRequest, byId: boolean, wanted: () => Wanted[]): Promise<Read[]> {
  const deadline = Date.now() + Math.max(0, req.maxWaitMs)
  for (;;) {
    const list = wanted()
    const reads = readAll(ctx, req, byId, list)
    const bytes = reads.reduce((n, r) => n + r.bytes, 0)
    const erred = reads.some((r) => r.data.errorCode !== ErrorCode.NONE)
    const left = deadline - Date.now()
    if (bytes >= Math.max(1, req.minBytes) || erred || left <= 0 || ctx.signal.aborted || list.length === 0) return reads
    await ctx.cluster.waitForData(left, ctx.signal)
  }
}

function sessionError (errorCode: number): FetchResponseInput {
  return { errorCode, sessionId: 0, responses: [] }
}

/** Whether a partition goes into an incremental response; records what the client now knows. */
function mustRespond (cached: CachedPartition, r: Read): boolean {
  const d = r.data
  let respond = r.bytes > 0 || d.errorCode !== ErrorCode.NONE
  if (d.highWatermark !== cached.highWatermark) { cached.highWatermark = d.highWatermark!; respond = true }
  if (d.lastStableOffset !== cached.lastStableOffset) { cached.lastStableOffset = d.lastStableOffset!; respond = true }
  if (d.logStartOffset !== cached.logStartOffset) { cached.logStartOffset = d.logStartOffset!; respond = true }
  return respond
}

function cache (r: Read): CachedPartition {
  return { ...r.wanted, highWatermark: r.data.highWatermark!, lastStableOffset: r.data.lastStableOffset!, logStartOffset: r.data.logStartOffset! }
}

async function fullFetch (ctx: RequestContext, req: FetchRequest, byId: boolean): Promise<FetchResponseInput> {
  const sessions = ctx.broker.fetchSessions
  const withSessions = ctx.version >= FIRST_SESSION_VERSION
  // a full fetch closes the session it names; epoch -1 asks for none in its place
  if (withSessions && req.sessionId !== 0) sessions.remove(req.sessionId)
  const wanted = requested(req, byId, ctx)
  const reads = await longPoll(ctx, req, byId, () => wanted)
  let sessionId = 0
  if (withSessions && req.sessionEpoch === INITIAL_EPOCH && wanted.length > 0 && !ctx.signal.aborted) {
    const session = sessions.create(byId)
    if (session !== undefined) {
      for (const r of reads) session.partitions.set(sessionKey(byId, r.wanted.topic, r.wanted.topicId, r.wanted.partition), cache(r))
      sessionId = session.id
    }
  }
  return { errorCode: ErrorCode.NONE, sessionId, responses: byTopic(reads) }
}

function updateSession (session: FetchSession, req: FetchRequest, byId: boolean, ctx: RequestContext): void {
  for (const p of requested(req, byId, ctx)) {
    const k = sessionKey(byId, p.topic, p.topicId, p.partition)
    const cached = session.partitions.get(k)
    if (cached !== undefined) Object.assign(cached, p)
    else session.partitions.set(k, { ...p, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n })
  }
  for (const t of req.forgottenTopicsData) {
    for (const partition of t.partitions) session.partitions.delete(sessionKey(byId, t.topic, t.topicId, partition))
  }
}

async function incrementalFetch (ctx: RequestContext, req: FetchRequest, byId: boolean): Promise<FetchResponseInput> {
  const sessions = ctx.broker.fetchSessions
  const session = sessions.get(req.sessionId)
  if (session === undefined) return sessionError(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  if (session.epoch !== req.sessionEpoch) return sessionError(ErrorCode.INVALID_FETCH_SESSION_EPOCH)
  if (session.usesTopicIds !== byId) return sessionError(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR)
  updateSession(session, req, byId, ctx)
  if (session.partitions.size === 0) {
    // nothing left to fetch: the session ends, the answer is sessionless
    sessions.remove(session.id)
    return { errorCode: ErrorCode.NONE, sessionId: 0, responses: [] }
  }
  session.nextEpoch()
  const reads = await longPoll(ctx, req, byId, () => [...session.partitions.values()])
  const sent: Read[] = []
  for (const r of reads) {
    const k = sessionKey(byId, r.wanted.topic, r.wanted.topicId, r.wanted.partition)
    const cached = session.partitions.get(k)
    if (cached === undefined || !mustRespond(cached, r)) continue
    // answered partitions go to the end of the session's order
    session.partitions.delete(k)
    session.partitions.set(k, cached)
    sent.push(r)
  }
  return { errorCode: ErrorCode.NONE, sessionId: session.id, responses: byTopic(sent) }
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
    const full = ctx.version < FIRST_SESSION_VERSION || req.sessionEpoch === INITIAL_EPOCH || req.sessionEpoch === FINAL_EPOCH
    return full ? await fullFetch(ctx, req, byId) : await incrementalFetch(ctx, req, byId)
  },
  fail: (req, errorCode) => isFetchSessionError(errorCode)
    ? sessionError(errorCode)
    : {
        errorCode: ErrorCode.NONE,
        sessionId: 0,
        responses: req.topics.map((t) => ({
          topic: t.topic,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode, highWatermark: -1n, lastStableOffset: -1n, records: null })),
        })),
      },
})
