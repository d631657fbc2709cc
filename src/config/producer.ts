/**
 * Producer options (Java ProducerConfig, 4.x defaults) and the cross-option
 * rules the Java client applies after parsing:
 *
 * - `enable.idempotence` (default true) needs `acks=all`, `retries > 0` and
 *   `max.in.flight.requests.per.connection <= 5`. When the user set it to true
 *   explicitly, a conflict is a ConfigError; when it was left at its default,
 *   idempotence is switched off silently (Java logs this at INFO).
 * - `transactional.id` needs idempotence: an explicit `enable.idempotence=false`
 *   with a transactional id is a ConfigError.
 * - `delivery.timeout.ms` must be at least `linger.ms + request.timeout.ms`:
 *   set explicitly below that it is a ConfigError, left at its default it is
 *   raised to that sum.
 */
import { z } from 'zod'
import { ConfigError } from '../errors.js'
import { MAX_INT } from '../protocol/int32.js'
import type { JavaSerializerName, Serializer } from '../serde/serde.js'
import { commonShape } from './common.js'
import { bool, int, oneOf, optionalStr } from './fields.js'
import { parseConfig } from './validate.js'
import { isInterceptor, type ProducerInterceptor } from '../instrumentation/interceptors.js'

/** A user partitioner: returns the partition (0 .. partitionCount-1) for a record without an explicit one. */
export type PartitionerFunction = (topic: string, key: unknown, serializedKey: Buffer | null, partitionCount: number) => number

const partitionerFn = z.custom<PartitionerFunction>((v) => typeof v === 'function')

const serializerOption = z.custom<Serializer<unknown> | JavaSerializerName>(
  (v) => v === undefined || typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as Serializer<unknown>).serialize === 'function'),
  { error: 'expected a serializer object { serialize(topic, data, headers) } or a Java serializer class name' },
)

export const producerShape = {
  ...commonShape,
  'acks': z
    .preprocess((v) => (v === -1 || v === '-1' ? 'all' : v === 0 || v === '0' ? 0 : v === 1 || v === '1' ? 1 : v), z.union([z.literal(0), z.literal(1), z.literal('all')], { error: 'expected 0, 1, "all" or -1' }))
    .default('all')
    .describe('Acknowledgements the leader waits for: 0 (none), 1 (leader only), "all"/-1 (all in-sync replicas).'),
  'linger.ms': int(5, 0, MAX_INT).describe('How long a batch waits for more records before it is sent.'),
  'batch.size': int(16384, 0, MAX_INT).describe('Bytes per partition batch; a full batch is sent at once.'),
  'buffer.memory': int(33554432, 0, Number.MAX_SAFE_INTEGER).describe('Bytes of unsent records held; send() waits up to max.block.ms for room.'),
  'max.block.ms': int(60000, 0, MAX_INT).describe('How long send() may wait for metadata or buffer space before failing with TimeoutError.'),
  'max.request.size': int(1048576, 1, MAX_INT).describe('Largest produce request, and so the largest record.'),
  'compression.type': oneOf(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const, 'none').describe('Batch compression codec.'),
  'compression.gzip.level': int(-1, -1, 9).describe('gzip level (-1: default).'),
  'compression.lz4.level': int(9, 1, 17).describe('lz4 level.'),
  'compression.zstd.level': int(3, -131072, 22).describe('zstd level.'),
  'retries': int(MAX_INT, 0, MAX_INT).describe('How many times a failed batch is retried (within delivery.timeout.ms).'),
  'delivery.timeout.ms': int(120000, 0, MAX_INT).describe('Upper bound from send() to success or failure, retries included.'),
  'max.in.flight.requests.per.connection': int(5, 1, MAX_INT).describe('Unacknowledged produce requests per broker; at most 5 with idempotence.'),
  'enable.idempotence': bool(true).describe('Producer ids and sequence numbers: retries never duplicate or reorder.'),
  'transactional.id': optionalStr().describe('Enables transactions; requires idempotence.'),
  'transaction.timeout.ms': int(60000, 1, MAX_INT).describe('How long a transaction may stay open before the coordinator aborts it.'),
  'partitioner': z
    .union([z.enum(['default', 'murmur2', 'round-robin']), partitionerFn], { error: 'expected "default", "murmur2", "round-robin" or a function (topic, key, serializedKey, partitionCount) => partition' })
    .default('default')
    .describe('How records without an explicit partition are placed.'),
  'partitioner.adaptive.partitioning.enable': bool(true).describe('Sticky partitioner favours partitions whose brokers drain faster (KIP-794).'),
  'partitioner.availability.timeout.ms': int(0, 0, MAX_INT).describe('Skip partitions whose broker has not accepted a batch for this long (0: off).'),
  'interceptor.classes': z.array(z.custom<ProducerInterceptor>((v) => isInterceptor(v, ['onSend', 'onAcknowledgement', 'close']), { error: 'expected an array of interceptor objects { onSend?(record), onAcknowledgement?(metadata, error), close?() }' }))
    .optional().describe('Interceptors (Java\'s ProducerInterceptor) as objects: onSend(record) may change a record before it is serialized; onAcknowledgement(metadata, error) sees every result.'),
  'partitioner.ignore.keys': bool(false).describe('Place keyed records with the sticky partitioner too.'),
  'metadata.max.idle.ms': int(300000, 5000, MAX_INT).describe('Forget the metadata of topics not produced to for this long.'),
  'key.serializer': serializerOption.optional().describe('Serializer object or Java class name for keys (default: bytes).'),
  'value.serializer': serializerOption.optional().describe('Serializer object or Java class name for values (default: bytes).'),
} as const

export const producerSchema = z.strictObject(producerShape)

/** The parsed config, plus what the cross-option rules decided. */
export type ProducerConfig = z.output<typeof producerSchema> & {
  /** Whether the producer runs idempotently (after the Java rules above). */
  readonly idempotent: boolean
}

/**
 * What a user passes: every option optional but `bootstrap.servers`; numbers
 * may be numeric strings. `KS`/`VS` are the types of the serializer options,
 * from which the producer's key and value types are inferred.
 */
export type ProducerConfigInput<KS = Serializer<unknown> | JavaSerializerName | undefined, VS = Serializer<unknown> | JavaSerializerName | undefined> =
  Omit<z.input<typeof producerSchema>, 'key.serializer' | 'value.serializer'> & {
    'key.serializer'?: KS
    'value.serializer'?: VS
  }

function conflict(key: string, message: string): ConfigError {
  return new ConfigError(`invalid producer config: ${message}`, { context: { key } })
}

/**
 * Parses and validates a producer config once, applying Java's cross-option
 * rules. Throws ConfigError naming the offending key.
 */
export function parseProducerConfig(input: unknown): ProducerConfig {
  const config = parseConfig(producerSchema, input, 'producer')
  const given = (key: string) => (input as Record<string, unknown>)[key] !== undefined
  let idempotent = config['enable.idempotence']
  const explicitIdempotence = given('enable.idempotence')
  const transactional = config['transactional.id'] !== undefined
  if (transactional && explicitIdempotence && !idempotent) {
    throw conflict('enable.idempotence', 'cannot set a transactional.id without also enabling idempotence ("enable.idempotence" = false)')
  }
  if (idempotent) {
    const problems: [string, string][] = []
    if (config['max.in.flight.requests.per.connection'] > 5) {
      problems.push(['max.in.flight.requests.per.connection', `must set "max.in.flight.requests.per.connection" to at most 5 to use the idempotent producer (got ${config['max.in.flight.requests.per.connection']})`])
    }
    if (config['retries'] === 0) {
      problems.push(['retries', 'must set "retries" to non-zero when using the idempotent producer'])
    }
    if (config['acks'] !== 'all') {
      problems.push(['acks', `must set "acks" to "all" (or -1) in order to use the idempotent producer, otherwise idempotence cannot be guaranteed (got ${JSON.stringify(config['acks'])})`])
    }
    if (problems.length > 0) {
      if (explicitIdempotence || transactional) {
        const why = transactional && !explicitIdempotence ? ' (a transactional.id requires idempotence)' : ''
        throw conflict(problems[0]![0], problems.map((p) => p[1]).join('; ') + why)
      }
      idempotent = false
    }
  }
  const minDelivery = config['linger.ms'] + config['request.timeout.ms']
  if (config['delivery.timeout.ms'] < minDelivery) {
    if (given('delivery.timeout.ms')) {
      throw conflict('delivery.timeout.ms', `"delivery.timeout.ms" = ${config['delivery.timeout.ms']} must be at least linger.ms + request.timeout.ms = ${minDelivery}`)
    }
    config['delivery.timeout.ms'] = minDelivery
  }
  return Object.assign(config, { idempotent })
}
