// What the share-group test files against the real broker share: one
// TestProducer and one Admin per file (closed after it), and share groups that
// start at the earliest offset (share.auto.offset.reset is a group config, not
// a client one).
import { after } from 'node:test'
import { Admin } from '../../src/index.js'
import { bootstrapServers, uniqueName } from './kafka.js'
import { TestProducer } from './produce.js'

export interface ShareFixture {
  producer: TestProducer
  admin: Admin
  /** A new share group (named after `prefix`) reading from the earliest offset, with `configs` as further group configs. */
  group(prefix: string, configs?: Record<string, string>): Promise<string>
}

/** Call once at a test file's top level: the producer and admin are closed after the file's tests. */
export function shareFixture(): ShareFixture {
  const producer = new TestProducer()
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  after(async () => {
    producer.close()
    await admin.close()
  })
  return {
    producer,
    admin,
    async group(prefix, configs = {}) {
      const name = uniqueName(prefix)
      const ops = [{ name: 'share.auto.offset.reset', value: 'earliest' }, ...Object.entries(configs).map(([n, value]) => ({ name: n, value }))]
      await admin.incrementalAlterConfigs([{ type: 'group', name, ops }])
      return name
    },
  }
}
