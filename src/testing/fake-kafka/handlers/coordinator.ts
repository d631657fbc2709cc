// FindCoordinator (groups and transactional ids), and the check every coordinator request makes.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeFindCoordinatorRequest, encodeFindCoordinatorResponse, type FindCoordinatorRequest, type FindCoordinatorResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler, type RequestContext } from '../api.js'

const GROUP = 0
const TRANSACTION = 1

/** Whether the broker the request reached coordinates `key`. */
export function isCoordinator (ctx: RequestContext, key: string): boolean {
  return ctx.coordinators.nodeFor(key)?.nodeId === ctx.broker.nodeId
}

function find (ctx: RequestContext, key: string, keyType: number): { nodeId: number, host: string, port: number, errorCode: number, errorMessage: string | null } {
  if (keyType !== GROUP && keyType !== TRANSACTION) {
    return { nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `the fake coordinates groups and transactions only, not key type ${keyType}` }
  }
  const node = ctx.coordinators.nodeFor(key)
  if (node === undefined) return { nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null }
  return { nodeId: node.nodeId, host: node.host, port: node.port, errorCode: ErrorCode.NONE, errorMessage: null }
}

export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, FindCoordinatorResponseInput>({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  decodeRequest: decodeFindCoordinatorRequest,
  encodeResponse: encodeFindCoordinatorResponse,
  handle: (ctx, req) => {
    if (ctx.version >= 4) return { coordinators: req.coordinatorKeys.map((key) => ({ key, ...find(ctx, key, req.keyType) })) }
    return find(ctx, req.key, req.keyType)
  },
  fail: (req, errorCode, ctx) => ctx.version >= 4
    ? { coordinators: req.coordinatorKeys.map((key) => ({ key, nodeId: -1, host: '', port: -1, errorCode })) }
    : { errorCode, nodeId: -1, host: '', port: -1 },
})
