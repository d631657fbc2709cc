// Runs an example as its own process (node --import tsx examples/x.ts) and
// lets a test wait for lines of its output.
//
// With SAMSA_EXAMPLE_RUNTIME=<name>=<binary> and SAMSA_RUNTIME_APP=<dir> (a
// project where the packed samsa is installed; scripts/runtimes/run.sh sets
// both), the example runs instead on that runtime (Node 20/22/24, Bun, Deno)
// as plain JavaScript importing the installed package
// (scripts/runtimes/transpile.ts), so the same tests check it there.
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { bootstrapServers } from '../../helpers/kafka.js'
import { transpile } from '../../../scripts/runtimes/transpile.js'

/** The command that runs `file` with `args`: tsx from the sources, or the runtime under test on its package. */
function command(file: string, args: string[]): { bin: string; argv: string[]; cwd?: string } {
  const runtime = process.env.SAMSA_EXAMPLE_RUNTIME
  if (!runtime) return { bin: process.execPath, argv: ['--import', 'tsx', file, ...args] }
  const [name, bin] = runtime.split('=', 2) as [string, string | undefined]
  const app = process.env.SAMSA_RUNTIME_APP
  if (!bin || !app) throw new Error(`SAMSA_EXAMPLE_RUNTIME=${runtime}: expected <name>=<binary>, with SAMSA_RUNTIME_APP naming the app directory`)
  const [script] = transpile(app, [file])
  const rel = `./${path.basename(script!)}`
  return { bin, argv: name === 'deno' ? ['run', '--allow-all', '--quiet', rel, ...args] : [rel, ...args], cwd: app }
}

export interface Example {
  child: ChildProcess
  stdout(): string
  lines(): string[]
  /** Resolves once `check(lines)` holds; rejects after `ms` with the output so far. */
  waitFor(check: (lines: string[]) => boolean, what: string, ms?: number): Promise<void>
  exited: Promise<{ code: number | null; stderr: string }>
}

export function startExample(file: string, args: string[], env: Record<string, string> = {}): Example {
  const { bin, argv, cwd } = command(file, args)
  const child = spawn(bin, argv, {
    cwd,
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrapServers(), DEMO: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const watchers = new Set<() => void>()
  child.stdout!.on('data', (d: Buffer) => {
    out += d
    for (const w of watchers) w()
  })
  child.stderr!.on('data', (d: Buffer) => (err += d))
  let ended = 'still running'
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      ended = `exited with code ${code}${signal ? ` (${signal})` : ''}`
      for (const w of watchers) w()
      resolve({ code, stderr: err })
    })
  })
  const lines = () => out.split('\n').filter((l) => l !== '')
  return {
    child,
    stdout: () => out,
    lines,
    exited,
    waitFor(check, what, ms = 30000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          if (!check(lines())) return false
          watchers.delete(poll)
          clearTimeout(timer)
          clearInterval(tick)
          resolve()
          return true
        }
        const poll = () => void done()
        // also checked on a tick: a check may depend on another example's output (two workers)
        const tick = setInterval(poll, 200)
        const timer = setTimeout(() => {
          watchers.delete(poll)
          clearInterval(tick)
          reject(new Error(`${file}: ${what} not seen within ${ms} ms (the process ${ended}); output:\n${out}\nstderr:\n${err}`))
        }, ms)
        watchers.add(poll)
        done()
      })
    },
  }
}
