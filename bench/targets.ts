/**
 * Prints issue 10's target checks (bench/lib/targets.ts) for a results file
 * that `npm run bench -- --json FILE` wrote:
 *
 *   npx tsx bench/targets.ts bench/results/latest.json
 *
 * Exits with 1 when a check is missed.
 */
import fs from 'node:fs'
import type { ResultsDoc } from './lib/report.js'
import { checkTargets, formatTargets } from './lib/targets.js'

const file = process.argv[2]
if (!file) {
  process.stderr.write('usage: npx tsx bench/targets.ts RESULTS.json\n')
  process.exit(2)
}
const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDoc
const checks = checkTargets(doc.results)
process.stdout.write(`${doc.mode} run of ${doc.date}\n\n${formatTargets(checks)}`)
process.exitCode = checks.every((c) => c.met) ? 0 : 1
