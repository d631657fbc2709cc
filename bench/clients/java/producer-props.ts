// The Java producer driver's properties, in their own module (the driver runs at
// import) so test/bench can check them.
import { UNACKED_BYTES } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'

/**
 * The producer's properties: the defaults mode sets only what the scenario
 * names (acks); buffer.memory bounds the unacknowledged bytes as the Node
 * drivers' window does (UNACKED_BYTES), or is the scenario's own bound.
 */
export function javaProducerProps (job: Job): string[] {
  const bufferMemory = `buffer.memory=${job.bufferMemory ?? UNACKED_BYTES}`
  const acks = `acks=${job.acks === -1 ? 'all' : job.acks}`
  if (job.defaults) return [acks, bufferMemory]
  return [acks, `linger.ms=${job.lingerMs}`, `batch.size=${job.batchSize}`,
    `compression.type=${job.compression}`, 'enable.idempotence=false', 'max.in.flight.requests.per.connection=5', 'client.id=bench',
    bufferMemory, ...(job.bufferMemory ? ['max.block.ms=600000'] : []),
    ...(job.maxMessageBytes ? [`max.request.size=${job.maxMessageBytes}`] : [])]
}
