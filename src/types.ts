/** Shapes shared by the public API (see API.md). */

export interface TopicPartition {
  topic: string
  partition: number
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: bigint
  metadata?: string
  leaderEpoch?: number
}

export interface Header {
  key: string
  value: Buffer | null
}
