/** Share consumer options (Java ShareConsumerConfig, KIP-932, 4.x defaults). */
import { z } from 'zod'
import { commonShape } from './common.js'
import { bool, int, oneOf, str } from './fields.js'
import { MAX_INT } from '../protocol/int32.js'

const shareConsumerShape = {
  ...commonShape,
  'group.id': str('').refine((s) => s.trim() !== '', { error: 'expected the share group\'s name: a share consumer always belongs to a share group' }).describe('The share group (required). Share groups and consumer groups have separate names spaces on the broker: a group id is one or the other.'),
  'share.acknowledgement.mode': oneOf(['implicit', 'explicit'] as const, 'implicit').describe('"implicit": the records of a poll are accepted by the next poll, commitSync/commitAsync or close; "explicit": every record must be acknowledged with acknowledge() before the next poll.'),
  'share.acquire.mode': oneOf(['batch_optimized', 'record_limit'] as const, 'batch_optimized').describe('How the broker acquires records (KIP-1206, ShareFetch v2+): "batch_optimized" may hand out whole batches beyond max.poll.records; "record_limit" acquires at most max.poll.records. Ignored by older brokers.'),
  'max.poll.records': int(500, 1, MAX_INT).describe('Most records one poll returns, and the most one ShareFetch asks the broker to acquire.'),
  'fetch.min.bytes': int(1, 0, MAX_INT).describe('The broker holds a share fetch until this many bytes are available (or fetch.max.wait.ms passes).'),
  'fetch.max.bytes': int(52428800, 0, MAX_INT).describe('Most bytes one share fetch response holds.'),
  'fetch.max.wait.ms': int(500, 0, MAX_INT).describe('Longest time the broker holds a share fetch waiting for fetch.min.bytes.'),
  'check.crcs': bool(true).describe('Verify the CRC-32C of every fetched record batch.'),
  'key.deserializer': z.any().optional().describe('Deserializer object or Java class name for keys (default: bytes).'),
  'value.deserializer': z.any().optional().describe('Deserializer object or Java class name for values (default: bytes).'),
} as const

export const shareConsumerSchema = z.strictObject(shareConsumerShape)
export type ShareConsumerConfig = z.output<typeof shareConsumerSchema>
/** What a user passes: every option optional but `bootstrap.servers` and `group.id`. */
export type ShareConsumerConfigInput = z.input<typeof shareConsumerSchema>
