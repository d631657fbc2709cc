/**
 * KafkaStreams options (Java StreamsConfig, the ones samsa/streams
 * implements). The clients it runs get the common options given here; keys
 * prefixed `consumer.`, `producer.` or `admin.` go to that client only and
 * are validated by it.
 */
import { z } from 'zod'
import { commonShape } from './common.js'
import { int, oneOf } from './fields.js'
import { MAX_INT } from '../protocol/int32.js'

const streamsShape = {
  ...commonShape,
  'application.id': z
    .string({ error: 'expected a string' })
    .regex(/^[a-zA-Z0-9._-]+$/, { error: 'expected letters, digits, ".", "_" or "-" (it is the group id and the prefix of the internal topics)' })
    .describe('Required. The application\'s name: its consumer group id and the prefix of its internal topics (<application.id>-<store>-changelog, <application.id>-<name>-repartition).'),
  'processing.guarantee': oneOf(['at_least_once', 'exactly_once_v2'] as const, 'at_least_once').describe('"at_least_once": input offsets are committed after the outputs they caused are acknowledged (a crash may repeat work); "exactly_once_v2": outputs, store changelogs and input offsets are committed in one transaction per commit interval.'),
  'commit.interval.ms': int(-1, -1, MAX_INT).describe('How often progress is committed. Default (-1): 30000 under at_least_once, 100 under exactly_once_v2, as in Kafka Streams.'),
  'poll.ms': int(100, 0, MAX_INT).describe('Longest time one poll waits for input.'),
  'replication.factor': int(-1, -1, 32767).describe('Replication factor of the internal topics (-1: the broker\'s default).'),
  'default.deserialization.exception.handler': oneOf(['logAndFail', 'logAndContinue'] as const, 'logAndFail').describe('A record that its source serdes cannot read: "logAndFail" stops the application (state ERROR), "logAndContinue" logs and skips it.'),
  'default.production.exception.handler': oneOf(['fail', 'continue'] as const, 'fail').describe('A record the producer could not write: "fail" stops the application (state ERROR), "continue" logs and goes on (at_least_once only; under exactly_once_v2 the transaction aborts).'),
} as const

export const streamsSchema = z.strictObject(streamsShape)
export type StreamsConfig = z.output<typeof streamsSchema>
/** What a user passes: `application.id` and `bootstrap.servers` required; `consumer.*`, `producer.*`, `admin.*` keys go to that client. */
export type StreamsConfigInput = z.input<typeof streamsSchema> & { [clientKey: `${'consumer' | 'producer' | 'admin'}.${string}`]: unknown }

/** Keys that go to one of the clients, with their prefix. */
export const CLIENT_PREFIXES = ['consumer.', 'producer.', 'admin.'] as const
