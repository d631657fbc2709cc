// The private clusters of test files that need a broker of their own (on
// privateClusterPortBase(offset)): one node of the Kafka version under test,
// leased by the test run, its start quiet; and the OAUTHBEARER variant, whose
// SASL_SSL listener checks tokens against the JWKS of a test OIDC server
// (oidc-server.ts).
import { startCluster, stopCluster, type ClusterInfo, type StartOptions } from '../../scripts/kafka/cluster.js'
import { kafkaVersion } from './kafka.js'
import { startOidcServer, type OidcServer, type OidcServerOptions } from './oidc-server.js'

/** Starts the private cluster on `portBase` (or reuses it): 1 node, the tested version, leased; `options` add to that or override it. */
export function startPrivateCluster(portBase: number, options: StartOptions = {}): Promise<ClusterInfo> {
  return startCluster({ portBase, nodes: 1, version: kafkaVersion(), owner: 'harness', lease: true, log: () => {}, ...options })
}

export function stopPrivateCluster(portBase: number): Promise<boolean> {
  return stopCluster({ portBase, log: () => {} })
}

/**
 * An OIDC server, then a secure private cluster that validates OAUTHBEARER
 * tokens on SASL_SSL with its JWKS (audience and issuer checked). The server
 * is closed again when the cluster does not start.
 */
export async function startOAuthCluster(portBase: number, oidcOptions: OidcServerOptions, options: StartOptions = {}): Promise<{ info: ClusterInfo, oidc: OidcServer }> {
  const oidc = await startOidcServer(oidcOptions)
  try {
    const info = await startPrivateCluster(portBase, { secure: true, oauth: { jwksUrl: oidc.jwksUrl, audience: oidcOptions.audience, issuer: oidc.issuer }, ...options })
    return { info, oidc }
  } catch (e) {
    await oidc.close()
    throw e
  }
}
