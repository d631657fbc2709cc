// ListGroups, DescribeGroups, ConsumerGroupDescribe (KIP-848) and DeleteGroups: what `samsa consumer-groups` and Admin ask.
import { ErrorCode } from '../../../protocol/errors.js'
import {
  decodeConsumerGroupDescribeRequest, decodeDeleteGroupsRequest, decodeDescribeGroupsRequest, decodeListGroupsRequest,
  encodeConsumerGroupDescribeResponse, encodeDeleteGroupsResponse, encodeDescribeGroupsResponse, encodeListGroupsResponse,
  type ConsumerGroupDescribeRequest, type ConsumerGroupDescribeResponseInput, type DeleteGroupsRequest,
  type DeleteGroupsResponseInput, type DescribeGroupsRequest, type DescribeGroupsResponseInput, type ListGroupsRequest,
  type ListGroupsResponseInput,
} from '../../../protocol/messages/index.js'
import { defineHandler } from '../api.js'
import { isCoordinator } from './coordinator.js'

/** authorizedOperations when the client did not ask for them (Kafka's Integer.MIN_VALUE). */
const NO_OPERATIONS = -2147483648

export const listGroupsHandler = defineHandler<ListGroupsRequest, ListGroupsResponseInput>({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeListGroupsRequest,
  encodeResponse: encodeListGroupsResponse,
  handle: (ctx, req) => {
    const states = new Set(req.statesFilter.map((s) => s.toLowerCase()))
    const types = new Set(req.typesFilter.map((s) => s.toLowerCase()))
    // each broker lists the groups it coordinates, as Kafka's do
    const groups = ctx.coordinators.groups.listGroups()
      .filter((g) => isCoordinator(ctx, g.groupId))
      .filter((g) => states.size === 0 || states.has(g.groupState.toLowerCase()))
      .filter((g) => types.size === 0 || types.has(g.groupType.toLowerCase()))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
    return { errorCode: ErrorCode.NONE, groups }
  },
  fail: (_req, errorCode) => ({ errorCode, groups: [] }),
})

export const describeGroupsHandler = defineHandler<DescribeGroupsRequest, DescribeGroupsResponseInput>({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  decodeRequest: decodeDescribeGroupsRequest,
  encodeResponse: encodeDescribeGroupsResponse,
  handle: (ctx, req) => ({
    groups: req.groups.map((groupId) => {
      if (!isCoordinator(ctx, groupId)) {
        return { errorCode: ErrorCode.NOT_COORDINATOR, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: NO_OPERATIONS }
      }
      return { errorCode: ErrorCode.NONE, groupId, ...ctx.coordinators.groups.describeClassic(groupId), authorizedOperations: NO_OPERATIONS }
    }),
  }),
  fail: (req, errorCode) => ({
    groups: req.groups.map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: NO_OPERATIONS })),
  }),
})

export const consumerGroupDescribeHandler = defineHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponseInput>({
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  decodeRequest: decodeConsumerGroupDescribeRequest,
  encodeResponse: encodeConsumerGroupDescribeResponse,
  handle: (ctx, req) => ({
    groups: req.groupIds.map((groupId) => {
      const none = { groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [], authorizedOperations: NO_OPERATIONS }
      if (!isCoordinator(ctx, groupId)) return { ...none, errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: null }
      const d = ctx.coordinators.groups.consumer.describe(groupId)
      if (d === undefined) {
        const classic = ctx.coordinators.groups.listGroups().some((g) => g.groupId === groupId)
        return { ...none, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: classic ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.` }
      }
      return { ...none, ...d, errorCode: ErrorCode.NONE, errorMessage: null }
    }),
  }),
  fail: (req, errorCode) => ({
    groups: req.groupIds.map((groupId) => ({ errorCode, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [], authorizedOperations: NO_OPERATIONS })),
  }),
})

export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, DeleteGroupsResponseInput>({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  decodeRequest: decodeDeleteGroupsRequest,
  encodeResponse: encodeDeleteGroupsResponse,
  handle: (ctx, req) => ({
    results: req.groupsNames.map((groupId) => ({
      groupId,
      errorCode: isCoordinator(ctx, groupId) ? ctx.coordinators.groups.deleteGroup(groupId) : ErrorCode.NOT_COORDINATOR,
    })),
  }),
  fail: (req, errorCode) => ({ results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }),
})
