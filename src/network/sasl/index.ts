/**
 * SASL authentication run on each new connection when `security.protocol` is
 * SASL_PLAINTEXT or SASL_SSL: SaslHandshake (v1) to agree on the mechanism,
 * then SaslAuthenticate rounds driven by the mechanism (one file each).
 * Credentials come from `sasl.username`/`sasl.password` or from the
 * `username="..." password="..."` pair of a Java `sasl.jaas.config` line, and
 * are never logged or put into error messages.
 */
import { AuthenticationError, ConfigError } from '../../errors.js'
import { errorByCode } from '../../protocol/errors.js'
import type { CommonConfig } from '../../config/common.js'
import { SaslAuthenticateApi } from '../../protocol/messages/sasl-authenticate.js'
import { SaslHandshakeApi } from '../../protocol/messages/sasl-handshake.js'
import type { Connection, SaslSend } from '../connection.js'
import { plainExchange } from './plain.js'
import { scramExchange } from './scram.js'
import { oauthBearerExchange, tokenCacheFor } from './oauthbearer.js'
import { awsCredentialsOptions, awsCredentialsSource, mskIamExchange } from './aws-msk-iam.js'
import { CLIENT_SOFTWARE_VERSION } from '../connection.js'
import { ErrorCode } from '../../protocol/errors.js'

/** A mechanism: produces client messages from server messages until done. */
export interface SaslMechanism {
  /** The first client message. */
  start(): Buffer
  /** The next client message for a server message, or null when finished. */
  next(server: Buffer): Buffer | null
}

export interface Credentials {
  username: string
  password: string
}

function credentialsFrom(config: CommonConfig): Credentials {
  let username = config['sasl.username']
  let password = config['sasl.password']
  const jaas = config['sasl.jaas.config']
  if (jaas !== undefined) {
    // Java's JAAS parser takes "..." and '...' (Confluent Cloud's documented configs use single quotes)
    const quoted = (name: string) => { const m = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(jaas); return m ? m[1] ?? m[2] : undefined }
    username ??= quoted('username')
    password ??= quoted('password')
  }
  if (username === undefined || password === undefined) {
    throw new ConfigError(
      'SASL needs credentials: set "sasl.username" and "sasl.password", or "sasl.jaas.config" with username="..." password="..."',
      { context: { key: 'sasl.jaas.config' } },
    )
  }
  return { username, password }
}


/**
 * The authenticator for a config, or undefined without SASL. It runs on each
 * new connection and again on a live one when the broker set a session
 * lifetime (KIP-368 re-authentication), and resolves to that lifetime in ms
 * (0: the session does not expire).
 */
export function saslAuthenticator(config: CommonConfig): ((conn: Connection, send: SaslSend) => Promise<number>) | undefined {
  const protocol = config['security.protocol']
  if (protocol !== 'SASL_PLAINTEXT' && protocol !== 'SASL_SSL') return undefined
  const mechanism = config['sasl.mechanism']
  const creds = mechanism === 'PLAIN' || mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-512' ? credentialsFrom(config) : undefined
  const tokens = mechanism === 'OAUTHBEARER' ? tokenCacheFor(config) : undefined
  const aws = mechanism === 'AWS_MSK_IAM' ? awsCredentialsSource(awsCredentialsOptions(config)) : undefined
  const exchange = async (conn: Connection): Promise<SaslMechanism & { serverError?(): string | undefined }> => {
    if (tokens !== undefined) return oauthBearerExchange(await tokens.get())
    if (aws !== undefined) return mskIamExchange(config, conn.options.host, `samsa/${CLIENT_SOFTWARE_VERSION}`, aws)
    return mechanism === 'PLAIN' ? plainExchange(creds!) : scramExchange(mechanism as 'SCRAM-SHA-256' | 'SCRAM-SHA-512', creds!)
  }
  return async (conn, send) => {
    const hs = await send(SaslHandshakeApi, { mechanism }, { version: Math.min(1, conn.versionFor(SaslHandshakeApi)) })
    if (hs.errorCode !== ErrorCode.NONE) {
      throw new AuthenticationError(
        `broker ${conn.address} refused SASL mechanism ${mechanism} (${errorByCode(hs.errorCode)?.name ?? 'error code'} ${hs.errorCode}); ` +
          `this listener enables ${hs.mechanisms.join(', ') || 'no SASL mechanism (is it a SASL listener?)'}`,
        { code: hs.errorCode, type: errorByCode(hs.errorCode)?.name ?? 'AUTHENTICATION', context: { broker: conn.address, mechanism } },
      )
    }
    let mech: SaslMechanism & { serverError?(): string | undefined }
    try {
      mech = await exchange(conn)
    } catch (e) {
      if (!(e instanceof AuthenticationError)) throw e
      throw new AuthenticationError(`SASL ${mechanism} to ${conn.address}: ${e.message}`, { cause: e, context: { ...e.context, broker: conn.address, mechanism } })
    }
    let message: Buffer | null = mech.start()
    let lifetimeMs = 0
    while (message !== null) {
      const res = await send(SaslAuthenticateApi, { authBytes: message })
      if (res.errorCode !== ErrorCode.NONE) {
        const detail = mech.serverError?.()
        throw new AuthenticationError(
          `SASL ${mechanism} authentication to ${conn.address} failed: ${res.errorMessage ?? `error code ${res.errorCode}`}${detail ? ` (broker status: ${detail})` : ''}`,
          {
            code: res.errorCode,
            type: errorByCode(res.errorCode)?.name ?? 'AUTHENTICATION',
            context: { broker: conn.address, mechanism },
          },
        )
      }
      lifetimeMs = Number(res.sessionLifetimeMs)
      message = mech.next(res.authBytes)
    }
    return lifetimeMs
  }
}
