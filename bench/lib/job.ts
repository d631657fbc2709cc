/**
 * What the harness (bench/run.ts) tells a client driver to do, and what the
 * driver reports back. A driver is one small program per client and role
 * (bench/clients/<client>/<role>.ts); it gets a Job as JSON in the BENCH_JOB
 * environment variable and writes one DriverReport as JSON to job.resultFile.
 */

/**
 * share: a share group member (KIP-932) reading a pre-filled topic, implicit acknowledgement;
 * group: `Job.consumers` group consumers in one process reading a pre-filled topic
 */
export type Role = 'producer' | 'consumer' | 'e2e' | 'share' | 'avro-producer' | 'avro-consumer' | 'group'
export type Compression = 'none' | 'lz4' | 'zstd' | 'snappy'
export type Acks = 0 | 1 | -1

export interface Job {
  scenario: string
  client: string
  role: Role
  /** "host:port" of the broker */
  bootstrap: string
  topic: string
  /**
   * every topic of the cell (`topic` is the first): producers spread the
   * records over them round robin, consumers subscribe to all of them
   */
  topics: string[]
  /** partitions of each topic */
  partitions: number
  /** records to produce or consume (e2e: records in the measured phase) */
  count: number
  /** value size in bytes; records have no key and no headers */
  valueSize: number
  acks: Acks
  compression: Compression
  /** producer accumulation window (clients that have one) */
  lingerMs: number
  /** producer batch size in bytes (clients that have one) */
  batchSize: number
  /** producer: one awaited send at a time */
  awaited: boolean
  /** e2e: fixed send rate, records per second */
  rate: number
  /** consumer and e2e: the group to join */
  groupId: string
  /** where the driver writes its DriverReport */
  resultFile: string
  /** file of payloads, one per line (the Java perf tools read it) */
  payloadFile: string
  /** Kafka version of the broker ("4.4.0") */
  kafkaVersion: string
  /**
   * The "defaults" mode: the client runs with only what a newcomer sets
   * (consumers: bootstrap, group, from earliest; producers: bootstrap, acks);
   * no fetch, batch, linger or in-flight settings.
   */
  defaults: boolean
  /** avro roles: the Schema Registry's Confluent-compatible base URL */
  registry?: string
  /**
   * large records: the topics' `max.message.bytes`; producers raise their
   * request / message size limit and consumers their per-partition fetch size to it
   */
  maxMessageBytes?: number
  /** group role: consumers of one group in this one process */
  consumers?: number
  /**
   * producer held at its own bound on buffered bytes (`buffer.memory` and its
   * equivalents): the feed keeps twice this much outstanding, so sends wait for room
   */
  bufferMemory?: number
}

export interface DriverReport {
  /** set when the client or the scenario is not available: the cell is reported n/a */
  unavailable?: string
  /** records acknowledged (producer) or received (consumer, e2e measured phase) */
  records: number
  /** value bytes of those records */
  bytes: number
  /** the timed window in ms (see each role for where it starts and ends) */
  elapsedMs: number
  /**
   * process CPU time (user + system, all threads), µs: producers and e2e over
   * the timed window (after connecting and warming up); consumers over the
   * client's whole life (group join and prefetching included; the Java
   * consumer from creating it to the N-th record, measured inside the JVM);
   * Java's perf-test tools above a 1-record run of the same tool
   */
  cpuUs: number
  /** consumer: process CPU (all threads) inside the msgs/s window, µs (Java: after its warm-up share) */
  windowCpuUs?: number
  /** peak resident set size of the client process, MB */
  rssMb: number
  /**
   * Node drivers: the process's resident set before the client's module was
   * loaded (Node itself and the driver), MiB; peak rssMb minus this is what
   * the client added to the process (Java: not measured)
   */
  runtimeRssMb?: number
  /**
   * records handled before the timed window (Java's warm-up): a producer sent
   * them to the same topic (the broker must hold records + these); a consumer
   * read them first (its N distinct records include them)
   */
  warmupRecords?: number
  /** consumer: ms from creating the consumer to the first record (group join + first fetch) */
  joinMs?: number
  /** consumer: ms from creating the consumer to the last counted record (ramp-up included) */
  fromCreateMs?: number
  /** consumer: records received in fromCreateMs when not `records` (the Java consumer's warm-up share is outside `records`) */
  fromCreateRecords?: number
  /** consumer: distinct (partition, offset) pairs received, repeats of one already received, offsets skipped */
  distinct?: number
  duplicates?: number
  gaps?: number
  /** latency percentiles in ms, where the role measures latency */
  p50Ms?: number
  p99Ms?: number
  p999Ms?: number
  /** set by the harness: CPU the broker used while the driver ran, µs */
  brokerCpuUs?: number
  /** anything the driver wants to say about how it was fed */
  note?: string
  /**
   * group role: joinMs is from creating the first consumer until every one
   * owned partitions; these are the records received after that moment and
   * the ms from it to the last record
   */
  afterOwnRecords?: number
  afterOwnMs?: number
}
