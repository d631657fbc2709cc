// AWS_MSK_IAM without an MSK cluster: samsa's authentication payload must be
// what AWS's Java library (software.amazon.msk:aws-msk-iam-auth 2.4.0, from
// Maven Central through test/fixtures/msk-iam/pom.xml) builds for the same
// credentials, host and second. The library signs with the current time, so
// the test reads the time from its payload (x-amz-date) and signs with it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { mskIamExchange, mskIamPayload, regionOfHost } from '../../../src/network/sasl/aws-msk-iam.js'
import { commonSchema } from '../../../src/config/common.js'
import { AuthenticationError } from '../../../src/index.js'

const run = promisify(execFile)
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..')
const LIBS = path.join(ROOT, '.kafka', 'msk-iam-libs')
const HOST = 'b-1.demo.abc123.c2.kafka.us-east-1.amazonaws.com'
const ACCESS_KEY = 'AKIDEXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const SESSION_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDOpO0M+session/token=='

async function javaPayload(args: string[]): Promise<Record<string, string>> {
  if (!fs.existsSync(path.join(LIBS, 'aws-msk-iam-auth-2.4.0.jar')) || !fs.existsSync(path.join(LIBS, 'kafka-clients-4.4.0.jar'))) {
    await run('mvn', ['-q', '-B', '-f', path.join(ROOT, 'test/fixtures/msk-iam/pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${LIBS}`], { timeout: 300000 })
  }
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
  const { stdout } = await run(java, ['-cp', `${LIBS}/*`, path.join(ROOT, 'test/fixtures/msk-iam/MskIamPayload.java'), HOST, ...args], { timeout: 120000 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>
}

function timeOf(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)!
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

// One Java run (its start-up is slow on a loaded machine): temporary credentials, the fuller payload.
for (const [name, sessionToken] of [['temporary credentials (session token)', SESSION_TOKEN]] as const) {
  test(`AWS_MSK_IAM payload equals aws-msk-iam-auth 2.4.0's, ${name}`, { timeout: 600000 }, async () => {
    // The library reads the clock twice (signing time, then expiry = now + 15 min): when a second
    // turns in between it says 899 s; the payload it means to build says 900, so ask again.
    let java = await javaPayload([ACCESS_KEY, SECRET_KEY, ...(sessionToken ? [sessionToken] : [])])
    for (let i = 0; i < 3 && java['x-amz-expires'] !== '900'; i++) java = await javaPayload([ACCESS_KEY, SECRET_KEY, ...(sessionToken ? [sessionToken] : [])])
    const ours = mskIamPayload({
      host: HOST,
      region: regionOfHost(HOST)!,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, sessionToken },
      now: timeOf(java['x-amz-date']!),
      userAgent: 'samsa/0.1.0',
    })
    assert.match(java['user-agent']!, /^aws-msk-iam-auth\/2\.4\.0/)
    const { 'user-agent': _java, ...javaRest } = java
    const { 'user-agent': _ours, ...oursRest } = ours
    assert.deepEqual(oursRest, javaRest)
    assert.equal(Object.keys(ours).length, sessionToken ? 11 : 10)
  })
}

test('the region comes from sasl.aws.region, else the MSK host name; credentials from the config; secrets never in errors', async () => {
  assert.equal(regionOfHost('b-2.x.y.c3.kafka.eu-west-1.amazonaws.com'), 'eu-west-1')
  assert.equal(regionOfHost('boot-abc.c1.kafka-serverless.ap-southeast-2.amazonaws.com'), 'ap-southeast-2')
  assert.equal(regionOfHost('b-1.x.kafka.cn-north-1.amazonaws.com.cn'), 'cn-north-1')
  assert.equal(regionOfHost('127.0.0.1'), undefined)
  const cfg = (extra: Record<string, unknown>) => commonSchema.parse({ 'bootstrap.servers': 'x:9098', 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'AWS_MSK_IAM', ...extra })
  const mech = await mskIamExchange(cfg({ 'sasl.aws.access.key.id': ACCESS_KEY, 'sasl.aws.secret.access.key': SECRET_KEY, 'sasl.aws.region': 'eu-central-1' }), HOST, 'samsa/test')
  const payload = JSON.parse(mech.start().toString('utf8')) as Record<string, string>
  assert.match(payload['x-amz-credential']!, /^AKIDEXAMPLE\/\d{8}\/eu-central-1\/kafka-cluster\/aws4_request$/)
  assert.equal(payload.host, HOST)
  assert.equal(mech.next(Buffer.from('{"version":"2020_10_22","request-id":"abc"}')), null)
  const saved = { region: process.env.AWS_REGION, def: process.env.AWS_DEFAULT_REGION }
  delete process.env.AWS_REGION
  delete process.env.AWS_DEFAULT_REGION
  try {
    await assert.rejects(mskIamExchange(cfg({ 'sasl.aws.access.key.id': ACCESS_KEY, 'sasl.aws.secret.access.key': SECRET_KEY }), '10.0.0.1', 'samsa/test'), (e: Error) => {
      assert.ok(e instanceof AuthenticationError)
      assert.match(e.message, /cannot tell the AWS region of broker host 10\.0\.0\.1: set "sasl\.aws\.region"/)
      assert.ok(!e.message.includes(SECRET_KEY))
      return true
    })
  } finally {
    if (saved.region !== undefined) process.env.AWS_REGION = saved.region
    if (saved.def !== undefined) process.env.AWS_DEFAULT_REGION = saved.def
  }
  await assert.rejects(mskIamExchange(cfg({ 'sasl.aws.region': 'us-east-1', 'sasl.aws.credentials.provider': () => { throw new Error('no profile') } }), HOST, 'samsa/test'), /sasl\.aws\.credentials\.provider\) failed: no profile/)
  // A provider's credentials are used as given.
  const viaProvider = await mskIamExchange(cfg({ 'sasl.aws.credentials.provider': async () => ({ accessKeyId: 'AKIDPROVIDER', secretAccessKey: SECRET_KEY }) }), HOST, 'samsa/test')
  assert.match(JSON.parse(viaProvider.start().toString('utf8'))['x-amz-credential'], /^AKIDPROVIDER\/\d{8}\/us-east-1\//)
})
