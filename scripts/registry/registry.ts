// A real Confluent-compatible Schema Registry for the tests of
// samsa/schema-registry: Apicurio Registry 2.4.2.Final (Apache-2.0), built from
// Maven Central by scripts/registry/pom.xml into .registry/build (once; about
// 10 s when ~/.m2 has it, a few minutes cold), run with in-memory storage.
// Its Confluent API is at http://127.0.0.1:<port>/apis/ccompat/v7 (and v6).
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from '../kafka/cluster.js'

export const REGISTRY_DIR = path.join(REPO_ROOT, '.registry')
const BUILD = path.join(REGISTRY_DIR, 'build')
const JAR = path.join(BUILD, 'quarkus-app', 'quarkus-run.jar')
const POM = path.join(REPO_ROOT, 'scripts', 'registry', 'pom.xml')
/** The path of the Confluent-compatible API under the registry's address. */
export const CCOMPAT_PATH = '/apis/ccompat/v7'

const defaultLog = (m: string): void => { process.stderr.write(`[registry] ${m}\n`) }
const pidFile = (port: number): string => path.join(REGISTRY_DIR, `${port}.pid`)
const logFile = (port: number): string => path.join(REGISTRY_DIR, `${port}.log`)

export function urlFor(port: number): string {
  return `http://127.0.0.1:${port}${CCOMPAT_PATH}`
}

/** Builds the registry with Maven unless .registry/build has it. */
export async function fetchRegistry(log = defaultLog): Promise<string> {
  if (fs.existsSync(JAR)) return JAR
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).error) {
    throw new Error('mvn not found; install Maven and a JDK 17+ (e.g. apt-get install -y maven openjdk-17-jdk-headless)')
  }
  const t0 = Date.now()
  log('building Apicurio Registry 2.4.2.Final with Maven (a few minutes on a cold ~/.m2) ...')
  await new Promise<void>((resolve, reject) => {
    const child = spawn('mvn', ['-q', '-B', '-f', POM, `-Dregistry.out=${BUILD}`, '-Dquarkus.package.type=fast-jar',
      '-Dquarkus.index-dependency.apicurio-app.group-id=io.apicurio',
      '-Dquarkus.index-dependency.apicurio-app.artifact-id=apicurio-registry-app', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mvn exited with ${code}:\n${out.slice(-4000)}`))))
  })
  if (!fs.existsSync(JAR)) throw new Error(`Maven did not produce ${path.relative(REPO_ROOT, JAR)}`)
  log(`Apicurio Registry built in ${path.relative(REPO_ROOT, BUILD)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  return JAR
}

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function runningPid(port: number): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(port), 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

export interface RegistryInfo { url: string, port: number, pid: number | undefined, reused: boolean }

/** Starts the registry on 127.0.0.1:`port` (or reuses one answering there); resolves once it is ready. */
export async function startRegistry(port: number, log = defaultLog): Promise<RegistryInfo> {
  if (await ready(port)) return { url: urlFor(port), port, pid: runningPid(port), reused: true }
  await fetchRegistry(log)
  fs.mkdirSync(REGISTRY_DIR, { recursive: true })
  const out = fs.openSync(logFile(port), 'w')
  // One worker thread: Apicurio 2.4's in-memory (H2) storage takes the next
  // global id in a transaction that commits later, so two registrations at
  // once (any subjects: the test files share this registry) can get the same
  // id and one is answered 409 "artifact version 'null' already exists" or
  // "artifact ... already exists" (2.6 made the counter atomic). samsa's client
  // registers again on that answer; Confluent's peers in the interop tests do
  // not, so the registry the tests use serves one request at a time.
  const child = spawn('java', ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dquarkus.thread-pool.max-threads=1',
    `-Dquarkus.http.port=${port}`, '-Dquarkus.http.host=127.0.0.1', '-jar', JAR], { cwd: REGISTRY_DIR, detached: true, stdio: ['ignore', out, out] })
  fs.closeSync(out)
  child.unref()
  fs.writeFileSync(pidFile(port), `${child.pid}\n`)
  const t0 = Date.now()
  log(`starting Apicurio Registry on 127.0.0.1:${port} (pid ${child.pid}, log ${path.relative(REPO_ROOT, logFile(port))}) ...`)
  const deadline = t0 + 180_000
  while (Date.now() < deadline) {
    if (await ready(port)) {
      log(`registry ready at ${urlFor(port)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      return { url: urlFor(port), port, pid: child.pid, reused: false }
    }
    if (child.pid === undefined || !alive(child.pid)) break
    await new Promise((r) => setTimeout(r, 500))
  }
  await stopRegistry(port, () => undefined)
  const tail = fs.existsSync(logFile(port)) ? fs.readFileSync(logFile(port), 'utf8').slice(-3000) : ''
  throw new Error(`the registry on port ${port} did not become ready within 180 s; its log ends:\n${tail}`)
}

/** Stops the registry this script started on `port`; false when none was running. */
export async function stopRegistry(port: number, log = defaultLog): Promise<boolean> {
  const pid = runningPid(port)
  fs.rmSync(pidFile(port), { force: true })
  if (pid === undefined) return false
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100))
  if (alive(pid)) process.kill(pid, 'SIGKILL')
  log(`stopped the registry on port ${port} (pid ${pid})`)
  return true
}

export async function registryStatus(port: number): Promise<string> {
  const pid = runningPid(port)
  const ok = await ready(port)
  return ok ? `ready at ${urlFor(port)}${pid !== undefined ? ` (pid ${pid})` : ' (not started by this script)'}` : pid !== undefined ? `pid ${pid} running, not ready` : 'not running'
}
