// Authorization against a real authorizer: a private cluster (StandardAuthorizer,
// SASL_PLAINTEXT) where User:admin and the PLAINTEXT listener are super users and
// User:bob has no ACLs. Covers the Admin ACL / SCRAM / quota calls, the CLI tools
// `acls` and `configs`, the KafkaJS facade's ACL calls, and the typed
// authorization errors of producer, consumer, transactional producer and admin,
// each followed by a grant (through samsa's own Admin) and a retry with the SAME client.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  Admin,
  AuthenticationError,
  AuthorizationError,
  Consumer,
  KafkaError,
  Producer,
  deserializers,
  serializers,
  type AclBinding,
} from '../../../src/index.js'
import { AUTHORIZER, secureBootstrap, type ClusterState } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import { startPrivateCluster, stopPrivateCluster } from '../../helpers/private-cluster.js'
import { samsa } from '../../cli/run.js'

// base + 10000..13000 (secure listeners), + 20000 (controller): clear of every other test's ports
const PORT_BASE = privateClusterPortBase(140) // 9540 unless KAFKA_TEST_PORT_BASE is set
let state: ClusterState
let plaintext: string
let admin: Admin

before(async () => {
  await stopPrivateCluster(PORT_BASE)
  const info = await startPrivateCluster(PORT_BASE, { secure: true, authorizer: true })
  state = info.state
  plaintext = info.bootstrap
  // the PLAINTEXT listener's principal is User:ANONYMOUS, a super user
  admin = new Admin({ 'bootstrap.servers': plaintext })
})

after(async () => {
  await admin?.close()
  await stopPrivateCluster(PORT_BASE)
})

/** Client config for a SASL user (bob, by default: no ACLs). */
function sasl(username: string = AUTHORIZER.user.username, password: string = AUTHORIZER.user.password, mechanism = 'PLAIN') {
  return {
    'bootstrap.servers': secureBootstrap(state, 'sasl'),
    'security.protocol': 'SASL_PLAINTEXT' as const,
    'sasl.mechanism': mechanism as 'PLAIN',
    'sasl.username': username,
    'sasl.password': password,
  }
}

const BOB = `User:${AUTHORIZER.user.username}`

async function createTopic(partitions = 1): Promise<string> {
  const topic = uniqueName('authz')
  await admin.createTopics([{ topic, numPartitions: partitions }])
  return topic
}

/** Grants with samsa's Admin and waits until the broker lists the ACLs. */
async function grant(acls: Omit<AclBinding, 'permissionType'>[]): Promise<void> {
  const bindings = acls.map((a) => ({ ...a, permissionType: 'ALLOW' as const }))
  await admin.createAcls(bindings)
  for (const b of bindings) {
    await waitUntil(`ACL ${JSON.stringify(b)} listed`, async () =>
      (await admin.describeAcls({ resourceType: b.resourceType, resourceName: b.resourceName, patternType: 'LITERAL', principal: b.principal })).some(
        (f) => f.operation === b.operation,
      ),
    )
  }
}

/** ACLs, credentials and quotas apply asynchronously (the brokers replay the metadata log). */
async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The first success of `fn` (a granted ACL may take a moment to reach the authorizer's cache). */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (e) {
      if (!(e instanceof AuthorizationError) || Date.now() > until) throw e
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

function assertDenied(e: unknown, type: string, name: string): true {
  assert.ok(e instanceof AuthorizationError, `expected an AuthorizationError, got ${String(e)}`)
  assert.ok(e instanceof KafkaError)
  assert.equal(e.type, type)
  assert.equal(e.retriable, false)
  assert.match(e.message, new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  return true
}

test('ACLs: create, describe with filters, delete with filters', async () => {
  const topic = uniqueName('acl-rt')
  const group = uniqueName('acl-rt-g')
  const principal = `User:${uniqueName('acl-user')}`
  await admin.createAcls([
    { resourceType: 'TOPIC', resourceName: topic, principal, operation: 'READ', permissionType: 'ALLOW' },
    { resourceType: 'TOPIC', resourceName: topic, principal, operation: 'WRITE', permissionType: 'DENY', host: '10.0.0.1' },
    { resourceType: 'TOPIC', resourceName: `${topic}-`, patternType: 'PREFIXED', principal, operation: 'DESCRIBE', permissionType: 'ALLOW' },
    { resourceType: 'GROUP', resourceName: group, principal, operation: 'READ', permissionType: 'ALLOW' },
  ])
  await waitUntil('the 4 ACLs are listed', async () => (await admin.describeAcls({ principal })).length === 4)
  assert.deepEqual(
    (await admin.describeAcls({ resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', principal })).map((a) => `${a.operation}/${a.permissionType}/${a.host}`).sort(),
    ['READ/ALLOW/*', 'WRITE/DENY/10.0.0.1'],
  )
  // MATCH finds the prefixed pattern that covers a name
  const matching = await admin.describeAcls({ resourceType: 'TOPIC', resourceName: `${topic}-x`, patternType: 'MATCH', principal })
  assert.deepEqual(matching.map((a) => [a.resourceName, a.patternType, a.operation]), [[`${topic}-`, 'PREFIXED', 'DESCRIBE']])
  assert.deepEqual((await admin.describeAcls({ principal, permissionType: 'DENY' })).map((a) => a.operation), ['WRITE'])
  assert.deepEqual((await admin.describeAcls({ principal, resourceType: 'GROUP' })).map((a) => a.resourceName), [group])
  assert.deepEqual((await admin.describeAcls({ principal, host: '10.0.0.1' })).length, 1)
  // invalid bindings fail before anything is sent
  await assert.rejects(admin.createAcls([{ resourceType: 'ANY', resourceName: topic, principal, operation: 'READ', permissionType: 'ALLOW' }]), /invalid ACL resource type "ANY"/)
  await assert.rejects(admin.createAcls([{ resourceType: 'TOPIC', resourceName: topic, principal: 'bob', operation: 'READ', permissionType: 'ALLOW' }]), (e: unknown) => e instanceof KafkaError && e.type === 'INVALID_REQUEST')

  const deleted = await admin.deleteAcls([{ principal, resourceType: 'TOPIC', operation: 'READ' }, { principal, resourceType: 'GROUP' }])
  assert.deepEqual(deleted.map((a) => `${a.resourceType}/${a.operation}`).sort(), ['GROUP/READ', 'TOPIC/READ'])
  await waitUntil('2 ACLs are left', async () => (await admin.describeAcls({ principal })).length === 2)
  assert.deepEqual((await admin.describeAcls({ principal })).map((a) => a.operation).sort(), ['DESCRIBE', 'WRITE'])
  assert.equal((await admin.deleteAcls([{ principal }])).length, 2)
  await waitUntil('no ACLs are left', async () => (await admin.describeAcls({ principal })).length === 0)
  assert.deepEqual(await admin.deleteAcls([{ principal }]), [])
})

test('SCRAM users: create, authenticate with them, delete, then authentication fails', async () => {
  const user = uniqueName('scram').replace(/[^a-zA-Z0-9]/g, '')
  const password = 'pw-' + user
  await admin.alterUserScramCredentials([
    { type: 'upsert', user, mechanism: 'SCRAM-SHA-256', password, iterations: 8192 },
    { type: 'upsert', user, mechanism: 'SCRAM-SHA-512', password },
  ])
  await waitUntil('both credentials are listed', async () =>
    (await admin.describeUserScramCredentials().catch(() => [])).some((d) => d.user === user && d.credentials.length === 2),
  )
  assert.deepEqual(await admin.describeUserScramCredentials([user]), [
    {
      user,
      credentials: [
        { mechanism: 'SCRAM-SHA-256', iterations: 8192 },
        { mechanism: 'SCRAM-SHA-512', iterations: 4096 },
      ],
    },
  ])
  assert.ok((await admin.describeUserScramCredentials()).some((d) => d.user === AUTHORIZER.user.username))
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    const client = new Admin({ ...sasl(user, password, mechanism), 'default.api.timeout.ms': 8000 })
    try {
      assert.ok(Array.isArray(await client.listTopics()), `${mechanism} authenticates`)
    } finally {
      await client.close()
    }
  }
  await admin.alterUserScramCredentials([
    { type: 'delete', user, mechanism: 'SCRAM-SHA-256' },
    { type: 'delete', user, mechanism: 'SCRAM-SHA-512' },
  ])
  await waitUntil('the user is gone', async () => !(await admin.describeUserScramCredentials()).some((d) => d.user === user))
  await assert.rejects(admin.describeUserScramCredentials([user]), (e: unknown) => e instanceof KafkaError && e.type === 'RESOURCE_NOT_FOUND' && e.message.includes(user))
  const gone = new Admin({ ...sasl(user, password, 'SCRAM-SHA-256'), 'default.api.timeout.ms': 8000 })
  try {
    await assert.rejects(gone.listTopics(), (e: unknown) => e instanceof AuthenticationError && !e.message.includes(password))
  } finally {
    await gone.close()
  }
  // too few iterations: the broker's UNACCEPTABLE_CREDENTIAL, naming the user
  await assert.rejects(
    admin.alterUserScramCredentials([{ type: 'upsert', user, mechanism: 'SCRAM-SHA-256', password, iterations: 10 }]),
    (e: unknown) => e instanceof KafkaError && e.type === 'UNACCEPTABLE_CREDENTIAL' && e.message.includes(user) && !e.message.includes(password),
  )
})

test('client quotas: alter, describe with filters, remove', async () => {
  const user = uniqueName('quota-user')
  const clientId = uniqueName('quota-client')
  await admin.alterClientQuotas([
    { entity: { user }, ops: [{ key: 'producer_byte_rate', value: 1024 }, { key: 'consumer_byte_rate', value: 2048 }] },
    { entity: { user, 'client-id': clientId }, ops: [{ key: 'request_percentage', value: 50 }] },
  ])
  await waitUntil('the quotas are listed', async () => (await admin.describeClientQuotas([{ entityType: 'user', match: user }])).length === 2)
  const exact = await admin.describeClientQuotas([{ entityType: 'user', match: user }], { strict: true })
  assert.deepEqual(exact, [{ entity: { user }, values: { consumer_byte_rate: 2048, producer_byte_rate: 1024 } }])
  const both = await admin.describeClientQuotas([{ entityType: 'user', match: user }])
  assert.equal(both.length, 2)
  assert.deepEqual(both.find((d) => d.entity['client-id'] === clientId)?.values, { request_percentage: 50 })
  await assert.rejects(
    admin.alterClientQuotas([{ entity: { user }, ops: [{ key: 'no_such_quota', value: 1 }] }]),
    (e: unknown) => e instanceof KafkaError && e.type === 'INVALID_REQUEST' && e.message.includes(user),
  )
  await admin.alterClientQuotas([
    { entity: { user }, ops: [{ key: 'producer_byte_rate', value: null }, { key: 'consumer_byte_rate', value: null }] },
    { entity: { user, 'client-id': clientId }, ops: [{ key: 'request_percentage', value: null }] },
  ])
  await waitUntil('the quotas are removed', async () => (await admin.describeClientQuotas([{ entityType: 'user', match: user }])).length === 0)
})

test('producer: a send to a topic without WRITE fails at once in its callback; after a grant the same producer delivers', async () => {
  const topic = await createTopic()
  const producer = new Producer({ ...sasl(), 'key.serializer': serializers.string, 'value.serializer': serializers.string, 'max.block.ms': 20000 })
  try {
    const started = Date.now()
    const error = await new Promise<KafkaError | null>((resolve) => producer.send({ topic, value: 'denied' }, (e) => resolve(e)))
    assertDenied(error, 'TOPIC_AUTHORIZATION_FAILED', topic)
    assert.equal(error!.context.topic, topic)
    assert.ok(Date.now() - started < 5000, `failed after ${Date.now() - started} ms, not at once`)
    await assert.rejects(producer.send({ topic, value: 'denied again' }), (e: unknown) => assertDenied(e, 'TOPIC_AUTHORIZATION_FAILED', topic))

    await grant([{ resourceType: 'TOPIC', resourceName: topic, principal: BOB, operation: 'WRITE' }])
    const md = await eventually(() => producer.send({ topic, value: 'granted' }))
    assert.equal(md.topic, topic)
    assert.ok(md.offset >= 0n)
  } finally {
    await producer.close()
  }
})

test('consumer: poll throws GroupAuthorizationFailed, then TopicAuthorizationFailed, then reads once both are granted', async () => {
  const topic = await createTopic()
  const group = uniqueName('authz-group')
  const seed = new Producer({ 'bootstrap.servers': plaintext, 'value.serializer': serializers.string })
  await seed.send({ topic, value: 'hello' })
  await seed.close()
  const consumer = new Consumer({
    ...sasl(),
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'value.deserializer': deserializers.string,
  })
  try {
    consumer.subscribe([topic])
    let started = Date.now()
    await assert.rejects(consumer.poll(10000), (e: unknown) => assertDenied(e, 'GROUP_AUTHORIZATION_FAILED', group))
    assert.ok(Date.now() - started < 5000, 'the group failure comes at once')

    await grant([{ resourceType: 'GROUP', resourceName: group, principal: BOB, operation: 'READ' }])
    started = Date.now()
    const topicDenied = await (async () => {
      for (;;) {
        try {
          await consumer.poll(3000)
        } catch (e) {
          if (e instanceof AuthorizationError && e.type === 'GROUP_AUTHORIZATION_FAILED' && Date.now() - started < 10000) continue
          return e
        }
      }
    })()
    assertDenied(topicDenied, 'TOPIC_AUTHORIZATION_FAILED', topic)
    assert.deepEqual((topicDenied as KafkaError).context.topics, [topic])

    await grant([{ resourceType: 'TOPIC', resourceName: topic, principal: BOB, operation: 'READ' }])
    const values: string[] = []
    const until = Date.now() + 20000
    while (values.length === 0 && Date.now() < until) {
      try {
        for (const r of await consumer.poll(1000)) values.push(r.value!)
      } catch (e) {
        if (!(e instanceof AuthorizationError)) throw e // the metadata seen before the grant, reported once
      }
    }
    assert.deepEqual(values, ['hello'])
    await consumer.commitSync()
  } finally {
    await consumer.close()
  }
})

test('consumer with group.protocol=consumer (KIP-848): the same failures, then records after the grants', { skip: Number(kafkaVersion().split('.')[0]) < 4 }, async () => {
  const topic = await createTopic()
  const group = uniqueName('authz-848')
  const seed = new Producer({ 'bootstrap.servers': plaintext, 'value.serializer': serializers.string })
  await seed.send({ topic, value: 'kip-848' })
  await seed.close()
  const consumer = new Consumer({ ...sasl(), 'group.id': group, 'group.protocol': 'consumer', 'auto.offset.reset': 'earliest', 'value.deserializer': deserializers.string })
  try {
    consumer.subscribe([topic])
    await assert.rejects(consumer.poll(10000), (e: unknown) => assertDenied(e, 'GROUP_AUTHORIZATION_FAILED', group))
    await grant([{ resourceType: 'GROUP', resourceName: group, principal: BOB, operation: 'READ' }])
    const errors: string[] = []
    const values: string[] = []
    let granted = false
    const until = Date.now() + 20000
    while (values.length === 0 && Date.now() < until) {
      try {
        for (const r of await consumer.poll(1000)) values.push(r.value!)
      } catch (e) {
        if (!(e instanceof AuthorizationError)) throw e
        errors.push(e.type)
        if (e.type === 'TOPIC_AUTHORIZATION_FAILED' && !granted) {
          assertDenied(e, 'TOPIC_AUTHORIZATION_FAILED', topic)
          granted = true
          await grant([{ resourceType: 'TOPIC', resourceName: topic, principal: BOB, operation: 'READ' }])
        }
      }
    }
    assert.ok(errors.includes('TOPIC_AUTHORIZATION_FAILED'), `errors seen: ${errors.join(', ')}`)
    assert.deepEqual(values, ['kip-848'])
  } finally {
    await consumer.close()
  }
})

test('consumer with assign(): poll throws TopicAuthorizationFailed naming the partition\'s topic; works after a grant', async () => {
  const topic = await createTopic()
  const seed = new Producer({ 'bootstrap.servers': plaintext, 'value.serializer': serializers.string })
  await seed.send({ topic, value: 'assigned' })
  await seed.close()
  const consumer = new Consumer({ ...sasl(), 'auto.offset.reset': 'earliest', 'value.deserializer': deserializers.string })
  try {
    consumer.assign([{ topic, partition: 0 }])
    await assert.rejects(consumer.poll(10000), (e: unknown) => assertDenied(e, 'TOPIC_AUTHORIZATION_FAILED', topic))
    await grant([{ resourceType: 'TOPIC', resourceName: topic, principal: BOB, operation: 'READ' }])
    const values: string[] = []
    const until = Date.now() + 20000
    while (values.length === 0 && Date.now() < until) {
      try {
        for (const r of await consumer.poll(1000)) values.push(r.value!)
      } catch (e) {
        if (!(e instanceof AuthorizationError)) throw e
      }
    }
    assert.deepEqual(values, ['assigned'])
  } finally {
    await consumer.close()
  }
})

test('transactional producer: initTransactions fails with TransactionalIdAuthorizationFailed, a send to a denied topic makes the transaction abortable; after grants the same producer commits', async () => {
  const topic = await createTopic()
  const transactionalId = uniqueName('authz-txn')
  const producer = new Producer({ ...sasl(), 'transactional.id': transactionalId, 'value.serializer': serializers.string, 'max.block.ms': 20000 })
  try {
    const started = Date.now()
    await assert.rejects(producer.initTransactions(), (e: unknown) => assertDenied(e, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', transactionalId))
    assert.ok(Date.now() - started < 5000)
    await grant([
      { resourceType: 'TRANSACTIONAL_ID', resourceName: transactionalId, principal: BOB, operation: 'WRITE' },
      { resourceType: 'TOPIC', resourceName: topic, principal: BOB, operation: 'WRITE' },
    ])
    await eventually(() => producer.initTransactions())
    producer.beginTransaction()
    await producer.send({ topic, value: 'in a transaction' })
    await producer.commitTransaction()

    // a topic without WRITE inside a transaction: the send fails at once, the
    // transaction must be aborted (as Java's abortable error), then a grant and
    // the next transaction succeeds with the same producer
    const other = await createTopic()
    await grant([{ resourceType: 'TOPIC', resourceName: other, principal: BOB, operation: 'DESCRIBE' }])
    producer.beginTransaction()
    await assert.rejects(producer.send({ topic: other, value: 'denied' }), (e: unknown) => assertDenied(e, 'TOPIC_AUTHORIZATION_FAILED', other))
    await assert.rejects(producer.commitTransaction(), (e: unknown) => assertDenied(e, 'TOPIC_AUTHORIZATION_FAILED', other))
    await producer.abortTransaction()
    await grant([{ resourceType: 'TOPIC', resourceName: other, principal: BOB, operation: 'WRITE' }])
    producer.beginTransaction()
    await producer.send({ topic: other, value: 'granted' })
    await producer.commitTransaction()
  } finally {
    await producer.close()
  }
})

test('admin: createTopics without CREATE and describeAcls without cluster DESCRIBE are rejected at once; both work after grants', async () => {
  const client = new Admin({ ...sasl(), 'default.api.timeout.ms': 20000 })
  const topic = uniqueName('authz-admin')
  try {
    let started = Date.now()
    await assert.rejects(client.createTopics([{ topic }]), (e: unknown) => assertDenied(e, 'TOPIC_AUTHORIZATION_FAILED', topic))
    assert.ok(Date.now() - started < 5000)
    started = Date.now()
    await assert.rejects(client.describeAcls(), (e: unknown) => e instanceof AuthorizationError && e.type === 'CLUSTER_AUTHORIZATION_FAILED')
    assert.ok(Date.now() - started < 5000)
    await assert.rejects(client.describeConsumerGroups(['nobody-s-group']), (e: unknown) => assertDenied(e, 'GROUP_AUTHORIZATION_FAILED', 'nobody-s-group'))

    await grant([
      { resourceType: 'CLUSTER', resourceName: 'kafka-cluster', principal: BOB, operation: 'CREATE' },
      { resourceType: 'CLUSTER', resourceName: 'kafka-cluster', principal: BOB, operation: 'DESCRIBE' },
    ])
    await eventually(() => client.createTopics([{ topic }]))
    assert.ok((await admin.listTopics()).includes(topic))
    assert.ok((await eventually(() => client.describeAcls({ principal: BOB }))).length >= 2)
  } finally {
    await admin.deleteAcls([{ resourceType: 'CLUSTER', principal: BOB }])
    await client.close()
  }
})

test('KafkaJS facade: createAcls, describeAcls and deleteAcls with KafkaJS shapes and enums', async () => {
  const { Kafka, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = await import('../../../src/kafkajs/index.js')
  const kafkajs = new Kafka({ brokers: plaintext.split(','), logLevel: 0 }).admin()
  const topic = uniqueName('kjs-acl')
  const principal = `User:${uniqueName('kjs')}`
  try {
    const acl = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal,
      host: '*',
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    }
    assert.equal(await kafkajs.createAcls({ acl: [acl, { ...acl, operation: AclOperationTypes.READ }] }), true)
    const filter = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    }
    await waitUntil('both ACLs are listed', async () => (await admin.describeAcls({ principal })).length === 2)
    const described = await kafkajs.describeAcls(filter)
    assert.equal(described.errorCode, 0)
    assert.equal(described.resources.length, 1)
    assert.equal(described.resources[0]!.resourceName, topic)
    assert.equal(described.resources[0]!.resourceType, AclResourceTypes.TOPIC)
    assert.equal(described.resources[0]!.resourcePatternType, ResourcePatternTypes.LITERAL)
    assert.deepEqual(described.resources[0]!.acls.map((a) => a.operation).sort(), [AclOperationTypes.READ, AclOperationTypes.WRITE])
    assert.ok(described.resources[0]!.acls.every((a) => a.principal === principal && a.host === '*' && a.permissionType === AclPermissionTypes.ALLOW))

    const deleted = await kafkajs.deleteAcls({ filters: [{ ...filter, operation: AclOperationTypes.WRITE }, filter] })
    assert.equal(deleted.filterResponses.length, 2)
    assert.deepEqual(deleted.filterResponses[0]!.matchingAcls.map((a) => [a.resourceName, a.operation, a.errorCode]), [[topic, AclOperationTypes.WRITE, 0]])
    assert.deepEqual(deleted.filterResponses[1]!.matchingAcls.map((a) => a.operation), [AclOperationTypes.READ])
    await waitUntil('the ACLs are gone', async () => (await kafkajs.describeAcls(filter)).resources.length === 0)
  } finally {
    await kafkajs.disconnect()
  }
})

test('CLI acls: --add with --consumer, --list, --remove (confirmation, --force) in Kafka\'s layout', async () => {
  const topic = uniqueName('cli-acl')
  const group = uniqueName('cli-acl-g')
  const principal = `User:${uniqueName('cli')}`
  const B = ['--bootstrap-server', plaintext]
  const added = await samsa(['acls', '--add', '--allow-principal', principal, '--consumer', '--topic', topic, '--group', group, ...B])
  assert.equal(added.code, 0, added.stderr)
  assert.match(added.stdout, new RegExp(`Adding ACLs for resource \`ResourcePattern\\(resourceType=TOPIC, name=${topic}, patternType=LITERAL\\)\`: \n`))
  assert.match(added.stdout, new RegExp(`\t\\(principal=${principal}, host=\\*, operation=READ, permissionType=ALLOW\\)`))
  assert.match(added.stdout, new RegExp(`\t\\(principal=${principal}, host=\\*, operation=DESCRIBE, permissionType=ALLOW\\)`))
  await waitUntil('the 3 ACLs are listed', async () => (await admin.describeAcls({ principal })).length === 3)
  assert.deepEqual(
    (await admin.describeAcls({ principal })).map((a) => `${a.resourceType}:${a.operation}`).sort(),
    ['GROUP:READ', 'TOPIC:DESCRIBE', 'TOPIC:READ'],
  )
  const listed = await samsa(['acls', '--list', '--topic', topic, ...B])
  assert.equal(listed.code, 0, listed.stderr)
  assert.match(listed.stdout, new RegExp(`^Current ACLs for resource \`ResourcePattern\\(resourceType=TOPIC, name=${topic}, patternType=LITERAL\\)\`: \n \t\\(principal=${principal}, host=\\*, operation=`))
  assert.doesNotMatch(listed.stdout, /resourceType=GROUP/)
  const byPrincipal = await samsa(['acls', '--list', '--principal', principal, ...B])
  assert.match(byPrincipal.stdout, /resourceType=GROUP/)

  const declined = await samsa(['acls', '--remove', '--topic', topic, ...B], { input: 'n\n' })
  assert.equal(declined.code, 0, declined.stderr)
  assert.match(declined.stderr, /Are you sure you want to delete all ACLs for resource filter/)
  assert.equal((await admin.describeAcls({ principal, resourceType: 'TOPIC' })).length, 2)

  const removed = await samsa(['acls', '--remove', '--allow-principal', principal, '--operation', 'Read', '--topic', topic, '--force', ...B])
  assert.equal(removed.code, 0, removed.stderr)
  await waitUntil('READ on the topic is gone', async () => (await admin.describeAcls({ principal, resourceType: 'TOPIC' })).length === 1)
  const all = await samsa(['acls', '--remove', '--topic', topic, '--group', group, '--force', ...B])
  assert.equal(all.code, 0, all.stderr)
  await waitUntil('every ACL is gone', async () => (await admin.describeAcls({ principal })).length === 0)

  const bad = await samsa(['acls', '--add', '--allow-principal', principal, '--operation', 'Fly', '--topic', topic, ...B])
  assert.notEqual(bad.code, 0)
  assert.match(bad.stderr, /unknown --operation "Fly"/)
})

test('CLI configs: a SCRAM user and quotas through --alter/--describe --entity-type users; the user authenticates', async () => {
  const user = uniqueName('cliscram').replace(/[^a-zA-Z0-9]/g, '')
  const password = 'pw-' + user
  const B = ['--bootstrap-server', plaintext]
  const alter = await samsa([
    'configs', '--alter', '--entity-type', 'users', '--entity-name', user,
    '--add-config', `SCRAM-SHA-256=[iterations=8192,password=${password}],SCRAM-SHA-512=[password=${password}],producer_byte_rate=1024`,
    ...B,
  ])
  assert.equal(alter.code, 0, alter.stderr)
  assert.equal(alter.stdout, `Completed updating config for user ${user}.\n`)
  assert.doesNotMatch(alter.stdout + alter.stderr, new RegExp(password))
  let described = ''
  await waitUntil('the user\'s configs are listed', async () => {
    described = (await samsa(['configs', '--describe', '--entity-type', 'users', '--entity-name', user, ...B])).stdout
    return described.includes('SCRAM-SHA-512') && described.includes('producer_byte_rate')
  })
  assert.match(described, new RegExp(`^Quota configs for user-principal '${user}' are producer_byte_rate=1024.0$`, 'm'))
  assert.match(described, new RegExp(`^SCRAM credential configs for user-principal '${user}' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096$`, 'm'))
  const client = new Admin({ ...sasl(user, password, 'SCRAM-SHA-512'), 'default.api.timeout.ms': 8000 })
  try {
    assert.ok(Array.isArray(await client.listTopics()))
  } finally {
    await client.close()
  }
  const del = await samsa(['configs', '--alter', '--entity-type', 'users', '--entity-name', user, '--delete-config', 'SCRAM-SHA-256,SCRAM-SHA-512,producer_byte_rate', ...B])
  assert.equal(del.code, 0, del.stderr)
  await waitUntil('the user\'s configs are gone', async () => (await samsa(['configs', '--describe', '--user', user, ...B])).stdout === '')

  // a default client quota, and a topic config with a list value
  const clientDefault = await samsa(['configs', '--alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'consumer_byte_rate=4096', ...B])
  assert.equal(clientDefault.code, 0, clientDefault.stderr)
  await waitUntil('the default client quota is listed', async () =>
    (await samsa(['configs', '--describe', '--entity-type', 'clients', '--entity-default', ...B])).stdout === 'Quota configs for the default client-id are consumer_byte_rate=4096.0\n',
  )
  await samsa(['configs', '--alter', '--entity-type', 'clients', '--entity-default', '--delete-config', 'consumer_byte_rate', ...B])
  const topic = await createTopic()
  const t = await samsa(['configs', '--alter', '--entity-type', 'topics', '--entity-name', topic, '--add-config', 'retention.ms=100000,cleanup.policy=[compact,delete]', ...B])
  assert.equal(t.code, 0, t.stderr)
  await waitUntil('the topic configs are listed', async () => {
    const d = (await samsa(['configs', '--describe', '--topic', topic, ...B])).stdout
    return d.startsWith(`Dynamic configs for topic ${topic} are:\n`) && d.includes('  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete') && d.includes('  retention.ms=100000 ')
  })
  const bad = await samsa(['configs', '--alter', '--entity-type', 'users', '--entity-name', user, '--add-config', 'SCRAM-SHA-256=[iterations=8192]', ...B])
  assert.notEqual(bad.code, 0)
  assert.match(bad.stderr, /needs password=/)
})
