/**
 * Turns the runs of a benchmark into per-cell figures (median with min, max
 * and their spread, max ÷ min) and prints them: a markdown table per scenario, the settings table,
 * and the JSON document `--json FILE` writes.
 */
import type { Scenario } from '../scenarios.js'
import { SETTINGS } from '../settings.js'
import type { DriverReport } from './job.js'
import { clientRssMb } from './verify.js'
import type { TargetCheck } from './targets.js'

export interface CellRun {
  scenario: string
  client: string
  round: number
  report?: DriverReport
  failed?: string
}

/** One cell of the --json output. The first nine fields are the contract. */
export interface CellResult {
  scenario: string
  client: string
  msgsPerSec: number | null
  mbPerSec: number | null
  cpuUsPerMsg: number | null
  rssMb: number | null
  p50Ms: number | null
  p99Ms: number | null
  runs: number
  msgsPerSecMin: number | null
  msgsPerSecMax: number | null
  /** max ÷ min of the runs' msgs/s (1 = no spread; the machine's load shows here first) */
  msgsPerSecSpread: number | null
  p999Ms: number | null
  joinMs: number | null
  /** CPU the broker used while the client process ran, per message (see run.ts brokerCpuUs) */
  brokerCpuUsPerMsg: number | null
  failedRuns: number
  /** consumer: median msgs/s from creating the consumer to the N-th record (ramp-up counts) */
  fromCreateMsgsPerSec: number | null
  /** group: median msgs/s from the moment every member owned partitions to the N-th record */
  afterOwnMsgsPerSec?: number | null
  /** consumer: median process CPU inside the msgs/s window per record (Java: after its warm-up share) */
  windowCpuUsPerMsg: number | null
  /** median peak RSS minus the process's RSS before the client's module was loaded (bench/lib/verify.ts clientRssMb; Java: the whole peak) */
  clientRssMb?: number | null
  /** every run's raw report (failed runs with why), in run order */
  raw: { round: number, failed?: string, report?: DriverReport }[]
  unavailable?: string
  /** set when a run's records did not check out (bench/lib/verify.ts): the cell quotes no throughput */
  verificationFailed?: string
  note?: string
}

export interface ResultsDoc {
  broker: string
  node: string
  date: string
  machine: string
  mode: 'quick' | 'full'
  /** the CRC-32C samsa ran with: its own native one (native/build/crc32c.node) or @node-rs/crc32 */
  samsaCrc32c?: 'samsa' | '@node-rs/crc32'
  /** the LZ4 codec samsa ran with: its own native block decoder and (from 2026-12-07) encoder (native/build/lz4.node), or lz4-napi's */
  samsaLz4Decoder?: 'samsa' | 'lz4-napi'
  /** the Snappy codec samsa ran with: its own native block decoder and (from 2026-12-07) encoder (native/build/snappy.node), or the snappy package's */
  samsaSnappyDecoder?: 'samsa' | 'snappy'
  /** the zstd samsa ran with: its own native module over the system's libzstd (native/build/zstd.node) or @mongodb-js/zstd */
  samsaZstd?: 'samsa' | '@mongodb-js/zstd'
  results: CellResult[]
  /** issue 10's targets checked against `results` (bench/lib/targets.ts) */
  targets?: TargetCheck[]
}

export function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits))

/** max ÷ min, 2 decimals */
export function spread (xs: number[]): number {
  return round(Math.max(...xs) / Math.min(...xs), 2)
}

function medianOf (reports: DriverReport[], pick: (r: DriverReport) => number | undefined, digits: number): number | null {
  const xs = reports.map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x))
  return xs.length === 0 ? null : round(median(xs), digits)
}

export function summarise (runs: CellRun[], unavailable: Map<string, string>, scenarios: string[], clients: string[]): CellResult[] {
  const out: CellResult[] = []
  for (const scenario of scenarios) {
    for (const client of clients) {
      const mine = runs.filter((r) => r.scenario === scenario && r.client === client)
      const reports = mine.filter((r) => !r.failed).map((r) => r.report).filter((r): r is DriverReport => r !== undefined && r.records > 0 && r.elapsedMs > 0)
      const rates = reports.map((r) => r.records / (r.elapsedMs / 1000))
      const cell: CellResult = {
        scenario,
        client,
        msgsPerSec: rates.length ? Math.round(median(rates)) : null,
        mbPerSec: medianOf(reports, (r) => r.bytes / 1e6 / (r.elapsedMs / 1000), 1),
        cpuUsPerMsg: medianOf(reports, (r) => r.cpuUs / r.records, 2),
        rssMb: medianOf(reports, (r) => r.rssMb, 0),
        p50Ms: medianOf(reports, (r) => r.p50Ms, 3),
        p99Ms: medianOf(reports, (r) => r.p99Ms, 3),
        runs: reports.length,
        msgsPerSecMin: rates.length ? Math.round(Math.min(...rates)) : null,
        msgsPerSecMax: rates.length ? Math.round(Math.max(...rates)) : null,
        msgsPerSecSpread: rates.length ? spread(rates) : null,
        p999Ms: medianOf(reports, (r) => r.p999Ms, 3),
        joinMs: medianOf(reports, (r) => r.joinMs, 0),
        brokerCpuUsPerMsg: medianOf(reports, (r) => r.brokerCpuUs === undefined ? undefined : r.brokerCpuUs / r.records, 2),
        failedRuns: mine.filter((r) => r.failed).length,
        fromCreateMsgsPerSec: medianOf(reports, (r) => r.fromCreateMs === undefined ? undefined : (r.fromCreateRecords ?? r.records) / (r.fromCreateMs / 1000), 0),
        windowCpuUsPerMsg: medianOf(reports, (r) => r.windowCpuUs === undefined ? undefined : r.windowCpuUs / r.records, 2),
        ...(reports.some((r) => r.runtimeRssMb !== undefined) ? { clientRssMb: medianOf(reports, clientRssMb, 0) } : {}),
        ...(reports.some((r) => r.afterOwnMs !== undefined)
          ? { afterOwnMsgsPerSec: medianOf(reports, (r) => r.afterOwnMs && r.afterOwnRecords ? r.afterOwnRecords / (r.afterOwnMs / 1000) : undefined, 0) }
          : {}),
        raw: mine.map((r) => ({ round: r.round, ...(r.failed ? { failed: r.failed } : {}), ...(r.report ? { report: r.report } : {}) }))
      }
      // A run whose records did not check out (it has a report and failed) fails the whole cell.
      const unverified = mine.find((r) => r.failed && r.report)
      if (unverified) {
        cell.verificationFailed = unverified.failed!
        cell.msgsPerSec = cell.msgsPerSecMin = cell.msgsPerSecMax = cell.msgsPerSecSpread = cell.mbPerSec = cell.cpuUsPerMsg = cell.fromCreateMsgsPerSec = cell.windowCpuUsPerMsg = null
      }
      const why = unavailable.get(`${scenario}/${client}`)
      if (why) cell.unavailable = why
      const note = reports.find((r) => r.note)?.note
      if (note) cell.note = note
      out.push(cell)
    }
  }
  return out
}

const fmtInt = (x: number | null): string => x === null ? '–' : Math.round(x).toLocaleString('en-US')
const fmt = (x: number | null, digits: number): string => x === null ? '–' : x.toFixed(digits)

export function formatResults (doc: ResultsDoc, scenarios: Scenario[]): string {
  const lines: string[] = []
  lines.push(`# samsa benchmark (${doc.mode} run)`, '',
    `${doc.date.slice(0, 10)} · ${doc.machine} · Node ${doc.node} · Kafka ${doc.broker} (one local broker)`, '')
  for (const s of scenarios) {
    const cells = doc.results.filter((r) => r.scenario === s.name)
    if (cells.length === 0) continue
    const latency = cells.some((c) => c.p50Ms !== null)
    const join = s.role === 'consumer' || s.role === 'share' || s.role === 'avro-consumer' || s.role === 'group'
    lines.push(`## ${s.name}`, '', s.describe, '')
    const broker = cells.some((c) => c.brokerCpuUsPerMsg !== null)
    const windowCpu = cells.some((c) => c.windowCpuUsPerMsg !== null)
    const head = ['client', 'msgs/s (median)', 'min – max', 'max/min', 'MB/s', 'CPU µs/msg']
    if (windowCpu) head.push('window CPU µs/msg')
    head.push('peak RSS MB')
    const held = s.bufferMemory !== undefined
    if (held) head.push('client RSS MB')
    if (broker) head.push('broker CPU µs/msg')
    if (latency) head.push('p50 ms', 'p99 ms', 'p99.9 ms')
    if (join) head.push(...(s.role === 'group' ? ['all own ms', 'msgs/s after all own'] : ['join ms', 'msgs/s from creating']))
    head.push('runs')
    lines.push(`| ${head.join(' | ')} |`, `|${head.map((h, i) => i === 0 ? '---' : '---:').join('|')}|`)
    for (const c of cells) {
      const label = SETTINGS.find((x) => x.client === c.client)?.label ?? c.client
      if (c.unavailable) {
        lines.push(`| ${label} | n/a | | | | | |${windowCpu ? ' |' : ''}${held ? ' |' : ''}${broker ? ' |' : ''}${latency ? ' | | |' : ''}${join ? ' | |' : ''} 0 |`)
        continue
      }
      if (c.verificationFailed) {
        lines.push(`| ${label} | FAILED verification: ${c.verificationFailed} | | | | | |${windowCpu ? ' |' : ''}${held ? ' |' : ''}${broker ? ' |' : ''}${latency ? ' | | |' : ''}${join ? ' | |' : ''} ${c.runs} (+${c.failedRuns} failed) |`)
        continue
      }
      const row = [label, fmtInt(c.msgsPerSec), c.msgsPerSecMin === null ? '–' : `${fmtInt(c.msgsPerSecMin)} – ${fmtInt(c.msgsPerSecMax)}`,
        c.msgsPerSecSpread === null ? '–' : `${c.msgsPerSecSpread.toFixed(2)}×`, fmt(c.mbPerSec, 1), fmt(c.cpuUsPerMsg, 2)]
      if (windowCpu) row.push(fmt(c.windowCpuUsPerMsg, 2))
      row.push(fmt(c.rssMb, 0))
      if (held) row.push(fmt(c.clientRssMb ?? c.rssMb, 0))
      if (broker) row.push(fmt(c.brokerCpuUsPerMsg, 2))
      if (latency) row.push(fmt(c.p50Ms, 2), fmt(c.p99Ms, 2), fmt(c.p999Ms, 2))
      if (join) row.push(fmtInt(c.joinMs), fmtInt(s.role === 'group' ? c.afterOwnMsgsPerSec ?? null : c.fromCreateMsgsPerSec))
      row.push(c.failedRuns ? `${c.runs} (+${c.failedRuns} failed)` : String(c.runs))
      lines.push(`| ${row.join(' | ')} |`)
    }
    const na = cells.filter((c) => c.unavailable)
    if (na.length) lines.push('', ...na.map((c) => `- n/a ${c.client}: ${c.unavailable}`))
    const samsa = cells.find((c) => c.client === 'samsa')
    if (samsa?.msgsPerSec && s.rate === 0) { // a fixed-rate scenario has nothing to compare
      const ratios = cells.filter((c) => c.client !== 'samsa' && c.msgsPerSec).map((c) => `${(samsa.msgsPerSec! / c.msgsPerSec!).toFixed(2)}× ${c.client}`)
      if (ratios.length) lines.push('', `samsa msgs/s relative to: ${ratios.join(', ')}`)
    }
    lines.push('')
  }
  const share = scenarios.some((s) => s.role === 'share')
  lines.push('## Settings per client', '', `| client | runtime | produce | consume |${share ? ' share consume |' : ''}`, `|---|---|---|---|${share ? '---|' : ''}`)
  for (const s of SETTINGS) lines.push(`| ${s.label} | ${s.runtime} | ${s.produce} | ${s.consume} |${share ? ` ${s.share ?? 'n/a (no share consumer)'} |` : ''}`)
  lines.push('')
  return lines.join('\n')
}
