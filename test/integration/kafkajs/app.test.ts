// Runs a KafkaJS program (test/kafkajs/fixtures/app.ts, importing
// 'samsa/kafkajs') end to end in its own process: it produces, consumes with
// eachMessage and eachBatch, uses the admin client, disconnects everything,
// and must then exit by itself.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

function runProgram(file: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/kafkajs/fixtures/samsa-from-source.mjs', file], {
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrapServers(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve({ code: null, out })
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

test('a KafkaJS program runs unchanged on samsa/kafkajs and exits by itself once it disconnects', async () => {
  const { code, out } = await runProgram('test/kafkajs/fixtures/app.ts', { APP_RUN_ID: uniqueName('app') }, 60000)
  assert.equal(code, 0, `exited by itself with 0 (null: still running after 60 s); output:\n${out}`)
  assert.match(out, /^ok 30 handled, 30 audited, 3 partitions written, 0 warnings$/m)
})
