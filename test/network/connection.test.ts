// Faults a real broker cannot produce on demand: a fake broker answers
// ApiVersions properly, then sends a malformed frame. The connection must
// close, fail the request with a retriable ConnectionError caused by a
// ProtocolError, and allocate nothing large.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { Connection } from '../../src/network/connection.js'
import { ConnectionError, ProtocolError, TimeoutError } from '../../src/errors.js'
import { Reader } from '../../src/protocol/reader.js'
import { Writer } from '../../src/protocol/writer.js'
import { decodeApiVersionsRequest, encodeApiVersionsResponse } from '../../src/protocol/messages/api-versions.js'
import { MetadataApi } from '../../src/protocol/messages/metadata.js'

type Misbehave = (socket: net.Socket, correlationId: number) => void

/** A fake broker: answers ApiVersions (v3 for Metadata 0-12), then lets `misbehave` answer the next request. */
async function fakeBroker(misbehave: Misbehave): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
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
        r.nullableString()
        if (version >= 3) r.uvarint() // header tagged fields (v2 header)
        if (apiKey === 18) {
          decodeApiVersionsRequest(r, version)
          const w = new Writer()
          const at = w.reserveInt32()
          w.int32(correlationId)
          encodeApiVersionsResponse(w, { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }] }, version)
          w.patchInt32(at, w.offset - 4)
          socket.write(Buffer.from(w.finish()))
        } else {
          misbehave(socket, correlationId)
        }
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

function connect(port: number, extra: Partial<ConstructorParameters<typeof Connection>[0]> = {}) {
  return new Connection({
    host: '127.0.0.1',
    port,
    nodeId: 1,
    clientId: 'test',
    requestTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    maxResponseSize: 1024 * 1024,
    ...extra,
  })
}

async function expectProtocolError(misbehave: Misbehave, pattern: RegExp) {
  const broker = await fakeBroker(misbehave)
  const conn = connect(broker.port)
  let closed = 0
  try {
    await conn.connect()
    assert.equal(conn.versionFor(MetadataApi), 12)
    const started = Date.now()
    await assert.rejects(conn.request(MetadataApi, { topics: [] }), (e: unknown) => {
      // A malformed frame is a broken connection: the request fails retriably, the ProtocolError is the cause.
      assert.ok(e instanceof ConnectionError, `got ${String(e)}`)
      assert.equal(e.retriable, true)
      assert.equal(e.context.malformed, true)
      const root = e.cause
      assert.ok(root instanceof ProtocolError, `cause is a ProtocolError: ${String(root)}`)
      assert.match(root.message, pattern)
      return true
    })
    assert.ok(Date.now() - started < 1500, 'failed promptly, not by timeout')
    assert.ok(conn.isClosed, 'connection closed')
    closed++
  } finally {
    conn.close()
    await broker.close()
  }
  assert.equal(closed, 1)
}

function frame(body: Buffer): Buffer {
  const b = Buffer.alloc(4 + body.length)
  b.writeInt32BE(body.length, 0)
  body.copy(b, 4)
  return b
}

test('a negative frame length is a ProtocolError', async () => {
  await expectProtocolError((s) => s.write(Buffer.from([0xff, 0xff, 0xff, 0xf0])), /length -16/)
})

test('a huge frame length is refused before allocating it', async () => {
  const before = process.memoryUsage().arrayBuffers
  await expectProtocolError((s) => s.write(Buffer.from([0x7f, 0xff, 0xff, 0xff])), /length 2147483647 is outside/)
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024)
})

test('an unknown correlation id is a ProtocolError', async () => {
  await expectProtocolError((s, id) => {
    const body = Buffer.alloc(8)
    body.writeInt32BE(id + 1000, 0)
    s.write(frame(body))
  }, /correlation id \d+ matches no request/)
})

test('a truncated body is a ProtocolError', async () => {
  await expectProtocolError((s, id) => {
    const body = Buffer.alloc(7)
    body.writeInt32BE(id, 0)
    s.write(frame(body))
  }, /truncated|malformed/)
})

test('an impossible array count is a ProtocolError without a large allocation', async () => {
  await expectProtocolError((s, id) => {
    // Metadata v12 response: header v1 (corr id + tagged), throttle, brokers compact array count huge.
    const w = new Writer()
    w.int32(id).uvarint(0).int32(0).uvarint(0x0fffffff)
    s.write(frame(Buffer.from(w.finish())))
  }, /impossible array count/)
})

/** Writes `data` to `s` in pieces of `size` bytes, one per millisecond. */
function drip(s: net.Socket, data: Buffer, size: number): void {
  let at = 0
  const step = () => {
    if (at >= data.length) return
    s.write(data.subarray(at, at + size))
    at += size
    setTimeout(step, 1)
  }
  step()
}

test('a frame split across many chunks is reassembled', async () => {
  const broker = await fakeBroker((s, id) => {
    const w = new Writer()
    w.int32(id).uvarint(0).int32(0).uvarint(1).compactNullableString('cluster-x').int32(1).uvarint(1).int32(-2147483648).uvarint(0)
    drip(s, frame(Buffer.from(w.finish())), 3)
  })
  const conn = connect(broker.port)
  try {
    await conn.connect()
    const res = await conn.request(MetadataApi, { topics: [] })
    assert.equal(res.clusterId, 'cluster-x')
    assert.equal(res.controllerId, 1)
  } finally {
    conn.close()
    await broker.close()
  }
})

test('large and small frames back to back, in one burst or dripped, are each decoded whole', async () => {
  // Responses of 300 KiB, a few bytes and 200 KiB: the large ones are read
  // straight into their frame buffers, the rest through the scratch buffer.
  const sizes = [300 * 1024, 0, 200 * 1024]
  const ids: number[] = []
  const clusterId = (i: number) => (sizes[i]! === 0 ? `small-${i}` : `big-${i}-`.padEnd(sizes[i]!, String.fromCharCode(97 + i)))
  const response = (id: number, i: number) => {
    const w = new Writer()
    w.int32(id).uvarint(0).int32(0).uvarint(1).compactNullableString(clusterId(i)).int32(1).uvarint(1).int32(-2147483648).uvarint(0)
    return frame(Buffer.from(w.finish()))
  }
  for (const dripped of [false, true]) {
    const broker = await fakeBroker((s, id) => {
      ids.push(id)
      if (ids.length < 3) return
      const all = Buffer.concat(ids.splice(0).map((cid, i) => response(cid, i)))
      if (dripped) drip(s, all, 50_000)
      else s.write(all)
    })
    const conn = connect(broker.port)
    try {
      await conn.connect()
      const res = await Promise.all([0, 1, 2].map(() => conn.request(MetadataApi, { topics: [] })))
      res.forEach((r, i) => assert.equal(r.clusterId, clusterId(i), `response ${i} (dripped: ${dripped})`))
      assert.ok(!conn.isClosed)
    } finally {
      conn.close()
      await broker.close()
    }
  }
})

test('a request with no response times out, fails with TimeoutError and closes the connection', async () => {
  const broker = await fakeBroker(() => {})
  const conn = connect(broker.port, { requestTimeoutMs: 300 })
  try {
    await conn.connect()
    const started = Date.now()
    await assert.rejects(conn.request(MetadataApi, { topics: [] }), TimeoutError)
    assert.ok(Date.now() - started < 1500)
    assert.ok(conn.isClosed)
  } finally {
    conn.close()
    await broker.close()
  }
})

test('a frame whose size came but whose body stops coming breaks the connection after request.timeout.ms, whatever the request allows', async () => {
  // A corrupt size prefix announces more bytes than the broker sends: without a bound the
  // connection would wait for them as long as the request's own timeout (a JoinGroup's is minutes).
  const broker = await fakeBroker((s, id) => {
    const head = Buffer.alloc(8)
    head.writeInt32BE(1000, 0)
    head.writeInt32BE(id, 4)
    s.write(head)
  })
  const conn = connect(broker.port, { requestTimeoutMs: 300 })
  try {
    await conn.connect()
    await assert.rejects(conn.request(MetadataApi, { topics: [] }, { timeoutMs: 600_000 }), (e: unknown) => {
      assert.ok(e instanceof ConnectionError, `got ${String(e)}`)
      assert.equal(e.retriable, true)
      assert.equal(e.context.malformed, true)
      assert.ok(e.cause instanceof ProtocolError)
      assert.match(e.cause.message, /4 of its 1000 bytes arrived in 300 ms \(request\.timeout\.ms\)/)
      return true
    })
    assert.ok(conn.isClosed)
  } finally {
    conn.close()
    await broker.close()
  }
})

test('connection refused fails with a ConnectionError naming the address', async () => {
  const conn = connect(1)
  await assert.rejects(conn.connect(), (e: unknown) => {
    assert.ok(e instanceof ConnectionError)
    assert.match(e.message, /127\.0\.0\.1:1/)
    assert.equal(e.retriable, true)
    return true
  })
})
