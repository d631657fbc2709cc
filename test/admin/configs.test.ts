// Admin's config calls (src/admin/configs.ts) against FakeKafka: a resource's non-retriable error
// is believed when the resource's next attempt repeats it (one damaged answer can carry any code).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError } from '../../src/index.js'
import { withAdmin } from './fake-admin.js'

test('describeConfigs: one answer giving the topic TOPIC_AUTHORIZATION_FAILED is asked again; the next answer is the result', async () => {
  await withAdmin(async (fake, admin) => {
    fake.failNext('DescribeConfigs', 'TOPIC_AUTHORIZATION_FAILED', 1)
    const [d] = await admin.describeConfigs([{ type: 'topic', name: 't' }])
    assert.equal(d!.name, 't')
    assert.ok(d!.entries.some((e) => e.name === 'cleanup.policy'), `entries: ${d!.entries.map((e) => e.name).join(', ')}`)
  })
})

test('describeConfigs: the same non-retriable error in two answers in a row is the result', async () => {
  await withAdmin(async (fake, admin) => {
    fake.failNext('DescribeConfigs', 'TOPIC_AUTHORIZATION_FAILED', 2)
    await assert.rejects(admin.describeConfigs([{ type: 'topic', name: 't' }]), (e: unknown) => e instanceof KafkaError && e.type === 'TOPIC_AUTHORIZATION_FAILED' && /"t"/.test(e.message))
  })
})

test('describeConfigs: a retriable per-resource error is final at once, as in Java (an unknown topic)', async () => {
  await withAdmin(async (_fake, admin) => {
    const started = Date.now()
    await assert.rejects(admin.describeConfigs([{ type: 'topic', name: 'missing' }]), (e: unknown) => e instanceof KafkaError && e.type === 'UNKNOWN_TOPIC_OR_PARTITION')
    assert.ok(Date.now() - started < 2000)
  })
})
