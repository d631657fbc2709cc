// A broker without ConsumerGroupHeartbeat (Kafka before 4.0 without the
// preview) cannot host a group.protocol "consumer" member: poll must fail
// with a clear error. A real 3.9 test broker has the preview enabled, so a
// fake broker that offers no ConsumerGroupHeartbeat stands in for old ones.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { Consumer, type KafkaError } from '../../src/index.js'
import { Reader } from '../../src/protocol/reader.js'
import { Writer } from '../../src/protocol/writer.js'
import { ApiVersionsApi, decodeApiVersionsRequest, encodeApiVersionsResponse } from '../../src/protocol/messages/api-versions.js'
import { FindCoordinatorApi, encodeFindCoordinatorResponse } from '../../src/protocol/messages/find-coordinator.js'
import { MetadataApi, encodeMetadataResponse } from '../../src/protocol/messages/metadata.js'
import type { ApiDescriptor } from '../../src/protocol/api.js'

const APIS = [ApiVersionsApi, MetadataApi, FindCoordinatorApi] as unknown as ApiDescriptor<unknown, unknown>[]

async function oldBroker(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  let port = 0
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0))
        buf = buf.subarray(4 + frame.length)
        const r = new Reader(frame)
        const apiKey = r.int16()
        const version = r.int16()
        const correlationId = r.int32()
        const api = APIS.find((a) => a.apiKey === apiKey)!
        r.nullableString()
        if (api.requestHeaderVersion(version) >= 2) r.uvarint()
        const w = new Writer()
        const at = w.reserveInt32()
        w.int32(correlationId)
        if (api.responseHeaderVersion(version) >= 1) w.uvarint(0)
        if (apiKey === 18) {
          decodeApiVersionsRequest(r, version)
          encodeApiVersionsResponse(w, { errorCode: 0, apiKeys: [
            { apiKey: 3, minVersion: 0, maxVersion: 12 }, { apiKey: 10, minVersion: 0, maxVersion: 4 }, { apiKey: 18, minVersion: 0, maxVersion: 3 },
            { apiKey: 11, minVersion: 0, maxVersion: 9 }, { apiKey: 12, minVersion: 0, maxVersion: 4 }, { apiKey: 14, minVersion: 0, maxVersion: 5 },
          ] }, version)
        } else if (apiKey === 3) {
          encodeMetadataResponse(w, { brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], clusterId: 'fake', controllerId: 1, topics: [] }, version)
        } else if (apiKey === 10) {
          encodeFindCoordinatorResponse(w, version >= 4
            ? { coordinators: [{ key: 'g', nodeId: 1, host: '127.0.0.1', port, errorCode: 0 }] }
            : { errorCode: 0, nodeId: 1, host: '127.0.0.1', port }, version)
        }
        w.patchInt32(at, w.offset - 4)
        socket.write(Buffer.from(w.finish()))
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as net.AddressInfo).port
  return { port, close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()) }) }
}

test('group.protocol "consumer" against a broker without KIP-848 fails poll with a clear error', async () => {
  const broker = await oldBroker()
  const c = new Consumer({ 'bootstrap.servers': `127.0.0.1:${broker.port}`, 'group.id': 'g', 'group.protocol': 'consumer' })
  try {
    c.subscribe(['t'])
    await assert.rejects(c.poll(5000), (e: KafkaError) =>
      e.type === 'UNSUPPORTED_VERSION' && /KIP-848/.test(e.message) && /group\.protocol "classic"/.test(e.message))
  } finally {
    await c.close({ timeoutMs: 2000 })
    await broker.close()
  }
})
