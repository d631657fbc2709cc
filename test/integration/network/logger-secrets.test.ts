// Secrets never reach a log sink or an error message: clients configured with
// SASL and TLS secrets fail to connect to the (SASL-less) shared broker, and
// every logger line, KafkaJS logCreator entry, error and DEBUG=samsa:* line
// they produce is checked for the secret.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { runFixture } from '../../helpers/child.js'

test('no log line, debug output or error message carries a configured secret', async () => {
  const secret = `S3cr3t-${crypto.randomBytes(8).toString('hex')}`
  const { code, output } = await runFixture('test/fixtures/logger-secrets.ts', [secret], 90000, { DEBUG: 'samsa:*', DEBUG_COLORS: '0' })
  assert.equal(code, 0, output.slice(-3000))
  const count = (label: string) => Number(new RegExp(`^${label} (\\d+)$`, 'm').exec(output)?.[1] ?? -1)
  assert.ok(count('LOGGER') > 0, 'the logger option received entries')
  assert.ok(count('KAFKAJS') > 0, 'the logCreator received entries')
  assert.ok(count('ERRORS') >= 9, `every failing call reported an error (${count('ERRORS')})`)
  assert.match(output, /samsa:network/, 'DEBUG=samsa:* output was captured')
  assert.match(output, /\[redacted\]/, 'secret config values are shown as [redacted]')
  assert.ok(!output.includes(secret), `the secret leaked:\n${output.split('\n').filter((l) => l.includes(secret)).slice(0, 5).join('\n')}`)
})
