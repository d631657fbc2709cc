/** The consumer's public surface. */
export { Consumer } from './consumer.js'
export type { ConsumerConstructor, ConsumerRebalanceListener, ConsumerGroupMetadata, ConsumerOptions, CloseOptions, DeserializerOption, PollOptions, ApiCallOptions, OffsetCommitCallback } from './consumer.js'
export { ConsumerRecords } from './records.js'
export type { ConsumerRecord } from './records.js'
