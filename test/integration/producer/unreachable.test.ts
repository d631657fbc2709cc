import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { Producer, TimeoutError, serializers } from '../../../src/index.js'
import { runFixture } from '../../helpers/child.js'

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

test('an unreachable cluster fails sends within max.block.ms, saying why', async () => {
  const port = await closedPort()
  const p = new Producer({
    'bootstrap.servers': `127.0.0.1:${port}`,
    'value.serializer': serializers.string,
    'max.block.ms': 1500,
    'reconnect.backoff.ms': 50,
    'reconnect.backoff.max.ms': 200,
  })
  try {
    const t0 = Date.now()
    const results = await Promise.allSettled([p.send({ topic: 'nowhere', value: 'a' }), p.send({ topic: 'nowhere', value: 'b' })])
    const took = Date.now() - t0
    assert.ok(took >= 1400 && took < 5000, `failed after ${took} ms`)
    for (const r of results) {
      assert.equal(r.status, 'rejected')
      const e = (r as PromiseRejectedResult).reason
      assert.ok(e instanceof TimeoutError, String(e))
      assert.match(e.message, /topic "nowhere" not present in metadata after 1500 ms \(max\.block\.ms\)/)
      assert.match(e.message, new RegExp(`cannot reach any broker.*127\\.0\\.0\\.1:${port}`))
    }
    await assert.rejects(p.partitionsFor('nowhere'), /cannot reach any broker|did not succeed/)
  } finally {
    const t1 = Date.now()
    await p.close()
    assert.ok(Date.now() - t1 < 2000, 'close returns promptly')
  }
})

test('a blackholed bootstrap address fails within max.block.ms too', async () => {
  // A listener that accepts connections and never answers.
  const sockets: net.Socket[] = []
  const server = net.createServer((s) => sockets.push(s))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  const p = new Producer({ 'bootstrap.servers': `127.0.0.1:${port}`, 'max.block.ms': 1000, 'request.timeout.ms': 5000 })
  try {
    const t0 = Date.now()
    await assert.rejects(p.send({ topic: 'nowhere', value: Buffer.from('x') }), (e: Error) => e instanceof TimeoutError && /max\.block\.ms/.test(e.message))
    assert.ok(Date.now() - t0 < 3000, `failed after ${Date.now() - t0} ms`)
  } finally {
    await p.close()
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  }
})

test('closing a producer whose broker never answered leaves nothing open: the process exits by itself', async () => {
  const sockets: net.Socket[] = []
  const server = net.createServer((s) => sockets.push(s))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  try {
    const t0 = Date.now()
    const { code, output } = await runFixture('test/fixtures/producer-blackhole-exits.ts', [String(port)], 20000)
    assert.equal(code, 0, `exited by itself (output: ${output})`)
    assert.match(output, /closed TimeoutError/)
    assert.ok(Date.now() - t0 < 15000, 'well before request.timeout.ms')
  } finally {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  }
})
