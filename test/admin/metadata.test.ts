// Admin's Metadata look-ups against FakeKafka: an error code no broker gives a topic there is a
// corrupt answer, asked again; never reported as the topic's error.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError } from '../../src/index.js'
import { withAdmin } from './fake-admin.js'

test('describeTopics: an implausible topic error, even repeated, is asked again until a good answer', async () => {
  await withAdmin(async (fake, admin) => {
    fake.failNext('Metadata', 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED', 3)
    const [d] = await admin.describeTopics(['t'])
    assert.equal(d!.name, 't')
    assert.equal(d!.partitions.length, 2)
  })
})

test('describeTopics: a plausible non-retriable topic error, repeated, is the answer', async () => {
  await withAdmin(async (fake, admin) => {
    fake.failNext('Metadata', 'TOPIC_AUTHORIZATION_FAILED', 2)
    await assert.rejects(admin.describeTopics(['t']), (e: unknown) => e instanceof KafkaError && e.type === 'TOPIC_AUTHORIZATION_FAILED')
  })
})
