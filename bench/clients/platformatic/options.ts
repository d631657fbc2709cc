// Shared by the @platformatic/kafka consumer drivers: the aligned consume() options.
import type { Job } from '../../lib/job.js'

export function consumeOptions (job: Job): Record<string, unknown> {
  if (job.defaults) return { topics: job.topics, mode: 'committed', fallbackMode: 'earliest' }
  return {
    topics: job.topics,
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: 5000,
    minBytes: 1,
    maxWaitTime: 500,
    maxBytesPerPartition: job.maxMessageBytes ?? 1024 * 1024,
    maxBytes: 50 * 1024 * 1024
  }
}
