// The testing-your-app example's own test file, run as a user runs it
// (node --test), against the suite's broker: its mock tests, its FakeKafka
// test and its real-broker test must all pass, none skipped.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { bootstrapServers } from '../../helpers/kafka.js'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

test('examples/testing-your-app: the mock, fake-cluster and real-broker tests pass', () => {
  // Without NODE_TEST_CONTEXT the child is a test runner of its own (not a subtest file of ours).
  const { NODE_TEST_CONTEXT: _, ...env } = process.env
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'examples/testing-your-app/alerts.test.ts'], {
    cwd: REPO,
    env: { ...env, KAFKA_BOOTSTRAP: bootstrapServers() },
    encoding: 'utf8',
    timeout: 110_000,
  })
  assert.equal(run.status, 0, `the example's tests failed:\n${run.stdout}\n${run.stderr}`)
  assert.match(run.stdout, /^# pass 4$/m)
  assert.match(run.stdout, /^# skipped 0$/m)
})
