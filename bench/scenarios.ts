/**
 * The benchmark's scenarios. Full-run counts are sized so that the fastest
 * client's timed window lasts at least about 3 s on the 2-core machine of
 * bench/README.md (issue 10: windows under 1 s gave 2× spreads). Every client gets the same records (the pool of
 * bench/lib/payload.ts: no key, no headers), the same topic layout and the
 * same aligned settings (bench/settings.ts says how each client spells them).
 */
import type { Acks, Compression, Role } from './lib/job.js'

export interface Scenario {
  name: string
  role: Role
  valueSize: number
  acks: Acks
  compression: Compression
  awaited: boolean
  partitions: number
  lingerMs: number
  batchSize: number
  /** records per cell (e2e: measured records) in the full and the --quick run */
  count: { full: number, quick: number }
  /** e2e: records per second */
  rate: number
  /** consumer: the round's topic is filled before the clients read it */
  prefill: boolean
  /** the "defaults" mode: each client with only bootstrap, group and from-earliest set (Job.defaults) */
  defaults: boolean
  describe: string
  /** topics of the cell, each with `partitions` partitions (default 1) */
  topics?: number
  /** large records: each topic created with this `max.message.bytes`, clients' request and fetch sizes raised to it */
  maxMessageBytes?: number
  /** role group: consumers of one group in one process */
  consumers?: number
  /** producer held at its own buffer bound: peak RSS must stay under this + RSS_HEADROOM_MB (bench/lib/verify.ts) */
  bufferMemory?: number
  /** clients that cannot run the scenario, and why (reported n/a without starting a driver) */
  na?: Partial<Record<ClientName, string>>
}

/** max.message.bytes of the 1 MiB scenarios' topics, and the clients' request, message and per-partition fetch limits */
export const LARGE_MESSAGE_BYTES = 2 * 1024 * 1024
const NO_BUFFER_BOUND = 'no bound of its own on buffered bytes (no buffer.memory): what it holds is whatever the application keeps outstanding'

const base = { acks: 1 as Acks, compression: 'none' as Compression, awaited: false, partitions: 6, lingerMs: 5, batchSize: 64 * 1024, rate: 0, prefill: false, defaults: false }

export const SCENARIOS: Scenario[] = [
  { ...base, name: 'produce-100B-acks1', role: 'producer', valueSize: 100, count: { full: 4_000_000, quick: 100_000 },
    describe: '100-byte values, acks=1, as fast as acknowledged' },
  { ...base, name: 'produce-1KiB-acks1', role: 'producer', valueSize: 1024, count: { full: 1_500_000, quick: 50_000 },
    describe: '1 KiB values, acks=1, as fast as acknowledged' },
  { ...base, name: 'produce-1KiB-acksall-lz4', role: 'producer', valueSize: 1024, acks: -1, compression: 'lz4', count: { full: 1_000_000, quick: 50_000 },
    describe: '1 KiB values, acks=all, LZ4' },
  { ...base, name: 'produce-1KiB-acks1-zstd', role: 'producer', valueSize: 1024, compression: 'zstd', count: { full: 1_000_000, quick: 50_000 },
    describe: '1 KiB values, acks=1, zstd (level 3, every client\'s default)' },
  { ...base, name: 'produce-1KiB-acks1-snappy', role: 'producer', valueSize: 1024, compression: 'snappy', count: { full: 1_000_000, quick: 50_000 },
    describe: '1 KiB values, acks=1, Snappy (xerial-framed, as Java writes it)' },
  { ...base, name: 'produce-1KiB-defaults', role: 'producer', valueSize: 1024, defaults: true, count: { full: 1_500_000, quick: 50_000 },
    describe: '1 KiB values, every client at its own defaults with only bootstrap and acks=1 set; fed as produce-1KiB-acks1 (≤16 MiB unacknowledged)' },
  { ...base, name: 'produce-1KiB-acks1-awaited', role: 'producer', valueSize: 1024, awaited: true, lingerMs: 0, count: { full: 15_000, quick: 500 },
    describe: '1 KiB values, acks=1, one awaited send at a time (latency per send), after a tenth of the count (at most 1,000) sent unmeasured' },
  { ...base, name: 'consume-1KiB', role: 'consumer', valueSize: 1024, prefill: true, count: { full: 3_000_000, quick: 50_000 },
    describe: 'group consumer from earliest over a pre-filled topic; msgs/s from the first record on, join time apart' },
  { ...base, name: 'consume-1KiB-defaults', role: 'consumer', valueSize: 1024, prefill: true, defaults: true, count: { full: 3_000_000, quick: 100_000 },
    describe: 'as consume-1KiB, but every client at its own defaults (bootstrap, group, from earliest); each run checked for N distinct records by offset, no gaps' },
  { ...base, name: 'consume-1KiB-lz4', role: 'consumer', valueSize: 1024, compression: 'lz4', batchSize: 16 * 1024, prefill: true, count: { full: 1_000_000, quick: 50_000 },
    describe: 'as consume-1KiB, over a topic Kafka\'s own producer wrote with LZ4 at its default batch.size (16 KiB): what reading a Java producer\'s compressed topic costs; verified by offset' },
  { ...base, name: 'consume-1KiB-zstd', role: 'consumer', valueSize: 1024, compression: 'zstd', batchSize: 16 * 1024, prefill: true, count: { full: 1_000_000, quick: 50_000 },
    describe: 'as consume-1KiB-lz4, over a topic Kafka\'s own producer wrote with zstd (level 3) at its default batch.size (16 KiB); verified by offset' },
  { ...base, name: 'consume-1KiB-snappy', role: 'consumer', valueSize: 1024, compression: 'snappy', batchSize: 16 * 1024, prefill: true, count: { full: 1_000_000, quick: 50_000 },
    describe: 'as consume-1KiB-lz4, over a topic Kafka\'s own producer wrote with Snappy at its default batch.size (16 KiB); verified by offset' },
  { ...base, name: 'share-consume-1KiB', role: 'share', valueSize: 1024, prefill: true, count: { full: 300_000, quick: 50_000 },
    describe: 'one share group member (KIP-932) over a pre-filled topic, the group set to share.auto.offset.reset=earliest, records accepted implicitly by the next poll (max.poll.records 500); each run checked for N distinct (partition, offset); msgs/s from the first record on, join time apart (Java: its tool\'s rate includes the join)' },
  { ...base, name: 'produce-1KiB-avro', role: 'avro-producer', valueSize: 1024, count: { full: 100_000, quick: 20_000 },
    describe: '1 KiB Avro records (5-byte Confluent frame + 1019 bytes of Avro, 256 distinct values) through each client\'s Schema Registry serializer, acks=1 (issue 17)' },
  { ...base, name: 'consume-1KiB-avro', role: 'avro-consumer', valueSize: 1024, prefill: true, count: { full: 100_000, quick: 20_000 },
    describe: 'those Avro records (pre-filled by samsa, schema registered under <topic>-value) read from earliest by a group consumer through each client\'s registry deserializer; checked by offset, no gaps (issue 17)' },
  { ...base, name: 'produce-64KiB-acks1', role: 'producer', valueSize: 64 * 1024, batchSize: 1024 * 1024, count: { full: 40_000, quick: 5_000 },
    describe: 'scale: 64 KiB values, acks=1, batch.size 1 MiB (a 64 KiB batch would hold one record), as fast as acknowledged' },
  { ...base, name: 'consume-64KiB', role: 'consumer', valueSize: 64 * 1024, batchSize: 1024 * 1024, prefill: true, count: { full: 40_000, quick: 5_000 },
    describe: 'scale: group consumer from earliest over 64 KiB values, verified by offset' },
  // Scale (issue 10). Sizes keep a full run of these six cells at a few minutes per client on 2 cores.
  { ...base, name: 'produce-1000-partitions', role: 'producer', valueSize: 1024, topics: 100, partitions: 10, count: { full: 300_000, quick: 30_000 },
    describe: 'scale: 1 KiB values round robin over 100 topics × 10 partitions (1,000 partitions), acks=1; end offsets of all 1,000 checked' },
  { ...base, name: 'consume-1000-partitions', role: 'consumer', valueSize: 1024, topics: 100, partitions: 10, prefill: true, count: { full: 300_000, quick: 30_000 },
    na: { java: 'the Java consumer driver reads one topic' },
    describe: 'scale: one group consumer subscribed to 100 topics × 10 partitions (pre-filled by samsa), verified by (topic, partition, offset)' },
  { ...base, name: 'produce-1MiB-acks1', role: 'producer', valueSize: 1024 * 1024, batchSize: 1024 * 1024, maxMessageBytes: LARGE_MESSAGE_BYTES, count: { full: 2_000, quick: 300 },
    describe: 'scale: 1 MiB values, acks=1, topic max.message.bytes 2 MiB, each client\'s request/message size limit 2 MiB' },
  { ...base, name: 'consume-1MiB', role: 'consumer', valueSize: 1024 * 1024, batchSize: 1024 * 1024, maxMessageBytes: LARGE_MESSAGE_BYTES, prefill: true, count: { full: 2_000, quick: 300 },
    describe: 'scale: group consumer from earliest over 1 MiB values, 2 MiB per partition per fetch, verified by offset' },
  { ...base, name: 'group-8-consumers', role: 'group', valueSize: 1024, partitions: 48, consumers: 8, prefill: true, count: { full: 1_000_000, quick: 100_000 },
    na: { java: 'kafka-consumer-perf-test runs one consumer per JVM' },
    describe: 'scale: 8 consumers of one group in one process over 48 pre-filled partitions; join ms = until all 8 own partitions, then msgs/s after that; verified by offset' },
  { ...base, name: 'produce-held-at-buffer-memory', role: 'producer', valueSize: 1024, bufferMemory: 32 * 1024 * 1024, count: { full: 1_000_000, quick: 100_000 },
    na: {
      kafkajs: NO_BUFFER_BOUND,
      kafkats: NO_BUFFER_BOUND,
      platformatic: NO_BUFFER_BOUND,
      java: 'the JVM\'s resident set is its heap (-Xms256m -Xmx512m), not buffer.memory: the RSS bound cannot apply'
    },
    describe: 'scale: the application keeps twice buffer.memory (32 MiB) of 1 KiB records outstanding, so sends wait for room (max.block.ms 10 min); what the client adds to its process\'s RSS (peak minus the RSS before its module was loaded: Node itself, about 41 MiB) must stay under buffer.memory + 80 MiB' },
  { ...base, name: 'e2e-latency-1KiB', role: 'e2e', valueSize: 1024, partitions: 1, lingerMs: 0, rate: 1000, count: { full: 15_000, quick: 5_000 },
    describe: '1 KiB at a fixed 1000 records/s, producer and consumer in one process; latency from the intended send time' }
]

export const CLIENTS = ['samsa', 'kafkajs', 'kafkats', 'platformatic', 'confluent', 'java'] as const
export type ClientName = typeof CLIENTS[number]
