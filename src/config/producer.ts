/** Producer options (Java ProducerConfig, 4.x defaults). */
import { z } from 'zod'
import { commonShape } from './common.js'
import { bool, int, oneOf, optionalStr } from './fields.js'

const MAX_INT = 2147483647

const partitionerFn = z.custom<(topic: string, key: unknown, serializedKey: Buffer | null, partitionCount: number) => number>(
  (v) => typeof v === 'function',
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
  'partitioner.ignore.keys': bool(false).describe('Place keyed records with the sticky partitioner too.'),
  'metadata.max.idle.ms': int(300000, 5000, MAX_INT).describe('Forget the metadata of topics not produced to for this long.'),
  'key.serializer': z.any().optional().describe('Serializer object or Java class name for keys (default: bytes).'),
  'value.serializer': z.any().optional().describe('Serializer object or Java class name for values (default: bytes).'),
} as const

export const producerSchema = z.strictObject(producerShape)
export type ProducerConfig = z.output<typeof producerSchema>
