// examples/kafkajs.ts: prints what it sent and exits by itself in demo mode.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startExample } from '../examples/run-example.js'
import { uniqueName } from '../../helpers/kafka.js'

test('examples/kafkajs.ts sends, consumes, disconnects and exits by itself', async () => {
  const topic = uniqueName('kafkajs-example')
  const example = startExample('examples/kafkajs.ts', [topic])
  await example.waitFor((lines) => lines.some((l) => l.startsWith('stopping')), 'the demo to stop')
  let timer: NodeJS.Timeout | undefined
  const { code, stderr } = await Promise.race([
    example.exited,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running 15 s after stopping:\n${example.stdout()}`)), 15000))),
  ]).finally(() => clearTimeout(timer))
  assert.equal(code, 0, stderr)
  const lines = example.lines()
  assert.match(lines[0]!, /^sent 3 messages: /)
  const printed = lines.filter((l) => l.startsWith(`${topic}[0] `))
  assert.deepEqual(printed, [0, 1, 2].map((i) => `${topic}[0] ${i} key-${i}: Hello KafkaJS user #${i}!`))
})
