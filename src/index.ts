// Public exports of samsa. Everything else is internal.
export { Admin } from './admin/admin.js'
export type { ClusterDescription, TimeoutOption } from './admin/admin.js'
export type { NewTopic, NewPartitions, CreateTopicsOptions, TopicDescription, PartitionDescription } from './admin/topics.js'
export type { OffsetQuery, OffsetSpec, ListedOffset, ListOffsetsOptions } from './cluster/offsets.js'
export type {
  ConfigResource,
  ConfigResourceType,
  ConfigSource,
  ConfigType,
  ConfigSynonym,
  ConfigEntry,
  ConfigDescription,
  DescribeConfigsOptions,
  AlterConfigOp,
  AlterConfigOpType,
  ConfigChange,
} from './admin/configs.js'
export type {
  GroupState,
  GroupType,
  ConsumerGroupListing,
  ListConsumerGroupsOptions,
  MemberDescription,
  ConsumerGroupDescription,
  GroupOffset,
  ListGroupOffsetsOptions,
} from './admin/groups.js'
export type { RecordsToDelete, DeletedRecords } from './admin/records.js'
export type { ShareGroupState, ShareGroupListing, ShareGroupDescription, ShareMemberDescription, ShareGroupOffset } from './admin/share-groups.js'
export type {
  AclBinding,
  AclBindingFilter,
  AclDescription,
  AclResourceType,
  AclPatternType,
  AclOperation,
  AclPermissionType,
} from './admin/acls.js'
export type {
  ScramMechanism,
  ScramCredentialInfo,
  UserScramCredentialsDescription,
  ScramCredentialUpsertion,
  ScramCredentialDeletion,
  ScramCredentialAlteration,
} from './admin/scram.js'
export type {
  ClientQuotaEntityType,
  ClientQuotaEntity,
  ClientQuotaFilterComponent,
  DescribeClientQuotasOptions,
  ClientQuotaDescription,
  ClientQuotaOp,
  ClientQuotaAlteration,
} from './admin/quotas.js'
export type { AdminConfigInput } from './config/admin.js'
export {
  KafkaError,
  ConfigError,
  TimeoutError,
  ConnectionError,
  AuthenticationError,
  AuthorizationError,
  SslAuthenticationError,
  SerializationError,
  DeserializationError,
  SchemaRegistryError,
  WakeupError,
  ProtocolError,
  AbortError,
} from './errors.js'
export type { KafkaErrorOptions } from './errors.js'
export { ErrorCode } from './protocol/errors.js'
export type { ErrorName } from './protocol/errors.js'
export { serializers, deserializers } from './serde/serde.js'
export type { Serializer, Deserializer, SyncSerializer, SyncDeserializer, JavaSerializerName, JavaDeserializerName } from './serde/serde.js'
export type { TopicPartition, TopicPartitionOffset, Header, OAuthBearerToken, OAuthBearerTokenProvider, AwsCredentials, AwsCredentialsProvider } from './types.js'
export { mskOAuthBearerTokenProvider } from './network/sasl/aws-msk-iam.js'
export { Consumer, ConsumerRecords } from './consumer/index.js'
export type { ConsumerConstructor, ConsumerRecord, ConsumerRebalanceListener, ConsumerGroupMetadata, ConsumerOptions, CloseOptions, DeserializerOption, PollOptions, ApiCallOptions, OffsetCommitCallback } from './consumer/index.js'
export type { ConsumerConfigInput } from './config/consumer.js'
export { Producer } from './producer/producer.js'
export type { ProducerConstructor, SerializerOption } from './producer/producer.js'
export type { ProducerRecord, RecordMetadata, PartitionInfo, Node, SendCallback, ProducerMetrics, CloseOptions as ProducerCloseOptions, AbortOptions, SendOptions } from './producer/types.js'
export type { ClientMetrics, Metric, MetricName } from './metrics/index.js'
export { instrumentMetrics } from './metrics/opentelemetry.js'
export type { OtelMeter } from './metrics/opentelemetry.js'
export type { ProducerInterceptor, ConsumerInterceptor } from './instrumentation/interceptors.js'
export type { ProducerConfigInput, PartitionerFunction } from './config/producer.js'
export { ShareConsumer } from './share-consumer/index.js'
export type {
  ShareConsumerConstructor, ShareConsumerOptions, ShareConsumerRecord, ShareConsumerRecords, ShareCloseOptions, ShareCommitResult,
  AcknowledgeType, AckResult, AcknowledgementCommitCallback,
} from './share-consumer/index.js'
export type { ShareConsumerConfigInput } from './config/share-consumer.js'
