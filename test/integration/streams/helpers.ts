// Shared steps of the streams tests: topics, input records, reading outputs to their end, the word-count topology.
import { Admin, Consumer, Producer, deserializers, serializers, type ConsumerRecord } from '../../../src/index.js'
import { Serdes, StreamsBuilder } from '../../../src/streams/index.js'
import { bootstrapServers } from '../../helpers/kafka.js'

/** Kafka's WordCountDemo topology: lines of `input` split into lower-case words, counted per word into the store 'counts', the counts (long values) to `output`. */
export function wordCount(input: string, output: string): StreamsBuilder {
  const builder = new StreamsBuilder()
  builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((w) => w !== ''))
    .groupBy((_k, word) => word, { keySerde: Serdes.string, valueSerde: Serdes.string })
    .count({ storeName: 'counts' })
    .toStream()
    .to(output, { valueSerde: Serdes.long })
  return builder
}

export async function createTopics(names: string[], partitions = 3): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    await admin.createTopics(names.map((topic) => ({ topic, numPartitions: partitions })))
  } finally {
    await admin.close()
  }
}

/** Deletes the topics and the application's internal topics. */
export async function cleanUp(topics: string[], applicationId?: string): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    const internal = applicationId ? (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`)) : []
    await admin.deleteTopics([...topics, ...internal]).catch(() => {})
  } finally {
    await admin.close()
  }
}

export async function produceStrings(topic: string, records: [key: string | null, value: string | null, timestamp?: number][]): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'key.serializer': serializers.string, 'value.serializer': serializers.string, 'linger.ms': 20 })
  try {
    await Promise.all(records.map(([key, value, timestamp]) => producer.send({ topic, key, value, timestamp })))
  } finally {
    await producer.close()
  }
}

/**
 * Every record of `topic` from the beginning up to the end offsets seen once
 * `done(records)` holds (or `timeoutMs` passes): `read_committed` hides
 * aborted and open transactions.
 */
export async function readAll<K, V>(
  topic: string,
  options: { key: 'string' | 'long'; value: 'string' | 'long'; isolation?: 'read_committed' | 'read_uncommitted'; done?: (records: ConsumerRecord<K, V>[]) => boolean; timeoutMs?: number },
): Promise<ConsumerRecord<K, V>[]> {
  const pick = (t: 'string' | 'long') => (t === 'string' ? deserializers.string : { deserialize: (_t: string, b: Buffer | null) => (b === null ? null : Number(b.readBigInt64BE(0))) })
  const consumer = new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'key.deserializer': pick(options.key),
    'value.deserializer': pick(options.value),
    'isolation.level': options.isolation ?? 'read_uncommitted',
  }) as unknown as Consumer<K, V>
  try {
    const tps = (await partitionsOf(topic)).map((partition) => ({ topic, partition }))
    consumer.assign(tps)
    consumer.seekToBeginning(tps)
    const out: ConsumerRecord<K, V>[] = []
    const until = Date.now() + (options.timeoutMs ?? 60000)
    for (;;) {
      for (const r of await consumer.poll(300)) out.push(r)
      if (Date.now() > until) return out
      if (options.done && !options.done(out)) continue
      const ends = await consumer.endOffsets(tps)
      const positions = await Promise.all(tps.map((tp) => consumer.position(tp)))
      if (!ends.every((e, i) => positions[i]! >= e.offset)) continue
      // read_committed: done only once no transaction is open (a killed writer's is aborted by its timeout).
      if (options.isolation === 'read_committed' && !(await noOpenTransactions(tps.map((tp) => tp.partition), topic, ends.map((e) => e.offset)))) continue
      return out
    }
  } finally {
    await consumer.close()
  }
}

/** The last value per key of a changelog-like list of records. */
export function latest<K, V>(records: ConsumerRecord<K, V>[]): Map<K, V | null> {
  const out = new Map<K, V | null>()
  for (const r of records) out.set(r.key as K, r.value)
  return out
}

export async function partitionsOf(topic: string): Promise<number[]> {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    const [d] = await admin.describeTopics([topic])
    return d!.partitions.map((p) => p.partition)
  } finally {
    await admin.close()
  }
}

/** Whether the log-end offsets equal the last stable offsets `stable` (no transaction open). */
async function noOpenTransactions(partitions: number[], topic: string, stable: bigint[]): Promise<boolean> {
  const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers() })
  try {
    const ends = await consumer.endOffsets(partitions.map((partition) => ({ topic, partition })))
    return ends.every((e, i) => e.offset === stable[i])
  } finally {
    await consumer.close()
  }
}
