/**
 * Refreshes the vendored Kafka message definitions from a Kafka release:
 *
 *   npm run specs:update -- <kafka version>      e.g. npm run specs:update -- 4.1.0
 *
 * Downloads org.apache.kafka:kafka-clients:<version> from Maven Central
 * (MAVEN_REPO overrides https://repo1.maven.org/maven2), replaces
 * scripts/codegen/kafka-specs/message/*.json with the jar's
 * common/message/*.json, and records the release and the jar's SHA-256 in
 * kafka-specs/SOURCE. When the release's sources jar is published, errors.tsv
 * is rebuilt from Errors.java and the exception classes (retriable = derives
 * from RetriableException); otherwise errors.tsv is kept and the script says
 * so. Run `npm run generate` afterwards.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflateRawSync } from 'node:zlib'

const SPECS_ROOT = resolve(fileURLToPath(import.meta.url), '../kafka-specs')
const MESSAGE_DIR = join(SPECS_ROOT, 'message')
const REPO = (process.env.MAVEN_REPO ?? 'https://repo1.maven.org/maven2').replace(/\/$/, '')

/** The files of a zip archive (a jar) whose names `want` accepts, by name. */
export function readZip(zip: Buffer, want: (name: string) => boolean): Map<string, Buffer> {
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)')
  const count = zip.readUInt16LE(eocd + 10)
  let p = zip.readUInt32LE(eocd + 16)
  const out = new Map<string, Buffer>()
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry')
    const method = zip.readUInt16LE(p + 10)
    const compressedSize = zip.readUInt32LE(p + 20)
    const nameLength = zip.readUInt16LE(p + 28)
    const extraLength = zip.readUInt16LE(p + 30)
    const commentLength = zip.readUInt16LE(p + 32)
    const localOffset = zip.readUInt32LE(p + 42)
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength)
    p += 46 + nameLength + extraLength + commentLength
    if (!want(name)) continue
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`bad local header for ${name}`)
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28)
    const data = zip.subarray(start, start + compressedSize)
    if (method === 0) out.set(name, Buffer.from(data))
    else if (method === 8) out.set(name, inflateRawSync(data))
    else throw new Error(`${name}: unsupported zip compression method ${method}`)
  }
  return out
}

async function download(url: string): Promise<Buffer | undefined> {
  const res = await fetch(url)
  if (res.status === 404) return undefined
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`)
  return Buffer.from(await res.arrayBuffer())
}

/**
 * errors.tsv rows from Kafka's sources: `NAME(code, "message", Exception::new)`
 * entries of Errors.java, retriable when the exception's superclass chain
 * reaches RetriableException.
 */
export function errorsTsv(sources: Map<string, Buffer>): string {
  const errorsJava = sources.get('org/apache/kafka/common/protocol/Errors.java')?.toString('utf8')
  if (errorsJava === undefined) throw new Error('Errors.java is not in the sources jar')
  const parent = new Map<string, string>()
  for (const [name, body] of sources) {
    const m = /^org\/apache\/kafka\/common\/errors\/(\w+)\.java$/.exec(name)
    if (m === null) continue
    const ext = new RegExp(`class\\s+${m[1]}\\s+extends\\s+(\\w+)`).exec(body.toString('utf8'))
    if (ext !== null) parent.set(m[1]!, ext[1]!)
  }
  const retriable = (exception: string): boolean => {
    for (let e: string | undefined = exception, depth = 0; e !== undefined && depth < 20; e = parent.get(e), depth++) {
      if (e === 'RetriableException') return true
    }
    return false
  }
  const rows = ['code\tname\tretriable\texception']
  // NAME(code, "message" [+ "more"...] | null, Exception::new | message -> null)
  const entry = /^\s*([A-Z][A-Z0-9_]*)\(\s*(-?\d+),\s*(?:null|(?:"(?:[^"\\]|\\.)*"\s*\+?\s*)+),\s*(?:(\w+)::new|\w+\s*->\s*null|null)\s*\)\s*[,;]/gm
  for (const m of errorsJava.matchAll(entry)) {
    const exception = m[3] ?? ''
    rows.push(`${m[2]}\t${m[1]}\t${exception === '' ? false : retriable(exception)}\t${exception}`)
  }
  if (rows.length < 50) throw new Error(`found only ${rows.length - 1} error codes in Errors.java`)
  return rows.join('\n') + '\n'
}

async function main(): Promise<void> {
  const version = process.argv[2]
  if (version === undefined || !/^\d+\.\d+\.\d+([-.][\w.]+)?$/.test(version)) {
    throw new Error('usage: npm run specs:update -- <kafka version>   (e.g. 4.1.0)')
  }
  const base = `${REPO}/org/apache/kafka/kafka-clients/${version}/kafka-clients-${version}`
  const jar = await download(`${base}.jar`)
  if (jar === undefined) throw new Error(`${base}.jar not found`)
  const specs = readZip(jar, (n) => /^common\/message\/[A-Za-z0-9]+\.json$/.test(n))
  if (specs.size < 50) throw new Error(`${base}.jar holds only ${specs.size} common/message/*.json files`)
  for (const f of readdirSync(MESSAGE_DIR)) if (f.endsWith('.json')) unlinkSync(join(MESSAGE_DIR, f))
  for (const [name, data] of specs) writeFileSync(join(MESSAGE_DIR, name.slice('common/message/'.length)), data)
  const sha = createHash('sha256').update(jar).digest('hex')
  let errorsNote = 'errors.tsv: kept from the previous source (no sources jar for this release)'
  const sourcesJar = await download(`${base}-sources.jar`)
  if (sourcesJar !== undefined) {
    const sources = readZip(sourcesJar, (n) => n.startsWith('org/apache/kafka/common/') && n.endsWith('.java'))
    writeFileSync(join(SPECS_ROOT, 'errors.tsv'), errorsTsv(sources))
    errorsNote = `errors.tsv: derived from Errors.java in kafka-clients-${version}-sources.jar`
  }
  writeFileSync(
    join(SPECS_ROOT, 'SOURCE'),
    `kafka: ${version}\nfrom: org.apache.kafka:kafka-clients:${version} (Maven Central), common/message/*.json\n` +
      `jar sha256: ${sha}\n${errorsNote}\n`,
  )
  const old = readFileSync(join(SPECS_ROOT, 'SOURCE'), 'utf8')
  console.log(`${specs.size} definitions from kafka-clients ${version}\n${old}` +
    (sourcesJar === undefined ? 'errors.tsv was NOT refreshed: check it against Errors.java of this release by hand.\n' : '') +
    'Now run npm run generate (it fails on requests not yet classified in scripts/codegen/apis.ts).')
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exitCode = 1
  })
}
