/**
 * SASL/AWS_MSK_IAM, Amazon MSK's IAM mechanism, byte for byte as AWS's Java
 * library (software.amazon.msk:aws-msk-iam-auth) builds it: a SigV4
 * presigned `GET https://<broker host>/?Action=kafka-cluster:Connect` for the
 * service `kafka-cluster`, valid 15 minutes, whose query parameters and
 * `host` header become the keys of one JSON object (lower-cased) together
 * with `version` ("2020_10_22") and `user-agent`. The broker answers with a
 * JSON object (version, request-id) on success.
 *
 * Credentials: `sasl.aws.credentials.provider` (any AWS SDK provider, e.g.
 * `fromNodeProviderChain()`), else `sasl.aws.access.key.id` /
 * `sasl.aws.secret.access.key` / `sasl.aws.session.token`, else the
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN environment
 * variables. The region: `sasl.aws.region`, else the broker's host name
 * (`*.kafka.<region>.amazonaws.com`), else AWS_REGION / AWS_DEFAULT_REGION.
 * Secrets are never logged or put into an error message.
 */
import crypto from 'node:crypto'
import { AuthenticationError } from '../../errors.js'
import type { CommonConfig } from '../../config/common.js'
import type { AwsCredentials, AwsCredentialsProvider } from '../../types.js'
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

/** The authentication payload (a JSON object) for one broker host. */
export function mskIamPayload(options: { host: string; region: string; credentials: AwsCredentials; now: number; userAgent: string }): Record<string, string> {
  const { host, region, credentials, now, userAgent } = options
  const { date, day } = amzDate(now)
  const scope = `${day}/${region}/${SERVICE}/aws4_request`
  const query: Record<string, string> = {
    'Action': ACTION,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(EXPIRES_SECONDS),
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    'X-Amz-SignedHeaders': 'host',
  }
  const canonicalQuery = Object.keys(query)
    .map((k) => [uriEncode(k), uriEncode(query[k]!)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', EMPTY_SHA256].join('\n')
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, crypto.createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), SERVICE), 'aws4_request')
  const signature = hmac(key, stringToSign).toString('hex')
  const payload: Record<string, string> = { version: VERSION, host, 'user-agent': userAgent }
  for (const [k, v] of Object.entries(query)) payload[k.toLowerCase()] = v
  payload['x-amz-signature'] = signature
  return payload
}

async function credentialsFor(config: CommonConfig): Promise<AwsCredentials> {
  const provider = config['sasl.aws.credentials.provider']
  let creds: AwsCredentials | undefined
  if (provider !== undefined) {
    try {
      creds = await provider()
    } catch (e) {
      throw new AuthenticationError(`the AWS credentials provider (sasl.aws.credentials.provider) failed: ${(e as Error)?.message ?? String(e)}`, { cause: e })
    }
  } else {
    const accessKeyId = config['sasl.aws.access.key.id'] ?? process.env.AWS_ACCESS_KEY_ID
    const secretAccessKey = config['sasl.aws.secret.access.key'] ?? process.env.AWS_SECRET_ACCESS_KEY
    const sessionToken = config['sasl.aws.access.key.id'] !== undefined ? config['sasl.aws.session.token'] : (config['sasl.aws.session.token'] ?? process.env.AWS_SESSION_TOKEN)
    if (accessKeyId && secretAccessKey) creds = { accessKeyId, secretAccessKey, sessionToken }
  }
  if (creds === undefined || typeof creds.accessKeyId !== 'string' || creds.accessKeyId === '' || typeof creds.secretAccessKey !== 'string' || creds.secretAccessKey === '') {
    throw new AuthenticationError(
      'AWS_MSK_IAM found no AWS credentials: set "sasl.aws.credentials.provider" (e.g. fromNodeProviderChain() of @aws-sdk/credential-providers), ' +
        '"sasl.aws.access.key.id" and "sasl.aws.secret.access.key", or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    )
  }
  return creds
}

/** The AWS_MSK_IAM exchange for one connection: payload, then the broker's JSON answer. */
export async function mskIamExchange(config: CommonConfig, host: string, userAgent: string): Promise<SaslMechanism> {
  const region = config['sasl.aws.region'] ?? regionOfHost(host) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION
  if (region === undefined || region === '') {
    throw new AuthenticationError(`AWS_MSK_IAM cannot tell the AWS region of broker host ${host}: set "sasl.aws.region" or AWS_REGION`, { context: { broker: host } })
  }
  const credentials = await credentialsFor(config)
  const payload = Buffer.from(JSON.stringify(mskIamPayload({ host, region, credentials, now: Date.now(), userAgent })), 'utf8')
  return {
    start: () => payload,
    next: () => null,
  }
}
