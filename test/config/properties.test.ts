import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Admin, ConfigError, Consumer, Producer } from '../../src/index.js'
import { parseProperties } from '../../src/config/properties.js'

function capture() {
  const warnings: string[] = []
  const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} }
  return { logger, warnings }
}

test("parseProperties follows Java's .properties rules", () => {
  const text = [
    '# a comment', '! another', '',
    'a=1', 'b : 2', 'c 3', '  d=  spaced value  ',
    'e=first \\', '   second', 'f=tab\\there\\u0041', 'g\\=h=x', 'a=override', 'empty=',
  ].join('\n')
  assert.deepEqual(parseProperties(text), {
    a: 'override', b: '2', c: '3', d: 'spaced value  ', e: 'first second', f: 'tab\thereA', 'g=h': 'x', empty: '',
  })
})

test("Confluent Cloud's and MSK's documented client files load; Java-only keys are dropped with a warning saying why", async () => {
  const confluent = [
    'bootstrap.servers=pkc-xxxxx.us-east-1.aws.confluent.cloud:9092',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=PLAIN',
    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='KEY' password='SECRET';",
    'client.dns.lookup=use_all_dns_ips',
    'session.timeout.ms=45000',
    'acks=all',
  ].join('\n')
  const { logger, warnings } = capture()
  const p = Producer.fromProperties(confluent, { logger })
  try {
    assert.equal(p.config['security.protocol'], 'SASL_SSL')
    assert.equal(p.config.acks, 'all')
    assert.ok(warnings.some((w) => w.includes('"client.dns.lookup"') && w.includes('ignored')), warnings.join('\n'))
    assert.ok(warnings.some((w) => w.includes('"session.timeout.ms"') && w.includes('the producer ignores it')), warnings.join('\n'))
  } finally {
    await p.close()
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-props-'))
  const file = path.join(dir, 'client.properties')
  fs.writeFileSync(file, [
    'bootstrap.servers=b-1.msk.example.com:9096,b-2.msk.example.com:9096',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";',
    'group.id=orders', 'auto.offset.reset=earliest', 'max.poll.records=250',
    'interceptor.classes=io.confluent.monitoring.clients.interceptor.MonitoringConsumerInterceptor',
    'receive.buffer.bytes=65536',
  ].join('\n'))
  try {
    const second = capture()
    const c = Consumer.fromProperties(file, { logger: second.logger })
    try {
      assert.equal(c.config['group.id'], 'orders')
      assert.equal(c.config['max.poll.records'], 250)
      assert.deepEqual(second.warnings.map((w) => /"([^"]+)"/.exec(w)![1]).sort(), ['interceptor.classes', 'receive.buffer.bytes'])
    } finally {
      await c.close()
    }
    const third = capture()
    const a = Admin.fromProperties(file, { logger: third.logger })
    await a.close()
    assert.ok(third.warnings.some((w) => w.includes('"group.id"') && w.includes('consumer setting; the admin ignores it')), third.warnings.join('\n'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('misspelt keys still get the did-you-mean ConfigError; a custom Java partitioner and a missing file are refused', () => {
  assert.throws(() => Producer.fromProperties('bootstrap.servers=localhost:9092\nlinger.msx=5'),
    (e: Error) => e instanceof ConfigError && /unknown config "linger.msx" \(did you mean "linger.ms"\?\)/.test(e.message))
  assert.throws(() => Producer.fromProperties('bootstrap.servers=localhost:9092\npartitioner.class=com.example.MyPartitioner'),
    (e: Error) => e instanceof ConfigError && /partitioner.class.*com.example.MyPartitioner.*cannot run/.test(e.message))
  assert.throws(() => Admin.fromProperties('/no/such/client.properties'),
    (e: Error) => e instanceof ConfigError && /no such file "\/no\/such\/client.properties"/.test(e.message))
})

test("MSK's IAM client files load as AWS documents them: AWS_MSK_IAM and the OAUTHBEARER flavour", async () => {
  const iam = capture()
  const admin = Admin.fromProperties([
    'bootstrap.servers=b-1.mycluster.abc123.c2.kafka.eu-west-1.amazonaws.com:9098',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=AWS_MSK_IAM',
    'sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required awsProfileName="prod";',
    'sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler',
  ].join('\n'), { logger: iam.logger })
  try {
    assert.equal(admin.config['sasl.mechanism'], 'AWS_MSK_IAM')
    assert.deepEqual(iam.warnings.map((w) => /"([^"]+)"/.exec(w)![1]), ['sasl.client.callback.handler.class'])
  } finally {
    await admin.close()
  }
  const oauth = Admin.fromProperties([
    'bootstrap.servers=b-1.mycluster.abc123.c2.kafka.eu-west-1.amazonaws.com:9098',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=OAUTHBEARER',
    'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    'sasl.login.callback.handler.class=software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler',
  ].join('\n'))
  try {
    assert.equal(oauth.config['sasl.login.callback.handler.class'], 'software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler')
  } finally {
    await oauth.close()
  }
})
