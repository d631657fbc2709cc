// TLS and SASL against a real broker: a private cluster with SASL_PLAINTEXT,
// SSL, SASL_SSL and mutual-TLS listeners (see SECURE in scripts/kafka/cluster.ts).
// Admin over SASL_PLAINTEXT and server-side TLS; producer, consumer group,
// transaction and Admin over SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and
// mutual TLS (PEM and PKCS12); and the failures that must end at once with a
// typed, non-retriable error: a client certificate the broker rejects, an
// untrusted broker certificate, a host name mismatch, a wrong password, a
// mechanism the listener does not enable.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import diagnostics from 'node:diagnostics_channel'
import fs from 'node:fs'
import { format } from 'node:util'
import createDebug from 'debug'
import {
  Admin,
  AuthenticationError,
  ConfigError,
  Consumer,
  KafkaError,
  Producer,
  SslAuthenticationError,
  deserializers,
  serializers,
} from '../../../src/index.js'
import { Kafka, logLevel } from '../../../src/kafkajs/index.js'
import { commonSchema } from '../../../src/config/common.js'
import { Connection } from '../../../src/network/connection.js'
import { tlsOptions } from '../../../src/network/tls.js'
import { SaslAuthenticateApi } from '../../../src/protocol/messages/sasl-authenticate.js'
import { SaslHandshakeApi } from '../../../src/protocol/messages/sasl-handshake.js'
import { SECURE, secureBootstrap, startCluster, stopCluster, type ClusterState } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'

const PORT_BASE = privateClusterPortBase(240) // 9640 unless KAFKA_TEST_PORT_BASE is set
let state: ClusterState
let files: ReturnType<typeof SECURE.files>

// Everything samsa logs through `debug` while these tests run, scanned for secrets at the end.
const debugLines: string[] = []
const debugWas = { log: createDebug.log, namespaces: createDebug.disable() }
createDebug.log = (...args: unknown[]) => void debugLines.push(format(...args))
createDebug.enable('samsa:*')

before(async () => {
  const info = await startCluster({ portBase: PORT_BASE, nodes: 1, version: kafkaVersion(), owner: 'harness', lease: true, secure: true, log: () => {} })
  state = info.state
  files = SECURE.files(state)
})

after(async () => {
  createDebug.log = debugWas.log
  createDebug.disable()
  if (debugWas.namespaces) createDebug.enable(debugWas.namespaces)
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
})

// ---------------------------------------------------------------- SASL_PLAINTEXT and server-side TLS

async function listWith(config: Record<string, unknown>): Promise<string[]> {
  const admin = new Admin({ 'default.api.timeout.ms': 8000, 'request.timeout.ms': 5000, ...config } as never)
  try {
    return await admin.listTopics()
  } finally {
    await admin.close()
  }
}

for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
  test(`SASL ${mechanism} with the right password authenticates`, async () => {
    const topics = await listWith({
      'bootstrap.servers': secureBootstrap(state, 'sasl'),
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': mechanism,
      'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SECURE.username}" password="${SECURE.password}";`,
    })
    assert.ok(Array.isArray(topics))
  })

  test(`SASL ${mechanism} with a wrong password fails with AuthenticationError, never echoing the password`, async () => {
    const started = Date.now()
    await assert.rejects(
      listWith({
        'bootstrap.servers': secureBootstrap(state, 'sasl'),
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': mechanism,
        'sasl.username': SECURE.username,
        'sasl.password': 'wrong-password',
      }),
      (e: unknown) => {
        assert.ok(e instanceof AuthenticationError, `got ${String(e)}`)
        assert.equal(e.retriable, false)
        assert.doesNotMatch(e.message, /wrong-password/)
        return true
      },
    )
    assert.ok(Date.now() - started < 8000)
  })
}

test('TLS with the cluster CA and hostname verification connects', async () => {
  const topics = await listWith({
    'bootstrap.servers': secureBootstrap(state, 'ssl'),
    'security.protocol': 'SSL',
    'ssl.truststore.location': SECURE.caFile(state),
  })
  assert.ok(Array.isArray(topics))
  // PEM given inline, as Java's ssl.truststore.certificates.
  const inline = await listWith({
    'bootstrap.servers': secureBootstrap(state, 'ssl'),
    'security.protocol': 'SSL',
    'ssl.truststore.certificates': fs.readFileSync(SECURE.caFile(state), 'utf8'),
  })
  assert.deepEqual(inline, topics)
})

// (an untrusted broker certificate: see 'a broker certificate from an unknown CA' below)

// ---------------------------------------------------------------- SASL_SSL and mutual TLS

const fast = { 'default.api.timeout.ms': 20000, 'request.timeout.ms': 10000 }

function saslSsl(mechanism: string, password: string = SECURE.password): Record<string, unknown> {
  return {
    'bootstrap.servers': secureBootstrap(state, 'sasl_ssl'),
    'security.protocol': 'SASL_SSL',
    'ssl.truststore.location': files.ca,
    'sasl.mechanism': mechanism,
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SECURE.username}" password="${password}";`,
  }
}

function mtlsPem(): Record<string, unknown> {
  return {
    'bootstrap.servers': secureBootstrap(state, 'mtls'),
    'security.protocol': 'SSL',
    'ssl.truststore.location': files.ca,
    'ssl.keystore.location': files.clientKeystorePem,
  }
}

function mtlsPkcs12(): Record<string, unknown> {
  return {
    'bootstrap.servers': secureBootstrap(state, 'mtls'),
    'security.protocol': 'SSL',
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': files.truststoreP12,
    'ssl.truststore.password': SECURE.storePassword,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': files.clientP12,
    'ssl.keystore.password': SECURE.storePassword,
    'ssl.key.password': SECURE.storePassword,
  }
}

/** Every unsecured JWS handed to the OAUTHBEARER setup, scanned for in the debug output at the end. */
const issuedTokens: string[] = []

function oauthUnsecured(): Record<string, unknown> {
  return {
    'bootstrap.servers': secureBootstrap(state, 'sasl_ssl'),
    'security.protocol': 'SASL_SSL',
    'ssl.truststore.location': files.ca,
    'sasl.mechanism': 'OAUTHBEARER',
    // Kafka's unsecured-JWS validator on this listener: alg "none", a sub claim.
    'sasl.oauthbearer.token.provider': () => {
      const now = Math.floor(Date.now() / 1000)
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
      const value = `${b64({ alg: 'none' })}.${b64({ sub: SECURE.username, iat: now, exp: now + 600, nonce: Math.random() })}.`
      issuedTokens.push(value)
      return { value, lifetimeMs: (now + 600) * 1000, principalName: SECURE.username }
    },
  }
}

const SETUPS: Array<[string, () => Record<string, unknown>]> = [
  ['SASL_SSL OAUTHBEARER (token provider)', oauthUnsecured],
  ['SASL_SSL PLAIN', () => saslSsl('PLAIN')],
  ['SASL_SSL SCRAM-SHA-256', () => saslSsl('SCRAM-SHA-256')],
  ['SASL_SSL SCRAM-SHA-512', () => saslSsl('SCRAM-SHA-512')],
  ['mutual TLS, PEM', mtlsPem],
  ['mutual TLS, PKCS12', mtlsPkcs12],
]

function stringProducer(config: Record<string, unknown>): Producer<Buffer, string> {
  return new Producer({ ...config, 'value.serializer': serializers.string } as never) as unknown as Producer<Buffer, string>
}

/** Polls both members (at least once) until `until()`. */
async function poll2(a: Consumer<string, string>, b: Consumer<string, string>, until: () => boolean, seen: string[], timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let first = true; first || !until(); first = false) {
    if (Date.now() > deadline) throw new Error(`timed out: ${seen.length} records, assignments ${JSON.stringify([a.assignment(), b.assignment()])}`)
    const [ra, rb] = await Promise.all([a.poll(100), b.poll(100)])
    for (const r of ra) seen.push(`a:${r.value}`)
    for (const r of rb) seen.push(`b:${r.value}`)
  }
}

for (const [name, config] of SETUPS) {
  test(`${name}: idempotent produce, a transaction, a two-member group with commits, Admin`, async () => {
    const cfg = { ...config(), ...fast }
    const topic = uniqueName('secure')
    const group = uniqueName('secure-group')
    const admin = new Admin(cfg as never)
    const producer = stringProducer({ ...cfg, acks: 'all', 'enable.idempotence': true, 'linger.ms': 0 })
    const txn = stringProducer({ ...cfg, 'transactional.id': uniqueName('secure-tx') })
    const consumers = [0, 1].map(() => new Consumer({
      ...cfg,
      'group.id': group,
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
      'heartbeat.interval.ms': 300,
      'value.deserializer': deserializers.string,
    } as never) as unknown as Consumer<string, string>)
    try {
      await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }])
      const cluster = await admin.describeCluster()
      assert.equal(cluster.brokers.length, 1)

      // The group first: both members settle on one partition each before anything is written.
      const [a, b] = consumers as [Consumer<string, string>, Consumer<string, string>]
      a.subscribe([topic])
      b.subscribe([topic])
      const seen: string[] = []
      await poll2(a, b, () => a.assignment().length === 1 && b.assignment().length === 1, seen)

      const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic, partition: i % 2, value: `v${i}` })))
      assert.deepEqual(sent.map((m) => m.offset), [0n, 0n, 1n, 1n, 2n, 2n, 3n, 3n, 4n, 4n])

      await txn.initTransactions()
      txn.beginTransaction()
      await Promise.all([txn.send({ topic, partition: 0, value: 't0' }), txn.send({ topic, partition: 1, value: 't1' })])
      await txn.commitTransaction()

      // 5 records, the transactional one and its commit marker per partition: positions reach 7.
      const positions = async () => Promise.all([a, b].map(async (c) => c.position(c.assignment()[0]!)))
      await poll2(a, b, () => seen.length >= 12, seen)
      for (let i = 0; i < 50 && (await positions()).some((p) => p !== 7n); i++) await poll2(a, b, () => true, seen)
      assert.deepEqual(await positions(), [7n, 7n])
      const values = seen.map((s) => s.slice(2)).sort()
      assert.deepEqual(values, ['t0', 't1', ...Array.from({ length: 10 }, (_, i) => `v${i}`)].sort())
      assert.equal(new Set(seen.map((s) => s[0])).size, 2, 'both members consumed')
      await Promise.all([a.commitSync(), b.commitSync()])

      const offsets = await admin.listConsumerGroupOffsets(group)
      const byPartition = new Map(offsets.map((o: { partition: number; offset: bigint }) => [o.partition, o.offset]))
      assert.deepEqual([byPartition.get(0), byPartition.get(1)], [7n, 7n])
    } finally {
      await Promise.all(consumers.map((c) => c.close()))
      await Promise.all([producer.close(), txn.close()])
      await admin.close()
    }
  })
}

test('an encrypted PEM key (ssl.key.password) and inline PEM work for mutual TLS', async () => {
  const admin = new Admin({
    ...fast,
    'bootstrap.servers': secureBootstrap(state, 'mtls'),
    'security.protocol': 'SSL',
    'ssl.truststore.certificates': fs.readFileSync(files.ca, 'utf8'),
    'ssl.keystore.certificate.chain': fs.readFileSync(files.clientCert, 'utf8'),
    'ssl.keystore.key': fs.readFileSync(files.clientKeyEncrypted, 'utf8'),
    'ssl.key.password': SECURE.storePassword,
  } as never)
  try {
    assert.ok(Array.isArray(await admin.listTopics()))
  } finally {
    await admin.close()
  }
})

test('the SASL_SSL listener offers OAUTHBEARER and accepts an unsecured JWS (the raw exchange)', async () => {
  const [host, port] = secureBootstrap(state, 'sasl_ssl').split(':') as [string, string]
  const config = commonSchema.parse({ 'bootstrap.servers': `${host}:${port}`, 'security.protocol': 'SSL', 'ssl.truststore.location': files.ca })
  const conn = new Connection({ host, port: Number(port), nodeId: -1, clientId: 'oauth-probe', requestTimeoutMs: 5000, connectTimeoutMs: 5000, maxResponseSize: 1 << 20, tls: tlsOptions(config) })
  try {
    await conn.connect()
    const hs = await conn.request(SaslHandshakeApi, { mechanism: 'OAUTHBEARER' }, { version: 1 })
    assert.equal(hs.errorCode, 0)
    assert.deepEqual([...hs.mechanisms].sort(), ['OAUTHBEARER', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    const now = Math.floor(Date.now() / 1000)
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const jws = `${b64({ alg: 'none' })}.${b64({ sub: SECURE.username, iat: now, exp: now + 600 })}.`
    const res = await conn.request(SaslAuthenticateApi, { authBytes: Buffer.from(`n,,\x01auth=Bearer ${jws}\x01\x01`) })
    assert.equal(res.errorCode, 0, res.errorMessage ?? '')
  } finally {
    conn.close()
  }
})

// ---------------------------------------------------------------- failures

const SECRETS = [SECURE.password, SECURE.storePassword, 'wrong-password', 'PRIVATE KEY', 'jaas']

function assertFailure(e: unknown, cls: typeof AuthenticationError, type: string, broker: RegExp, cause: RegExp): true {
  assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`)
  const err = e as KafkaError
  assert.equal(err.type, type)
  assert.equal(err.retriable, false)
  assert.match(err.message, broker)
  assert.match(err.message, cause)
  for (const s of SECRETS) assert.ok(!err.message.includes(s), `the message shows "${s}": ${err.message}`)
  return true
}

/** Rejects within `boundMs` (the API timeout is 20 s). */
async function failsFast(what: Promise<unknown>, check: (e: unknown) => true, boundMs = 5000): Promise<void> {
  const t0 = Date.now()
  await assert.rejects(what, check)
  const took = Date.now() - t0
  assert.ok(took < boundMs, `took ${took} ms`)
}

function rogue(): Record<string, unknown> {
  return {
    ...fast,
    'bootstrap.servers': secureBootstrap(state, 'mtls'),
    'security.protocol': 'SSL',
    'ssl.truststore.location': files.ca,
    'ssl.keystore.certificate.chain': fs.readFileSync(files.rogueCert, 'utf8'),
    'ssl.keystore.key': fs.readFileSync(files.rogueKey, 'utf8'),
  }
}

const mtlsBroker = () => new RegExp(secureBootstrap(state, 'mtls').replace(/\./g, '\\.'))

test('a client certificate the broker rejects fails Admin, send and poll at once with SslAuthenticationError', async () => {
  const check = (e: unknown) => assertFailure(e, SslAuthenticationError, 'SSL_AUTHENTICATION', mtlsBroker(), /rejected the TLS handshake/)
  const admin = new Admin(rogue() as never)
  try {
    await failsFast(admin.listTopics(), check)
  } finally {
    await admin.close()
  }
  const producer = stringProducer(rogue())
  try {
    await failsFast(producer.send({ topic: uniqueName('rogue'), value: 'x' }), check)
  } finally {
    await producer.close()
  }
  const txn = stringProducer({ ...rogue(), 'transactional.id': uniqueName('rogue-tx') })
  try {
    await failsFast(txn.initTransactions(), check)
  } finally {
    await txn.close()
  }
  const consumer = new Consumer({ ...rogue(), 'group.id': uniqueName('rogue') } as never)
  try {
    consumer.subscribe([uniqueName('rogue')])
    await failsFast(consumer.poll(15000), check)
  } finally {
    await consumer.close()
  }
})

test('no client certificate on the mutual-TLS listener fails at once with SslAuthenticationError', async () => {
  const admin = new Admin({ ...fast, 'bootstrap.servers': secureBootstrap(state, 'mtls'), 'security.protocol': 'SSL', 'ssl.truststore.location': files.ca } as never)
  try {
    await failsFast(admin.listTopics(), (e) => assertFailure(e, SslAuthenticationError, 'SSL_AUTHENTICATION', mtlsBroker(), /rejected the TLS handshake/))
  } finally {
    await admin.close()
  }
})

test('a broker certificate from an unknown CA fails at once with SslAuthenticationError', async () => {
  const admin = new Admin({ ...fast, 'bootstrap.servers': secureBootstrap(state, 'ssl'), 'security.protocol': 'SSL' } as never)
  try {
    await failsFast(admin.listTopics(), (e) => assertFailure(e, SslAuthenticationError, 'SSL_AUTHENTICATION', /127\.0\.0\.1:/, /not trusted/))
  } finally {
    await admin.close()
  }
})

test('a broker certificate that does not match the host fails at once; ssl.endpoint.identification.algorithm="" turns the check off', async () => {
  // '127.1' reaches 127.0.0.1, but the certificate names only 127.0.0.1 and localhost.
  const port = Number(secureBootstrap(state, 'ssl').split(':')[1])
  const config = { ...fast, 'bootstrap.servers': `127.1:${port}`, 'security.protocol': 'SSL', 'ssl.truststore.location': files.ca }
  const admin = new Admin(config as never)
  try {
    await failsFast(admin.listTopics(), (e) => assertFailure(e, SslAuthenticationError, 'SSL_AUTHENTICATION', /127\.1:/, /does not match its host name/))
  } finally {
    await admin.close()
  }
  const unchecked = new Admin({ ...config, 'ssl.endpoint.identification.algorithm': '' } as never)
  try {
    assert.ok(Array.isArray(await unchecked.listTopics()))
  } finally {
    await unchecked.close()
  }
})

test('a wrong SASL_SSL password fails at once; Admin calls and polls that go on make at most one attempt per reconnect.backoff.max.ms', async () => {
  const broker = secureBootstrap(state, 'sasl_ssl')
  const check = (e: unknown) => assertFailure(e, AuthenticationError, 'SASL_AUTHENTICATION_FAILED', new RegExp(broker.replace(/\./g, '\\.')), /invalid credentials/)
  let handshakes = 0
  const onRequest = (m: unknown) => {
    const r = m as { broker: string; api: string }
    if (r.broker === broker && r.api === 'SaslHandshake') handshakes++
  }
  const wrong = { ...fast, ...saslSsl('SCRAM-SHA-256', 'wrong-password'), 'reconnect.backoff.max.ms': 1000 }
  /** Runs `call` (which must fail with `check`) for 1.6 s; returns the connection attempts made (one per 1000 ms at most: 2, 3 allowing for timing). */
  const hammer = async (call: () => Promise<unknown>): Promise<number> => {
    handshakes = 0
    await failsFast(call(), check)
    const t0 = Date.now()
    while (Date.now() - t0 < 1600) {
      await assert.rejects(call(), check)
      await new Promise((r) => setTimeout(r, 10))
    }
    return handshakes
  }
  diagnostics.subscribe('samsa:request', onRequest)
  const admin = new Admin(wrong as never)
  const consumers = (['classic', 'consumer'] as const).map((protocol) => {
    const c = new Consumer({ ...wrong, 'group.id': uniqueName('wrong'), 'group.protocol': protocol } as never)
    c.subscribe([uniqueName('wrong')])
    return c
  })
  try {
    assert.ok((await hammer(() => admin.listTopics())) <= 3, `${handshakes} connection attempts by Admin in 1.6 s`)
    for (const c of consumers) {
      // poll(5000): the error must come at once, not when the poll's time is up
      assert.ok((await hammer(() => c.poll(5000))) <= 3, `${handshakes} connection attempts by a polling consumer in 1.6 s`)
    }
  } finally {
    diagnostics.unsubscribe('samsa:request', onRequest)
    await Promise.all(consumers.map((c) => c.close()))
    await admin.close()
  }
})

test('a SASL mechanism the listener does not enable fails at once with AuthenticationError', async () => {
  // The SSL listener enables no SASL mechanism at all.
  const admin = new Admin({ ...fast, ...saslSsl('PLAIN'), 'bootstrap.servers': secureBootstrap(state, 'ssl') } as never)
  try {
    await failsFast(admin.listTopics(), (e) => assertFailure(e, AuthenticationError, 'ILLEGAL_SASL_STATE', /127\.0\.0\.1:/, /refused SASL mechanism PLAIN/))
  } finally {
    await admin.close()
  }
})

test('KafkaJS facade: ssl.pfx with its passphrase for mutual TLS; rejectUnauthorized=false accepts an unknown CA, as in KafkaJS', async () => {
  const pfx = new Kafka({
    clientId: 'pfx',
    brokers: [secureBootstrap(state, 'mtls')],
    ssl: { pfx: fs.readFileSync(files.clientP12), passphrase: SECURE.storePassword, ca: [fs.readFileSync(files.ca)] },
    logLevel: logLevel.NOTHING,
  })
  const topic = uniqueName('kjs-pfx')
  const admin = pfx.admin()
  const producer = pfx.producer({ idempotent: true })
  await admin.connect()
  await producer.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
    const sent = await producer.send({ topic, acks: -1, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] })
    assert.equal(sent.length, 1)
    assert.equal(sent[0]!.errorCode, 0)
    const offsets = await admin.fetchTopicOffsets(topic)
    assert.equal(offsets[0]!.high, '3')
  } finally {
    await producer.disconnect()
    await admin.disconnect()
  }
  // Without a CA the broker's certificate is not trusted; KafkaJS's rejectUnauthorized=false skips the check entirely.
  const loose = new Kafka({ clientId: 'loose', brokers: [secureBootstrap(state, 'ssl')], ssl: { rejectUnauthorized: false }, logLevel: logLevel.NOTHING })
  const looseAdmin = loose.admin()
  await looseAdmin.connect()
  try {
    assert.ok((await looseAdmin.listTopics()).includes(topic))
  } finally {
    await looseAdmin.disconnect()
  }
})

test('a JKS store is refused with a ConfigError that gives the keytool command', () => {
  for (const type of [undefined, 'JKS']) {
    assert.throws(
      () => new Admin({ ...mtlsPem(), 'ssl.keystore.location': files.clientJks, 'ssl.keystore.password': SECURE.storePassword, ...(type ? { 'ssl.keystore.type': type } : {}) } as never),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError)
        assert.match(e.message, /JKS/)
        assert.match(e.message, /keytool -importkeystore -srckeystore .*client\.jks .*-deststoretype PKCS12/)
        assert.ok(!e.message.includes(SECURE.storePassword))
        return true
      },
    )
  }
})

test('a wrong PKCS12 password is a ConfigError at construction, naming the option', () => {
  for (const [key, extra] of [
    ['ssl.keystore.location', { 'ssl.keystore.location': files.clientP12, 'ssl.keystore.password': 'wrong-password' }],
    ['ssl.truststore.location', { 'ssl.truststore.location': files.truststoreP12, 'ssl.truststore.password': 'wrong-password' }],
  ] as const) {
    assert.throws(
      () => new Admin({ ...mtlsPem(), ...extra } as never),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e))
        assert.equal(e.context.key, key)
        assert.ok(!e.message.includes('wrong-password'))
        return true
      },
    )
  }
})

test('no password, key, token or JAAS line appears in any debug output of the tests above', () => {
  assert.ok(debugLines.length > 100, `${debugLines.length} debug lines captured`)
  assert.ok(issuedTokens.length > 0, 'the OAUTHBEARER setup ran')
  const tokens = issuedTokens.map((t) => t.split('.')[1]!)
  const leaks = debugLines.filter((line) => SECRETS.some((secret) => line.includes(secret)) || tokens.some((t) => line.includes(t)) || line.includes('LoginModule'))
  assert.deepEqual(leaks, [])
})
