// Join to first record (issue 10): how long a fresh process's group consumer
// takes from `new Consumer` (subscribe right after) to its first record, and to
// its first Fetch request (the join and position look-ups without the first
// answer), over a pre-filled 6-partition topic of 60,000 × 1 KiB; each run a
// new process and a new group.
// Several samsa checkouts can be compared in one run, alternating run by run:
//
//   npx tsx bench/join.ts --bootstrap 127.0.0.1:9092 [--runs 8] [--roots .,/tmp/before] [--trace]
//
// `--trace` prints, for one run of each root, every connect and request from
// `new Consumer` to the first record (ms since creation), from the
// `samsa:connect` / `samsa:request` / `samsa:response` diagnostics channels.
import { spawnSync } from 'node:child_process'
import diagnostics from 'node:diagnostics_channel'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const args = process.argv.slice(2)
const opt = (name: string, dflt?: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
const bootstrap = opt('bootstrap', '127.0.0.1:9092')!
type Lib = typeof import('../src/index.js')
const load = (root: string): Promise<Lib> => import(pathToFileURL(path.resolve(root, 'src/index.ts')).href) as Promise<Lib>

/** One measurement in this process: prints `{ joinMs, fetchMs }` (and the trace lines before it). */
async function child(root: string, topic: string, trace: boolean): Promise<void> {
  const { Consumer } = await load(root)
  const lines: string[] = []
  let t0 = 0
  const at = () => (performance.now() - t0).toFixed(1).padStart(7)
  if (trace) {
    const conn = diagnostics.tracingChannel('samsa:connect')
    const c = (e: string) => (ctx: unknown) => lines.push(`${at()} connect ${e} ${JSON.stringify({ broker: (ctx as { broker?: unknown }).broker })}`)
    conn.subscribe({ start: c('start'), end: () => {}, asyncStart: () => {}, asyncEnd: c('done'), error: c('error') })
    diagnostics.subscribe('samsa:request', (m) => lines.push(`${at()} -> ${(m as { api: string }).api} ${(m as { broker: string }).broker} #${(m as { correlationId: number }).correlationId}`))
    diagnostics.subscribe('samsa:response', (m) => lines.push(`${at()} <- ${(m as { api: string }).api} ${(m as { broker: string }).broker} #${(m as { correlationId: number }).correlationId}`))
  }
  // when the first Fetch request went out: the join and position look-ups, without the first answer's size
  let fetchMs = -1
  diagnostics.subscribe('samsa:request', (m) => {
    if (fetchMs < 0 && (m as { api: string }).api === 'Fetch') fetchMs = performance.now() - t0
  })
  t0 = performance.now()
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': `join-${process.pid}-${Date.now()}`, 'auto.offset.reset': 'earliest', 'allow.auto.create.topics': false })
  consumer.subscribe([topic])
  let n = 0
  while (n === 0) n = (await consumer.poll(100)).count
  const joinMs = performance.now() - t0
  for (const l of lines) console.log(l)
  console.log(JSON.stringify({ joinMs, fetchMs }))
  await consumer.close()
}

async function parent(): Promise<void> {
  const roots = opt('roots', '.')!.split(',')
  const runs = Number(opt('runs', '8'))
  const trace = args.includes('--trace')
  const { Admin, Producer } = await load('.')
  const topic = `bench-join-${process.pid}-${Date.now()}`
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  await admin.createTopics([{ topic, numPartitions: 6 }])
  const producer = new Producer({ 'bootstrap.servers': bootstrap })
  const value = Buffer.alloc(1024, 'x')
  for (let i = 0; i < 60_000; i += 1000) await Promise.all(Array.from({ length: 1000 }, (_, k) => producer.send({ topic, partition: (i + k) % 6, value })))
  await producer.close()
  const results = new Map<string, { joinMs: number; fetchMs: number }[]>(roots.map((r) => [r, []]))
  for (let run = 0; run < runs; run++) {
    for (const root of run % 2 === 0 ? roots : [...roots].reverse()) {
      const showTrace = trace && run === 0
      const out = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1]!, '--child', root, '--topic', topic, '--bootstrap', bootstrap, ...(showTrace ? ['--trace'] : [])], { encoding: 'utf8' })
      if (out.status !== 0) throw new Error(`${root}: ${out.stderr}`)
      const lines = out.stdout.trim().split('\n')
      if (showTrace) console.log(`--- trace, ${root}\n${lines.slice(0, -1).join('\n')}`)
      results.get(root)!.push(JSON.parse(lines.at(-1)!) as { joinMs: number; fetchMs: number })
    }
  }
  await admin.deleteTopics([topic]).catch(() => {})
  await admin.close()
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  for (const [root, rs] of results) {
    for (const key of ['fetchMs', 'joinMs'] as const) {
      const xs = rs.map((r) => r[key])
      console.log(`${root} ${key === 'joinMs' ? 'to first record' : 'to first Fetch sent'}: median ${median(xs).toFixed(0)} ms, runs ${xs.map((x) => x.toFixed(0)).join(' ')}`)
    }
  }
}

if (args.includes('--child')) await child(opt('child')!, opt('topic')!, args.includes('--trace'))
else await parent()
