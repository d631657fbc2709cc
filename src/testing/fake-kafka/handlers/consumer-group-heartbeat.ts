// ConsumerGroupHeartbeat (KIP-848): membership, epochs and assignments computed by the fake.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeConsumerGroupHeartbeatRequest, encodeConsumerGroupHeartbeatResponse, type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler } from '../api.js'
import { isCoordinator } from './coordinator.js'

export const consumerGroupHeartbeatHandler = defineHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponseInput>({
  apiKey: 68,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: decodeConsumerGroupHeartbeatRequest,
  encodeResponse: encodeConsumerGroupHeartbeatResponse,
  handle: (ctx, req) => {
    if (!isCoordinator(ctx, req.groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, memberEpoch: -1 }
    if (ctx.version >= 1 && req.memberEpoch === 0 && req.memberId === '') {
      return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'MemberId can\'t be empty.', memberEpoch: -1 }
    }
    const classic = ctx.coordinators.groups.classic.get(req.groupId)
    return ctx.coordinators.groups.consumer.heartbeat(req, classic !== undefined && classic.members.size > 0, { clientId: ctx.clientId ?? '', clientHost: ctx.clientHost })
  },
  fail: (_req, errorCode) => ({ errorCode, memberEpoch: -1 }),
})
