/**
 * `samsa/kafkajs`: KafkaJS 2.x's public API on samsa's engine. A program
 * written against `kafkajs` type-checks and runs after its import is
 * switched to `samsa/kafkajs`; docs/kafkajs.md lists what maps to what and
 * where behaviour differs.
 */
import { AssignerProtocol, PartitionAssigners } from './assigners.js'
import * as errorsModule from './errors.js'
import { Kafka } from './kafka.js'
import { Partitioners } from './partitioners.js'
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  CompressionTypes,
  ConfigResourceTypes,
  ConfigSource,
  logLevel,
  ResourcePatternTypes,
} from './types.js'

export { Kafka } from './kafka.js'
export { Partitioners } from './partitioners.js'
export { PartitionAssigners, AssignerProtocol } from './assigners.js'
export {
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
  KafkaJSOffsetOutOfRange,
  KafkaJSMemberIdRequired,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSConnectionError,
  KafkaJSConnectionClosedError,
  KafkaJSRequestTimeoutError,
  KafkaJSMetadataNotLoaded,
  KafkaJSTopicMetadataNotLoaded,
  KafkaJSStaleTopicMetadataAssignment,
  KafkaJSDeleteGroupsError,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSBrokerNotFound,
  KafkaJSPartialMessageError,
  KafkaJSSASLAuthenticationError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNotImplemented,
  KafkaJSTimeout,
  KafkaJSLockTimeout,
  KafkaJSUnsupportedMagicByteInMessageSet,
  KafkaJSDeleteTopicRecordsError,
  KafkaJSInvariantViolation,
  KafkaJSInvalidVarIntError,
  KafkaJSInvalidLongError,
  KafkaJSCreateTopicError,
  KafkaJSAlterPartitionReassignmentsError,
  KafkaJSAggregateError,
  KafkaJSFetcherRebalanceError,
  KafkaJSNoBrokerAvailableError,
} from './errors.js'
export type { KafkaJSErrorMetadata, DeleteGroupsErrorEntry as KafkaJSDeleteGroupsErrorGroups, DeleteTopicRecordsErrorPartition as KafkaJSDeleteTopicRecordsErrorPartition, DeleteTopicRecordsErrorTopic as KafkaJSDeleteTopicRecordsErrorTopic } from './errors.js'
export * from './types.js'

/** KafkaJS's codec registry. samsa has every codec built in: what is registered here is accepted and not used. */
export const CompressionCodecs: { [key: number]: () => any } = { // eslint-disable-line @typescript-eslint/no-explicit-any
  [CompressionTypes.GZIP]: () => ({}),
}

/** Alias kept for programs that import KafkaJS's ACL resource types under this name. */
export const ResourceTypes = AclResourceTypes

const { toKafkaJSError: _toKafkaJSError, kafkajsErrors: _kafkajsErrors, ...errors } = errorsModule

export default {
  Kafka,
  Partitioners,
  PartitionAssigners,
  AssignerProtocol,
  logLevel,
  CompressionTypes,
  CompressionCodecs,
  ConfigResourceTypes,
  ConfigSource,
  AclResourceTypes,
  AclOperationTypes,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
  ...errors,
}
