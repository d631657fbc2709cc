/**
 * SASL/SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802 / RFC 7677), as Kafka uses
 * them (KIP-84): client-first, server-first, client-final with proof, then the
 * server signature is verified so a broker that does not know the password
 * cannot pass as one that does.
 */
import crypto from 'node:crypto'
import { AuthenticationError } from '../../errors.js'
import type { Credentials, SaslMechanism } from './index.js'

export function scramExchange(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', creds: Credentials): SaslMechanism {
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
  const keyLength = mechanism === 'SCRAM-SHA-256' ? 32 : 64
  const nonce = crypto.randomBytes(24).toString('base64url')
  const user = creds.username.replace(/=/g, '=3D').replace(/,/g, '=2C')
  const clientFirstBare = `n=${user},r=${nonce}`
  let step = 0
  let serverSignature: Buffer | undefined

  const hmac = (key: Buffer, data: string) => crypto.createHmac(hash, key).update(data).digest()

  return {
    start: () => Buffer.from(`n,,${clientFirstBare}`, 'utf8'),
    next(server: Buffer): Buffer | null {
      const text = server.toString('utf8')
      if (step === 0) {
        step = 1
        const attrs = parse(text)
        const r = attrs.get('r')
        const s = attrs.get('s')
        const i = Number(attrs.get('i'))
        if (!r || !s || !r.startsWith(nonce) || !(i >= 4096)) {
          throw new AuthenticationError(`SCRAM: unexpected server-first message (nonce, salt or iteration count invalid)`)
        }
        const salted = crypto.pbkdf2Sync(creds.password, Buffer.from(s, 'base64'), i, keyLength, hash)
        const clientKey = hmac(salted, 'Client Key')
        const storedKey = crypto.createHash(hash).update(clientKey).digest()
        const clientFinalBare = `c=biws,r=${r}`
        const authMessage = `${clientFirstBare},${text},${clientFinalBare}`
        const signature = hmac(storedKey, authMessage)
        const proof = Buffer.alloc(clientKey.length)
        for (let k = 0; k < proof.length; k++) proof[k] = clientKey[k]! ^ signature[k]!
        serverSignature = hmac(hmac(salted, 'Server Key'), authMessage)
        return Buffer.from(`${clientFinalBare},p=${proof.toString('base64')}`, 'utf8')
      }
      if (step === 1) {
        step = 2
        const attrs = parse(text)
        const e = attrs.get('e')
        if (e) throw new AuthenticationError(`SCRAM: server rejected authentication: ${e}`)
        const v = attrs.get('v')
        const got = v ? Buffer.from(v, 'base64') : undefined
        if (!got || !serverSignature || got.length !== serverSignature.length || !crypto.timingSafeEqual(got, serverSignature)) {
          throw new AuthenticationError('SCRAM: server signature does not verify')
        }
        return null
      }
      return null
    },
  }
}

function parse(message: string): Map<string, string> {
  const m = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) m.set(part.slice(0, eq), part.slice(eq + 1))
  }
  return m
}
