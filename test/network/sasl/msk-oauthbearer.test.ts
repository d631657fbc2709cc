// Amazon MSK's IAM access control over SASL/OAUTHBEARER: the signed token
// must be what AWS's own signer (aws-msk-iam-sasl-signer-js) makes for the
// same credentials, region and second. The golden tokens below were made by
// that signer 1.0.3 with its clock fixed at 2026-01-15T12:34:56.789Z; the
// live comparison runs the installed signer (a devDependency; under CI its
// absence is a failure, elsewhere a skip with the reason).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { awsCredentialsSource, mskOAuthBearerToken } from '../../../src/network/sasl/aws-msk-iam.js'
import { tokenCacheFor } from '../../../src/network/sasl/oauthbearer.js'
import { commonSchema } from '../../../src/config/common.js'
import { AuthenticationError, ConfigError, mskOAuthBearerTokenProvider } from '../../../src/index.js'

const ACCESS_KEY = 'AKIDEXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SESSION_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDOpO0M+session/token=='
const SIGNED_AT = Date.UTC(2026, 0, 15, 12, 34, 56, 789)
const REFERENCE_AGENT = 'aws-msk-iam-sasl-signer-js/1.0.3'
const GOLDEN = {
  basic:
    'aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlVzZXItQWdlbnQ9YXdzLW1zay1pYW0tc2FzbC1zaWduZXItanMlMkYxLjAuMyZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFLSURFWEFNUExFJTJGMjAyNjAxMTUlMkZ1cy1lYXN0LTElMkZrYWZrYS1jbHVzdGVyJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjAxMTVUMTIzNDU2WiZYLUFtei1FeHBpcmVzPTkwMCZYLUFtei1TaWduYXR1cmU9ODFhMzhlYzEwMmJkMzgyNjVlNjFiNWZjMGFlMzM3NDc4MjY1MjM0YjVhYWVhMTdmNTBlNGUyNjcyZTBlN2VmOCZYLUFtei1TaWduZWRIZWFkZXJzPWhvc3Q',
  session:
    'aHR0cHM6Ly9rYWZrYS51cy1lYXN0LTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlVzZXItQWdlbnQ9YXdzLW1zay1pYW0tc2FzbC1zaWduZXItanMlMkYxLjAuMyZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFLSURFWEFNUExFJTJGMjAyNjAxMTUlMkZ1cy1lYXN0LTElMkZrYWZrYS1jbHVzdGVyJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjAxMTVUMTIzNDU2WiZYLUFtei1FeHBpcmVzPTkwMCZYLUFtei1TZWN1cml0eS1Ub2tlbj1Gd29HWlhJdllYZHpFSnIlMkYlMkYlMkYlMkYlMkYlMkYlMkYlMkYlMkYlMkZ3RWFET3BPME0lMkJzZXNzaW9uJTJGdG9rZW4lM0QlM0QmWC1BbXotU2lnbmF0dXJlPWM5ZDY0MTUxOTRiYWMxNWUxMmZlNjJjOWUzZjhiMGM1YmQzM2E2ZTBhYTM0OThlMWQzMGViOGU3MjQxMDc2OWUmWC1BbXotU2lnbmVkSGVhZGVycz1ob3N0',
  expiry: 1768481396000,
}

interface Signer {
  generateAuthTokenFromCredentialsProvider(o: { region: string; awsCredentialsProvider: () => Promise<unknown> }): Promise<{ token: string; expiryTime: number }>
}

function loadSigner(): Signer | undefined {
  try {
    return createRequire(import.meta.url)('aws-msk-iam-sasl-signer-js') as Signer
  } catch {
    return undefined
  }
}

test('the MSK OAUTHBEARER token equals the golden tokens of aws-msk-iam-sasl-signer-js 1.0.3 (fixed credentials, region, clock)', () => {
  const basic = mskOAuthBearerToken({ region: 'us-east-1', credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, now: SIGNED_AT, userAgent: REFERENCE_AGENT })
  assert.equal(basic.value, GOLDEN.basic)
  assert.equal(basic.lifetimeMs, GOLDEN.expiry)
  const session = mskOAuthBearerToken({ region: 'us-east-1', credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN }, now: SIGNED_AT, userAgent: REFERENCE_AGENT })
  assert.equal(session.value, GOLDEN.session)
  assert.equal(session.lifetimeMs, GOLDEN.expiry)
  // The token is a URL: no padding, URL-safe alphabet, no whitespace (OAUTHBEARER's grammar).
  assert.match(session.value, /^[A-Za-z0-9_-]+$/)
})

const signer = loadSigner()
const skipReason = signer === undefined && process.env.CI !== 'true' ? 'aws-msk-iam-sasl-signer-js is not installed (npm ci installs it as a devDependency)' : false
test('the token equals what the installed aws-msk-iam-sasl-signer-js signs now, with and without a session token', { skip: skipReason }, async () => {
  assert.ok(signer, 'aws-msk-iam-sasl-signer-js must load under CI (it is a devDependency)')
  for (const sessionToken of [undefined, SESSION_TOKEN]) {
    for (const region of ['us-east-1', 'eu-central-1']) {
      const credentials = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, ...(sessionToken ? { sessionToken } : {}) }
      const theirs = await signer.generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: async () => credentials })
      // The signer reads the clock itself: sign at the second its URL names.
      const url = new URL(Buffer.from(theirs.token, 'base64url').toString('utf8'))
      const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(url.searchParams.get('X-Amz-Date')!)!
      const now = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
      const ours = mskOAuthBearerToken({ region, credentials, now, userAgent: url.searchParams.get('User-Agent')! })
      assert.equal(ours.value, theirs.token)
      assert.equal(ours.lifetimeMs, theirs.expiryTime)
    }
  }
})

test('mskOAuthBearerTokenProvider: credentials as given or from a provider, shorter life for expiring credentials, clear errors', async () => {
  const token = await mskOAuthBearerTokenProvider({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDGIVEN', secretAccessKey: SECRET_KEY } })()
  const url = new URL(Buffer.from(token.value, 'base64url').toString('utf8'))
  assert.equal(url.host, 'kafka.eu-west-1.amazonaws.com')
  assert.match(url.searchParams.get('X-Amz-Credential')!, /^AKIDGIVEN\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/)
  assert.match(url.searchParams.get('User-Agent')!, /^samsa\//)
  assert.ok(token.lifetimeMs! > Date.now() + 890000 && token.lifetimeMs! <= Date.now() + 900000)
  // Temporary credentials ending in 2 minutes: the signature ends with them.
  const expiring = await mskOAuthBearerTokenProvider({
    region: 'eu-west-1',
    credentials: async () => ({ accessKeyId: 'AKIDTEMP', secretAccessKey: SECRET_KEY, sessionToken: 'tok', expiration: new Date(Date.now() + 120000) }),
  })()
  const expires = Number(new URL(Buffer.from(expiring.value, 'base64url').toString('utf8')).searchParams.get('X-Amz-Expires'))
  assert.ok(expires >= 118 && expires <= 120, `X-Amz-Expires ${expires}`)
  await assert.rejects(
    mskOAuthBearerTokenProvider({ region: 'eu-west-1', credentials: async () => ({ accessKeyId: 'A', secretAccessKey: SECRET_KEY, expiration: new Date(Date.now() - 1000) }) })(),
    (e: Error) => e instanceof AuthenticationError && /the AWS credentials expired at/.test(e.message) && !e.message.includes(SECRET_KEY),
  )
  await assert.rejects(
    mskOAuthBearerTokenProvider({ region: 'eu-west-1', credentials: () => { throw new Error('no profile here') } })(),
    (e: Error) => e instanceof AuthenticationError && /credentials provider \(sasl\.aws\.credentials\.provider\) failed: no profile here/.test(e.message),
  )
  const saved = { region: process.env.AWS_REGION, def: process.env.AWS_DEFAULT_REGION }
  delete process.env.AWS_REGION
  delete process.env.AWS_DEFAULT_REGION
  try {
    assert.throws(() => mskOAuthBearerTokenProvider({}), (e: Error) => e instanceof ConfigError && /needs the AWS region of the MSK cluster: pass \{ region: "us-east-1" \} or AWS_REGION/.test(e.message))
    assert.throws(() => mskOAuthBearerTokenProvider({ region: 'kafka.example.com' }), /"kafka\.example\.com" is not an AWS region/)
  } finally {
    if (saved.region !== undefined) process.env.AWS_REGION = saved.region
    if (saved.def !== undefined) process.env.AWS_DEFAULT_REGION = saved.def
  }
})

/** Runs `fn` with no AWS credentials in the environment and a shared credentials file holding one profile. */
async function withAwsEnv(fn: () => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-aws-'))
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED']
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]))
  for (const n of names) delete process.env[n]
  fs.writeFileSync(path.join(dir, 'credentials'), `[samsa-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = ${SECRET_KEY}\n`)
  fs.writeFileSync(path.join(dir, 'config'), '')
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials')
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config')
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  try {
    await fn()
  } finally {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n]
      else process.env[n] = saved[n]
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const chainSkip = (() => {
  try {
    createRequire(import.meta.url)('@aws-sdk/credential-providers')
    return false
  } catch {
    return process.env.CI === 'true' ? false : '@aws-sdk/credential-providers is not installed (a devDependency)'
  }
})()

test('without credentials in the config or environment, the AWS SDK default chain (@aws-sdk/credential-providers) supplies them: a profile', { skip: chainSkip }, async () => {
  await withAwsEnv(async () => {
    const token = await mskOAuthBearerTokenProvider({ region: 'us-west-2', profile: 'samsa-test' })()
    assert.match(new URL(Buffer.from(token.value, 'base64url').toString('utf8')).searchParams.get('X-Amz-Credential')!, /^AKIDPROFILE\/\d{8}\/us-west-2\//)
    // The same through a client config: AWS_MSK_IAM keys, Java's handler class, the profile from the JAAS line.
    const cfg = commonSchema.parse({
      'bootstrap.servers': 'b-1.demo.abc123.c2.kafka.ap-south-1.amazonaws.com:9098',
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.login.callback.handler.class': 'software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler',
      'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required awsProfileName="samsa-test";',
    })
    const viaConfig = await tokenCacheFor(cfg).get()
    const url = new URL(Buffer.from(viaConfig.value, 'base64url').toString('utf8'))
    assert.equal(url.host, 'kafka.ap-south-1.amazonaws.com')
    assert.match(url.searchParams.get('X-Amz-Credential')!, /^AKIDPROFILE\/\d{8}\/ap-south-1\//)
    // A profile the files don't have: the chain's failure, named.
    await assert.rejects(mskOAuthBearerTokenProvider({ region: 'us-west-2', profile: 'no-such-profile' })(), (e: Error) => {
      assert.ok(e instanceof AuthenticationError, `${e.name}: ${e.message}`)
      assert.match(e.message, /^the AWS SDK's default credential chain \(profile no-such-profile\) failed: /)
      return true
    })
  })
})

test('without the optional @aws-sdk/credential-providers, the error names the package to install and the other ways', async () => {
  await withAwsEnv(async () => {
    const source = awsCredentialsSource({ chainPackage: '@aws-sdk/samsa-test-missing-package' })
    await assert.rejects(source(), (e: Error & { type?: string; retriable?: boolean }) => {
      assert.ok(e instanceof AuthenticationError)
      assert.equal(e.type, 'MISSING_DEPENDENCY')
      assert.equal(e.retriable, false)
      assert.match(e.message, /needs the optional package "@aws-sdk\/samsa-test-missing-package" \(npm install @aws-sdk\/samsa-test-missing-package\)/)
      assert.match(e.message, /"sasl\.aws\.credentials\.provider"/)
      return true
    })
    // Keys in the config need no package at all.
    const keys = await awsCredentialsSource({ chainPackage: '@aws-sdk/samsa-test-missing-package', accessKeyId: 'AKIDKEYS', secretAccessKey: SECRET_KEY })()
    assert.equal(keys.accessKeyId, 'AKIDKEYS')
  })
})

test('sasl.login.callback.handler.class: Kafka\'s OIDC handler and the MSK handler are known, others refused; the region must be found', async () => {
  const base = { 'bootstrap.servers': 'broker.internal:9098', 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' }
  assert.throws(
    () => tokenCacheFor(commonSchema.parse({ ...base, 'sasl.login.callback.handler.class': 'com.example.MyHandler' })),
    (e: Error) => e instanceof ConfigError && /samsa runs no Java classes; it knows Kafka's OIDC handler .* and software\.amazon\.msk\.auth\.iam\.IAMOAuthBearerLoginCallbackHandler/.test(e.message),
  )
  // Java's OIDC config as Confluent documents it (single quotes in the JAAS line): the built-in client-credentials flow.
  for (const handler of ['org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler', 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler']) {
    const cache = tokenCacheFor(commonSchema.parse({
      ...base,
      'sasl.login.callback.handler.class': handler,
      'sasl.oauthbearer.token.endpoint.url': 'http://127.0.0.1:9/token',
      'sasl.jaas.config': "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId='id' clientSecret='s3cret' scope='kafka';",
      'sasl.login.read.timeout.ms': 2000,
    }))
    await assert.rejects(cache.get(), (e: Error) => e instanceof AuthenticationError && /OAuth token endpoint http:\/\/127\.0\.0\.1:9\/token could not be reached/.test(e.message) && !e.message.includes('s3cret'))
  }
  const saved = { region: process.env.AWS_REGION, def: process.env.AWS_DEFAULT_REGION }
  delete process.env.AWS_REGION
  delete process.env.AWS_DEFAULT_REGION
  try {
    assert.throws(
      () => tokenCacheFor(commonSchema.parse({ ...base, 'sasl.login.callback.handler.class': 'software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler' })),
      (e: Error) => e instanceof ConfigError && /needs the AWS region of the MSK cluster: set "sasl\.aws\.region" or AWS_REGION/.test(e.message),
    )
  } finally {
    if (saved.region !== undefined) process.env.AWS_REGION = saved.region
    if (saved.def !== undefined) process.env.AWS_DEFAULT_REGION = saved.def
  }
})
