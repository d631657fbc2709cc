// TLS failures against local TLS servers (no broker): an untrusted server
// certificate, and a server that rejects the client's certificate after a
// TLS 1.3 handshake the client already considers complete. Both must be a
// non-retriable SslAuthenticationError from one attempt, and the pool must
// not reconnect to the address before reconnect.backoff.max.ms.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import type net from 'node:net'
import path from 'node:path'
import tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import { BrokerPool } from '../../src/cluster/brokers.js'
import { commonSchema } from '../../src/config/common.js'
import { SslAuthenticationError } from '../../src/errors.js'
import { tlsOptions } from '../../src/network/tls.js'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tls')
// A self-signed certificate (CN=samsa-fixture, no host names, valid for 100 years) and its key.
const cert = fs.readFileSync(path.join(DIR, 'ca.pem'))
const key = fs.readFileSync(path.join(DIR, 'ca.key'))

async function server(options: tls.TlsOptions): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0
  const sockets = new Set<net.Socket>()
  const s = tls.createServer(options, () => {})
  s.on('connection', (socket: net.Socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  s.on('tlsClientError', () => {})
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  return {
    port: (s.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => s.close(() => resolve()))
    },
  }
}

function pool(config: Record<string, unknown>, reconnectBackoffMaxMs = 400): BrokerPool {
  const c = commonSchema.parse({ 'bootstrap.servers': 'x:1', 'security.protocol': 'SSL', ...config })
  return new BrokerPool({
    clientId: 'test',
    requestTimeoutMs: 5000,
    connectTimeoutMs: 5000,
    maxResponseSize: 1 << 20,
    reconnectBackoffMs: 10,
    reconnectBackoffMaxMs,
    connectionsMaxIdleMs: 0,
    tls: tlsOptions(c),
  })
}

test('an untrusted server certificate: SslAuthenticationError at once, one attempt per reconnect.backoff.max.ms', async () => {
  const srv = await server({ key, cert })
  const p = pool({}, 400)
  try {
    const broker = { nodeId: 1, host: '127.0.0.1', port: srv.port }
    const t0 = Date.now()
    await assert.rejects(p.get(broker), (e: unknown) => {
      assert.ok(e instanceof SslAuthenticationError, String(e))
      assert.equal(e.retriable, false)
      assert.equal(e.context.reason, 'DEPTH_ZERO_SELF_SIGNED_CERT')
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${srv.port}`))
      return true
    })
    assert.ok(Date.now() - t0 < 2000)
    // Within the backoff: the same error, no new connection.
    for (let i = 0; i < 20; i++) await assert.rejects(p.get(broker), SslAuthenticationError)
    assert.equal(srv.connections(), 1)
    await new Promise((r) => setTimeout(r, 450))
    await assert.rejects(p.get(broker), SslAuthenticationError)
    assert.equal(srv.connections(), 2)
  } finally {
    p.close()
    await srv.close()
  }
})

test('a server that rejects the client certificate after a TLS 1.3 handshake: SslAuthenticationError, not a retriable closed connection', async () => {
  // Requires a client certificate signed by itself; the client sends none.
  const srv = await server({ key, cert, requestCert: true, rejectUnauthorized: true, ca: [cert], minVersion: 'TLSv1.3' })
  const p = pool({ 'ssl.truststore.certificates': cert.toString('utf8'), 'ssl.endpoint.identification.algorithm': '' })
  try {
    await assert.rejects(p.get({ nodeId: 1, host: '127.0.0.1', port: srv.port }), (e: unknown) => {
      assert.ok(e instanceof SslAuthenticationError, String(e))
      assert.equal(e.retriable, false)
      assert.match(String(e.context.reason), /^ERR_SSL_.*ALERT/)
      assert.match(e.message, /rejected the TLS handshake/)
      return true
    })
    assert.equal(srv.connections(), 1)
  } finally {
    p.close()
    await srv.close()
  }
})
