/** SASL/PLAIN (RFC 4616): one message, `\0username\0password`. Use only over TLS. */
import type { Credentials, SaslMechanism } from './index.js'

export function plainExchange(creds: Credentials): SaslMechanism {
  return {
    start: () => Buffer.from(`\u0000${creds.username}\u0000${creds.password}`, 'utf8'),
    next: () => null,
  }
}
