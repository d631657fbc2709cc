// A small OIDC provider for OAUTHBEARER tests: an HTTP token endpoint that
// answers the client-credentials grant (client id and secret by HTTP Basic)
// with RS256 JWTs, and a JWKS endpoint with the signing key, which a broker's
// OAuthBearerValidatorCallbackHandler uses to check the tokens. Listens on
// 127.0.0.1 on a free port.
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface OidcServerOptions {
  clientId: string
  clientSecret: string
  audience: string
  /** Lifetime of issued tokens in seconds. */
  tokenLifetimeSeconds: number
}

export interface OidcServer {
  /** http://127.0.0.1:port */
  url: string
  tokenUrl: string
  jwksUrl: string
  issuer: string
  /** Every access token issued, in order. */
  issued: string[]
  /** Requests refused (bad client credentials or grant). */
  refused: number
  /** Signs a token with the server's key (for tests that bring their own token). */
  sign: (claims: Record<string, unknown>) => string
  close: () => Promise<void>
}

export async function startOidcServer(options: OidcServerOptions): Promise<OidcServer> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = crypto.randomBytes(8).toString('hex')
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' }
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const sign = (claims: Record<string, unknown>) => {
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`
    return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  const state: OidcServer = { url: '', tokenUrl: '', jwksUrl: '', issuer: '', issued: [], refused: 0, sign, close: async () => {} }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.method === 'GET' && req.url === '/jwks') return reply(200, { keys: [jwk] })
      if (req.method !== 'POST' || req.url !== '/token') return reply(404, { error: 'not_found' })
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) : []
      if (id !== options.clientId || secret !== options.clientSecret) {
        state.refused++
        return reply(401, { error: 'invalid_client', error_description: 'client authentication failed' })
      }
      if (form.get('grant_type') !== 'client_credentials') {
        state.refused++
        return reply(400, { error: 'unsupported_grant_type' })
      }
      const now = Math.floor(Date.now() / 1000)
      const token = sign({
        iss: state.issuer,
        sub: id,
        aud: options.audience,
        iat: now,
        nbf: now - 1,
        exp: now + options.tokenLifetimeSeconds,
        scope: form.get('scope') ?? '',
        jti: crypto.randomUUID(),
      })
      state.issued.push(token)
      return reply(200, { access_token: token, token_type: 'Bearer', expires_in: options.tokenLifetimeSeconds })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  state.url = `http://127.0.0.1:${port}`
  state.tokenUrl = `${state.url}/token`
  state.jwksUrl = `${state.url}/jwks`
  state.issuer = state.url
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}
