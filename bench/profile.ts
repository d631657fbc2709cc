/**
 * Summarises V8 CPU profiles (.cpuprofile, from `npm run bench -- --profile`
 * or `node --cpu-prof`): self time per function (file:function) and total
 * (inclusive) time per function, as % of the profile's samples.
 *
 *   npx tsx bench/profile.ts .bench/profiles/consume-1KiB/*.cpuprofile [--top 30] [--filter src/]
 */
import fs from 'node:fs'
import path from 'node:path'

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: Node[], samples: number[], timeDeltas: number[] }

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
let top = 30
let filter: string | null = null
const files: string[] = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i])
  else if (args[i] === '--filter') filter = args[++i]!
  else files.push(args[i]!)
}
if (files.length === 0) {
  process.stderr.write('usage: npx tsx bench/profile.ts FILE.cpuprofile... [--top N] [--filter SUBSTRING]\n')
  process.exit(2)
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const label = (n: Node): string => {
  const { functionName, url, lineNumber } = n.callFrame
  let file = url.replace(/^file:\/\//, '')
  if (file.startsWith(root)) file = path.relative(root, file)
  else if (file.includes('node_modules/')) file = file.slice(file.lastIndexOf('node_modules/') + 13)
  return `${file || '(native)'}:${functionName || '(anonymous)'}${url ? `:${lineNumber + 1}` : ''}`
}

const self = new Map<string, number>()
const total = new Map<string, number>()
let all = 0
for (const file of files) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const hits = new Map<number, number>()
  p.samples.forEach((id, i) => { hits.set(id, (hits.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)) })
  for (const [id, us] of hits) {
    const node = byId.get(id)!
    if (node.callFrame.functionName === '(idle)') continue
    all += us
    const l = label(node)
    self.set(l, (self.get(l) ?? 0) + us)
    // inclusive: every distinct frame on the stack once
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cl = label(byId.get(cur)!)
      if (seen.has(cl)) continue
      seen.add(cl)
      total.set(cl, (total.get(cl) ?? 0) + us)
    }
  }
}

const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (% of ${(all / 1000).toFixed(0)} ms of non-idle samples)`)
  const rows = [...m].filter(([l]) => !filter || l.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [l, us] of rows) console.log(`${(100 * us / all).toFixed(1).padStart(6)}%  ${l}`)
}
show('self time', self)
show('total time', total)
