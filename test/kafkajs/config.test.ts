import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkBrokers, commonConfig, compressionType, consumerConfig, producerConfig, retryBudgetMs } from '../../src/kafkajs/config.js'
import { parseProducerConfig } from '../../src/config/producer.js'
import { consumerSchema } from '../../src/config/consumer.js'
import { parseConfig } from '../../src/config/validate.js'
import { CompressionTypes, KafkaJSNonRetriableError, KafkaJSNotImplemented } from '../../src/kafkajs/index.js'

const brokers = ['127.0.0.1:9092']

test('KafkaJS retry policy → a deadline: the sum of its backoffs', () => {
  assert.equal(retryBudgetMs(), 300 + 600 + 1200 + 2400 + 4800)
  assert.equal(retryBudgetMs({ retries: 3, initialRetryTime: 200 }), 200 + 400 + 800)
  assert.equal(retryBudgetMs({ retries: 3, initialRetryTime: 1000, maxRetryTime: 1500 }), 1000 + 1500 + 1500)
  assert.equal(retryBudgetMs({ retries: 0 }), 1000, 'never below one second')
})

test('common options: brokers, client id, timeouts', () => {
  const { config, warnings } = commonConfig({ brokers }, brokers)
  assert.deepEqual(config['bootstrap.servers'], brokers)
  assert.equal(config['client.id'], 'kafkajs')
  assert.equal(config['request.timeout.ms'], 30000)
  assert.equal(config['default.api.timeout.ms'], 30000 + 9300)
  assert.equal(config['socket.connection.setup.timeout.ms'], undefined, 'samsa default unless connectionTimeout is given')
  assert.equal(config['security.protocol'], undefined)
  assert.deepEqual(warnings, [])
  const c = commonConfig({ brokers, clientId: 'app', requestTimeout: 5000, connectionTimeout: 3000, retry: { initialRetryTime: 50, maxRetryTime: 2000, retries: 1 } }, brokers).config
  assert.equal(c['client.id'], 'app')
  assert.equal(c['request.timeout.ms'], 5000)
  assert.equal(c['default.api.timeout.ms'], 5000 + 1000)
  assert.equal(c['socket.connection.setup.timeout.ms'], 3000)
  assert.equal(c['retry.backoff.ms'], 50)
  assert.equal(c['retry.backoff.max.ms'], 2000)
})

test('ssl and sasl map to security.protocol, PEM options and SASL credentials', () => {
  assert.equal(commonConfig({ brokers, ssl: true }, brokers).config['security.protocol'], 'SSL')
  const { config, warnings } = commonConfig({ brokers, ssl: { ca: [Buffer.from('CA1'), 'CA2'], cert: 'CERT', key: Buffer.from('KEY'), passphrase: 'pw', rejectUnauthorized: false, ciphers: 'x' } }, brokers)
  assert.equal(config['security.protocol'], 'SSL')
  assert.equal(config['ssl.truststore.certificates'], 'CA1\nCA2')
  assert.equal(config['ssl.keystore.certificate.chain'], 'CERT')
  assert.equal(config['ssl.keystore.key'], 'KEY')
  assert.equal(config['ssl.key.password'], 'pw')
  // rejectUnauthorized=false means what it means in KafkaJS: the broker's certificate is not verified at all.
  assert.equal(config['enable.ssl.certificate.verification'], false)
  assert.equal(warnings.length, 1)
  assert.match(warnings[0]!, /ciphers/)
  // pfx (PKCS12) with the passphrase as the store's password, given alone, as { buf, passphrase } or in a one-element array.
  const p12 = Buffer.from([0x30, 0x82, 0x01, 0x02])
  for (const pfx of [p12, { buf: p12, passphrase: 'pw' }, [{ buf: p12 }]]) {
    const mapped = commonConfig({ brokers, ssl: { pfx, passphrase: 'pw' } as never }, brokers)
    assert.deepEqual(mapped.config['ssl.keystore.pkcs12'], p12)
    assert.equal(mapped.config['ssl.keystore.password'], 'pw')
    assert.equal(mapped.config['ssl.key.password'], undefined)
    assert.deepEqual(mapped.warnings, [])
  }
  const plain = commonConfig({ brokers, sasl: { mechanism: 'plain', username: 'u', password: 'p' } }, brokers).config
  assert.deepEqual([plain['security.protocol'], plain['sasl.mechanism'], plain['sasl.username'], plain['sasl.password']], ['SASL_PLAINTEXT', 'PLAIN', 'u', 'p'])
  const scram = commonConfig({ brokers, ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } }, brokers).config
  assert.deepEqual([scram['security.protocol'], scram['sasl.mechanism']], ['SASL_SSL', 'SCRAM-SHA-512'])
})

test('sasl oauthbearer maps to OAUTHBEARER with the provider as token source; aws to AWS_MSK_IAM with the keys', async () => {
  const mapped = commonConfig({ brokers, ssl: true, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 'tok' }) } }, brokers)
  assert.equal(mapped.config['sasl.mechanism'], 'OAUTHBEARER')
  assert.equal(mapped.config['security.protocol'], 'SASL_SSL')
  assert.deepEqual(await (mapped.config['sasl.oauthbearer.token.provider'] as () => Promise<unknown>)(), { value: 'tok' })
  const aws = commonConfig({ brokers, ssl: true, sasl: { mechanism: 'aws', authorizationIdentity: 'AIDA', accessKeyId: 'AKID', secretAccessKey: 'sk', sessionToken: 'st' } }, brokers)
  assert.deepEqual([aws.config['sasl.mechanism'], aws.config['sasl.aws.access.key.id'], aws.config['sasl.aws.secret.access.key'], aws.config['sasl.aws.session.token']], ['AWS_MSK_IAM', 'AKID', 'sk', 'st'])
  assert.ok(aws.warnings.some((w: string) => /authorizationIdentity is ignored/.test(w)))
})

test('SASL mechanisms and TLS stores samsa cannot use are refused with a clear error', () => {
  assert.throws(() => commonConfig({ brokers, sasl: { mechanism: 'gssapi' } as never }, brokers), (e: Error) => {
    assert.ok(e instanceof KafkaJSNonRetriableError)
    assert.match(e.message, /SASL mechanism "gssapi" is not supported.*plain, scram-sha-256, scram-sha-512, oauthbearer, aws/)
    return true
  })
  assert.throws(() => commonConfig({ brokers, sasl: { mechanism: 'oauthbearer' } as never }, brokers), /oauthBearerProvider/)
  assert.throws(() => commonConfig({ brokers, sasl: { mechanism: 'aws', authorizationIdentity: 'x' } as never }, brokers), /accessKeyId/)
  assert.throws(() => commonConfig({ brokers, sasl: { mechanism: 'custom', authenticationProvider: () => ({ authenticate: async () => undefined }) } }, brokers), /custom SASL mechanism/)
  assert.throws(() => commonConfig({ brokers, ssl: { pfx: 'not a buffer' } as never }, brokers), /ssl\.pfx: expected the PKCS12 store as a Buffer/)
  assert.throws(() => commonConfig({ brokers, ssl: { pfx: [Buffer.from('a'), Buffer.from('b')] } as never }, brokers), /ssl\.pfx: samsa takes one PKCS12 store, got 2/)
  assert.throws(() => commonConfig({ brokers, ssl: { pfx: Buffer.from('a'), cert: 'C', key: 'K' } as never }, brokers), /either pfx \(PKCS12\) or cert and key/)
  assert.throws(() => commonConfig({ brokers, sasl: { mechanism: 'plain' } as never }, brokers), /username.*password/)
})

test('broker lists are checked', () => {
  assert.deepEqual(checkBrokers([' a:1 ', '[::1]:9092']), ['a:1', '[::1]:9092'])
  assert.throws(() => checkBrokers([]), KafkaJSNonRetriableError)
  assert.throws(() => checkBrokers(undefined), /expected brokers/)
  assert.throws(() => checkBrokers(['localhost']), /invalid broker address "localhost"/)
})

test('producer: no linger, acks and compression per send, idempotence off unless asked', () => {
  const common = commonConfig({ brokers }, brokers).config
  const p = producerConfig(common, {}, { brokers }, { acks: -1, compression: undefined })
  assert.equal(p['acks'], 'all')
  assert.equal(p['linger.ms'], 0)
  assert.equal(p['compression.type'], 'none')
  assert.equal(p['enable.idempotence'], false)
  assert.equal(p['allow.auto.create.topics'], true)
  assert.equal(p['delivery.timeout.ms'], 39300)
  assert.equal(p['transactional.id'], undefined)
  assert.equal(parseProducerConfig(p).idempotent, false)
  const q = producerConfig(common, { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, metadataMaxAge: 1000 }, { brokers }, { acks: 1, compression: CompressionTypes.ZSTD })
  assert.deepEqual([q['acks'], q['compression.type'], q['enable.idempotence'], q['max.in.flight.requests.per.connection'], q['allow.auto.create.topics'], q['metadata.max.age.ms']], [1, 'zstd', true, 1, false, 1000])
  const t = producerConfig(common, { transactionalId: 'tx', transactionTimeout: 5000 }, { brokers }, { acks: -1, compression: undefined, transactional: true })
  assert.deepEqual([t['transactional.id'], t['transaction.timeout.ms'], t['enable.idempotence']], ['tx', 5000, true])
  assert.equal(parseProducerConfig({ ...producerConfig(common, {}, { brokers }, { acks: 0, compression: CompressionTypes.GZIP }) })['acks'], 0)
})

test('compression types map to samsa codecs; an unknown one is KafkaJSNotImplemented', () => {
  assert.deepEqual(
    [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD].map(compressionType),
    ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  )
  assert.throws(() => compressionType(9 as CompressionTypes), KafkaJSNotImplemented)
})

test("consumer: KafkaJS's group defaults, read_committed, offsets committed by the facade", () => {
  const common = commonConfig({ brokers }, brokers).config
  const c = consumerConfig(common, { groupId: 'g' }, { autoOffsetReset: 'earliest', assignors: ['roundrobin'] })
  assert.equal(c['group.id'], 'g')
  assert.equal(c['enable.auto.commit'], false)
  assert.equal(c['auto.offset.reset'], 'earliest')
  assert.equal(c['session.timeout.ms'], 30000)
  assert.equal(c['heartbeat.interval.ms'], 3000)
  assert.equal(c['max.poll.interval.ms'], 60000)
  assert.equal(c['isolation.level'], 'read_committed')
  assert.equal(c['fetch.max.bytes'], 10485760)
  assert.deepEqual(c['partition.assignment.strategy'], ['roundrobin'])
  assert.equal(c['fetch.max.wait.ms'], undefined)
  assert.equal(c['max.poll.records'], undefined, "Java's 500 for eachMessage")
  assert.equal(consumerConfig(common, { groupId: 'g' }, { autoOffsetReset: 'latest', assignors: ['range'], eachBatch: true })['max.poll.records'], 10000)
  parseConfig(consumerSchema, c, 'consumer')
  const d = consumerConfig(common, { groupId: 'g', readUncommitted: true, maxWaitTimeInMs: 100, rackId: 'r1', sessionTimeout: 10000, rebalanceTimeout: 20000, minBytes: 10, maxBytesPerPartition: 100 }, { autoOffsetReset: 'latest', assignors: ['range'] })
  assert.deepEqual(
    [d['isolation.level'], d['fetch.max.wait.ms'], d['client.rack'], d['session.timeout.ms'], d['max.poll.interval.ms'], d['fetch.min.bytes'], d['max.partition.fetch.bytes']],
    ['read_uncommitted', 100, 'r1', 10000, 20000, 10, 100],
  )
  parseConfig(consumerSchema, d, 'consumer')
})
