// The classic group protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeHeartbeatRequest, decodeJoinGroupRequest, decodeLeaveGroupRequest, decodeSyncGroupRequest, encodeHeartbeatResponse,
  encodeJoinGroupResponse, encodeLeaveGroupResponse, encodeSyncGroupResponse, type HeartbeatRequest, type HeartbeatResponseInput,
  type JoinGroupRequest, type JoinGroupResponseInput, type LeaveGroupRequest, type LeaveGroupResponseInput, type SyncGroupRequest,
  type SyncGroupResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler } from '../api.js'
import { isCoordinator } from './coordinator.js'

export const joinGroupHandler = defineHandler<JoinGroupRequest, JoinGroupResponseInput>({
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 2,
  maxVersion: 9,
  decodeRequest: decodeJoinGroupRequest,
  encodeResponse: encodeJoinGroupResponse,
  handle: async (ctx, req) => {
    if (!isCoordinator(ctx, req.groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, generationId: -1, memberId: req.memberId, leader: '', members: [] }
    const r = await ctx.coordinators.groups.join({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      requireKnownMemberId: ctx.version >= 4,
      clientId: ctx.clientId ?? '',
      clientHost: ctx.clientHost,
    })
    // protocolName is nullable from v7 only; before, Kafka answers '' for "none chosen" (KafkaJS asks v5)
    return r.protocolName === null && ctx.version < 7 ? { ...r, protocolName: '' } : r
  },
  fail: (req, errorCode) => ({ errorCode, generationId: -1, memberId: req.memberId, leader: '', members: [] }),
})

export const syncGroupHandler = defineHandler<SyncGroupRequest, SyncGroupResponseInput>({
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeSyncGroupRequest,
  encodeResponse: encodeSyncGroupResponse,
  handle: async (ctx, req) => {
    if (!isCoordinator(ctx, req.groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR }
    const r = await ctx.coordinators.groups.sync(req.groupId, req.generationId, req.memberId, req.assignments)
    const group = ctx.coordinators.groups.classic.get(req.groupId)
    return { errorCode: r.errorCode, assignment: r.assignment, protocolType: group?.protocolType ?? null, protocolName: group?.protocolName ?? null }
  },
  fail: (_req, errorCode) => ({ errorCode }),
})

export const heartbeatHandler = defineHandler<HeartbeatRequest, HeartbeatResponseInput>({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  decodeRequest: decodeHeartbeatRequest,
  encodeResponse: encodeHeartbeatResponse,
  handle: (ctx, req) => ({
    errorCode: isCoordinator(ctx, req.groupId) ? ctx.coordinators.groups.heartbeat(req.groupId, req.generationId, req.memberId) : ErrorCode.NOT_COORDINATOR,
  }),
  fail: (_req, errorCode) => ({ errorCode }),
})

export const leaveGroupHandler = defineHandler<LeaveGroupRequest, LeaveGroupResponseInput>({
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeLeaveGroupRequest,
  encodeResponse: encodeLeaveGroupResponse,
  handle: (ctx, req) => {
    if (!isCoordinator(ctx, req.groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR }
    const groups = ctx.coordinators.groups
    if (ctx.version < 3) return { errorCode: groups.leave(req.groupId, req.memberId, null) }
    return {
      errorCode: ErrorCode.NONE,
      members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: groups.leave(req.groupId, m.memberId, m.groupInstanceId) })),
    }
  },
  fail: (_req, errorCode) => ({ errorCode }),
})
