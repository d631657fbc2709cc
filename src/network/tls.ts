/**
 * TLS for SSL and SASL_SSL connections: Java's `ssl.*` options turned into
 * Node TLS options once per client, and TLS failures turned into typed errors.
 *
 * Contract:
 * - `tlsOptions(config)` returns undefined for PLAINTEXT/SASL_PLAINTEXT and
 *   otherwise the options every connection of the client uses (one shared
 *   secure context). Stores are read and checked here, so a missing file, a
 *   wrong store password, an unreadable key or a JKS store fails the client's
 *   constructor with a `ConfigError` naming the option, never at connect time.
 * - Truststore: `ssl.truststore.certificates` (inline PEM) or
 *   `ssl.truststore.location` of type PEM or PKCS12 (`ssl.truststore.password`);
 *   without either, Node's bundled CAs. Keystore (mutual TLS): inline PEM
 *   (`ssl.keystore.certificate.chain` + `ssl.keystore.key`), or
 *   `ssl.keystore.location` of type PEM (chain and key in one file) or
 *   PKCS12 (`ssl.keystore.password`); `ssl.key.password` decrypts an
 *   encrypted key. Without `ssl.*.type` the type is read from the file
 *   (PEM text, PKCS12 DER); JKS/JCEKS (magic 0xFEEDFEED / 0xCECECECE) is
 *   refused with a ConfigError that gives the keytool command converting it.
 * - `ssl.enabled.protocols` bounds the TLS versions; `ssl.cipher.suites`
 *   takes Java's (IANA) suite names or OpenSSL's, and refuses unknown ones.
 * - The broker's hostname is checked against its certificate unless
 *   `ssl.endpoint.identification.algorithm` is "" (as in Java); the chain is
 *   verified unless `enable.ssl.certificate.verification` is false
 *   (librdkafka's key; KafkaJS's `rejectUnauthorized: false`), which checks
 *   neither. `ssl.keystore.pkcs12` is a PKCS12 keystore given inline
 *   (KafkaJS's `ssl.pfx`).
 * - `tlsFailure(error, broker)` is the `SslAuthenticationError` for a TLS
 *   error that new connections would meet again (certificate not trusted, not
 *   matching the host, rejected by the broker's alert) and undefined for
 *   anything else (resets, timeouts), which stays a retriable ConnectionError.
 */
import { readFileSync } from 'node:fs'
import tls from 'node:tls'
import type { CommonConfig } from '../config/common.js'
import { ConfigError, SslAuthenticationError } from '../errors.js'
import { Pkcs12Error, pkcs12Certificates } from './pkcs12.js'

type StoreType = 'PEM' | 'PKCS12'

const JKS_MAGIC = 0xfeedfeed
const JCEKS_MAGIC = 0xcececece

function readStore(key: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new ConfigError(`"${key}" = "${path}": cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
      context: { key },
    })
  }
}

/** The store's type: `ssl.*.type` when given, else read from the bytes. JKS is refused. */
function storeType(
  typeKey: 'ssl.truststore.type' | 'ssl.keystore.type',
  locationKey: string,
  location: string,
  given: string | undefined,
  data: Buffer,
): StoreType {
  const magic = data.length >= 4 ? data.readUInt32BE(0) : -1
  const type = given?.toUpperCase() ?? (magic === JKS_MAGIC ? 'JKS' : magic === JCEKS_MAGIC ? 'JCEKS' : data[0] === 0x30 ? 'PKCS12' : 'PEM')
  if (type === 'JKS' || type === 'JCEKS' || magic === JKS_MAGIC || magic === JCEKS_MAGIC) {
    const shown = magic === JCEKS_MAGIC ? 'JCEKS' : 'JKS'
    throw new ConfigError(
      `"${locationKey}" = "${location}" is a ${shown} store, which only the JVM reads; convert it to PKCS12 ` +
        `(keytool -importkeystore -srckeystore ${location} -srcstoretype ${shown} -destkeystore ${location.replace(/\.(jks|jceks)$/i, '')}.p12 -deststoretype PKCS12) ` +
        `and set "${locationKey}" to the .p12 file and "${typeKey}" = "PKCS12"`,
      { context: { key: locationKey } },
    )
  }
  if (type !== 'PEM' && type !== 'PKCS12') {
    throw new ConfigError(`"${typeKey}" = "${given}": expected PEM or PKCS12 (JKS stores must be converted to PKCS12)`, { context: { key: typeKey } })
  }
  return type
}

function trustedCertificates(config: CommonConfig): string | string[] | undefined {
  const inline = config['ssl.truststore.certificates']
  const location = config['ssl.truststore.location']
  if (inline !== undefined) {
    if (location !== undefined) {
      throw new ConfigError('set either "ssl.truststore.certificates" or "ssl.truststore.location", not both', { context: { key: 'ssl.truststore.location' } })
    }
    return inline
  }
  if (location === undefined) return undefined
  const data = readStore('ssl.truststore.location', location)
  if (storeType('ssl.truststore.type', 'ssl.truststore.location', location, config['ssl.truststore.type'], data) === 'PEM') return data.toString('utf8')
  try {
    const certs = pkcs12Certificates(data, config['ssl.truststore.password'] ?? '')
    if (certs.length === 0) throw new Pkcs12Error('it holds no certificates')
    return certs
  } catch (e) {
    if (!(e instanceof Pkcs12Error)) throw e
    throw new ConfigError(
      `"ssl.truststore.location" = "${location}": cannot read the PKCS12 truststore: ${e.message}. ` +
        `Check "ssl.truststore.password", or convert it to PEM: openssl pkcs12 -in truststore.p12 -nokeys -out ca.pem`,
      { cause: e, context: { key: 'ssl.truststore.location' } },
    )
  }
}

function clientIdentity(config: CommonConfig): tls.SecureContextOptions {
  const chain = config['ssl.keystore.certificate.chain']
  const key = config['ssl.keystore.key']
  const location = config['ssl.keystore.location']
  const keyPassword = config['ssl.key.password']
  const inlineStore = config['ssl.keystore.pkcs12']
  if (inlineStore !== undefined) {
    const other = chain !== undefined ? 'ssl.keystore.certificate.chain' : key !== undefined ? 'ssl.keystore.key' : location !== undefined ? 'ssl.keystore.location' : undefined
    if (other !== undefined) {
      throw new ConfigError(`set either "ssl.keystore.pkcs12" or "${other}", not both`, { context: { key: 'ssl.keystore.pkcs12' } })
    }
    const data = typeof inlineStore === 'string' ? Buffer.from(inlineStore, 'base64') : Buffer.from(inlineStore.buffer, inlineStore.byteOffset, inlineStore.byteLength)
    const magic = data.length >= 4 ? data.readUInt32BE(0) : -1
    if (magic === JKS_MAGIC || magic === JCEKS_MAGIC || data[0] !== 0x30) {
      throw new ConfigError(
        `"ssl.keystore.pkcs12" is not a PKCS12 store${magic === JKS_MAGIC || magic === JCEKS_MAGIC ? ' but a JKS one, which only the JVM reads; convert it: keytool -importkeystore -srckeystore client.jks -destkeystore client.p12 -deststoretype PKCS12' : ' (expected its DER bytes, or base64 of them)'}`,
        { context: { key: 'ssl.keystore.pkcs12' } },
      )
    }
    return pkcs12Identity(data, config['ssl.keystore.password'], keyPassword)
  }
  if (chain !== undefined || key !== undefined) {
    if (chain === undefined || key === undefined) {
      throw new ConfigError('mutual TLS with inline PEM needs both "ssl.keystore.certificate.chain" and "ssl.keystore.key"', {
        context: { key: chain === undefined ? 'ssl.keystore.certificate.chain' : 'ssl.keystore.key' },
      })
    }
    if (location !== undefined) {
      throw new ConfigError('set either "ssl.keystore.location" or the inline "ssl.keystore.certificate.chain"/"ssl.keystore.key", not both', {
        context: { key: 'ssl.keystore.location' },
      })
    }
    return { cert: chain, key, ...(keyPassword !== undefined ? { passphrase: keyPassword } : {}) }
  }
  if (location === undefined) return {}
  const data = readStore('ssl.keystore.location', location)
  if (storeType('ssl.keystore.type', 'ssl.keystore.location', location, config['ssl.keystore.type'], data) === 'PEM') {
    const pem = data.toString('utf8')
    return { cert: pem, key: pem, ...(keyPassword !== undefined ? { passphrase: keyPassword } : {}) }
  }
  return pkcs12Identity(data, config['ssl.keystore.password'], keyPassword)
}

function pkcs12Identity(data: Buffer, storePassword: string | undefined, keyPassword: string | undefined): tls.SecureContextOptions {
  if (storePassword !== undefined && keyPassword !== undefined && storePassword !== keyPassword) {
    throw new ConfigError(
      '"ssl.key.password" differs from "ssl.keystore.password": samsa reads PKCS12 stores whose key has the store\'s password ' +
        '(as keytool makes them); re-export the store with one password',
      { context: { key: 'ssl.key.password' } },
    )
  }
  return { pfx: data, passphrase: storePassword ?? keyPassword ?? '' }
}

/** The TLS versions of `ssl.enabled.protocols` (Java's default: TLSv1.2,TLSv1.3). */
function versions(config: CommonConfig): Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion'> {
  const known = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const
  const list = config['ssl.enabled.protocols'].split(',').map((s) => s.trim()).filter(Boolean)
  const idx = list.map((p) => {
    const i = known.findIndex((k) => k.toLowerCase() === p.toLowerCase())
    if (i < 0) throw new ConfigError(`"ssl.enabled.protocols": unknown protocol "${p}"; expected ${known.join(', ')}`, { context: { key: 'ssl.enabled.protocols' } })
    return i
  })
  if (idx.length === 0) throw new ConfigError('"ssl.enabled.protocols" is empty', { context: { key: 'ssl.enabled.protocols' } })
  return { minVersion: known[Math.min(...idx)], maxVersion: known[Math.max(...idx)] }
}

const KEY_EXCHANGES: Record<string, string> = { ECDHE_RSA: 'ECDHE-RSA-', ECDHE_ECDSA: 'ECDHE-ECDSA-', DHE_RSA: 'DHE-RSA-', RSA: '' }
const BULK_CIPHERS: Record<string, string> = {
  AES_128_GCM: 'AES128-GCM',
  AES_256_GCM: 'AES256-GCM',
  CHACHA20_POLY1305: 'CHACHA20-POLY1305',
  AES_128_CBC: 'AES128',
  AES_256_CBC: 'AES256',
}

/**
 * `ssl.cipher.suites` (Java's IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
 * or OpenSSL's) as Node's cipher list; undefined when not set.
 */
function cipherList(config: CommonConfig): string | undefined {
  const given = config['ssl.cipher.suites']
  if (given === undefined || given.trim() === '') return undefined
  const offered = new Set(tls.getCiphers())
  return given
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((suite) => {
      let name = suite
      const m = /^TLS_(\w+?)_WITH_(AES_(?:128|256)_(?:GCM|CBC)|CHACHA20_POLY1305)_(SHA\d*)$/.exec(suite)
      if (m && KEY_EXCHANGES[m[1]!] !== undefined) {
        name = `${KEY_EXCHANGES[m[1]!]}${BULK_CIPHERS[m[2]!]}${m[2] === 'CHACHA20_POLY1305' ? '' : `-${m[3]}`}`
      }
      if (!offered.has(name.toLowerCase())) {
        throw new ConfigError(`"ssl.cipher.suites": ${suite} is not a cipher suite Node's OpenSSL offers`, { context: { key: 'ssl.cipher.suites' } })
      }
      return name
    })
    .join(':')
}

/** TLS options from the `ssl.*` configs, or undefined for plaintext protocols. Throws ConfigError. */
export function tlsOptions(config: CommonConfig): tls.ConnectionOptions | undefined {
  const protocol = config['security.protocol']
  if (protocol !== 'SSL' && protocol !== 'SASL_SSL') return undefined
  const ca = trustedCertificates(config)
  const identity = clientIdentity(config)
  let secureContext: tls.SecureContext
  try {
    const ciphers = cipherList(config)
    secureContext = tls.createSecureContext({ ...versions(config), ...(ciphers ? { ciphers } : {}), ...(ca !== undefined ? { ca } : {}), ...identity })
  } catch (e) {
    if (e instanceof ConfigError) throw e
    const key = config['ssl.keystore.pkcs12'] !== undefined ? 'ssl.keystore.pkcs12' : identity.pfx !== undefined || config['ssl.keystore.location'] !== undefined ? 'ssl.keystore.location' : ca !== undefined ? 'ssl.truststore.location' : 'ssl.keystore.key'
    const hint =
      identity.pfx !== undefined
        ? ' (check "ssl.keystore.password"; a PKCS12 store made with legacy algorithms (RC2) must be re-exported: openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export -out new.p12)'
        : identity.passphrase !== undefined
          ? ' (check "ssl.key.password")'
          : ''
    throw new ConfigError(`cannot load the TLS ${key.startsWith('ssl.keystore') ? 'client certificate and key' : 'trusted certificates'}: ${(e as Error).message}${hint}`, {
      cause: e,
      context: { key },
    })
  }
  const opts: tls.ConnectionOptions = { secureContext }
  if (config['ssl.endpoint.identification.algorithm'] === '' || !config['enable.ssl.certificate.verification']) opts.checkServerIdentity = () => undefined
  if (!config['enable.ssl.certificate.verification']) opts.rejectUnauthorized = false
  return opts
}

/** Codes Node gives certificate verification failures (OpenSSL's X509_V_ERR names). */
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE', 'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD', 'ERROR_IN_CRL_NEXT_UPDATE_FIELD', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED', 'INVALID_CA',
  'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT',
])

/**
 * The SslAuthenticationError for a TLS error met while connecting to
 * `broker`, or undefined when the error is not one of TLS verification or
 * negotiation (a reset or a timeout may pass; these will not).
 */
export function tlsFailure(error: Error, broker: string): SslAuthenticationError | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const reason = (error as { reason?: string }).reason
  let message: string
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'ERR_TLS_CERT_ALTNAME_FORMAT' || code === 'HOSTNAME_MISMATCH') {
    message =
      `the certificate of broker ${broker} does not match its host name (${error.message}); connect by a name the certificate lists, ` +
      'or set "ssl.endpoint.identification.algorithm" = "" to skip the host name check'
  } else if (VERIFY_CODES.has(code)) {
    message =
      `the certificate of broker ${broker} is not trusted (${code}: ${error.message}); ` +
      'set "ssl.truststore.location" or "ssl.truststore.certificates" to the CA that signed it'
  } else if (/^ERR_SSL_.*ALERT/.test(code)) {
    message =
      `broker ${broker} rejected the TLS handshake (${reason ?? code}); if it requires client certificates, ` +
      'check that "ssl.keystore.*" holds a certificate signed by a CA the broker trusts'
  } else if (code.startsWith('ERR_SSL_')) {
    message = `TLS negotiation with broker ${broker} failed (${reason ?? code}); check "ssl.enabled.protocols" and that the port is a TLS listener`
  } else {
    return undefined
  }
  return new SslAuthenticationError(`SSL handshake failed: ${message}`, { cause: error, context: { broker, reason: code } })
}
