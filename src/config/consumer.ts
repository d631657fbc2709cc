/** Consumer options (Java ConsumerConfig, 4.x defaults). */
import { isInterceptor, type ConsumerInterceptor } from '../instrumentation/interceptors.js'
import { z } from 'zod'
import { commonShape } from './common.js'
import { bool, int, oneOf, optionalStr, str } from './fields.js'
import { MAX_INT } from '../protocol/int32.js'

/** Assignor names samsa implements, and the Java class names that map to them. */
const ASSIGNORS = ['range', 'roundrobin', 'cooperative-sticky', 'kafkajs-roundrobin'] as const
export type AssignorName = (typeof ASSIGNORS)[number]

const JAVA_ASSIGNORS: Record<string, AssignorName> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
}

/**
 * `partition.assignment.strategy`: a list (array or comma-separated string)
 * of assignor names or their Java class names, in order of preference.
 */
const assignmentStrategy = z
  .union([z.string(), z.array(z.string())], { error: 'expected a list of assignors: "range", "roundrobin", "cooperative-sticky", "kafkajs-roundrobin" (or their Java class names)' })
  .transform((v, ctx) => {
    const names = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== '')
    if (names.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one assignor' })
      return z.NEVER
    }
    const out: AssignorName[] = []
    for (const n of names) {
      const a = (ASSIGNORS as readonly string[]).includes(n) ? (n as AssignorName) : JAVA_ASSIGNORS[n]
      if (!a) {
        ctx.addIssue({ code: 'custom', message: `unknown assignor "${n}": expected "range", "roundrobin", "cooperative-sticky" or "kafkajs-roundrobin" (or their Java class names)` })
        return z.NEVER
      }
      if (!out.includes(a)) out.push(a)
    }
    return out
  })
  .default(['range', 'cooperative-sticky'])

const consumerShape = {
  ...commonShape,
  'group.id': optionalStr().describe('Consumer group; required for subscribe() and commits.'),
  'group.instance.id': optionalStr().describe('Static membership (KIP-345): a member that restarts with the same id within session.timeout.ms gets its partitions back without a rebalance.'),
  'group.protocol': oneOf(['classic', 'consumer'] as const, 'classic').describe('"classic" (JoinGroup/SyncGroup, client-side assignors) or "consumer" (KIP-848, broker-side assignment, Kafka 4.0+).'),
  'group.remote.assignor': optionalStr().describe('With group.protocol=consumer: the broker-side assignor ("uniform", "range"); default: the broker\'s.'),
  'session.timeout.ms': int(45000, 1, MAX_INT).describe('Classic protocol: a member without heartbeats for this long is removed from the group.'),
  'heartbeat.interval.ms': int(3000, 1, MAX_INT).describe('Classic protocol: time between heartbeats to the group coordinator.'),
  'max.poll.interval.ms': int(300000, 1, MAX_INT).describe('Longest time between polls before the member leaves the group; also the rebalance timeout.'),
  'max.poll.records': int(500, 1, MAX_INT).describe('Most records one poll returns.'),
  'enable.auto.commit': bool(true).describe('Commit what earlier polls returned every auto.commit.interval.ms (checked in poll), before a rebalance and on close.'),
  'auto.commit.interval.ms': int(5000, 0, MAX_INT).describe('How often positions are committed when enable.auto.commit is true.'),
  'auto.offset.reset': oneOf(['latest', 'earliest', 'none'] as const, 'latest').describe('Where to start without a committed offset, or after OFFSET_OUT_OF_RANGE: "latest", "earliest", or "none" (fail).'),
  'fetch.min.bytes': int(1, 0, MAX_INT).describe('The broker holds a fetch until this many bytes are available (or fetch.max.wait.ms passes).'),
  'fetch.max.bytes': int(52428800, 0, MAX_INT).describe('Most bytes one fetch response holds (the first batch is returned even when larger).'),
  'fetch.max.wait.ms': int(500, 0, MAX_INT).describe('Longest time the broker holds a fetch waiting for fetch.min.bytes.'),
  'max.partition.fetch.bytes': int(1048576, 0, MAX_INT).describe('Most bytes per partition in one fetch response; also bounds what is prefetched per partition.'),
  'isolation.level': oneOf(['read_uncommitted', 'read_committed'] as const, 'read_uncommitted').describe('"read_committed" hides records of aborted and open transactions.'),
  'check.crcs': bool(true).describe('Verify the CRC-32C of every fetched record batch.'),
  'exclude.internal.topics': bool(true).describe('A regex subscription never matches internal topics (__consumer_offsets...).'),
  'partition.assignment.strategy': assignmentStrategy.describe('Classic protocol assignors in order of preference: "range", "roundrobin", "cooperative-sticky", "kafkajs-roundrobin" (the RoundRobinAssigner of KafkaJS, to share a group with KafkaJS consumers).'),
  'client.dns.lookup': str('use_all_dns_ips').describe('Accepted for compatibility with Java configs; samsa resolves through the OS.'),
  'interceptor.classes': z.array(z.custom<ConsumerInterceptor>((v) => isInterceptor(v, ['onConsume', 'onCommit', 'close']), { error: 'expected an array of interceptor objects { onConsume?(records), onCommit?(offsets), close?() }' }))
    .optional().describe('Interceptors (Java\'s ConsumerInterceptor) as objects: onConsume(records) may change what poll returns; onCommit(offsets) sees every commit.'),
  'key.deserializer': z.any().optional().describe('Deserializer object or Java class name for keys (default: bytes).'),
  'value.deserializer': z.any().optional().describe('Deserializer object or Java class name for values (default: bytes).'),
} as const

export const consumerSchema = z.strictObject(consumerShape)
export type ConsumerConfig = z.output<typeof consumerSchema>
/** What a user passes: every option optional but `bootstrap.servers`; numbers may be numeric strings. */
export type ConsumerConfigInput = z.input<typeof consumerSchema>
