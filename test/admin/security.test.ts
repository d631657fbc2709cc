// Unit tests (no broker) of the security admin surface: the ACL model's wire
// codes, SCRAM's salted password, kafka-configs' --add-config syntax, the
// kafka-acls operation names, and authorization errors as data.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { encodeBinding, encodeFilter } from '../../src/admin/acls.js'
import { saltedPassword } from '../../src/admin/scram.js'
import { parseAddConfig, splitTopLevel } from '../../src/cli/configs.js'
import { operationOf } from '../../src/cli/acls.js'
import { AuthorizationError, brokerError, KafkaError } from '../../src/errors.js'

test('ACL bindings and filters map to Java\'s enum codes; defaults are LITERAL/* and ANY', () => {
  assert.deepEqual(encodeBinding({ resourceType: 'TOPIC', resourceName: 't', principal: 'User:a', operation: 'READ', permissionType: 'ALLOW' }), {
    resourceType: 2,
    resourceName: 't',
    resourcePatternType: 3,
    principal: 'User:a',
    host: '*',
    operation: 3,
    permissionType: 3,
  })
  assert.equal(encodeBinding({ resourceType: 'TRANSACTIONAL_ID', resourceName: 'x', patternType: 'PREFIXED', principal: 'User:a', operation: 'TWO_PHASE_COMMIT', permissionType: 'DENY' }).operation, 15)
  assert.deepEqual(encodeFilter({}), {
    resourceTypeFilter: 1,
    resourceNameFilter: null,
    patternTypeFilter: 1,
    principalFilter: null,
    hostFilter: null,
    operation: 1,
    permissionType: 1,
  })
  assert.equal(encodeFilter({ patternType: 'MATCH', resourceType: 'CLUSTER' }).patternTypeFilter, 2)
  // a binding may not hold a wildcard; nobody may send UNKNOWN
  assert.throws(() => encodeBinding({ resourceType: 'ANY', resourceName: 't', principal: 'User:a', operation: 'READ', permissionType: 'ALLOW' }), /invalid ACL resource type "ANY"/)
  assert.throws(() => encodeBinding({ resourceType: 'TOPIC', resourceName: 't', patternType: 'MATCH', principal: 'User:a', operation: 'READ', permissionType: 'ALLOW' }), /pattern type "MATCH"/)
  assert.throws(() => encodeFilter({ operation: 'UNKNOWN' }), /invalid ACL operation "UNKNOWN"/)
  assert.throws(() => encodeFilter({ operation: 'read' as never }), (e: unknown) => e instanceof KafkaError && e.type === 'INVALID_REQUEST')
})

test('SCRAM salted password is SCRAM\'s Hi: the RFC 7677 SCRAM-SHA-256 exchange verifies', () => {
  const salted = saltedPassword('SCRAM-SHA-256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096)
  const hmac = (key: Buffer, text: string) => crypto.createHmac('sha256', key).update(text).digest()
  const clientKey = hmac(salted, 'Client Key')
  const storedKey = crypto.createHash('sha256').update(clientKey).digest()
  const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
  const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`
  const signature = hmac(storedKey, authMessage)
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!))
  assert.equal(proof.toString('base64'), 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
  const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage)
  assert.equal(serverSignature.toString('base64'), '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')
  assert.equal(saltedPassword('SCRAM-SHA-512', 'pencil', Buffer.from('salt'), 4096).length, 64)
})

test('kafka-configs --add-config: commas inside brackets stay, brackets go', () => {
  assert.deepEqual(splitTopLevel('a=1, b=[x,y],SCRAM-SHA-256=[iterations=8192,password=p]'), ['a=1', 'b=[x,y]', 'SCRAM-SHA-256=[iterations=8192,password=p]'])
  assert.deepEqual([...parseAddConfig('cleanup.policy=[compact,delete],retention.ms=1000')], [
    ['cleanup.policy', 'compact,delete'],
    ['retention.ms', '1000'],
  ])
  assert.deepEqual([...parseAddConfig(parseAddConfig('SCRAM-SHA-512=[password=a=b,iterations=4096]').get('SCRAM-SHA-512')!)], [
    ['password', 'a=b'],
    ['iterations', '4096'],
  ])
  assert.throws(() => parseAddConfig('novalue'), /expects k=v/)
})

test('kafka-acls --operation takes Java\'s names in any case', () => {
  assert.equal(operationOf('Read'), 'READ')
  assert.equal(operationOf('DescribeConfigs'), 'DESCRIBE_CONFIGS')
  assert.equal(operationOf('IDEMPOTENT_WRITE'), 'IDEMPOTENT_WRITE')
  assert.equal(operationOf('all'), 'ALL')
  assert.throws(() => operationOf('Any'), /unknown --operation/)
})

test('authorization failures are AuthorizationErrors with the broker\'s type, naming what was denied', () => {
  const topic = brokerError(29, { topic: 'orders', partition: 0 })
  assert.ok(topic instanceof AuthorizationError && topic instanceof KafkaError)
  assert.equal(topic.type, 'TOPIC_AUTHORIZATION_FAILED')
  assert.equal(topic.code, 29)
  assert.equal(topic.retriable, false)
  assert.match(topic.message, /not authorized to access topic "orders"/)
  assert.match(brokerError(29, { topics: ['a', 'b'] }).message, /topics "a", "b"/)
  // a commit's context names group and topic: the message names what the type is about
  assert.match(brokerError(30, { group: 'g', topic: 't', partition: 1 }).message, /not authorized to access group "g"/)
  assert.match(brokerError(53, { transactionalId: 'tx' }).message, /transactional id "tx"/)
  assert.match(brokerError(31, {}).message, /not authorized to access the cluster/)
  assert.ok(!(brokerError(3, { topic: 't' }) instanceof AuthorizationError))
})
