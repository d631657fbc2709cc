import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { AuthenticationError, ConfigError } from '../../../src/index.js'
import { commonSchema } from '../../../src/config/common.js'
import { checkToken, clientCredentialsProvider, jaasOptions, oauthBearerExchange, refreshTime, tokenCacheFor } from '../../../src/network/sasl/oauthbearer.js'

test('the client message is RFC 7628 as Kafka reads it: gs2 header, auth=Bearer, extensions, two separators', () => {
  const mech = oauthBearerExchange({ value: 'a.b.c', extensions: { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' } })
  assert.equal(mech.start().toString('utf8'), 'n,,\x01auth=Bearer a.b.c\x01logicalCluster=lkc-1\x01identityPoolId=pool-2\x01\x01')
  assert.equal(mech.next(Buffer.alloc(0)), null, 'an empty server message: done')
  const failing = oauthBearerExchange({ value: 'a.b.c' })
  assert.equal(failing.start().toString('utf8'), 'n,,\x01auth=Bearer a.b.c\x01\x01')
  assert.equal(failing.next(Buffer.from('{"status":"invalid_token"}'))!.toString('utf8'), '\x01', 'an error status is acknowledged')
  assert.equal(failing.serverError(), '{"status":"invalid_token"}')
})

test('tokens and extensions are checked without echoing the token', () => {
  assert.throws(() => checkToken(undefined, 'p'), /p returned no token/)
  assert.throws(() => checkToken({ value: 'x y' }, 'p'), (e: Error) => e instanceof AuthenticationError && /malformed/.test(e.message) && !e.message.includes('x y'))
  assert.throws(() => checkToken({ value: 'x', lifetimeMs: 'soon' }, 'p'), /lifetimeMs is not a number/)
  assert.throws(() => checkToken({ value: 'x', extensions: { auth: 'y' } }, 'p'), /extension name "auth" is invalid/)
  assert.throws(() => checkToken({ value: 'x', extensions: { a1: 'y' } }, 'p'), /extension name "a1" is invalid/)
  assert.throws(() => checkToken({ value: 'x', extensions: { a: 'caf\u00e9' } }, 'p'), /extension "a" has an invalid value/)
  assert.deepEqual(checkToken({ value: 'x', extensions: { a: 'b c' } }, 'p'), { value: 'x', extensions: { a: 'b c' } })
})

test('refresh points: window factor plus jitter, no later than the buffer before expiry, no sooner than the minimum period', () => {
  const s = { windowFactor: 0.8, windowJitter: 0.05, minPeriodMs: 60000, bufferMs: 300000 }
  // one hour: 80% (+ jitter) = 48 min, before the 55 min buffer limit
  assert.equal(refreshTime(0, 3600000, s, 0), 2880000)
  assert.equal(refreshTime(0, 3600000, s, 1), 3060000)
  // ten minutes: 80% = 8 min is past expiry - 5 min: 5 min
  assert.equal(refreshTime(0, 600000, s, 0), 300000)
  // six minutes: expiry - buffer = 1 min = the minimum period
  assert.equal(refreshTime(0, 360000, s, 0), 60000)
  // twenty seconds: too short for buffer and minimum period; the window factor decides
  assert.equal(refreshTime(1000, 21000, s, 0), 17000)
})

test('JAAS options of OAuthBearerLoginModule', () => {
  const o = jaasOptions('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="id" clientSecret="s3" scope="a b" extension_logicalCluster="lkc";')
  assert.deepEqual(Object.fromEntries(o), { clientId: 'id', clientSecret: 's3', scope: 'a b', extension_logicalCluster: 'lkc' })
})

test('OAUTHBEARER without a token source is a ConfigError naming the keys', () => {
  const cfg = commonSchema.parse({ 'bootstrap.servers': 'x:1', 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' })
  assert.throws(() => tokenCacheFor(cfg), (e: Error) => e instanceof ConfigError && /sasl\.oauthbearer\.token\.provider/.test(e.message) && /sasl\.oauthbearer\.token\.endpoint\.url/.test(e.message))
  assert.throws(() => commonSchema.parse({ 'bootstrap.servers': 'x:1', 'sasl.oauthbearer.token.provider': 'not a function' }), /expected a function/)
})

test('the client-credentials request: Basic client authentication, grant and scope; the answer read for expiry and principal; failures name the endpoint only', async () => {
  const seen: Array<{ auth: string | undefined; body: string }> = []
  let status = 200
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body })
      res.writeHead(status, { 'content-type': 'application/json' })
      const claims = Buffer.from(JSON.stringify({ sub: 'svc', exp: 4102444800 })).toString('base64url')
      res.end(status === 200 ? JSON.stringify({ access_token: `h.${claims}.s`, expires_in: 3600 }) : JSON.stringify({ error: 'invalid_client', error_description: 'bad secret' }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token?secret=q`
  try {
    const provider = clientCredentialsProvider({ url, clientId: 'my id', clientSecret: 'p@ss:word', scope: 'kafka', subClaim: 'sub', timeoutMs: 5000 })
    const token = await provider()
    assert.equal(token.principalName, 'svc')
    assert.equal(token.lifetimeMs, 4102444800000)
    assert.equal(seen[0]!.auth, `Basic ${Buffer.from('my%20id:p%40ss%3Aword').toString('base64')}`)
    assert.deepEqual(Object.fromEntries(new URLSearchParams(seen[0]!.body)), { grant_type: 'client_credentials', scope: 'kafka' })
    status = 401
    await assert.rejects(async () => provider(), (e: Error) => {
      assert.ok(e instanceof AuthenticationError)
      assert.match(e.message, /^OAuth token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth2\/token answered HTTP 401: invalid_client \(bad secret\)$/)
      assert.ok(!e.message.includes('p@ss') && !e.message.includes('secret=q'))
      return true
    })
  } finally {
    server.close()
  }
  const unreachable = clientCredentialsProvider({ url: 'http://127.0.0.1:1/token', clientId: 'a', clientSecret: 'b', subClaim: 'sub', timeoutMs: 5000 })
  await assert.rejects(async () => unreachable(), /OAuth token endpoint http:\/\/127\.0\.0\.1:1\/token could not be reached/)
})
