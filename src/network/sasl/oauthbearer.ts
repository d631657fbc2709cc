/**
 * SASL/OAUTHBEARER (RFC 7628, KIP-255) as Kafka uses it: one client message
 * `n,,\x01auth=Bearer <token>\x01[key=value\x01...]\x01`; the broker answers
 * with an empty message on success, or with a JSON error status that the
 * client acknowledges with a lone `\x01` before the broker fails the exchange.
 *
 * Tokens come from a provider: the user's `sasl.oauthbearer.token.provider`
 * (Java's `sasl.login.callback.handler.class`) or the built-in OIDC
 * client-credentials flow (KIP-768: `sasl.oauthbearer.token.endpoint.url`
 * with a client id and secret). `TokenCache` keeps one token per client and
 * asks for a new one once the token reaches its refresh point
 * (`sasl.login.refresh.*`, as Java's refreshing login computes it), so a
 * re-authentication (KIP-368) always presents a token that is not about to
 * expire. Token values are never logged or put into an error message.
 */
import { AuthenticationError, ConfigError } from '../../errors.js'
import type { CommonConfig } from '../../config/common.js'
import type { SaslMechanism } from './index.js'
import type { OAuthBearerToken, OAuthBearerTokenProvider } from '../../types.js'
import { MSK_OAUTH_HANDLER, mskOAuthBearerProviderFor } from './aws-msk-iam.js'
import { jaasOptions } from './jaas.js'

export { jaasOptions }

export type { OAuthBearerToken, OAuthBearerTokenProvider }

const SEP = '\u0001'

/** The client side of one OAUTHBEARER exchange. */
export function oauthBearerExchange(token: OAuthBearerToken): SaslMechanism & { serverError(): string | undefined } {
  let error: string | undefined
  return {
    start() {
      const ext = Object.entries(token.extensions ?? {})
        .map(([k, v]) => `${k}=${v}${SEP}`)
        .join('')
      return Buffer.from(`n,,${SEP}auth=Bearer ${token.value}${SEP}${ext}${SEP}`, 'utf8')
    },
    next(server: Buffer) {
      if (server.length === 0 || error !== undefined) return null
      // A JSON status ({"status":"invalid_token",...}): acknowledge; the broker then fails the exchange.
      error = server.toString('utf8')
      return Buffer.from(SEP, 'utf8')
    },
    serverError: () => error,
  }
}

const EXTENSION_KEY = /^[A-Za-z]+$/
const EXTENSION_VALUE = /^[\x21-\x7E \t\r\n]+$/

/** Checks a token's shape and extensions (RFC 7628 grammar) without ever echoing the token. */
export function checkToken(token: unknown, source: string): OAuthBearerToken {
  const t = token as OAuthBearerToken | undefined
  if (t === null || typeof t !== 'object' || typeof t.value !== 'string' || t.value === '') {
    throw new AuthenticationError(`${source} returned no token: expected { value: string, lifetimeMs?, principalName?, extensions? }`)
  }
  if (/[\s\u0001]/.test(t.value)) throw new AuthenticationError(`${source} returned a malformed token (it contains whitespace or control characters)`)
  if (t.lifetimeMs !== undefined && !(typeof t.lifetimeMs === 'number' && Number.isFinite(t.lifetimeMs))) {
    throw new AuthenticationError(`${source} returned a token whose lifetimeMs is not a number (expected the expiry time in ms since the epoch)`)
  }
  for (const [k, v] of Object.entries(t.extensions ?? {})) {
    if (!EXTENSION_KEY.test(k) || k === 'auth') throw new AuthenticationError(`${source}: SASL extension name "${k}" is invalid (letters only, not "auth")`)
    if (typeof v !== 'string' || !EXTENSION_VALUE.test(v)) throw new AuthenticationError(`${source}: SASL extension "${k}" has an invalid value (printable ASCII expected)`)
  }
  return t
}

/** The claims of a JWT (unverified: the broker verifies), or undefined when `token` is not a JWT. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export interface RefreshSettings {
  windowFactor: number
  windowJitter: number
  minPeriodMs: number
  bufferMs: number
}

/**
 * When a token obtained at `issued` and expiring at `expiry` should be
 * replaced: at the window factor (plus jitter) of its life, but no later than
 * `bufferMs` before expiry and no sooner than `minPeriodMs` after it was
 * obtained, when the token lives long enough to honour both.
 */
export function refreshTime(issued: number, expiry: number, s: RefreshSettings, random = Math.random()): number {
  const span = Math.max(0, expiry - issued)
  const window = issued + Math.round(span * (s.windowFactor + random * s.windowJitter))
  const latest = expiry - s.bufferMs
  if (latest >= issued + s.minPeriodMs) return Math.max(issued + s.minPeriodMs, Math.min(window, latest))
  return Math.min(window, expiry)
}

/** One token at a time for a client, fetched on demand and replaced at its refresh time. */
export class TokenCache {
  private token: OAuthBearerToken | undefined
  private refreshAt = 0
  private inflight: Promise<OAuthBearerToken> | undefined

  constructor(
    private readonly provider: OAuthBearerTokenProvider,
    private readonly source: string,
    private readonly settings: RefreshSettings,
    private readonly timeoutMs: number,
  ) {}

  /** A token good for an authentication now. */
  get(): Promise<OAuthBearerToken> {
    if (this.token !== undefined && Date.now() < this.refreshAt) return Promise.resolve(this.token)
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined))
    return this.inflight
  }

  private async fetch(): Promise<OAuthBearerToken> {
    const issued = Date.now()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AuthenticationError(`${this.source} did not return a token within ${this.timeoutMs} ms`)), this.timeoutMs)
    })
    let raw: unknown
    try {
      raw = await Promise.race([Promise.resolve().then(() => this.provider()), timeout])
    } catch (e) {
      if (e instanceof AuthenticationError) throw e
      throw new AuthenticationError(`${this.source} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e })
    } finally {
      clearTimeout(timer)
    }
    const token = checkToken(raw, this.source)
    const exp = token.lifetimeMs ?? expiryOf(token.value)
    if (exp !== undefined && exp <= Date.now()) {
      throw new AuthenticationError(`${this.source} returned a token that expired at ${new Date(exp).toISOString()}`)
    }
    this.token = token
    this.refreshAt = exp === undefined ? 0 : refreshTime(issued, exp, this.settings)
    return token
  }
}

function expiryOf(token: string): number | undefined {
  const exp = jwtClaims(token)?.exp
  return typeof exp === 'number' ? exp * 1000 : undefined
}


/**
 * Java's OIDC client-credentials login (KIP-768): POSTs
 * `grant_type=client_credentials` (and `scope`) to the token endpoint with
 * HTTP Basic client authentication and takes `access_token` / `expires_in`
 * from the JSON answer. The principal is the token's `sub` claim (or
 * `sasl.oauthbearer.sub.claim.name`).
 */
export function clientCredentialsProvider(options: {
  url: string
  clientId: string
  clientSecret: string
  scope?: string | undefined
  subClaim: string
  timeoutMs: number
  extensions?: Record<string, string>
}): OAuthBearerTokenProvider {
  const endpoint = safeUrl(options.url)
  return async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' })
    if (options.scope) body.set('scope', options.scope)
    const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')
    const started = Date.now()
    let res: Response
    try {
      res = await fetch(options.url, {
        method: 'POST',
        headers: { 'authorization': `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', 'accept': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      })
    } catch (e) {
      const cause = (e as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : ((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message)
      throw new AuthenticationError(`OAuth token endpoint ${endpoint} could not be reached: ${cause}`, { context: { tokenEndpoint: endpoint } })
    }
    const text = await res.text()
    let json: Record<string, unknown> | undefined
    try {
      json = JSON.parse(text) as Record<string, unknown>
    } catch {
      json = undefined
    }
    if (!res.ok || json === undefined || typeof json.access_token !== 'string') {
      // The OAuth error fields (RFC 6749 5.2) name the cause; the body itself is not echoed.
      const oauthError = json !== undefined && typeof json.error === 'string' ? `: ${json.error}${typeof json.error_description === 'string' ? ` (${json.error_description})` : ''}` : ''
      throw new AuthenticationError(
        `OAuth token endpoint ${endpoint} answered HTTP ${res.status}${oauthError}${res.ok ? ' without an access_token' : ''}`,
        { context: { tokenEndpoint: endpoint, status: res.status } },
      )
    }
    const value = json.access_token
    const claims = jwtClaims(value)
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in)
    const exp = typeof claims?.exp === 'number' ? claims.exp * 1000 : Number.isFinite(expiresIn) ? started + expiresIn * 1000 : undefined
    const sub = claims?.[options.subClaim]
    return {
      value,
      ...(exp !== undefined ? { lifetimeMs: exp } : {}),
      ...(typeof sub === 'string' ? { principalName: sub } : {}),
      ...(options.extensions ? { extensions: options.extensions } : {}),
    }
  }
}

/** The URL without credentials or query, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    throw new ConfigError(`"sasl.oauthbearer.token.endpoint.url" is not a URL: expected https://host/path`, { context: { key: 'sasl.oauthbearer.token.endpoint.url' } })
  }
}

/** Java's login callback handlers for the OIDC client-credentials flow (Kafka 3.4+, and 3.1-3.3): the built-in flow here. */
const OIDC_HANDLERS = new Set([
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
])

/** The token source a config describes: the user's provider, or the OIDC client-credentials flow. */
export function tokenCacheFor(config: CommonConfig): TokenCache {
  const settings: RefreshSettings = {
    windowFactor: config['sasl.login.refresh.window.factor'],
    windowJitter: config['sasl.login.refresh.window.jitter'],
    minPeriodMs: config['sasl.login.refresh.min.period.seconds'] * 1000,
    bufferMs: config['sasl.login.refresh.buffer.seconds'] * 1000,
  }
  const timeoutMs = config['sasl.login.read.timeout.ms'] ?? config['request.timeout.ms']
  const user = config['sasl.oauthbearer.token.provider']
  if (user !== undefined) return new TokenCache(user, 'the OAUTHBEARER token provider (sasl.oauthbearer.token.provider)', settings, timeoutMs)
  const handler = config['sasl.login.callback.handler.class']
  if (handler !== undefined && !OIDC_HANDLERS.has(handler)) {
    if (handler !== MSK_OAUTH_HANDLER) {
      throw new ConfigError(
        `"sasl.login.callback.handler.class" = "${handler}": samsa runs no Java classes; it knows Kafka's OIDC handler ` +
          `(org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler, the built-in client-credentials flow) and ${MSK_OAUTH_HANDLER} (Amazon MSK IAM). ` +
          'For another token source set "sasl.oauthbearer.token.provider" to a function',
        { context: { key: 'sasl.login.callback.handler.class' } },
      )
    }
    return new TokenCache(mskOAuthBearerProviderFor(config), 'the MSK IAM token signer', settings, timeoutMs)
  }
  const jaas = jaasOptions(config['sasl.jaas.config'])
  const url = config['sasl.oauthbearer.token.endpoint.url']
  const clientId = config['sasl.oauthbearer.client.credentials.client.id'] ?? jaas.get('clientId')
  const clientSecret = config['sasl.oauthbearer.client.credentials.client.secret'] ?? jaas.get('clientSecret')
  if (url === undefined || clientId === undefined || clientSecret === undefined) {
    throw new ConfigError(
      'sasl.mechanism=OAUTHBEARER needs a token source: "sasl.oauthbearer.token.provider" (a function returning { value, lifetimeMs }), ' +
        'or "sasl.oauthbearer.token.endpoint.url" with "sasl.oauthbearer.client.credentials.client.id" and ".client.secret" ' +
        '(or clientId="..." clientSecret="..." in sasl.jaas.config)',
      { context: { key: url === undefined ? 'sasl.oauthbearer.token.endpoint.url' : 'sasl.oauthbearer.client.credentials.client.id' } },
    )
  }
  const extensions = Object.fromEntries([...jaas].filter(([k]) => k.startsWith('extension_')).map(([k, v]) => [k.slice('extension_'.length), v]))
  const provider = clientCredentialsProvider({
    url,
    clientId,
    clientSecret,
    scope: config['sasl.oauthbearer.scope'] ?? jaas.get('scope'),
    subClaim: config['sasl.oauthbearer.sub.claim.name'],
    timeoutMs,
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  })
  return new TokenCache(provider, `the OAuth token endpoint ${safeUrl(url)}`, settings, timeoutMs)
}
