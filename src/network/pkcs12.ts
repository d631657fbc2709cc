/**
 * Reads the certificates of a PKCS12 truststore (RFC 7292), for
 * `ssl.truststore.type=PKCS12`. Node's TLS takes a PKCS12 store only as a
 * client identity (`pfx`, which needs a private key), so the trusted
 * certificates are read here and handed to TLS as PEM `ca`.
 *
 * Contract:
 * - `pkcs12Certificates(der, password)` returns every certificate bag of the
 *   store as PEM, after checking the store's integrity MAC (HMAC with the
 *   RFC 7292 key derivation, SHA-1/224/256/384/512) when it has one.
 * - Certificate bags may be unencrypted or encrypted with PBES2 (PBKDF2 with
 *   HMAC-SHA-1/224/256/384/512, AES-128/192/256-CBC or 3DES-CBC): what
 *   OpenSSL 3 and Java 12+ keytool write. The legacy PKCS12 PBE algorithms
 *   (RC2, RC4, SHA1-3DES) and PBMAC1 are refused with `Pkcs12Error` naming the
 *   algorithm, as is a wrong password (the MAC does not verify) or a file
 *   that is not PKCS12. Messages never contain the password.
 * - Key bags are skipped: a truststore's job is certificates.
 */
import crypto from 'node:crypto'

export class Pkcs12Error extends Error {}

interface Der {
  tag: number
  /** The content octets. */
  body: Buffer
  /** The whole element (tag, length, content). */
  raw: Buffer
}

function readDer(buf: Buffer, offset: number): Der & { end: number } {
  if (offset + 2 > buf.length) throw new Pkcs12Error('truncated DER data')
  const tag = buf[offset]!
  let len = buf[offset + 1]!
  let at = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || at + n > buf.length) throw new Pkcs12Error('unsupported DER length (indefinite-length BER is not supported)')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + i]!
    at += n
  }
  if (at + len > buf.length) throw new Pkcs12Error('truncated DER data')
  return { tag, body: buf.subarray(at, at + len), raw: buf.subarray(offset, at + len), end: at + len }
}

/** The elements inside a constructed element. */
function children(el: Der): Der[] {
  const out: Der[] = []
  for (let at = 0; at < el.body.length; ) {
    const c = readDer(el.body, at)
    out.push(c)
    at = c.end
  }
  return out
}

function expect(el: Der | undefined, tag: number, what: string): Der {
  if (!el || el.tag !== tag) throw new Pkcs12Error(`not a PKCS12 store: expected ${what}`)
  return el
}

function oid(el: Der | undefined): string {
  const b = expect(el, 0x06, 'an object identifier').body
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40]
  let v = 0
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f)
    if (!(b[i]! & 0x80)) {
      parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

function int(el: Der | undefined): number {
  const b = expect(el, 0x02, 'an integer').body
  let v = 0
  for (const x of b) v = v * 256 + x
  return v
}

/** An OCTET STRING, primitive or (BER) constructed from chunks. */
function octets(el: Der | undefined, what: string): Buffer {
  if (el && (el.tag === 0x04 || el.tag === 0x80)) return el.body
  if (el && (el.tag === 0x24 || el.tag === 0xa0)) return Buffer.concat(children(el).map((c) => octets(c, what)))
  throw new Pkcs12Error(`not a PKCS12 store: expected ${what}`)
}

/** [0] EXPLICIT: the one element inside. */
function explicit0(el: Der | undefined, what: string): Der {
  const inner = children(expect(el, 0xa0, what))[0]
  if (!inner) throw new Pkcs12Error(`not a PKCS12 store: empty ${what}`)
  return inner
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
}

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}

const HMACS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
}

const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
}

const LEGACY_PBE: Record<string, string> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC',
}

/** RFC 7292 appendix B.2: the PKCS12 key derivation (id 3 = MAC key). */
function pkcs12Kdf(hash: string, password: string, salt: Buffer, iterations: number, id: number, n: number): Buffer {
  const u = crypto.createHash(hash).digest().length
  const v = hash === 'sha384' || hash === 'sha512' ? 128 : 64
  // The password as a BMPString (UTF-16BE) with two trailing zero bytes.
  const pw = Buffer.alloc(password.length * 2 + 2)
  for (let i = 0; i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i), i * 2)
  const fill = (src: Buffer): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(src.length / v))
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!
    return out
  }
  const I = Buffer.concat([salt.length ? fill(salt) : Buffer.alloc(0), fill(pw)])
  const D = Buffer.alloc(v, id)
  const out: Buffer[] = []
  for (let got = 0; got < n; got += u) {
    let A = crypto.createHash(hash).update(D).update(I).digest()
    for (let r = 1; r < iterations; r++) A = crypto.createHash(hash).update(A).digest()
    out.push(A)
    const B = fill(A)
    for (let j = 0; j < I.length; j += v) {
      // I_j = (I_j + B + 1) mod 2^(8v)
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry
        I[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(out).subarray(0, n)
}

function verifyMac(macData: Der, content: Buffer, password: string): void {
  const [digestInfo, saltEl, iterEl] = children(macData)
  const [algId, digestEl] = children(expect(digestInfo, 0x30, 'a MAC digest'))
  const algOid = oid(children(expect(algId, 0x30, 'a MAC algorithm'))[0])
  const hash = DIGESTS[algOid]
  if (!hash) throw new Pkcs12Error(`its integrity MAC uses an unsupported algorithm (${algOid})`)
  const salt = octets(saltEl, 'a MAC salt')
  const iterations = iterEl ? int(iterEl) : 1
  const expected = octets(digestEl, 'a MAC digest')
  const key = pkcs12Kdf(hash, password, salt, iterations, 3, crypto.createHash(hash).digest().length)
  const mac = crypto.createHmac(hash, key).update(content).digest()
  if (mac.length !== expected.length || !crypto.timingSafeEqual(mac, expected)) {
    throw new Pkcs12Error('its integrity MAC does not verify: wrong password, or a damaged file')
  }
}

function decryptPbes2(algorithm: Der, encrypted: Buffer, password: string): Buffer {
  const [algOid, params] = children(expect(algorithm, 0x30, 'an encryption algorithm'))
  const name = oid(algOid)
  if (name !== OID.pbes2) throw new Pkcs12Error(`its certificates are encrypted with ${LEGACY_PBE[name] ?? name}, a legacy PKCS12 algorithm samsa does not read`)
  const [kdf, scheme] = children(expect(params, 0x30, 'PBES2 parameters'))
  const [kdfOid, kdfParams] = children(expect(kdf, 0x30, 'a key derivation function'))
  if (oid(kdfOid) !== OID.pbkdf2) throw new Pkcs12Error(`its key derivation function ${oid(kdfOid)} is not PBKDF2`)
  const kp = children(expect(kdfParams, 0x30, 'PBKDF2 parameters'))
  const salt = octets(kp[0], 'a PBKDF2 salt')
  const iterations = int(kp[1])
  let prf = 'sha1'
  for (const extra of kp.slice(2)) {
    if (extra.tag === 0x30) {
      const p = HMACS[oid(children(extra)[0])]
      if (!p) throw new Pkcs12Error('its PBKDF2 uses an unsupported pseudo-random function')
      prf = p
    }
  }
  const [cipherOid, ivEl] = children(expect(scheme, 0x30, 'an encryption scheme'))
  const cipher = CIPHERS[oid(cipherOid)]
  if (!cipher) throw new Pkcs12Error(`its certificates are encrypted with an unsupported cipher (${oid(cipherOid)})`)
  const key = crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, prf)
  try {
    const d = crypto.createDecipheriv(cipher.name, key, octets(ivEl, 'an IV'))
    return Buffer.concat([d.update(encrypted), d.final()])
  } catch {
    throw new Pkcs12Error('its certificates do not decrypt: wrong password, or a damaged file')
  }
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n')
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`
}

/** The certificates of a PKCS12 store, as PEM. Throws `Pkcs12Error`. */
export function pkcs12Certificates(der: Buffer, password: string): string[] {
  const pfx = children(expect(readDer(der, 0), 0x30, 'a PFX sequence'))
  const [version, authSafe, macData] = pfx
  if (int(version) !== 3) throw new Pkcs12Error('not a PKCS12 store: version is not 3')
  const [ctype, wrapped] = children(expect(authSafe, 0x30, 'an authSafe'))
  if (oid(ctype) !== OID.data) throw new Pkcs12Error('public-key integrity mode (signed authSafe) is not supported')
  const content = octets(explicit0(wrapped, 'authSafe content'), 'authSafe data')
  if (macData) verifyMac(macData, content, password)
  const certs: string[] = []
  for (const info of children(readDer(content, 0))) {
    const [type, body] = children(expect(info, 0x30, 'a content info'))
    let safeContents: Buffer
    if (oid(type) === OID.data) {
      safeContents = octets(explicit0(body, 'safe contents'), 'safe contents')
    } else if (oid(type) === OID.encryptedData) {
      const [, encInfo] = children(expect(explicit0(body, 'encrypted data'), 0x30, 'encrypted data'))
      const [, algorithm, encrypted] = children(expect(encInfo, 0x30, 'encrypted content info'))
      safeContents = decryptPbes2(algorithm!, octets(encrypted, 'encrypted content'), password)
    } else {
      continue // enveloped data (public-key privacy mode): not for truststores
    }
    for (const bag of children(readDer(safeContents, 0))) {
      const [bagId, bagValue] = children(expect(bag, 0x30, 'a safe bag'))
      if (oid(bagId) !== OID.certBag) continue
      const [certType, certValue] = children(expect(explicit0(bagValue, 'a cert bag'), 0x30, 'a cert bag'))
      if (oid(certType) !== OID.x509Certificate) continue
      certs.push(toPem(octets(explicit0(certValue, 'a certificate'), 'a certificate')))
    }
  }
  return certs
}
