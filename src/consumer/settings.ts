/**
 * The consumer's config translated once, in the constructor, into the narrow
 * settings each part takes (as the producer does for its accumulator and
 * sink): fetching, position look-ups, commits, group membership and the poll
 * loop never read dotted config keys.
 */
import type { ConsumerConfig } from '../config/consumer.js'
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../protocol/records/compression/index.js'
import type { CommitSettings } from './commits.js'
import type { MembershipSettings } from './group/membership.js'
import type { PositionSettings } from './positions.js'
import type { FetchSettings } from './source.js'

/** What the consumer's own poll loop needs. */
export interface PollSettings {
  /** max.poll.records */
  maxPollRecords: number
  /** enable.auto.commit */
  autoCommit: boolean
  /** auto.commit.interval.ms */
  autoCommitIntervalMs: number
  /** default.api.timeout.ms: bound of the commit before partitions are revoked. */
  commitTimeoutMs: number
  /** exclude.internal.topics: a pattern subscription never matches internal topics. */
  excludeInternalTopics: boolean
}

/** What turning fetched batches into records needs (the deserializers come separately). */
export interface DrainSettings {
  readCommitted: boolean
  /** Most bytes one batch may decompress to (at least fetch.max.bytes). */
  maxDecompressedBytes: number
}

export interface ConsumerSettings {
  fetch: FetchSettings
  drain: DrainSettings
  positions: PositionSettings
  commits: CommitSettings
  membership: MembershipSettings
  poll: PollSettings
}

export function consumerSettings(c: ConsumerConfig): ConsumerSettings {
  const readCommitted = c['isolation.level'] === 'read_committed'
  return {
    fetch: {
      maxWaitMs: c['fetch.max.wait.ms'],
      minBytes: c['fetch.min.bytes'],
      maxBytes: c['fetch.max.bytes'],
      maxPartitionBytes: c['max.partition.fetch.bytes'],
      readCommitted,
      rackId: c['client.rack'],
      requestTimeoutMs: c['request.timeout.ms'],
      retryBackoffMs: c['retry.backoff.ms'],
      retryBackoffMaxMs: c['retry.backoff.max.ms'],
      preferredReplicaMs: c['metadata.max.age.ms'],
      checkCrcs: c['check.crcs'],
      autoOffsetReset: c['auto.offset.reset'],
    },
    drain: {
      readCommitted,
      maxDecompressedBytes: Math.max(DEFAULT_MAX_DECOMPRESSED_BYTES, c['fetch.max.bytes']),
    },
    positions: {
      autoOffsetReset: c['auto.offset.reset'],
      isolationLevel: c['isolation.level'],
      lookupTimeoutMs: c['default.api.timeout.ms'],
      retryBackoffMs: c['retry.backoff.ms'],
      retryBackoffMaxMs: c['retry.backoff.max.ms'],
    },
    commits: {
      backoffMs: c['retry.backoff.ms'],
      backoffMaxMs: c['retry.backoff.max.ms'],
      asyncTimeoutMs: c['default.api.timeout.ms'],
      kip848: c['group.protocol'] === 'consumer',
    },
    membership: {
      groupInstanceId: c['group.instance.id'] ?? null,
      assignors: c['partition.assignment.strategy'],
      remoteAssignor: c['group.remote.assignor'] ?? null,
      rackId: c['client.rack'] || null,
      sessionTimeoutMs: c['session.timeout.ms'],
      heartbeatIntervalMs: c['heartbeat.interval.ms'],
      maxPollIntervalMs: c['max.poll.interval.ms'],
      requestTimeoutMs: c['request.timeout.ms'],
      retryBackoffMs: c['retry.backoff.ms'],
      retryBackoffMaxMs: c['retry.backoff.max.ms'],
      defaultApiTimeoutMs: c['default.api.timeout.ms'],
    },
    poll: {
      maxPollRecords: c['max.poll.records'],
      autoCommit: c['enable.auto.commit'],
      autoCommitIntervalMs: c['auto.commit.interval.ms'],
      commitTimeoutMs: c['default.api.timeout.ms'],
      excludeInternalTopics: c['exclude.internal.topics'],
    },
  }
}
