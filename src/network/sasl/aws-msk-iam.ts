/**
 * Amazon MSK's IAM access control, both ways MSK accepts it, byte for byte
 * as AWS's own libraries build them. Both are a SigV4 presigned
 * `GET https://<host>/?Action=kafka-cluster:Connect` for the service
 * `kafka-cluster`, valid 15 minutes (never longer than temporary credentials
 * live):
 *
 * - SASL/AWS_MSK_IAM (AWS's Java library software.amazon.msk:aws-msk-iam-auth):
 *   signed for the broker's host name; the query parameters and the `host`
 *   header become the keys of one JSON object (lower-cased) together with
 *   `version` ("2020_10_22") and `user-agent`. The broker answers with a
 *   JSON object (version, request-id) on success.
 * - SASL/OAUTHBEARER with MSK's signed token (aws-msk-iam-sasl-signer-js and
 *   the Java library's IAMOAuthBearerLoginCallbackHandler): signed for
 *   `kafka.<region>.amazonaws.com`, a `User-Agent` parameter added, the URL
 *   (parameters sorted) base64url-encoded without padding is the token.
 *   `mskOAuthBearerTokenProvider()` is a ready `sasl.oauthbearer.token.provider`.
 *
 * Credentials, in order: `sasl.aws.credentials.provider` (any AWS SDK
 * provider), `sasl.aws.access.key.id` / `sasl.aws.secret.access.key` /
 * `sasl.aws.session.token`, the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN environment variables, and last the AWS SDK's default
 * chain (`fromNodeProviderChain()` of the optional package
 * @aws-sdk/credential-providers, loaded on first use; profiles, SSO, web
 * identity, container and instance roles), with the profile of
 * `sasl.aws.profile` (or `awsProfileName="..."` in sasl.jaas.config, as the
 * Java library reads it). Without that package the failure names it. The
 * region: `sasl.aws.region`, else the broker's host name
 * (`*.kafka.<region>.amazonaws.com`), else AWS_REGION / AWS_DEFAULT_REGION.
 * Secrets are never logged or put into an error message.
 */
import crypto from 'node:crypto'
import { AuthenticationError, ConfigError } from '../../errors.js'
import { loadOptional } from '../../protocol/records/optional.js'
import { CLIENT_SOFTWARE_VERSION } from '../connection.js'
import { jaasOptions } from './jaas.js'
import type { CommonConfig } from '../../config/common.js'
import type { AwsCredentials, AwsCredentialsProvider, OAuthBearerToken } from '../../types.js'
import type { SaslMechanism } from './index.js'

export type { AwsCredentials, AwsCredentialsProvider }

const SERVICE = 'kafka-cluster'
const ACTION = 'kafka-cluster:Connect'
const VERSION = '2020_10_22'
const EXPIRES_SECONDS = 900
const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex')

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function hmac(key: Buffer | string, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest()
}

/** `20201022T133000Z` and `20201022` for a time. */
function amzDate(now: number): { date: string; day: string } {
  const iso = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  return { date: iso, day: iso.slice(0, 8) }
}

/** The region in an AWS host name (`b-1.x.c2.kafka.us-east-1.amazonaws.com`), or undefined. */
export function regionOfHost(host: string): string | undefined {
  return /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(host.toLowerCase())?.[1]
}

/** The SigV4 presigned `kafka-cluster:Connect` query for `host`: parameters in signing order, the signature last. */
function presignConnect(options: { host: string; region: string; credentials: AwsCredentials; now: number; expiresSeconds: number }): Array<[string, string]> {
  const { host, region, credentials, now, expiresSeconds } = options
  const { date, day } = amzDate(now)
  const scope = `${day}/${region}/${SERVICE}/aws4_request`
  const query: Record<string, string> = {
    'Action': ACTION,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(expiresSeconds),
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    'X-Amz-SignedHeaders': 'host',
  }
  const canonicalRequest = ['GET', '/', queryString(Object.entries(query)), `host:${host}`, '', 'host', EMPTY_SHA256].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, crypto.createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), SERVICE), 'aws4_request')
  return [...Object.entries(query), ['X-Amz-Signature', hmac(key, stringToSign).toString('hex')]]
}

/** `k=v&...`, both URI-encoded, sorted by name (SigV4's canonical query, and the form AWS's URL formatter writes). */
function queryString(entries: Array<[string, string]>): string {
  return entries
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

/** The AWS_MSK_IAM authentication payload (a JSON object) for one broker host. */
export function mskIamPayload(options: { host: string; region: string; credentials: AwsCredentials; now: number; userAgent: string }): Record<string, string> {
  const { host, userAgent } = options
  const payload: Record<string, string> = { version: VERSION, host, 'user-agent': userAgent }
  for (const [k, v] of presignConnect({ ...options, expiresSeconds: EXPIRES_SECONDS })) payload[k.toLowerCase()] = v
  return payload
}

/** Seconds a signature may live: 15 minutes, less when the credentials expire sooner. */
function expirySeconds(credentials: AwsCredentials, now: number): number {
  const exp = credentials.expiration
  if (exp === undefined) return EXPIRES_SECONDS
  const left = Math.floor((exp.getTime() - now) / 1000)
  if (!(left > 0)) throw new AuthenticationError(`the AWS credentials expired at ${exp.toISOString()}: the credentials provider must return fresh ones`)
  return Math.min(left, EXPIRES_SECONDS)
}

/**
 * MSK's signed OAUTHBEARER token for a region, as aws-msk-iam-sasl-signer-js
 * builds it: `lifetimeMs` is the signing second plus the signature's life.
 * (That library lets a signature end with temporary credentials to the ms,
 * `X-Amz-Expires` then having a fraction; here it ends on the whole second
 * before.)
 */
export function mskOAuthBearerToken(options: { region: string; credentials: AwsCredentials; now: number; userAgent: string }): { value: string; lifetimeMs: number } {
  const { region, credentials, now, userAgent } = options
  const host = `kafka.${region}.amazonaws.com`
  const expiresSeconds = expirySeconds(credentials, now)
  const query = presignConnect({ host, region, credentials, now, expiresSeconds })
  const url = `https://${host}/?${queryString([...query, ['User-Agent', userAgent]])}`
  return { value: Buffer.from(url, 'utf8').toString('base64url'), lifetimeMs: Math.floor(now / 1000) * 1000 + expiresSeconds * 1000 }
}

/** Where AWS credentials come from (see the file comment for the order). */
export interface AwsCredentialsOptions {
  provider?: AwsCredentialsProvider | undefined
  accessKeyId?: string | undefined
  secretAccessKey?: string | undefined
  sessionToken?: string | undefined
  /** A profile of the shared config/credentials files, for the default chain. */
  profile?: string | undefined
  /** The package holding the default chain (tests name a missing one). */
  chainPackage?: string
}

export const DEFAULT_CHAIN_PACKAGE = '@aws-sdk/credential-providers'

type CredentialProvidersModule = { fromNodeProviderChain: (init?: { profile?: string }) => AwsCredentialsProvider }

/** The credentials options a client config gives. */
export function awsCredentialsOptions(config: CommonConfig): AwsCredentialsOptions {
  const profile = config['sasl.aws.profile'] ?? jaasOptions(config['sasl.jaas.config']).get('awsProfileName')
  return {
    provider: config['sasl.aws.credentials.provider'],
    accessKeyId: config['sasl.aws.access.key.id'],
    secretAccessKey: config['sasl.aws.secret.access.key'],
    sessionToken: config['sasl.aws.session.token'],
    profile,
  }
}


/**
 * A source of AWS credentials, made once per client: the default chain is
 * loaded and built on first need and then reused (it caches and refreshes
 * temporary credentials itself).
 */
export function awsCredentialsSource(options: AwsCredentialsOptions): () => Promise<AwsCredentials> {
  let chain: AwsCredentialsProvider | undefined
  const fromChain = (): AwsCredentialsProvider => {
    if (chain !== undefined) return chain
    const pkg = options.chainPackage ?? DEFAULT_CHAIN_PACKAGE
    let module: CredentialProvidersModule
    try {
      module = loadOptional<CredentialProvidersModule>(pkg, 'AWS credentials from the default provider chain')
    } catch (e) {
      throw new AuthenticationError(
        `found no AWS credentials in the config or the environment, and the AWS SDK's default credential chain needs the optional package "${pkg}" (npm install ${pkg}); ` +
          'or set "sasl.aws.credentials.provider", "sasl.aws.access.key.id" and "sasl.aws.secret.access.key", or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
        { cause: e, type: 'MISSING_DEPENDENCY', context: { package: pkg } },
      )
    }
    chain = module.fromNodeProviderChain(options.profile !== undefined ? { profile: options.profile } : {})
    return chain
  }
  return async () => {
    const given = options.provider
    const configKeys = options.accessKeyId !== undefined && options.secretAccessKey !== undefined
    const envKeys = !!process.env.AWS_ACCESS_KEY_ID && !!process.env.AWS_SECRET_ACCESS_KEY
    let creds: AwsCredentials | undefined
    let source: string
    if (given === undefined && (configKeys || (options.profile === undefined && envKeys))) {
      source = 'the config or environment'
      creds = configKeys
        ? { accessKeyId: options.accessKeyId!, secretAccessKey: options.secretAccessKey!, sessionToken: options.sessionToken }
        : { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!, sessionToken: process.env.AWS_SESSION_TOKEN || undefined }
    } else {
      const provider = given ?? fromChain()
      source = given !== undefined ? 'the AWS credentials provider (sasl.aws.credentials.provider)' : `the AWS SDK's default credential chain${options.profile !== undefined ? ` (profile ${options.profile})` : ''}`
      try {
        creds = await provider()
      } catch (e) {
        throw new AuthenticationError(`${source} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e })
      }
    }
    if (creds === undefined || creds === null || typeof creds.accessKeyId !== 'string' || creds.accessKeyId === '' || typeof creds.secretAccessKey !== 'string' || creds.secretAccessKey === '') {
      throw new AuthenticationError(`${source} returned no AWS credentials: expected { accessKeyId, secretAccessKey, sessionToken? }`)
    }
    return creds
  }
}

/** The AWS_MSK_IAM exchange for one connection: payload, then the broker's JSON answer. */
export async function mskIamExchange(
  config: CommonConfig,
  host: string,
  userAgent: string,
  credentials: () => Promise<AwsCredentials> = awsCredentialsSource(awsCredentialsOptions(config)),
): Promise<SaslMechanism> {
  const region = config['sasl.aws.region'] ?? regionOfHost(host) ?? envRegion()
  if (region === undefined) {
    throw new AuthenticationError(`AWS_MSK_IAM cannot tell the AWS region of broker host ${host}: set "sasl.aws.region" or AWS_REGION`, { context: { broker: host } })
  }
  const payload = Buffer.from(JSON.stringify(mskIamPayload({ host, region, credentials: await credentials(), now: Date.now(), userAgent })), 'utf8')
  return {
    start: () => payload,
    next: () => null,
  }
}

function envRegion(): string | undefined {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined
}

/**
 * A ready `sasl.oauthbearer.token.provider` for Amazon MSK's IAM access
 * control over SASL/OAUTHBEARER: each call signs a fresh token (see
 * {@link mskOAuthBearerToken}) with credentials from `options` (the same
 * order as AWS_MSK_IAM: a provider, keys, the environment, the AWS SDK's
 * default chain). The region: `options.region`, else AWS_REGION /
 * AWS_DEFAULT_REGION; without one this throws a ConfigError at once.
 */
export function mskOAuthBearerTokenProvider(
  options: { region?: string; credentials?: AwsCredentials | AwsCredentialsProvider; profile?: string; userAgent?: string } = {},
): () => Promise<OAuthBearerToken> {
  const given = options.credentials
  const credentials = awsCredentialsSource({
    provider: typeof given === 'function' ? given : given !== undefined ? () => given : undefined,
    profile: options.profile,
  })
  return signedTokenProvider(options.region, credentials, options.userAgent, 'mskOAuthBearerTokenProvider', 'pass { region: "us-east-1" }')
}

/** Java's login callback handler class for MSK IAM over OAUTHBEARER (aws-msk-iam-auth). */
export const MSK_OAUTH_HANDLER = 'software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler'

/** The MSK token provider a config describes (`sasl.login.callback.handler.class` = {@link MSK_OAUTH_HANDLER}). */
export function mskOAuthBearerProviderFor(config: CommonConfig): () => Promise<OAuthBearerToken> {
  const host = config['bootstrap.servers'][0]?.host
  const region = config['sasl.aws.region'] ?? (host !== undefined ? regionOfHost(host) : undefined)
  return signedTokenProvider(region, awsCredentialsSource(awsCredentialsOptions(config)), undefined, `"sasl.login.callback.handler.class" = ${MSK_OAUTH_HANDLER}`, 'set "sasl.aws.region"')
}

function signedTokenProvider(
  given: string | undefined,
  credentials: () => Promise<AwsCredentials>,
  userAgent: string | undefined,
  what: string,
  fix: string,
): () => Promise<OAuthBearerToken> {
  const region = given ?? envRegion()
  if (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ConfigError(
      region === undefined
        ? `${what} needs the AWS region of the MSK cluster: ${fix} or AWS_REGION`
        : `${what}: "${region}" is not an AWS region (expected e.g. "us-east-1")`,
      { context: { key: given === undefined && fix.includes('sasl.aws.region') ? 'sasl.aws.region' : 'region' } },
    )
  }
  const agent = userAgent ?? `samsa/${CLIENT_SOFTWARE_VERSION}`
  return async () => mskOAuthBearerToken({ region, credentials: await credentials(), now: Date.now(), userAgent: agent })
}
