// A real Apache Kafka cluster for tests, demos and benchmarks: KRaft nodes that
// are broker and controller at once, on 127.0.0.1, run from the jars that
// Maven fetches from Maven Central into .kafka/libs/<version>/.
//
// Layout (all under the git-ignored .kafka/ folder of the checkout):
//   .kafka/libs/<version>/               the broker's jars (+ .complete marker)
//   .kafka/run/<version>/node-<id>/      server.properties, data/, logs/server.log, stdout.log
//     (.kafka/run/<version>-port<base>/  when KAFKA_PORT_BASE is not 9092)
//   .kafka/run/cluster-<base>.json       state: version, pids, ports, owner, leases
//   .kafka/run/cluster-<base>.lock       held while a process starts/stops/restarts
//
// Node <id> (1-based) listens for clients on portBase + id - 1 and for the
// controller quorum on portBase + 20000 + id - 1.
//
// Kafka 2.x (2.8.2 is the oldest release tested) runs in ZooKeeper mode
// instead: one ZooKeeper server (org.apache.zookeeper, which Maven brings in
// with the broker's jars) on portBase + 20000, brokers with broker.id = node id.

import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { probeBroker, type ProbeResult } from './probe.js'

export const DEFAULT_KAFKA_VERSION = '4.4.0'
export const DEFAULT_PORT_BASE = 9092
export const HOST = '127.0.0.1'
const CONTROLLER_PORT_OFFSET = 20000
const DEFAULT_START_TIMEOUT_MS = 90_000
const DEFAULT_STOP_TIMEOUT_MS = 20_000
const LOCK_TIMEOUT_MS = 300_000

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(HERE, '..', '..')
export const KAFKA_DIR = path.join(REPO_ROOT, '.kafka')
const RUN_DIR = path.join(KAFKA_DIR, 'run')
const POM = path.join(HERE, 'pom.xml')
const TOOLS_POM = path.join(HERE, 'tools-pom.xml')
const STREAMS_POM = path.join(HERE, 'streams-pom.xml')

export type Owner = 'cli' | 'harness'

export interface NodeState {
  id: number
  port: number
  controllerPort: number
  dir: string
  pid: number | null
}

export interface ClusterState {
  version: string
  portBase: number
  clusterId: string
  runDir: string
  libsDir: string
  nodes: NodeState[]
  // 'cli': started by `npm run kafka -- start`, never stopped by the test harness.
  // 'harness': started by a test harness; stopped when its last lease is released.
  owner: Owner
  leases: number[]
  startedAt: string
  // extra SASL_PLAINTEXT, SSL, SASL_SSL and mutual-TLS listeners (see SECURE below)
  secure?: boolean
  // StandardAuthorizer with super users and SASL users (see AUTHORIZER below)
  authorizer?: boolean
  // Kafka 2.x: the ZooKeeper server the brokers use (see zookeeperMode)
  zookeeper?: { port: number, dir: string, pid: number | null }
  // OAUTHBEARER on the SASL_SSL listener validated by OAuthBearerValidatorCallbackHandler (see OAUTH below)
  oauth?: OAuthValidation
  // extra server.properties entries (e.g. connections.max.reauth.ms)
  brokerProperties?: Record<string, string | number | boolean>
}

/** Real OIDC validation of OAUTHBEARER tokens: RS256 JWTs checked against a JWKS endpoint. */
export interface OAuthValidation {
  jwksUrl: string
  audience: string
  issuer?: string
}

export interface ClusterInfo {
  bootstrap: string
  version: string
  nodes: number
  portBase: number
  reused: boolean
  state: ClusterState
}

export interface CommonOptions {
  portBase?: number
  log?: (message: string) => void
}

export interface StartOptions extends CommonOptions {
  nodes?: number
  version?: string
  // reuse a healthy running cluster whatever its version and size
  reuseAny?: boolean
  owner?: Owner
  // record process.pid as a user of the cluster (see releaseCluster)
  lease?: boolean
  timeoutMs?: number
  // also listen with SASL_PLAINTEXT, SSL, SASL_SSL and mutual TLS; see SECURE
  secure?: boolean
  // with secure: also run StandardAuthorizer; see AUTHORIZER
  authorizer?: boolean
  // with secure: validate OAUTHBEARER tokens on SASL_SSL with a JWKS endpoint; see OAUTH
  oauth?: OAuthValidation
  // extra server.properties entries
  brokerProperties?: Record<string, string | number | boolean>
}

export interface NodeStatus {
  id: number
  port: number
  controllerPort: number
  pid: number | null
  alive: boolean
  ready: boolean
  brokers: number[] | null
  error?: string
}

export interface ClusterStatus {
  running: boolean
  healthy: boolean
  state: ClusterState | null
  bootstrap: string | null
  nodes: NodeStatus[]
}

// ---------------------------------------------------------------- helpers

const defaultLog = (message: string): void => { process.stderr.write(`[kafka] ${message}\n`) }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function portBaseFrom (opts: CommonOptions = {}): number {
  if (opts.portBase !== undefined) return opts.portBase
  const env = process.env.KAFKA_PORT_BASE
  if (env === undefined || env === '') return DEFAULT_PORT_BASE
  const n = Number(env)
  if (!Number.isInteger(n) || n < 1024 || n > 65535 - CONTROLLER_PORT_OFFSET - 16) {
    throw new Error(`KAFKA_PORT_BASE=${env} is not a usable port (1024..${65535 - CONTROLLER_PORT_OFFSET - 16})`)
  }
  return n
}

export function versionFrom (opts: { version?: string } = {}): string {
  return opts.version ?? (process.env.KAFKA_VERSION || DEFAULT_KAFKA_VERSION)
}

function majorOf (version: string): number {
  const major = Number(version.split('.')[0])
  if (!Number.isInteger(major)) throw new Error(`cannot read a Kafka version from '${version}'`)
  return major
}

// Kafka releases before 3.x are run with ZooKeeper (KRaft was only an early
// access there); 3.3 and later in KRaft mode.
export function zookeeperMode (version: string): boolean {
  return majorOf(version) < 3
}

const statePath = (portBase: number): string => path.join(RUN_DIR, `cluster-${portBase}.json`)
const lockPath = (portBase: number): string => path.join(RUN_DIR, `cluster-${portBase}.lock`)
const runDirFor = (version: string, portBase: number): string =>
  path.join(RUN_DIR, portBase === DEFAULT_PORT_BASE ? version : `${version}-port${portBase}`)

export function bootstrapOf (state: ClusterState): string {
  return state.nodes.map((n) => `${HOST}:${n.port}`).join(',')
}

function readState (portBase: number): ClusterState | null {
  try {
    return JSON.parse(fs.readFileSync(statePath(portBase), 'utf8')) as ClusterState
  } catch {
    return null
  }
}

function writeState (state: ClusterState): void {
  fs.mkdirSync(RUN_DIR, { recursive: true })
  const file = statePath(state.portBase)
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n')
  fs.renameSync(tmp, file)
}

function removeState (portBase: number): void {
  fs.rmSync(statePath(portBase), { force: true })
}

// A pid is alive when it exists and is not a zombie (killed brokers whose
// parent is gone may linger as zombies when pid 1 does not reap them).
export function pidAlive (pid: number | null | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return process.platform !== 'linux'
  }
}

function cmdlineOf (pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return null
  }
}

// Alive and really that node's JVM (guards against pid reuse).
function nodeAlive (node: NodeState): boolean {
  if (!pidAlive(node.pid)) return false
  const cmd = cmdlineOf(node.pid!)
  return cmd === null || cmd.includes(`-Dsamsa.kafka.dir=${node.dir} `)
}

// Broker JVMs of this checkout and port base that no state file accounts for.
function strayBrokers (portBase: number): number[] {
  if (process.platform !== 'linux') return []
  const pids: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    const cmd = cmdlineOf(pid)
    if (cmd && cmd.includes(`-Dsamsa.kafka.home=${KAFKA_DIR} `) && cmd.includes(`-Dsamsa.kafka.portBase=${portBase} `) && pidAlive(pid)) {
      pids.push(pid)
    }
  }
  return pids
}

function signal (pid: number, sig: NodeJS.Signals): void {
  try { process.kill(pid, sig) } catch { /* already gone */ }
}

async function waitDead (pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  let alive = pids.filter(pidAlive)
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100)
    alive = alive.filter(pidAlive)
  }
  return alive
}

// SIGTERM (unless force), wait, then SIGKILL whatever is left.
async function terminate (pids: number[], opts: { force?: boolean, timeoutMs?: number } = {}): Promise<void> {
  if (pids.length === 0) return
  if (!opts.force) {
    for (const pid of pids) signal(pid, 'SIGTERM')
    pids = await waitDead(pids, opts.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS)
  }
  for (const pid of pids) signal(pid, 'SIGKILL')
  const left = await waitDead(pids, 10_000)
  if (left.length > 0) throw new Error(`processes ${left.join(', ')} survived SIGKILL`)
}

function portFree (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

// A killed JVM can look dead (its main thread a zombie) a moment before the
// kernel has closed all its sockets: give the ports a few seconds.
async function waitPortsFree (ports: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const busy: number[] = []
    for (const port of ports) if (!(await portFree(port))) busy.push(port)
    if (busy.length === 0 || Date.now() > deadline) return busy
    await sleep(200)
  }
}

// Calls from this process are queued per port base; the lock file then keeps
// other processes (another npm test, the CLI) out.
const queues = new Map<number, Promise<void>>()

async function withLock<T> (portBase: number, fn: () => Promise<T>, log: (m: string) => void): Promise<T> {
  const previous = queues.get(portBase) ?? Promise.resolve()
  let done!: () => void
  const mine = new Promise<void>((resolve) => { done = resolve })
  const tail = previous.then(() => mine)
  queues.set(portBase, tail)
  await previous
  try {
    return await withLockFile(portBase, fn, log)
  } finally {
    done()
    if (queues.get(portBase) === tail) queues.delete(portBase)
  }
}

async function withLockFile<T> (portBase: number, fn: () => Promise<T>, log: (m: string) => void): Promise<T> {
  fs.mkdirSync(RUN_DIR, { recursive: true })
  const file = lockPath(portBase)
  const deadline = Date.now() + LOCK_TIMEOUT_MS
  let told = false
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx')
      fs.writeSync(fd, String(process.pid))
      fs.closeSync(fd)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let holder = 0
      let age = 0
      try {
        holder = Number(fs.readFileSync(file, 'utf8'))
        age = Date.now() - fs.statSync(file).mtimeMs
      } catch {
        continue // released meanwhile
      }
      // a lock whose holder died is stale (an empty file is one being written: give it a moment);
      // so is one naming this process, since calls from this process are queued above
      if ((holder && !pidAlive(holder)) || holder === process.pid || (!holder && age > 2000)) {
        fs.rmSync(file, { force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${file} (held by pid ${holder})`)
      if (!told) { log(`waiting for pid ${holder} (it holds ${path.relative(REPO_ROOT, file)})`); told = true }
      await sleep(250)
    }
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(file, { force: true })
  }
}

function run (cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => { out += String(d) })
    child.stderr.on('data', (d) => { out += String(d) })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(out)
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${out}`))
    })
  })
}

function tail (file: string, lines = 40): string {
  try {
    // leave out the indented 'KafkaConfig values:' dumps that fill the log at start
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n').filter((l) => !l.startsWith('\t'))
    return text.slice(-lines).join('\n')
  } catch {
    return '(no such file)'
  }
}

function nodeLogTails (state: ClusterState, ids?: number[]): string {
  const parts: string[] = []
  for (const node of state.nodes) {
    if (ids && !ids.includes(node.id)) continue
    const server = path.join(node.dir, 'logs', 'server.log')
    const stdout = path.join(node.dir, 'stdout.log')
    parts.push(`--- node ${node.id}: ${path.relative(REPO_ROOT, server)} (tail) ---\n${tail(server)}`)
    const out = tail(stdout, 20)
    if (out && out !== '(no such file)') parts.push(`--- node ${node.id}: ${path.relative(REPO_ROOT, stdout)} (tail) ---\n${out}`)
  }
  return parts.join('\n')
}

// ---------------------------------------------------------------- jars

export async function ensureKafkaLibs (version: string, log: (m: string) => void = defaultLog): Promise<string> {
  return ensureJars({ what: `Apache Kafka ${version} jars`, dir: path.join(KAFKA_DIR, 'libs', version), pom: POM, version, expect: `kafka_2.13-${version}.jar` }, log)
}

/**
 * The Java client's command-line tools of a Kafka 4.x release (kafka-tools:
 * ConsoleProducer, ConsoleConsumer, ConsumerGroupCommand, with kafka-clients
 * and log4j2) in .kafka/tools/<version>/, for the tests that run them
 * (test/integration/testing/fake-kafka-java.test.ts).
 */
export async function ensureKafkaTools (version: string, log: (m: string) => void = defaultLog): Promise<string> {
  if (majorOf(version) < 4) throw new Error(`the Kafka tools are fetched for Kafka 4.x only, not ${version}`)
  return ensureJars({ what: `Kafka ${version} tools`, dir: path.join(KAFKA_DIR, 'tools', version), pom: TOOLS_POM, version, expect: `kafka-tools-${version}.jar` }, log)
}

/**
 * Kafka Streams of a Kafka 4.x release (kafka-streams, kafka-clients, log4j2)
 * in .kafka/streams/<version>/, for the tests and the bench that run Java's
 * Kafka Streams beside samsa/streams.
 */
export async function ensureKafkaStreams (version: string, log: (m: string) => void = defaultLog): Promise<string> {
  if (majorOf(version) < 4) throw new Error(`Kafka Streams is fetched for Kafka 4.x only, not ${version}`)
  return ensureJars({ what: `Kafka Streams ${version}`, dir: path.join(KAFKA_DIR, 'streams', version), pom: STREAMS_POM, version, expect: `kafka-streams-${version}.jar` }, log)
}

/** Copies a pom's runtime dependencies into `dir` with Maven, once (`.complete` marks a finished copy). */
async function ensureJars (o: { what: string, dir: string, pom: string, version: string, expect: string }, log: (m: string) => void): Promise<string> {
  const { dir, version } = o
  if (fs.existsSync(path.join(dir, '.complete'))) return dir
  const mvn = spawnSync('mvn', ['-v'], { stdio: 'ignore' })
  if (mvn.error) {
    throw new Error('mvn not found; install Maven and a JDK 17+ (e.g. apt-get install -y maven openjdk-17-jdk-headless)')
  }
  const profile = majorOf(version) >= 4 ? 'log4j2' : 'reload4j'
  const tmp = `${dir}.tmp-${process.pid}`
  fs.rmSync(tmp, { recursive: true, force: true })
  const t0 = Date.now()
  log(`fetching ${o.what} with Maven (profile ${profile}) ...`)
  try {
    await run('mvn', ['-q', '-B', '-f', o.pom, `-Dkafka.version=${version}`, '-P', profile,
      'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`], { cwd: REPO_ROOT })
    if (!fs.existsSync(path.join(tmp, o.expect))) {
      throw new Error(`Maven did not produce ${o.expect} in ${tmp}`)
    }
    fs.writeFileSync(path.join(tmp, '.complete'), `${version} ${new Date().toISOString()}\n`)
    try {
      fs.renameSync(tmp, dir)
    } catch {
      // another process finished first
      fs.rmSync(tmp, { recursive: true, force: true })
      if (!fs.existsSync(path.join(dir, '.complete'))) throw new Error(`could not move ${tmp} to ${dir}`)
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true })
    throw new Error(`could not fetch ${o.what} from Maven Central: ${(err as Error).message}`)
  }
  log(`${o.what} in ${path.relative(REPO_ROOT, dir)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  return dir
}

// ---------------------------------------------------------------- node config and JVM

/**
 * A secure cluster (`startCluster({ secure: true })`) also listens on
 * - SASL_PLAINTEXT (port + 10000): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512;
 * - SSL (port + 11000): server certificate only;
 * - SASL_SSL (port + 12000): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and
 *   OAUTHBEARER (Kafka's unsecured-JWS validator);
 * - MTLS (port + 13000, an SSL listener with `ssl.client.auth=required`).
 * SASL user SECURE.username / SECURE.password; the client certificate's CN is
 * SECURE.username too and the broker maps it to that principal
 * (`ssl.principal.mapping.rules`), so both ways in are the same user.
 * Certificates are made at start in `<runDir>/tls/` (see SECURE.files):
 * a CA, a server certificate for 127.0.0.1 and localhost, a client
 * certificate signed by the CA (PEM, encrypted PEM key, PKCS12), one signed
 * by an unknown CA, a PKCS12 truststore and a JKS keystore.
 */
export const SECURE = {
  saslPortOffset: 10000,
  sslPortOffset: 11000,
  saslSslPortOffset: 12000,
  mtlsPortOffset: 13000,
  username: 'alice',
  password: 'alice-secret',
  /** Password of the PKCS12/JKS stores and of the encrypted client key. */
  storePassword: 'store-secret',
  caFile: (state: ClusterState): string => path.join(state.runDir, 'tls', 'ca.pem'),
  /** Paths of the files writeCertificates makes. */
  files: (state: ClusterState) => {
    const f = (name: string): string => path.join(state.runDir, 'tls', name)
    return {
      ca: f('ca.pem'),
      clientCert: f('client.pem'),
      clientKey: f('client.key'),
      /** The client key encrypted with storePassword (PKCS#8, AES-256). */
      clientKeyEncrypted: f('client.enc.key'),
      /** Key and certificate in one PEM file. */
      clientKeystorePem: f('client-keystore.pem'),
      /** Key, certificate and CA as PKCS12, password storePassword. */
      clientP12: f('client.p12'),
      /** The CA only, as a PKCS12 truststore made by keytool, password storePassword. */
      truststoreP12: f('truststore.p12'),
      /** The client keystore as JKS (keytool), password storePassword. */
      clientJks: f('client.jks'),
      /** A client certificate and key signed by a CA the broker does not know. */
      rogueCert: f('rogue.pem'),
      rogueKey: f('rogue.key')
    }
  }
} as const

export type SecureListener = 'sasl' | 'ssl' | 'sasl_ssl' | 'mtls'

export function secureBootstrap (state: ClusterState, kind: SecureListener): string {
  const offset = {
    sasl: SECURE.saslPortOffset,
    ssl: SECURE.sslPortOffset,
    sasl_ssl: SECURE.saslSslPortOffset,
    mtls: SECURE.mtlsPortOffset
  }[kind]
  return state.nodes.map((n) => `${HOST}:${n.port + offset}`).join(',')
}

/**
 * A secure cluster started with `authorizer: true` also runs KRaft's
 * StandardAuthorizer: no ACL means no access (`allow.everyone.if.no.acl.found`
 * stays false). Super users: User:ANONYMOUS (the PLAINTEXT, SSL and controller
 * listeners, which the broker itself and test set-up use) and the SASL user
 * `admin`. The SASL user `bob` has no ACLs; SECURE.username has none either.
 * Both users authenticate with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
 */
export const AUTHORIZER = {
  admin: { username: 'admin', password: 'admin-secret' },
  user: { username: 'bob', password: 'bob-secret' },
  properties: {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:ANONYMOUS;User:admin',
    'allow.everyone.if.no.acl.found': false
  }
} as const

/**
 * A secure cluster started with `oauth: { jwksUrl, audience, issuer? }`
 * validates OAUTHBEARER tokens on its SASL_SSL listener with Kafka's
 * OAuthBearerValidatorCallbackHandler (signed JWTs checked against the JWKS
 * endpoint, audience and issuer) instead of the unsecured-JWS validator; the
 * JWKS URL is allow-listed for the broker JVM.
 */
export const OAUTH = {
  validatorClass: 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
  allowedUrlsProperty: 'org.apache.kafka.sasl.oauthbearer.allowed.urls'
} as const

// The SASL users of a secure cluster: [username, password].
function saslUsers (state: ClusterState): [string, string][] {
  const users: [string, string][] = [[SECURE.username, SECURE.password]]
  if (state.authorizer) users.push([AUTHORIZER.admin.username, AUTHORIZER.admin.password], [AUTHORIZER.user.username, AUTHORIZER.user.password])
  return users
}

function keytoolBin (): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool'
}

async function writeCertificates (state: ClusterState): Promise<void> {
  const dir = path.join(state.runDir, 'tls')
  fs.mkdirSync(dir, { recursive: true })
  const ssl = async (...args: string[]): Promise<void> => { await run('openssl', args, { cwd: dir }) }
  const keytool = async (...args: string[]): Promise<void> => { await run(keytoolBin(), args, { cwd: dir }) }
  const pass = `pass:${SECURE.storePassword}`
  const cat = (out: string, ...files: string[]): void =>
    fs.writeFileSync(path.join(dir, out), files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join(''))
  // CA -> server certificate; CA -> client certificate; unknown CA -> rogue client certificate
  await Promise.all([
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=samsa-test-ca'),
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue-ca.key', '-out', 'rogue-ca.pem', '-days', '2', '-subj', '/CN=samsa-unknown-ca'),
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'),
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', `/CN=${SECURE.username}`),
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.csr', '-subj', `/CN=${SECURE.username}`)
  ])
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  fs.writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  await Promise.all([
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext'),
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '2', '-out', 'client.pem', '-days', '2', '-extfile', 'client.ext'),
    ssl('x509', '-req', '-in', 'rogue.csr', '-CA', 'rogue-ca.pem', '-CAkey', 'rogue-ca.key', '-set_serial', '3', '-out', 'rogue.pem', '-days', '2', '-extfile', 'client.ext'),
    ssl('pkcs8', '-topk8', '-nocrypt', '-in', 'server.key', '-out', 'server.pk8')
  ])
  cat('keystore.pem', 'server.pk8', 'server.pem')
  cat('client-keystore.pem', 'client.key', 'client.pem')
  await Promise.all([
    ssl('pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client.enc.key', '-passout', pass),
    ssl('pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-certfile', 'ca.pem', '-name', 'client', '-out', 'client.p12', '-passout', pass),
    keytool('-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem', '-keystore', 'truststore.p12', '-storetype', 'PKCS12', '-storepass', SECURE.storePassword)
  ])
  await keytool('-importkeystore', '-noprompt', '-srckeystore', 'client.p12', '-srcstoretype', 'PKCS12', '-srcstorepass', SECURE.storePassword,
    '-destkeystore', 'client.jks', '-deststoretype', 'JKS', '-deststorepass', SECURE.storePassword)
}

// The extra listeners of a secure cluster (see SECURE).
function secureListenerProps (state: ClusterState, node: NodeState): Record<string, string> {
  const port = (offset: number): number => node.port + offset
  const listeners = [
    `PLAINTEXT://${HOST}:${node.port}`,
    `SASL_PLAINTEXT://${HOST}:${port(SECURE.saslPortOffset)}`,
    `SSL://${HOST}:${port(SECURE.sslPortOffset)}`,
    `SASL_SSL://${HOST}:${port(SECURE.saslSslPortOffset)}`,
    `MTLS://${HOST}:${port(SECURE.mtlsPortOffset)}`
  ]
  const tls = path.join(state.runDir, 'tls')
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required ${saslUsers(state).map(([u, p]) => `user_${u}="${p}"`).join(' ')};`
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
  const saslListener = (name: string, mechanisms: string[]): Record<string, string> => Object.fromEntries([
    [`listener.name.${name}.sasl.enabled.mechanisms`, mechanisms.join(',')],
    [`listener.name.${name}.plain.sasl.jaas.config`, plain],
    [`listener.name.${name}.scram-sha-256.sasl.jaas.config`, scram],
    [`listener.name.${name}.scram-sha-512.sasl.jaas.config`, scram],
    ...(mechanisms.includes('OAUTHBEARER') && state.oauth
      ? [[`listener.name.${name}.oauthbearer.sasl.jaas.config`, 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;'],
          [`listener.name.${name}.oauthbearer.sasl.server.callback.handler.class`, OAUTH.validatorClass]]
      : []),
    ...(mechanisms.includes('OAUTHBEARER') && !state.oauth
      ? [[`listener.name.${name}.oauthbearer.sasl.jaas.config`,
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";']]
      : [])
  ])
  return {
    'listeners': [...listeners, `CONTROLLER://${HOST}:${node.controllerPort}`].join(','),
    'advertised.listeners': listeners.join(','),
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL,CONTROLLER:PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    ...saslListener('sasl_plaintext', ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
    ...saslListener('sasl_ssl', ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']),
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': path.join(tls, 'keystore.pem'),
    'ssl.client.auth': 'none',
    'listener.name.mtls.ssl.client.auth': 'required',
    'listener.name.mtls.ssl.truststore.type': 'PEM',
    'listener.name.mtls.ssl.truststore.location': path.join(tls, 'ca.pem'),
    // CN=alice -> User:alice, the SASL user
    'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+).*$/$1/,DEFAULT'
  }
}

// A cluster id as Kafka's Uuid.randomUuid makes them: never starting with '-',
// which the storage tool's argument parser would take for an option.
function newClusterId (): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function serverProperties (state: ClusterState, node: NodeState): string {
  const n = state.nodes.length
  const rf = Math.min(n, 3)
  const minIsr = Math.min(n, 2)
  const voters = state.nodes.map((v) => `${v.id}@${HOST}:${v.controllerPort}`).join(',')
  const mode: Record<string, string | number | boolean> = state.zookeeper
    ? {
        'broker.id': node.id,
        'zookeeper.connect': `${HOST}:${state.zookeeper.port}`,
        'zookeeper.connection.timeout.ms': 30000,
        'listeners': `PLAINTEXT://${HOST}:${node.port}`,
        'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}`
      }
    : {
        'process.roles': 'broker,controller',
        'node.id': node.id,
        'controller.quorum.voters': voters,
        'listeners': `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
        'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name': 'PLAINTEXT',
        'controller.listener.names': 'CONTROLLER'
      }
  const props: Record<string, string | number | boolean> = {
    ...mode,
    'log.dirs': path.join(node.dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'group.initial.rebalance.delay.ms': 0,
    // a killed node's registration only expires after the session timeout (9 s by
    // default) and a restarted node waits for that: shorter here to keep tests fast
    'broker.heartbeat.interval.ms': 1000,
    'broker.session.timeout.ms': 5000,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.retention.check.interval.ms': 300000
  }
  if (state.secure) Object.assign(props, secureListenerProps(state, node))
  if (state.authorizer) Object.assign(props, AUTHORIZER.properties)
  if (state.oauth) {
    props['sasl.oauthbearer.jwks.endpoint.url'] = state.oauth.jwksUrl
    props['sasl.oauthbearer.expected.audience'] = state.oauth.audience
    if (state.oauth.issuer !== undefined) props['sasl.oauthbearer.expected.issuer'] = state.oauth.issuer
  }
  if (state.brokerProperties) Object.assign(props, state.brokerProperties)
  if (state.zookeeper) {
    // KRaft-only settings mean nothing to a ZooKeeper-mode broker
    for (const key of ['broker.heartbeat.interval.ms', 'broker.session.timeout.ms', 'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr']) delete props[key]
  } else if (majorOf(state.version) < 4) {
    // KIP-848 consumer group protocol: on by default from 4.0, opt-in before
    props['group.coordinator.rebalance.protocols'] = 'classic,consumer'
  }
  return `# written by scripts/kafka/cluster.ts for node ${node.id} of a ${n}-node Kafka ${state.version} test cluster\n` +
    Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n'
}

function javaBin (): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
}

function loggingArgs (version: string): string[] {
  return majorOf(version) >= 4
    ? [`-Dlog4j2.configurationFile=${path.join(HERE, 'log4j2.properties')}`]
    : [`-Dlog4j.configuration=file:${path.join(HERE, 'log4j.properties')}`]
}

function heapArgs (): string[] {
  const opts = process.env.KAFKA_HEAP_OPTS
  return opts ? opts.split(/\s+/).filter(Boolean) : ['-Xms256m', '-Xmx768m']
}

function jvmArgs (state: ClusterState, node: NodeState): string[] {
  return [
    ...heapArgs(),
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent', '-XX:+ExitOnOutOfMemoryError', '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${path.join(node.dir, 'logs')}`,
    ...loggingArgs(state.version),
    // markers so status/stop can recognise our JVMs (see nodeAlive, strayBrokers)
    `-Dsamsa.kafka.home=${KAFKA_DIR}`,
    `-Dsamsa.kafka.portBase=${state.portBase}`,
    `-Dsamsa.kafka.dir=${node.dir}`,
    // Kafka 4 (and 3.9.1) fetch only allow-listed OAuth URLs
    ...(state.oauth ? [`-D${OAUTH.allowedUrlsProperty}=${state.oauth.jwksUrl}`] : []),
    '-cp', `${state.libsDir}/*`
  ]
}

// The ZooKeeper server of a Kafka 2.x cluster: a standalone server from the
// broker's own classpath, marked like the brokers so that stop finds it.
function spawnZookeeper (state: ClusterState): void {
  const zk = state.zookeeper!
  fs.mkdirSync(path.join(zk.dir, 'data'), { recursive: true })
  const out = fs.openSync(path.join(zk.dir, 'stdout.log'), 'a')
  try {
    const child = spawn(javaBin(), [
      '-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:-UsePerfData',
      '-Dzookeeper.admin.enableServer=false', '-Dzookeeper.4lw.commands.whitelist=ruok',
      `-Dkafka.logs.dir=${path.join(zk.dir, 'logs')}`,
      ...loggingArgs(state.version),
      `-Dsamsa.kafka.home=${KAFKA_DIR}`,
      `-Dsamsa.kafka.portBase=${state.portBase}`,
      `-Dsamsa.kafka.dir=${zk.dir}`,
      '-cp', `${state.libsDir}/*`,
      'org.apache.zookeeper.server.ZooKeeperServerMain', String(zk.port), path.join(zk.dir, 'data')
    ], { cwd: zk.dir, detached: true, stdio: ['ignore', out, out] })
    child.on('error', () => { /* reported by waitZookeeper */ })
    child.unref()
    if (!child.pid) throw new Error(`could not start ${javaBin()} for ZooKeeper`)
    zk.pid = child.pid
  } finally {
    fs.closeSync(out)
  }
}

// Waits until ZooKeeper answers its 'ruok' four-letter command with 'imok'.
async function waitZookeeper (state: ClusterState, deadline: number): Promise<void> {
  const zk = state.zookeeper!
  for (;;) {
    if (!pidAlive(zk.pid)) throw new Error(`ZooKeeper (pid ${zk.pid}) exited during start:\n${tail(path.join(zk.dir, 'stdout.log'), 20)}`)
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: HOST, port: zk.port })
      let text = ''
      socket.setTimeout(2000, () => socket.destroy())
      socket.on('connect', () => socket.write('ruok'))
      socket.on('data', (d) => { text += String(d) })
      socket.on('error', () => {})
      socket.on('close', () => resolve(text))
    })
    if (answer === 'imok') return
    if (Date.now() > deadline) throw new Error(`ZooKeeper on ${HOST}:${zk.port} did not become ready in time`)
    await sleep(250)
  }
}

async function formatNode (state: ClusterState, node: NodeState): Promise<void> {
  const props = path.join(node.dir, 'server.properties')
  await run(javaBin(), [
    '-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData',
    `-Dkafka.logs.dir=${path.join(node.dir, 'logs')}`,
    ...loggingArgs(state.version),
    '-cp', `${state.libsDir}/*`,
    'kafka.tools.StorageTool', 'format', '-t', state.clusterId, '-c', props,
    ...(state.secure
      ? ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => saslUsers(state).flatMap(([u, p]) => ['--add-scram', `${m}=[name=${u},password=${p}]`]))
      : [])
  ], { cwd: node.dir })
}

function spawnNode (state: ClusterState, node: NodeState): void {
  const out = fs.openSync(path.join(node.dir, 'stdout.log'), 'a')
  try {
    const child = spawn(javaBin(), [...jvmArgs(state, node), 'kafka.Kafka', path.join(node.dir, 'server.properties')], {
      cwd: node.dir,
      detached: true,
      stdio: ['ignore', out, out]
    })
    child.on('error', () => { /* reported through the liveness check */ })
    child.unref()
    if (!child.pid) throw new Error(`could not start ${javaBin()}`)
    node.pid = child.pid
  } finally {
    fs.closeSync(out)
  }
}

// Waits until every node in ids answers ApiVersions and its Metadata lists
// at least `expectedBrokers` brokers (all registered and unfenced).
async function waitReady (state: ClusterState, ids: number[], expectedBrokers: number, deadline: number): Promise<void> {
  const pending = new Set(ids)
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const node = state.nodes.find((n) => n.id === id)!
      if (!nodeAlive(node)) throw new NodeFailure(`node ${id} (pid ${node.pid}) exited during start`, [id])
      try {
        const probe = await probeBroker(HOST, node.port, 2000)
        if (probe.brokers === null || probe.brokers.length >= expectedBrokers) pending.delete(id)
      } catch { /* not yet */ }
    }
    if (pending.size === 0) break
    if (Date.now() > deadline) {
      throw new NodeFailure(`node(s) ${[...pending].join(', ')} did not become ready in time`, [...pending])
    }
    await sleep(250)
  }
}

class NodeFailure extends Error {
  constructor (message: string, readonly ids: number[]) { super(message) }
}

async function probeNode (node: NodeState): Promise<{ result?: ProbeResult, error?: string }> {
  try {
    return { result: await probeBroker(HOST, node.port, 2000) }
  } catch (err) {
    return { error: (err as Error).message }
  }
}

async function statusOf (state: ClusterState | null): Promise<ClusterStatus> {
  if (!state) return { running: false, healthy: false, state: null, bootstrap: null, nodes: [] }
  const nodes: NodeStatus[] = await Promise.all(state.nodes.map(async (node) => {
    const alive = nodeAlive(node)
    const probe = alive ? await probeNode(node) : { error: node.pid ? 'process gone' : 'not running' }
    return {
      id: node.id,
      port: node.port,
      controllerPort: node.controllerPort,
      pid: alive ? node.pid : null,
      alive,
      ready: probe.result !== undefined,
      brokers: probe.result?.brokers ?? null,
      ...(probe.error ? { error: probe.error } : {})
    }
  }))
  const healthy = nodes.every((n) => n.ready && (n.brokers === null || n.brokers.length === nodes.length))
  return { running: nodes.some((n) => n.alive), healthy, state, bootstrap: bootstrapOf(state), nodes }
}

function pruneLeases (state: ClusterState): void {
  state.leases = state.leases.filter((pid) => pidAlive(pid))
}

// ---------------------------------------------------------------- stop (lock held)

async function stopLocked (portBase: number, log: (m: string) => void, opts: { force?: boolean, timeoutMs?: number } = {}): Promise<boolean> {
  const state = readState(portBase)
  const pids = new Set<number>()
  if (state) for (const node of state.nodes) if (nodeAlive(node)) pids.add(node.pid!)
  // a broker's controlled shutdown goes through ZooKeeper: stop the brokers first
  const zk = state?.zookeeper?.pid && pidAlive(state.zookeeper.pid) ? state.zookeeper.pid : null
  for (const pid of strayBrokers(portBase)) if (pid !== zk) pids.add(pid)
  if (!state && pids.size === 0) return false
  if (pids.size > 0) {
    log(`stopping ${pids.size} broker process(es) on port base ${portBase}${opts.force ? ' (SIGKILL)' : ''} ...`)
    await terminate([...pids], opts)
  }
  if (zk) await terminate([zk], opts)
  if (state) fs.rmSync(state.runDir, { recursive: true, force: true })
  removeState(portBase)
  return true
}

// ---------------------------------------------------------------- public API

export async function startCluster (opts: StartOptions = {}): Promise<ClusterInfo> {
  const log = opts.log ?? defaultLog
  const portBase = portBaseFrom(opts)
  const version = versionFrom(opts)
  const count = opts.nodes ?? 1
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`--nodes must be 1..9, not ${count}`)
  const timeoutMs = opts.timeoutMs ?? (Number(process.env.KAFKA_START_TIMEOUT_MS) || DEFAULT_START_TIMEOUT_MS)

  return await withLock(portBase, async () => {
    const existing = readState(portBase)
    if (existing) {
      const status = await statusOf(existing)
      if (status.healthy) {
        const same = existing.version === version && existing.nodes.length === count && (!!existing.secure || !opts.secure)
        if (!same && !opts.reuseAny) {
          throw new Error(`a ${existing.nodes.length}-node Kafka ${existing.version} cluster is already running on ${bootstrapOf(existing)}; ` +
            'stop it first (npm run kafka -- stop) or use another KAFKA_PORT_BASE')
        }
        pruneLeases(existing)
        if (opts.lease && !existing.leases.includes(process.pid)) existing.leases.push(process.pid)
        // a person's explicit start keeps the cluster running after the tests that found it
        if ((opts.owner ?? 'cli') === 'cli') existing.owner = 'cli'
        writeState(existing)
        return { bootstrap: bootstrapOf(existing), version: existing.version, nodes: existing.nodes.length, portBase, reused: true, state: existing }
      }
      log(`the recorded cluster on port base ${portBase} is not healthy; replacing it`)
    }
    await stopLocked(portBase, log, { force: true })

    if (zookeeperMode(version) && opts.secure) throw new Error(`secure clusters need KRaft (Kafka 3.3 or later), not Kafka ${version}`)
    const ports = Array.from({ length: count }, (_, i) => [portBase + i, portBase + CONTROLLER_PORT_OFFSET + i]).flat()
    const busy = await waitPortsFree(ports, 3000)
    if (busy.length > 0) {
      throw new Error(`port(s) ${busy.join(', ')} on ${HOST} are in use by a process this checkout did not start ` +
        '(another checkout\'s broker?); stop it, or set KAFKA_PORT_BASE to use other ports, or KAFKA_BOOTSTRAP to use that broker for tests')
    }

    const libsDir = await ensureKafkaLibs(version, log)
    const runDir = runDirFor(version, portBase)
    fs.rmSync(runDir, { recursive: true, force: true })
    const state: ClusterState = {
      version,
      portBase,
      clusterId: newClusterId(),
      runDir,
      libsDir,
      nodes: Array.from({ length: count }, (_, i) => ({
        id: i + 1,
        port: portBase + i,
        controllerPort: portBase + CONTROLLER_PORT_OFFSET + i,
        dir: path.join(runDir, `node-${i + 1}`),
        pid: null
      })),
      owner: opts.owner ?? 'cli',
      leases: opts.lease ? [process.pid] : [],
      startedAt: new Date().toISOString(),
      ...(opts.secure ? { secure: true } : {}),
      ...(opts.secure && opts.authorizer ? { authorizer: true } : {}),
      ...(opts.secure && opts.oauth ? { oauth: opts.oauth } : {}),
      ...(opts.brokerProperties ? { brokerProperties: opts.brokerProperties } : {}),
      ...(zookeeperMode(version) ? { zookeeper: { port: portBase + CONTROLLER_PORT_OFFSET, dir: path.join(runDir, 'zookeeper'), pid: null } } : {})
    }
    const t0 = Date.now()
    log(`starting a ${count}-node Kafka ${version} cluster on ${bootstrapOf(state)} ...`)
    try {
      if (state.secure) await writeCertificates(state)
      await Promise.all(state.nodes.map(async (node) => {
        fs.mkdirSync(path.join(node.dir, 'logs'), { recursive: true })
        fs.writeFileSync(path.join(node.dir, 'server.properties'), serverProperties(state, node))
        if (!state.zookeeper) await formatNode(state, node)
      }))
      if (state.zookeeper) {
        spawnZookeeper(state)
        writeState(state)
        await waitZookeeper(state, t0 + timeoutMs)
      }
      for (const node of state.nodes) spawnNode(state, node)
      writeState(state)
      await waitReady(state, state.nodes.map((n) => n.id), count, t0 + timeoutMs)
    } catch (err) {
      const pids = [...state.nodes.map((n) => n.pid), state.zookeeper?.pid ?? null].filter((p): p is number => p !== null)
      await terminate(pids, { force: true }).catch(() => {})
      removeState(portBase)
      const ids = err instanceof NodeFailure ? err.ids : undefined
      throw new Error(`Kafka ${version} failed to start: ${(err as Error).message}\n${nodeLogTails(state, ids)}\n` +
        `(logs kept in ${path.relative(REPO_ROOT, runDir)}/)`)
    }
    log(`Kafka ${version} ready on ${bootstrapOf(state)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    return { bootstrap: bootstrapOf(state), version, nodes: count, portBase, reused: false, state }
  }, log)
}

export async function stopCluster (opts: CommonOptions & { force?: boolean, timeoutMs?: number } = {}): Promise<boolean> {
  const log = opts.log ?? defaultLog
  const portBase = portBaseFrom(opts)
  return await withLock(portBase, () => stopLocked(portBase, log, opts), log)
}

// Port bases of this checkout's clusters: those recorded under .kafka/run and
// those of broker JVMs still running without a record (a test process that
// died between starting a node and writing its state).
export function knownPortBases (): number[] {
  const bases = new Set<number>()
  if (fs.existsSync(RUN_DIR)) {
    for (const f of fs.readdirSync(RUN_DIR)) {
      const m = /^cluster-(\d+)\.json$/.exec(f)
      if (m) bases.add(Number(m[1]))
    }
  }
  if (process.platform === 'linux') {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      const cmd = cmdlineOf(Number(entry))
      const m = cmd?.includes(`-Dsamsa.kafka.home=${KAFKA_DIR} `) ? /-Dsamsa\.kafka\.portBase=(\d+) /.exec(cmd) : null
      if (m) bases.add(Number(m[1]))
    }
  }
  return [...bases].sort((a, b) => a - b)
}

// Stops every cluster of this checkout (knownPortBases), or only those whose
// port base lies in one of `within` ([lo, hi] inclusive), e.g. the bases a CI
// run used. Returns the port bases it stopped.
export async function stopAllClusters (opts: { within?: Array<[number, number]>, force?: boolean, timeoutMs?: number, log?: (m: string) => void } = {}): Promise<number[]> {
  const stopped: number[] = []
  for (const portBase of knownPortBases()) {
    if (opts.within && !opts.within.some(([lo, hi]) => portBase >= lo && portBase <= hi)) continue
    if (await stopCluster({ ...opts, portBase })) stopped.push(portBase)
  }
  return stopped
}

// Drops this process's lease; stops the cluster when a harness started it and
// no live process holds a lease any more. Returns true when it stopped it.
export async function releaseCluster (opts: CommonOptions = {}): Promise<boolean> {
  const log = opts.log ?? defaultLog
  const portBase = portBaseFrom(opts)
  return await withLock(portBase, async () => {
    const state = readState(portBase)
    if (!state) return false
    state.leases = state.leases.filter((pid) => pid !== process.pid)
    pruneLeases(state)
    if (state.owner === 'harness' && state.leases.length === 0) return await stopLocked(portBase, log)
    writeState(state)
    return false
  }, log)
}

function nodeOf (state: ClusterState | null, id: number, portBase: number): NodeState {
  if (!state) throw new Error(`no cluster is running on port base ${portBase}`)
  const node = state.nodes.find((n) => n.id === id)
  if (!node) throw new Error(`no node ${id}: the cluster has nodes ${state.nodes.map((n) => n.id).join(', ')}`)
  return node
}

export async function killNode (id: number, opts: CommonOptions = {}): Promise<void> {
  const log = opts.log ?? defaultLog
  const portBase = portBaseFrom(opts)
  await withLock(portBase, async () => {
    const state = readState(portBase)
    const node = nodeOf(state, id, portBase)
    if (nodeAlive(node)) {
      log(`kill -9 node ${id} (pid ${node.pid})`)
      await terminate([node.pid!], { force: true })
    } else {
      log(`node ${id} is not running`)
    }
    node.pid = null
    writeState(state!)
  }, log)
}

export async function stopNode (id: number, opts: CommonOptions & { timeoutMs?: number } = {}): Promise<void> {
  const log = opts.log ?? defaultLog
  const portBase = portBaseFrom(opts)
  await withLock(portBase, async () => {
    const state = readState(portBase)
    const node = nodeOf(state, id, portBase)
    if (nodeAlive(node)) {
      log(`stopping node ${id} (pid ${node.pid})`)
      await terminate([node.pid!], { timeoutMs: opts.timeoutMs })
    }
    node.pid = null
    writeState(state!)
  }, log)
}

// Stops node id (SIGTERM, or SIGKILL with kill: true), starts it again on its
// data dir and waits until it answers and sees every running node.
export async function restartNode (id: number, opts: CommonOptions & { kill?: boolean, timeoutMs?: number } = {}): Promise<void> {
  const log = opts.log ?? defaultLog
  const portBase = portBaseFrom(opts)
  await withLock(portBase, async () => {
    const state = readState(portBase)!
    const node = nodeOf(state, id, portBase)
    const t0 = Date.now()
    if (nodeAlive(node)) {
      log(`${opts.kill ? 'kill -9' : 'stopping'} node ${id} (pid ${node.pid})`)
      await terminate([node.pid!], { force: opts.kill })
    }
    node.pid = null
    const busy = await waitPortsFree([node.port, node.controllerPort])
    if (busy.length > 0) throw new Error(`port(s) ${busy.join(', ')} still in use after node ${id} stopped`)
    spawnNode(state, node)
    writeState(state)
    const running = state.nodes.filter((n) => n.id === id || nodeAlive(n)).length
    try {
      await waitReady(state, [id], running, t0 + (opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS))
    } catch (err) {
      await terminate([node.pid!], { force: true }).catch(() => {})
      node.pid = null
      writeState(state)
      throw new Error(`node ${id} failed to restart: ${(err as Error).message}\n${nodeLogTails(state, [id])}`)
    }
    log(`node ${id} back on ${HOST}:${node.port} (pid ${node.pid}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }, log)
}

export async function clusterStatus (opts: CommonOptions = {}): Promise<ClusterStatus> {
  return await statusOf(readState(portBaseFrom(opts)))
}
