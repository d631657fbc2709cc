// OAUTHBEARER with real OIDC validation, and KIP-368 re-authentication:
// a private secure cluster whose SASL_SSL listener checks tokens with Kafka's
// OAuthBearerValidatorCallbackHandler against the JWKS of a small OIDC server
// this test runs (test/helpers/oidc-server.ts), and whose sessions expire
// after 10 s (`connections.max.reauth.ms=10000`), so every connection has to
// re-authenticate on the live socket.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { format } from 'node:util'
import createDebug from 'debug'
import { Admin, AuthenticationError, Consumer, Producer, deserializers, serializers, type OAuthBearerToken } from '../../../src/index.js'
import type { Logger } from '../../../src/logger.js'
import { SECURE, secureBootstrap, type ClusterState } from '../../../scripts/kafka/cluster.js'
import { privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import type { OidcServer } from '../../helpers/oidc-server.js'
import { startOAuthCluster, stopPrivateCluster } from '../../helpers/private-cluster.js'

const PORT_BASE = privateClusterPortBase(280) // 9680 unless KAFKA_TEST_PORT_BASE is set
const CLIENT_ID = 'samsa-test-client'
const CLIENT_SECRET = `oidc-secret-${process.pid}-xyzzy`
const AUDIENCE = 'kafka-test'
let state: ClusterState
let oidc: OidcServer

// Everything samsa logs through `debug` while these tests run, scanned for tokens and secrets at the end.
const debugLines: string[] = []
const debugWas = { log: createDebug.log, namespaces: createDebug.disable() }
createDebug.log = (...args: unknown[]) => void debugLines.push(format(...args))
createDebug.enable('samsa:*')
const errorMessages: string[] = []

before(async () => {
  const started = await startOAuthCluster(PORT_BASE, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: AUDIENCE, tokenLifetimeSeconds: 20 }, {
    brokerProperties: { 'connections.max.reauth.ms': 10000 },
  })
  oidc = started.oidc
  state = started.info.state
})

after(async () => {
  createDebug.log = debugWas.log
  createDebug.disable()
  if (debugWas.namespaces) createDebug.enable(debugWas.namespaces)
  await stopPrivateCluster(PORT_BASE)
  await oidc?.close()
})

const fast = { 'default.api.timeout.ms': 30000, 'request.timeout.ms': 15000 }

function tls(): Record<string, unknown> {
  return { 'bootstrap.servers': secureBootstrap(state, 'sasl_ssl'), 'security.protocol': 'SASL_SSL', 'ssl.truststore.location': SECURE.caFile(state), ...fast }
}

function oidcConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...tls(),
    'sasl.mechanism': 'OAUTHBEARER',
    'sasl.oauthbearer.token.endpoint.url': oidc.tokenUrl,
    'sasl.oauthbearer.client.credentials.client.id': CLIENT_ID,
    'sasl.oauthbearer.client.credentials.client.secret': CLIENT_SECRET,
    'sasl.oauthbearer.scope': 'kafka',
    ...overrides,
  }
}

/** A logger that keeps every line. */
function recorder(): { logger: Logger; lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = []
  const at = (level: string) => (message: string) => void lines.push({ level, message })
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines }
}

async function catchError(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn()
  } catch (e) {
    errorMessages.push(String((e as Error).message), String((e as Error).stack))
    return e as Error
  }
  throw new Error('expected a failure')
}

test('OIDC client credentials (KIP-768): produce and consume in a group with tokens the broker validates against the JWKS', async () => {
  const issuedBefore = oidc.issued.length
  const cfg = oidcConfig()
  const topic = uniqueName('oauth')
  const admin = new Admin(cfg as never)
  const producer = new Producer({ ...cfg, 'acks': 'all', 'enable.idempotence': true, 'value.serializer': serializers.string } as never) as unknown as Producer<Buffer, string>
  const consumer = new Consumer({ ...cfg, 'group.id': uniqueName('oauth-group'), 'auto.offset.reset': 'earliest', 'value.deserializer': deserializers.string } as never) as unknown as Consumer<string, string>
  try {
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }])
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic, value: `o${i}` })))
    assert.equal(sent.length, 20)
    consumer.subscribe([topic])
    const seen: string[] = []
    const deadline = Date.now() + 60000
    while (seen.length < 20 && Date.now() < deadline) for (const r of await consumer.poll(500)) seen.push(r.value!)
    assert.deepEqual(seen.sort(), Array.from({ length: 20 }, (_, i) => `o${i}`).sort())
    await consumer.commitSync()
    assert.ok(oidc.issued.length > issuedBefore, 'tokens came from the token endpoint')
    // One client, one token: its connections share it until it nears expiry.
    assert.ok(oidc.issued.length - issuedBefore <= 3 * 2, `few tokens fetched (${oidc.issued.length - issuedBefore})`)
  } finally {
    await consumer.close()
    await producer.close()
    await admin.close()
  }
})

test('a token provider callback (sasl.oauthbearer.token.provider) with extensions, called again when its token ages', async () => {
  let calls = 0
  const provider = async (): Promise<OAuthBearerToken> => {
    calls++
    const now = Math.floor(Date.now() / 1000)
    const value = oidc.sign({ iss: oidc.issuer, sub: 'callback-user', aud: AUDIENCE, iat: now, exp: now + 15 })
    return { value, lifetimeMs: (now + 15) * 1000, principalName: 'callback-user', extensions: { traceId: 'abc123' } }
  }
  const admin = new Admin({ ...tls(), 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.token.provider': provider } as never)
  try {
    assert.ok(Array.isArray(await admin.listTopics()))
    assert.equal(calls, 1)
    // Past the refresh point (80% of 15 s plus jitter) and past the session's end: a new token.
    await new Promise((resolve) => setTimeout(resolve, 17000))
    assert.ok(Array.isArray(await admin.listTopics()))
    assert.ok(calls >= 2, `the provider was called again (${calls})`)
  } finally {
    await admin.close()
  }
})

test('a wrong client secret is an AuthenticationError naming the token endpoint, never the secret', async () => {
  const wrong = `${CLIENT_SECRET}-wrong`
  const admin = new Admin(oidcConfig({ 'sasl.oauthbearer.client.credentials.client.secret': wrong }) as never)
  try {
    const started = Date.now()
    const e = await catchError(() => admin.listTopics())
    assert.ok(e instanceof AuthenticationError, `${e.name}: ${e.message}`)
    assert.match(e.message, /token endpoint http:\/\/127\.0\.0\.1:\d+\/token answered HTTP 401: invalid_client/)
    assert.ok(!e.message.includes(wrong) && !e.message.includes(CLIENT_SECRET))
    assert.ok(Date.now() - started < 20000, `failed at once (${Date.now() - started} ms)`)
  } finally {
    await admin.close()
  }
})

test('a token for another audience is refused by the broker: AuthenticationError with the broker\'s status, not the token', async () => {
  const now = Math.floor(Date.now() / 1000)
  const value = oidc.sign({ iss: oidc.issuer, sub: 'x', aud: 'someone-else', iat: now, exp: now + 600 })
  const admin = new Admin({ ...tls(), 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.token.provider': () => ({ value }) } as never)
  try {
    const e = await catchError(() => admin.listTopics())
    assert.ok(e instanceof AuthenticationError, `${e.name}: ${e.message}`)
    assert.match(e.message, /SASL OAUTHBEARER authentication to 127\.0\.0\.1:\d+ failed/)
    assert.match(e.message, /invalid_token/)
    assert.ok(!e.message.includes(value))
  } finally {
    await admin.close()
  }
})

test('an expired or malformed token from the provider fails before it is sent', async () => {
  const now = Math.floor(Date.now() / 1000)
  const expired = oidc.sign({ iss: oidc.issuer, sub: 'x', aud: AUDIENCE, iat: now - 100, exp: now - 50 })
  for (const [token, pattern] of [
    [{ value: expired }, /returned a token that expired at/],
    [{ value: 'has spaces in it' }, /malformed token/],
    [{ nope: true }, /returned no token/],
  ] as const) {
    const admin = new Admin({ ...tls(), 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.token.provider': () => token } as never)
    try {
      const e = await catchError(() => admin.listTopics())
      assert.ok(e instanceof AuthenticationError, `${e.name}: ${e.message}`)
      assert.match(e.message, pattern)
      assert.ok(!e.message.includes(expired))
    } finally {
      await admin.close()
    }
  }
})

test('KIP-368: a 60 s produce+consume stream re-authenticates every connection on the live socket (fresh tokens included), loses and duplicates nothing', async () => {
  const topic = uniqueName('reauth')
  const issuedBefore = oidc.issued.length
  const prodLog = recorder()
  const consLog = recorder()
  const cfg = oidcConfig()
  const admin = new Admin(cfg as never)
  const producer = new Producer({ ...cfg, 'logger': prodLog.logger, 'acks': 'all', 'enable.idempotence': true, 'linger.ms': 5, 'value.serializer': serializers.string } as never) as unknown as Producer<Buffer, string>
  const consumer = new Consumer({ ...cfg, 'logger': consLog.logger, 'group.id': uniqueName('reauth-group'), 'auto.offset.reset': 'earliest', 'value.deserializer': deserializers.string } as never) as unknown as Consumer<string, string>
  try {
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }])
    consumer.subscribe([topic])
    const seen: string[] = []
    let sent = 0
    let sendErrors = 0
    const acked: Array<Promise<unknown>> = []
    const end = Date.now() + 60000
    while (Date.now() < end) {
      for (let i = 0; i < 5; i++) {
        const value = `r${sent++}`
        acked.push(producer.send({ topic, value }).catch((e: Error) => { sendErrors++; errorMessages.push(e.message) }))
      }
      for (const r of await consumer.poll(100)) seen.push(r.value!)
    }
    await Promise.all(acked)
    const deadline = Date.now() + 60000
    while (seen.length < sent && Date.now() < deadline) for (const r of await consumer.poll(500)) seen.push(r.value!)
    assert.equal(sendErrors, 0)
    assert.equal(seen.length, sent, `every record read once (${seen.length} read, ${sent} sent)`)
    assert.equal(new Set(seen).size, sent, 'no duplicates')
    const reauths = [...prodLog.lines, ...consLog.lines].filter((l) => /^re-authenticated to /.test(l.message))
    const lost = [...prodLog.lines, ...consLog.lines].filter((l) => / lost: /.test(l.message) || l.level === 'error')
    assert.deepEqual(lost, [], 'no connection was lost')
    // 10 s sessions renewed at 85-95 % of their life: about six re-authentications per connection in 60 s.
    const prodReauths = prodLog.lines.filter((l) => /^re-authenticated to /.test(l.message)).length
    const consReauths = consLog.lines.filter((l) => /^re-authenticated to /.test(l.message)).length
    assert.ok(prodReauths >= 4, `the producer re-authenticated ${prodReauths} times (>= 4 expected)`)
    assert.ok(consReauths >= 4, `the consumer re-authenticated ${consReauths} times (>= 4 expected)`)
    assert.ok(reauths.length >= 10, `${reauths.length} re-authentications`)
    // 20 s tokens over 60 s: replaced before they expired, at least twice.
    assert.ok(oidc.issued.length - issuedBefore >= 3, `tokens were refreshed (${oidc.issued.length - issuedBefore} fetched)`)
  } finally {
    await consumer.close()
    await producer.close()
    await admin.close()
  }
})

test('KIP-368 with SCRAM-SHA-512: an idle Admin connection re-authenticates and keeps working', async () => {
  const { logger, lines } = recorder()
  const admin = new Admin({
    ...tls(),
    logger,
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SECURE.username}" password="${SECURE.password}";`,
  } as never)
  try {
    const before = await admin.listTopics()
    await new Promise((resolve) => setTimeout(resolve, 12000))
    assert.deepEqual((await admin.listTopics()).sort(), before.sort())
    assert.ok(lines.some((l) => /^re-authenticated to /.test(l.message)), 'the connection re-authenticated')
    assert.deepEqual(lines.filter((l) => / lost: /.test(l.message)), [])
  } finally {
    await admin.close()
  }
})

test('no token, client secret or password in debug output or error messages', () => {
  assert.ok(debugLines.length > 50, `${debugLines.length} debug lines captured`)
  assert.ok(oidc.issued.length >= 2)
  const secrets = [CLIENT_SECRET, SECURE.password, ...oidc.issued, ...oidc.issued.map((t) => t.split('.')[2]!)]
  const texts = [...debugLines, ...errorMessages]
  const leaks = texts.filter((line) => secrets.some((s) => line.includes(s)))
  assert.deepEqual(leaks.slice(0, 5), [])
})
