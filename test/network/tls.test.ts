// TLS options from Java's ssl.* keys (stores, types, JKS refusal) and the
// classification of TLS errors; no broker. Fixtures in test/fixtures/tls/:
// one CA certificate, as PKCS12 truststores made by openssl (PBES2), keytool
// (PBES2) and openssl -legacy (RC2), and as a JKS truststore; password "secret".
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { commonSchema } from '../../src/config/common.js'
import { ConfigError, SslAuthenticationError } from '../../src/errors.js'
import { Pkcs12Error, pkcs12Certificates } from '../../src/network/pkcs12.js'
import { tlsFailure, tlsOptions } from '../../src/network/tls.js'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tls')
const fixture = (name: string) => path.join(DIR, name)
const ca = new X509Certificate(fs.readFileSync(fixture('ca.pem')))

const config = (extra: Record<string, unknown>) =>
  commonSchema.parse({ 'bootstrap.servers': 'localhost:9093', 'security.protocol': 'SSL', ...extra })

for (const name of ['truststore-openssl.p12', 'truststore-keytool.p12']) {
  test(`PKCS12 truststore ${name}: its certificate, after the MAC is checked`, () => {
    const certs = pkcs12Certificates(fs.readFileSync(fixture(name)), 'secret')
    assert.equal(certs.length, 1)
    assert.equal(new X509Certificate(certs[0]!).fingerprint256, ca.fingerprint256)
    assert.throws(() => pkcs12Certificates(fs.readFileSync(fixture(name)), 'wrong'), (e: unknown) => e instanceof Pkcs12Error && /MAC does not verify/.test(e.message))
  })
}

test('a PKCS12 truststore with legacy encryption is refused, naming the algorithm', () => {
  assert.throws(() => pkcs12Certificates(fs.readFileSync(fixture('truststore-legacy.p12')), 'secret'), /pbeWithSHAAnd40BitRC2-CBC/)
})

test('something that is not PKCS12 is refused', () => {
  assert.throws(() => pkcs12Certificates(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), ''), Pkcs12Error)
  assert.throws(() => pkcs12Certificates(Buffer.from('hello'), ''), Pkcs12Error)
})

test('tlsOptions: PEM and PKCS12 truststores, with the type given or read from the file', () => {
  assert.equal(tlsOptions(config({ 'security.protocol': 'SASL_PLAINTEXT' })), undefined)
  for (const extra of [
    { 'ssl.truststore.location': fixture('ca.pem') },
    { 'ssl.truststore.location': fixture('ca.pem'), 'ssl.truststore.type': 'PEM' },
    { 'ssl.truststore.location': fixture('truststore-keytool.p12'), 'ssl.truststore.password': 'secret' },
    { 'ssl.truststore.location': fixture('truststore-openssl.p12'), 'ssl.truststore.password': 'secret', 'ssl.truststore.type': 'pkcs12' },
    { 'security.protocol': 'SASL_SSL', 'ssl.truststore.certificates': fs.readFileSync(fixture('ca.pem'), 'utf8') },
    // Java's (IANA) suite names and OpenSSL's
    { 'ssl.cipher.suites': 'TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,ECDHE-RSA-AES128-GCM-SHA256' },
    { 'ssl.enabled.protocols': 'TLSv1.3' },
  ]) {
    const opts = tlsOptions(config(extra))
    assert.ok(opts?.secureContext, JSON.stringify(extra))
    assert.equal(opts.checkServerIdentity, undefined, 'host names are checked by default')
  }
  const off = tlsOptions(config({ 'ssl.endpoint.identification.algorithm': '' }))
  assert.equal(typeof off?.checkServerIdentity, 'function')
})

test('tlsOptions: a JKS store is a ConfigError with the keytool command, detected by its magic bytes too', () => {
  for (const extra of [{}, { 'ssl.truststore.type': 'JKS' }, { 'ssl.truststore.type': 'PKCS12' }]) {
    assert.throws(
      () => tlsOptions(config({ 'ssl.truststore.location': fixture('truststore.jks'), 'ssl.truststore.password': 'secret', ...extra })),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError)
        assert.equal(e.context.key, 'ssl.truststore.location')
        assert.match(e.message, /keytool -importkeystore -srckeystore \S+truststore\.jks -srcstoretype JKS -destkeystore \S+truststore\.p12 -deststoretype PKCS12/)
        assert.ok(!e.message.includes('secret'))
        return true
      },
    )
  }
})

test('tlsOptions: missing files, wrong passwords, unknown types and half-given keystores are ConfigErrors naming the option', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ 'ssl.truststore.location': fixture('nope.pem') }, 'ssl.truststore.location'],
    [{ 'ssl.truststore.location': fixture('truststore-keytool.p12'), 'ssl.truststore.password': 'hunter2' }, 'ssl.truststore.location'],
    [{ 'ssl.truststore.location': fixture('ca.pem'), 'ssl.truststore.type': 'BKS' }, 'ssl.truststore.type'],
    [{ 'ssl.keystore.key': 'x' }, 'ssl.keystore.certificate.chain'],
    [{ 'ssl.keystore.location': fixture('truststore-keytool.p12'), 'ssl.keystore.password': 'hunter2' }, 'ssl.keystore.location'],
    [{ 'ssl.keystore.location': fixture('truststore-keytool.p12'), 'ssl.keystore.password': 'a', 'ssl.key.password': 'b' }, 'ssl.key.password'],
    [{ 'ssl.enabled.protocols': 'TLSv1.2,SSLv3' }, 'ssl.enabled.protocols'],
    [{ 'ssl.cipher.suites': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_NO_SUCH_SUITE' }, 'ssl.cipher.suites'],
    [{ 'ssl.keystore.pkcs12': fs.readFileSync(fixture('truststore-keytool.p12')), 'ssl.keystore.password': 'hunter2' }, 'ssl.keystore.pkcs12'],
    [{ 'ssl.keystore.pkcs12': fs.readFileSync(fixture('truststore.jks')) }, 'ssl.keystore.pkcs12'],
    [{ 'ssl.keystore.pkcs12': Buffer.from('not a store'), 'ssl.keystore.password': 'hunter2' }, 'ssl.keystore.pkcs12'],
    [{ 'ssl.keystore.pkcs12': fs.readFileSync(fixture('truststore-keytool.p12')), 'ssl.keystore.location': fixture('truststore-keytool.p12') }, 'ssl.keystore.pkcs12'],
  ]
  for (const [extra, key] of cases) {
    assert.throws(
      () => tlsOptions(config(extra)),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, `${JSON.stringify(extra)}: ${String(e)}`)
        assert.equal(e.context.key, key, e.message)
        assert.ok(!/hunter2/.test(e.message))
        return true
      },
    )
  }
})

test('tlsFailure: certificate and handshake errors are SslAuthenticationError; resets stay retriable ConnectionErrors', () => {
  const err = (code: string, message = code, reason?: string) => Object.assign(new Error(message), { code, ...(reason ? { reason } : {}) })
  const cases: Array<[Error, RegExp]> = [
    [err('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), /not trusted/],
    [err('SELF_SIGNED_CERT_IN_CHAIN'), /not trusted/],
    [err('CERT_HAS_EXPIRED'), /not trusted/],
    [err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), /does not match its host name/],
    [err('ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'long openssl text', 'sslv3 alert certificate unknown'), /rejected the TLS handshake \(sslv3 alert certificate unknown\)/],
    [err('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'x', 'tlsv13 alert certificate required'), /rejected the TLS handshake/],
    [err('ERR_SSL_WRONG_VERSION_NUMBER', 'x', 'wrong version number'), /TLS negotiation/],
  ]
  for (const [e, message] of cases) {
    const f = tlsFailure(e, 'b1:9093')
    assert.ok(f instanceof SslAuthenticationError, String((e as NodeJS.ErrnoException).code))
    assert.equal(f.type, 'SSL_AUTHENTICATION')
    assert.equal(f.retriable, false)
    assert.equal(f.context.broker, 'b1:9093')
    assert.match(f.message, /b1:9093/)
    assert.match(f.message, message)
  }
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']) assert.equal(tlsFailure(err(code), 'b1:9093'), undefined)
})
