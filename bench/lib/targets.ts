/**
 * Issue 10's targets, checked against one run's cells (medians, same machine,
 * same run) and printed after the tables:
 * - throughput: at produce-1KiB-acks1, produce-1KiB-defaults, consume-1KiB and
 *   consume-1KiB-defaults, samsa's msgs/s at least 1.2× every other
 *   JavaScript client's;
 * - CPU: in every scenario, samsa's CPU µs per message no more than any
 *   JavaScript client's that ran it;
 * - time to first record: at consume-1KiB and consume-1KiB-defaults, samsa's
 *   join ms (creating the consumer → first record) no more than the best
 *   peer's (Java included).
 * A throughput or join check whose cell has no figures (failed verification)
 * is listed and never counted as met; a peer that did not run the scenario
 * (not in the run, or n/a for it) is left out.
 */
import type { CellResult } from './report.js'

export const THROUGHPUT_SCENARIOS = ['produce-1KiB-acks1', 'produce-1KiB-defaults', 'consume-1KiB', 'consume-1KiB-defaults']
export const JOIN_SCENARIOS = ['consume-1KiB', 'consume-1KiB-defaults']
export const MIN_RATIO = 1.2
/** The other JavaScript clients of the bench (Java is a peer only for time to first record). */
export const JS_PEERS = ['kafkajs', 'kafkats', 'platformatic', 'confluent']

export interface TargetCheck {
  target: 'throughput' | 'cpu' | 'join'
  scenario: string
  peer: string
  samsa: number | null
  other: number | null
  /** throughput: samsa ÷ peer; cpu and join: peer ÷ samsa (above 1: samsa better) */
  ratio: number | null
  met: boolean
}

const value = (cell: CellResult | undefined, pick: (c: CellResult) => number | null | undefined): number | null => {
  if (!cell || cell.unavailable || cell.verificationFailed) return null
  return pick(cell) ?? null
}

export function checkTargets (results: CellResult[]): TargetCheck[] {
  const cell = (scenario: string, client: string): CellResult | undefined => results.find((c) => c.scenario === scenario && c.client === client)
  const out: TargetCheck[] = []
  const scenarios = [...new Set(results.map((c) => c.scenario))]
  for (const scenario of scenarios.filter((s) => THROUGHPUT_SCENARIOS.includes(s))) {
    const samsa = value(cell(scenario, 'samsa'), (c) => c.msgsPerSec)
    for (const peer of JS_PEERS) {
      const theirs = cell(scenario, peer)
      if (!theirs || theirs.unavailable) continue // not run, or n/a for that client
      const other = value(theirs, (c) => c.msgsPerSec)
      const ratio = samsa !== null && other ? samsa / other : null
      out.push({ target: 'throughput', scenario, peer, samsa, other, ratio, met: ratio !== null && ratio >= MIN_RATIO })
    }
  }
  for (const scenario of scenarios) {
    const samsa = value(cell(scenario, 'samsa'), (c) => c.cpuUsPerMsg)
    for (const peer of JS_PEERS) {
      const other = value(cell(scenario, peer), (c) => c.cpuUsPerMsg)
      if (other === null) continue // the peer has no figure here: nothing to compare
      const ratio = samsa ? other / samsa : null
      out.push({ target: 'cpu', scenario, peer, samsa, other, ratio, met: samsa !== null && samsa <= other })
    }
  }
  for (const scenario of scenarios.filter((s) => JOIN_SCENARIOS.includes(s))) {
    const samsa = value(cell(scenario, 'samsa'), (c) => c.joinMs)
    const peers = results.filter((c) => c.scenario === scenario && c.client !== 'samsa')
      .map((c) => ({ peer: c.client, ms: value(c, (x) => x.joinMs) }))
      .filter((p): p is { peer: string, ms: number } => p.ms !== null)
    if (peers.length === 0) continue
    const best = peers.reduce((a, b) => (b.ms < a.ms ? b : a))
    const ratio = samsa ? best.ms / samsa : null
    out.push({ target: 'join', scenario, peer: best.peer, samsa, other: best.ms, ratio, met: samsa !== null && samsa <= best.ms })
  }
  return out
}

const num = (x: number | null, digits: number): string => x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The checks as a markdown section: every throughput and join check, and the CPU checks that were missed (the others counted). */
export function formatTargets (checks: TargetCheck[]): string {
  if (checks.length === 0) return ''
  const missed = checks.filter((c) => !c.met)
  const lines = ['## Against the targets (issue 10)', '',
    `${checks.length - missed.length} of ${checks.length} checks met` +
    (missed.length ? `; missed: ${missed.map((c) => `${c.target} ${c.scenario} vs ${c.peer}`).join(', ')}` : ''), '',
    '| target | scenario | peer | samsa | peer\'s | ratio | met |', '|---|---|---|---:|---:|---:|---|']
  const cpu = checks.filter((c) => c.target === 'cpu')
  for (const c of checks) {
    if (c.target === 'cpu' && c.met) continue
    const digits = c.target === 'cpu' ? 2 : 0
    const target = c.target === 'throughput' ? `msgs/s ≥ ${MIN_RATIO}× peer` : c.target === 'cpu' ? 'CPU µs/msg ≤ peer' : 'join ms ≤ best peer'
    lines.push(`| ${target} | ${c.scenario} | ${c.peer} | ${num(c.samsa, digits)} | ${num(c.other, digits)} | ${c.ratio === null ? '–' : `${c.ratio.toFixed(2)}×`} | ${c.met ? 'yes' : '**no**'} |`)
  }
  lines.push('', `CPU µs/msg no more than every JavaScript peer's: ${cpu.filter((c) => c.met).length} of ${cpu.length} (scenario, peer) pairs` +
    (cpu.some((c) => !c.met) ? '; the others are in the table' : ''), '')
  return lines.join('\n')
}
