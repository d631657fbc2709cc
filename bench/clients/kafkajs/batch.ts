// Shared by the KafkaJS consumer drivers: the eachBatch handler that checks
// and counts every record, and the aligned fetch settings.
import type { ConsumeCounter } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'

export function fetchSettings (job: Job): Record<string, number> {
  return { minBytes: 1, maxWaitTimeInMs: 500, maxBytesPerPartition: job.maxMessageBytes ?? 1024 * 1024, maxBytes: 50 * 1024 * 1024 }
}

export function eachBatch (counter: ConsumeCounter): (payload: any) => Promise<void> {
  return async ({ batch }) => {
    let bytes = 0
    for (const m of batch.messages) {
      bytes += m.value ? m.value.length : 0
      counter.see(batch.partition, m.offset, batch.topic)
    }
    counter.add(batch.messages.length, bytes)
  }
}
