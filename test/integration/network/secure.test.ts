// TLS and SASL against a real broker: a private cluster with SASL_PLAINTEXT
// (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and SSL listeners.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { Admin, AuthenticationError, ConnectionError, KafkaError } from '../../../src/index.js'
import { SECURE, secureBootstrap, startCluster, stopCluster, type ClusterState } from '../../../scripts/kafka/cluster.js'
import { kafkaVersion, privateClusterPortBase } from '../../helpers/kafka.js'

const PORT_BASE = privateClusterPortBase(240) // 9640 unless KAFKA_TEST_PORT_BASE is set
let state: ClusterState

before(async () => {
  const info = await startCluster({ portBase: PORT_BASE, nodes: 1, version: kafkaVersion(), owner: 'harness', lease: true, secure: true, log: () => {} })
  state = info.state
})

after(async () => {
  await stopCluster({ portBase: PORT_BASE, log: () => {} })
})

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

test('TLS without trusting the CA fails with a ConnectionError naming the certificate problem', async () => {
  await assert.rejects(
    listWith({ 'bootstrap.servers': secureBootstrap(state, 'ssl'), 'security.protocol': 'SSL', 'default.api.timeout.ms': 1500 }),
    (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      const root = e instanceof ConnectionError ? e : (e.cause as KafkaError)
      assert.match(String(root?.message ?? e.message), /certificate/i)
      return true
    },
  )
})
