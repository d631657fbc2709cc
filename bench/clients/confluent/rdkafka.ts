// Shared by the @confluentinc/kafka-javascript drivers: load the library and
// turn its event-style connect into a promise. These drivers use its
// node-rdkafka style API (Producer / KafkaConsumer), the fastest it offers;
// its KafkaJS-compatible API adds a promise per record on top.
import { importPeer } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'

export async function rdkafka (): Promise<any> {
  return await importPeer('@confluentinc/kafka-javascript')
}

export function connected (client: any): Promise<void> {
  return new Promise((resolve, reject) => {
    client.connect({ timeout: 30_000 }, (err: unknown) => err ? reject(err) : resolve())
  })
}

export function producerConfig (job: Job, lingerMs = job.lingerMs): Record<string, unknown> {
  // dr_cb: delivery reports are how the driver learns of acknowledgements, not a tuning
  if (job.defaults) return { 'bootstrap.servers': job.bootstrap, 'acks': job.acks, 'dr_cb': true }
  return {
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'acks': job.acks,
    'linger.ms': lingerMs,
    'batch.size': job.batchSize,
    'compression.codec': job.compression,
    'enable.idempotence': false,
    'max.in.flight.requests.per.connection': 5,
    'queue.buffering.max.messages': 2_000_000,
    // large records: librdkafka's own limit on a message (default 1,000,000 bytes)
    ...(job.maxMessageBytes ? { 'message.max.bytes': job.maxMessageBytes } : {}),
    // held at its bound on buffered bytes: produce() fails with QUEUE_FULL beyond it (see producer.ts)
    ...(job.bufferMemory ? { 'queue.buffering.max.kbytes': job.bufferMemory / 1024 } : {}),
    'dr_cb': true
  }
}

/** auto.offset.reset is a topic property: in the global config it is ignored when a topic config is given */
export const consumerTopicConfig = { 'auto.offset.reset': 'earliest' }

export function consumerConfig (job: Job): Record<string, unknown> {
  if (job.defaults) return { 'bootstrap.servers': job.bootstrap, 'group.id': job.groupId }
  return {
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'group.id': job.groupId,
    'enable.auto.commit': true,
    'fetch.min.bytes': 1,
    'fetch.wait.max.ms': 500,
    'max.partition.fetch.bytes': job.maxMessageBytes ?? 1024 * 1024,
    'fetch.max.bytes': 50 * 1024 * 1024
  }
}
