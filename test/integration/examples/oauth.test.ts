// examples/oauth.ts end to end: a private cluster whose SASL_SSL listener
// validates OAUTHBEARER tokens against the JWKS of a small OIDC server this
// test runs (test/helpers/oidc-server.ts); the example gets its tokens from
// that server's token endpoint (client credentials), produces three records
// and reads them back in a group.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { SECURE, secureBootstrap, type ClusterState } from '../../../scripts/kafka/cluster.js'
import { privateClusterPortBase, uniqueName } from '../../helpers/kafka.js'
import type { OidcServer } from '../../helpers/oidc-server.js'
import { startOAuthCluster, stopPrivateCluster } from '../../helpers/private-cluster.js'
import { startExample } from './run-example.js'

const PORT_BASE = privateClusterPortBase(310) // 9710 unless KAFKA_TEST_PORT_BASE is set
const CLIENT_ID = 'samsa-example-client'
const CLIENT_SECRET = `example-secret-${process.pid}`
const AUDIENCE = 'kafka-example'
let state: ClusterState
let oidc: OidcServer

before(async () => {
  const started = await startOAuthCluster(PORT_BASE, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: AUDIENCE, tokenLifetimeSeconds: 300 })
  oidc = started.oidc
  state = started.info.state
})

after(async () => {
  await stopPrivateCluster(PORT_BASE)
  await oidc?.close()
})

test('examples/oauth.ts gets tokens from the OIDC token endpoint, produces 3 records and reads them back over SASL_SSL', async () => {
  const topic = uniqueName('example-oauth')
  const example = startExample('examples/oauth.ts', [topic], {
    KAFKA_BOOTSTRAP: secureBootstrap(state, 'sasl_ssl'),
    KAFKA_CA: SECURE.caFile(state),
    OAUTH_TOKEN_URL: oidc.tokenUrl,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
  })
  const { code, stderr } = await example.exited
  assert.equal(code, 0, `${example.stdout()}\n${stderr}`)
  const lines = example.lines()
  assert.deepEqual(lines.filter((l) => /^sent hello \d to partition \d+ offset \d+$/.test(l)).length, 3, example.stdout())
  assert.deepEqual(
    lines.map((l) => /^read (hello \d) from partition \d+ offset \d+$/.exec(l)?.[1]).filter(Boolean).sort(),
    ['hello 0', 'hello 1', 'hello 2'],
  )
  assert.equal(lines.at(-1), 'done')
  // Tokens came from the endpoint (the producer's and the consumer's clients), none was refused.
  assert.ok(oidc.issued.length >= 2, `${oidc.issued.length} tokens issued`)
  assert.equal(oidc.refused, 0)
  assert.ok(!example.stdout().includes(CLIENT_SECRET) && !stderr.includes(CLIENT_SECRET))
})
