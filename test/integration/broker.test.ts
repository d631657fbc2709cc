// Smoke test for the broker harness: a hand-encoded ApiVersions v0 request
// against bootstrapServers(). Needs no client code from src/.

import assert from 'node:assert/strict'
import net from 'node:net'
import { test } from 'node:test'
import { brokerAddresses, kafkaVersion, supportsConsumerGroupProtocol } from '../helpers/kafka.js'

interface ApiVersionsV0 {
  correlationId: number
  errorCode: number
  apis: Map<number, { min: number, max: number }>
}

function apiVersionsRequest (correlationId: number, clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8')
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + id.length)
  frame.writeInt32BE(frame.length - 4, 0) // size
  frame.writeInt16BE(18, 4) // api key: ApiVersions
  frame.writeInt16BE(0, 6) // api version 0
  frame.writeInt32BE(correlationId, 8)
  frame.writeInt16BE(id.length, 12) // client id (nullable string)
  id.copy(frame, 14)
  return frame
}

function parseApiVersionsV0 (body: Buffer): ApiVersionsV0 {
  const correlationId = body.readInt32BE(0)
  const errorCode = body.readInt16BE(4)
  const count = body.readInt32BE(6)
  const apis = new Map<number, { min: number, max: number }>()
  for (let i = 0, o = 10; i < count; i++, o += 6) {
    apis.set(body.readInt16BE(o), { min: body.readInt16BE(o + 2), max: body.readInt16BE(o + 4) })
  }
  assert.equal(body.length, 10 + count * 6, 'response v0 has no bytes after the api array')
  return { correlationId, errorCode, apis }
}

function roundTrip (host: string, port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let data = Buffer.alloc(0)
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer from ${host}:${port}`)))
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
        socket.end()
        resolve(data.subarray(4, 4 + data.readInt32BE(0)))
      }
    })
    socket.on('error', reject)
    socket.on('close', () => reject(new Error('connection closed before a full response')))
  })
}

test(`broker answers ApiVersions v0 (Kafka ${kafkaVersion()})`, async () => {
  const [{ host, port }] = brokerAddresses()
  const response = parseApiVersionsV0(await roundTrip(host, port, apiVersionsRequest(42, 'samsa-smoke')))
  assert.equal(response.correlationId, 42)
  assert.equal(response.errorCode, 0)
  assert.ok(response.apis.has(0), 'lists Produce (api key 0)')
  assert.ok(response.apis.has(1), 'lists Fetch (api key 1)')
  const apiVersions = response.apis.get(18)
  assert.ok(apiVersions && apiVersions.max >= 3, 'ApiVersions goes up to at least v3')
})

test('every bootstrap broker answers', async () => {
  for (const { host, port } of brokerAddresses()) {
    const response = parseApiVersionsV0(await roundTrip(host, port, apiVersionsRequest(7, 'samsa-smoke')))
    assert.equal(response.errorCode, 0, `${host}:${port}`)
  }
})

test('broker offers the KIP-848 consumer group protocol', { skip: !supportsConsumerGroupProtocol() && 'needs Kafka 4.0+' }, async () => {
  const [{ host, port }] = brokerAddresses()
  const response = parseApiVersionsV0(await roundTrip(host, port, apiVersionsRequest(1, 'samsa-smoke')))
  assert.ok(response.apis.has(68), 'lists ConsumerGroupHeartbeat (api key 68)')
})
