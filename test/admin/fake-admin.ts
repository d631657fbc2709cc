// An Admin on a 1-broker FakeKafka with topic "t" (2 partitions), short backoff and timeout: for
// tests of how Admin reads answers a real broker never gives on demand.
import { Admin } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

export async function withAdmin(fn: (fake: FakeKafka, admin: Admin) => Promise<void>): Promise<void> {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('t', { partitions: 2 })
  const admin = new Admin({ 'bootstrap.servers': bootstrap, 'retry.backoff.ms': 20, 'default.api.timeout.ms': 5000 })
  try {
    await fn(fake, admin)
  } finally {
    await admin.close()
    await fake.close()
  }
}
