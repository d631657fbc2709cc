// npm test [-- --unit] [-- <file filters>] [-- <node --test flags>]
//
// Finds test/**/*.test.ts, starts (or reuses) a Kafka broker when an
// integration test is among them and KAFKA_BOOTSTRAP is not set, runs node's
// test runner over the files with KAFKA_BOOTSTRAP / KAFKA_VERSION exported,
// and stops the broker afterwards when this harness started it. Tests under
// test/integration/schema-registry/ also get a Schema Registry (Apicurio, see
// scripts/registry.ts) on SCHEMA_REGISTRY_TEST_PORT (28081) unless
// SCHEMA_REGISTRY_URL is set.
// The exit code is the runner's. See docs/testing.md.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { REPO_ROOT, releaseCluster, startCluster } from './kafka/cluster.js'
import { startRegistry, stopRegistry } from './registry/registry.js'
import { FakeKafka } from '../src/testing/fake-kafka/index.js'

const TEST_DIR = path.join(REPO_ROOT, 'test')
const INTEGRATION_DIR = path.join(TEST_DIR, 'integration') + path.sep
// Tests that need a Schema Registry (started here when SCHEMA_REGISTRY_URL is unset).
const REGISTRY_DIRS = [path.join(INTEGRATION_DIR, 'schema-registry') + path.sep]
const REGISTRY_FILES = [path.join(INTEGRATION_DIR, 'examples', 'schema-registry.test.ts'), path.join(INTEGRATION_DIR, 'cli', 'schema-registry.test.ts')]

const log = (message: string): void => { process.stderr.write(`[test] ${message}\n`) }

function findTests (dir: string): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...findTests(full))
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(full)
  }
  return out.sort()
}

function parse (argv: string[]): { unit: boolean, filters: string[], nodeFlags: string[] } {
  let unit = false
  const filters: string[] = []
  const nodeFlags: string[] = []
  for (const arg of argv) {
    if (arg === '--unit') unit = true
    else if (arg.startsWith('-')) nodeFlags.push(arg) // e.g. --test-name-pattern=foo, --test-reporter=spec
    else filters.push(arg)
  }
  return { unit, filters, nodeFlags }
}

function matches (file: string, filters: string[]): boolean {
  if (filters.length === 0) return true
  const rel = path.relative(REPO_ROOT, file)
  return filters.some((f) => {
    const abs = path.resolve(f)
    return file === abs || file.startsWith(abs + path.sep) || rel.includes(f)
  })
}

/**
 * Each test file's (and each test's) budget: node --test's --test-timeout, unless given. A hang
 * detector, not a performance bound: the slowest files take 60–66% of 180 s in a CI run that shares
 * its two cores with other work (oauth's 60 s re-authentication stream, the share consumer's
 * suite), so 240 s.
 */
const FILE_BUDGET_MS = 240_000

/** The slowest files of a run (lines of file-times-reporter.mjs), each with its share of the budget. */
function slowestFiles (lines: string, budgetMs: number, count = 8): string {
  const files = lines.split('\n').filter((l) => l !== '').map((l) => {
    const [seconds, outcome, file] = l.split('\t')
    return { seconds: Number(seconds), outcome, file }
  }).sort((a, b) => b.seconds - a.seconds).slice(0, count)
  const rows = files.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${String(Math.round(f.seconds * 100_000 / budgetMs)).padStart(3)}%  ${f.file}${f.outcome === 'ok' ? '' : ` (${f.outcome})`}`)
  return `slowest files (share of the ${budgetMs / 1000} s each file gets):\n${rows.join('\n')}`
}

async function main (): Promise<number> {
  const { unit, filters, nodeFlags } = parse(process.argv.slice(2))
  let files = findTests(TEST_DIR)
  if (unit) files = files.filter((f) => !f.startsWith(INTEGRATION_DIR))
  files = files.filter((f) => matches(f, filters))
  if (files.length === 0) {
    log(filters.length > 0 ? `no test file matches ${filters.join(' ')}` : 'no test files found')
    return filters.length > 0 ? 1 : 0
  }

  const env = { ...process.env }
  let leased = false
  let fake: FakeKafka | undefined
  const needsBroker = files.some((f) => f.startsWith(INTEGRATION_DIR))
  if (needsBroker && process.env.SAMSA_TEST_BROKER === 'fake') {
    // samsa/testing's in-process cluster, in this process (the tests reach it over TCP)
    fake = new FakeKafka({ brokers: Number(process.env.KAFKA_NODES) || 3, onError: (err) => { log(`FakeKafka: ${err.stack ?? err.message}`) } })
    env.KAFKA_BOOTSTRAP = await fake.listen()
    env.KAFKA_VERSION = '4.4.0'
    log(`started a ${fake.brokerIds.length}-broker FakeKafka at ${env.KAFKA_BOOTSTRAP} (SAMSA_TEST_BROKER=fake)`)
  } else if (needsBroker && !process.env.KAFKA_BOOTSTRAP) {
    const t0 = Date.now()
    const info = await startCluster({
      nodes: Number(process.env.KAFKA_NODES) || 1,
      // with KAFKA_VERSION unset, any healthy cluster this checkout runs will do
      reuseAny: !process.env.KAFKA_VERSION,
      owner: 'harness',
      lease: true,
      log: (m) => log(m)
    })
    leased = true
    env.KAFKA_BOOTSTRAP = info.bootstrap
    env.KAFKA_VERSION = info.version
    log(`${info.reused ? 'using the running' : 'started a'} ${info.nodes}-node Kafka ${info.version} cluster at ${info.bootstrap} ` +
      `(${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  } else if (needsBroker) {
    log(`using KAFKA_BOOTSTRAP=${process.env.KAFKA_BOOTSTRAP} (Kafka ${process.env.KAFKA_VERSION ?? 'version unknown: set KAFKA_VERSION'})`)
  }

  let registryPort: number | undefined
  const needsRegistry = files.some((f) => REGISTRY_DIRS.some((d) => f.startsWith(d)) || REGISTRY_FILES.includes(f))
  if (needsRegistry && !process.env.SCHEMA_REGISTRY_URL) {
    const port = Number(process.env.SCHEMA_REGISTRY_TEST_PORT) || 28081
    const info = await startRegistry(port, (m) => log(m))
    if (!info.reused) registryPort = port
    env.SCHEMA_REGISTRY_URL = info.url
    log(`${info.reused ? 'using the running' : 'started a'} schema registry at ${info.url}`)
  }

  // Integration tests use their own topics and groups, so files may run side
  // by side; 2 at a time suits a 2-core machine that also runs the broker.
  const concurrency = Number(process.env.TEST_CONCURRENCY) || 2
  const timeoutMs = Number(process.env.TEST_TIMEOUT_MS) || 25 * 60_000
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`]
  // node --test holds each test AND each file (all its tests and hooks together) to this budget.
  const fileBudgetMs = Number(nodeFlags.find((f) => f.startsWith('--test-timeout='))?.split('=')[1]) || FILE_BUDGET_MS
  if (!nodeFlags.some((f) => f.startsWith('--test-timeout'))) args.push(`--test-timeout=${FILE_BUDGET_MS}`)
  // Beside the usual TAP output, a list of just the failures, printed again at
  // the end (and kept in .tmp/test-failures.txt for CI to show last).
  const failuresFile = path.join(REPO_ROOT, '.tmp', 'test-failures.txt')
  // and each file's wall time, for the slowest files' list at the end
  const fileTimesFile = path.join(REPO_ROOT, '.tmp', 'test-file-times.txt')
  fs.mkdirSync(path.dirname(failuresFile), { recursive: true })
  fs.rmSync(failuresFile, { force: true })
  fs.rmSync(fileTimesFile, { force: true })
  const ownReporters = !nodeFlags.some((f) => f.startsWith('--test-reporter'))
  if (ownReporters) {
    args.push('--test-reporter=tap', '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(REPO_ROOT, 'scripts', 'test', 'failures-reporter.mjs')}`,
      `--test-reporter-destination=${failuresFile}`,
      `--test-reporter=${path.join(REPO_ROOT, 'scripts', 'test', 'file-times-reporter.mjs')}`,
      `--test-reporter-destination=${fileTimesFile}`)
  }
  args.push(...nodeFlags, ...files.map((f) => path.relative(REPO_ROOT, f)))
  log(`node ${args.slice(0, 4 + (args.length - 4 - files.length)).join(' ')} <${files.length} file(s)>`)

  const t0 = Date.now()
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: 'inherit' })
    const forward = (sig: NodeJS.Signals): void => { child.kill(sig) }
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    const watchdog = setTimeout(() => {
      log(`the test run exceeded ${timeoutMs / 1000} s (TEST_TIMEOUT_MS); killing it`)
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (err) => { log(`could not run node: ${err.message}`); resolve(1) })
    child.on('exit', (status, signal) => {
      clearTimeout(watchdog)
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(status ?? (signal ? 1 : 0))
    })
  })
  log(`test run took ${((Date.now() - t0) / 1000).toFixed(1)} s, exit code ${code}`)
  if (ownReporters && fs.existsSync(fileTimesFile)) log(slowestFiles(fs.readFileSync(fileTimesFile, 'utf8'), fileBudgetMs))
  if (ownReporters && fs.existsSync(failuresFile)) {
    const failures = fs.readFileSync(failuresFile, 'utf8').trim()
    if (failures !== '') log(`failed tests:\n${failures}`)
  }

  if (registryPort !== undefined) await stopRegistry(registryPort, (m) => log(m)).catch((e: Error) => log(`could not stop the registry: ${e.message}`))
  if (fake !== undefined) await fake.close()
  if (leased) {
    try {
      if (await releaseCluster({ log: (m) => log(m) })) log('stopped the Kafka cluster (started by a test run; no other run uses it)')
    } catch (err) {
      log(`could not release the Kafka cluster: ${(err as Error).message}`)
    }
  }
  return code
}

main().then((code) => { process.exitCode = code }, (err: Error) => {
  log(err.message)
  process.exitCode = 1
})
