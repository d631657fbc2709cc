/** The share consumer's public surface (KIP-932 share groups). */
export { ShareConsumer } from './share-consumer.js'
export type {
  ShareConsumerConstructor, ShareConsumerOptions, ShareConsumerRecord, ShareConsumerRecords, ShareCloseOptions, ShareCommitResult,
  AcknowledgeType, AckResult, AcknowledgementCommitCallback,
} from './share-consumer.js'
