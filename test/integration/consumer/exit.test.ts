import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { bootstrapServers, supportsConsumerGroupProtocol } from '../../helpers/kafka.js'

test('a program that closes its consumers exits by itself', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/consumer/fixtures/consumer-exits.ts'], {
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrapServers(), KIP848: supportsConsumerGroupProtocol() ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, 40000)
    child.on('exit', (c) => {
      clearTimeout(t)
      resolve(c)
    })
  })
  assert.equal(code, 0, `exited by itself with 0 (output: ${out})`)
  assert.match(out, /^classic 100$/m)
  if (supportsConsumerGroupProtocol()) assert.match(out, /^consumer 100$/m)
  assert.match(out, /^ok$/m)
})
