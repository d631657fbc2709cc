/** The APIs the fake implements, by api key (ApiVersions advertises exactly these). */
import type { ApiHandler } from './api.js'
import { apiVersionsHandler } from './handlers/api-versions.js'
import { consumerGroupHeartbeatHandler } from './handlers/consumer-group-heartbeat.js'
import { findCoordinatorHandler } from './handlers/coordinator.js'
import { describeConfigsHandler } from './handlers/describe-configs.js'
import { consumerGroupDescribeHandler, deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from './handlers/describe-groups.js'
import { fetchHandler } from './handlers/fetch.js'
import { heartbeatHandler, joinGroupHandler, leaveGroupHandler, syncGroupHandler } from './handlers/groups.js'
import { listOffsetsHandler } from './handlers/list-offsets.js'
import { metadataHandler } from './handlers/metadata.js'
import { offsetCommitHandler, offsetFetchHandler, txnOffsetCommitHandler } from './handlers/offsets.js'
import { produceHandler } from './handlers/produce.js'
import { createPartitionsHandler, createTopicsHandler, deleteTopicsHandler } from './handlers/topics.js'
import { addOffsetsToTxnHandler, addPartitionsToTxnHandler, endTxnHandler, initProducerIdHandler } from './handlers/transactions.js'

export function buildHandlers (): Map<number, ApiHandler> {
  const table = new Map<number, ApiHandler>()
  const list: ApiHandler[] = [
    produceHandler, fetchHandler, listOffsetsHandler, metadataHandler,
    createTopicsHandler, deleteTopicsHandler, createPartitionsHandler,
    findCoordinatorHandler, joinGroupHandler, syncGroupHandler, heartbeatHandler, leaveGroupHandler,
    offsetCommitHandler, offsetFetchHandler, consumerGroupHeartbeatHandler,
    initProducerIdHandler, addPartitionsToTxnHandler, addOffsetsToTxnHandler, endTxnHandler, txnOffsetCommitHandler,
    describeConfigsHandler,
    listGroupsHandler, describeGroupsHandler, consumerGroupDescribeHandler, deleteGroupsHandler,
  ]
  list.push(apiVersionsHandler(() => [...table.values()]))
  for (const h of list) table.set(h.apiKey, h)
  return table
}
