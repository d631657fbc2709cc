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
import type { Connection } from '../connection.js'
import { plainExchange } from './plain.js'
import { scramExchange } from './scram.js'
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

export function saslAuthenticator(config: CommonConfig): ((conn: Connection) => Promise<void>) | undefined {
  const protocol = config['security.protocol']
  if (protocol !== 'SASL_PLAINTEXT' && protocol !== 'SASL_SSL') return undefined
  const mechanism = config['sasl.mechanism']
  const creds = credentialsFrom(config)
  return async (conn) => {
    const hs = await conn.request(SaslHandshakeApi, { mechanism }, { version: Math.min(1, conn.versionFor(SaslHandshakeApi)) })
    if (hs.errorCode !== ErrorCode.NONE) {
      throw new AuthenticationError(
        `broker ${conn.address} refused SASL mechanism ${mechanism} (${errorByCode(hs.errorCode)?.name ?? 'error code'} ${hs.errorCode}); ` +
          `this listener enables ${hs.mechanisms.join(', ') || 'no SASL mechanism (is it a SASL listener?)'}`,
        { code: hs.errorCode, type: errorByCode(hs.errorCode)?.name ?? 'AUTHENTICATION', context: { broker: conn.address, mechanism } },
      )
    }
    const mech: SaslMechanism = mechanism === 'PLAIN' ? plainExchange(creds) : scramExchange(mechanism, creds)
    let message: Buffer | null = mech.start()
    while (message !== null) {
      const res = await conn.request(SaslAuthenticateApi, { authBytes: message })
      if (res.errorCode !== ErrorCode.NONE) {
        throw new AuthenticationError(`SASL ${mechanism} authentication to ${conn.address} failed: ${res.errorMessage ?? `error code ${res.errorCode}`}`, {
          code: res.errorCode,
          type: errorByCode(res.errorCode)?.name ?? 'AUTHENTICATION',
          context: { broker: conn.address, mechanism },
        })
      }
      message = mech.next(res.authBytes)
    }
  }
}
