// Runs an example as its own process (node --import tsx examples/x.ts) and
// lets a test wait for lines of its output.
import { spawn, type ChildProcess } from 'node:child_process'
import { bootstrapServers } from '../../helpers/kafka.js'

export interface Example {
  child: ChildProcess
  stdout(): string
  lines(): string[]
  /** Resolves once `check(lines)` holds; rejects after `ms` with the output so far. */
  waitFor(check: (lines: string[]) => boolean, what: string, ms?: number): Promise<void>
  exited: Promise<{ code: number | null; stderr: string }>
}

export function startExample(file: string, args: string[], env: Record<string, string> = {}): Example {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
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
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code) => {
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
          reject(new Error(`${file}: ${what} not seen within ${ms} ms; output:\n${out}\nstderr:\n${err}`))
        }, ms)
        watchers.add(poll)
        done()
      })
    },
  }
}
