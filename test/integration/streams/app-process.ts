// The aggregation application (fixtures/aggregate-app.ts) run as a child
// process, and what the tests that start, kill and close it share: the input
// they write while it runs, the group's committed progress, the expected table.
import { appendFileSync } from 'node:fs'
import { spawn, type ChildProcess } from 'node:child_process'
import { Admin, Producer, serializers } from '../../../src/index.js'
import { bootstrapServers } from '../../helpers/kafka.js'

export interface Total { n: number; sum: number }

export interface AppProcess {
  child: ChildProcess
  exited: Promise<number | null>
  err: () => string
  out: () => string
}

/**
 * Starts the application: `node --import tsx aggregate-app.ts <app> <input> <output> <guarantee>`.
 * STREAMS_KILL_LOGS=<dir> appends its log to `<dir>/<guarantee>.log`.
 */
export function startApp(args: [app: string, input: string, output: string, guarantee: string]): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/streams/fixtures/aggregate-app.ts', ...args], {
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrapServers() },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d))
  const logs = process.env.STREAMS_KILL_LOGS
  if (logs) {
    appendFileSync(`${logs}/${args[3]}.log`, `=== ${new Date().toISOString()} started pid ${child.pid}\n`)
    child.stderr!.on('data', (d: Buffer) => appendFileSync(`${logs}/${args[3]}.log`, d))
  }
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, exited, err: () => err, out: () => out }
}

/** Closes the application with SIGTERM (once its handler is installed) and waits for it to exit. */
export async function closeApp(app: AppProcess): Promise<number | null> {
  while (!app.out().includes('running')) await new Promise((r) => setTimeout(r, 100))
  app.child.kill('SIGTERM')
  return app.exited
}

/** The sum of the group's committed input offsets: how many input records it has committed. */
export async function committed(admin: Admin, group: string): Promise<number> {
  const offsets = await admin.listConsumerGroupOffsets(group).catch(() => [])
  return Number(offsets.reduce((n, o) => n + (o.offset > 0n ? o.offset : 0n), 0n))
}

/** Writes `records` records (key `k<i % keys>`, value i) while the application runs: 2,000 every 300 ms. */
export async function writeInput(topic: string, records: number, keys: number): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'key.serializer': serializers.string, 'value.serializer': serializers.string, 'linger.ms': 20 })
  try {
    for (let i = 0; i < records; ) {
      const sends: Promise<unknown>[] = []
      for (const end = Math.min(records, i + 2000); i < end; i++) sends.push(producer.send({ topic, key: `k${i % keys}`, value: String(i) }))
      await Promise.all(sends)
      await new Promise((r) => setTimeout(r, 300))
    }
  } finally {
    await producer.close()
  }
}

/** The exact table: per key, how many records and the sum of their values. */
export function expectedTotals(records: number, keys: number): Record<string, Total> {
  const out = new Map<string, Total>()
  for (let i = 0; i < records; i++) {
    const t = out.get(`k${i % keys}`) ?? { n: 0, sum: 0 }
    out.set(`k${i % keys}`, { n: t.n + 1, sum: t.sum + i })
  }
  return Object.fromEntries([...out].sort())
}
