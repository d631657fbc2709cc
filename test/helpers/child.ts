// Runs a TypeScript fixture in a child Node process (with tsx) and reports
// how it ended: for tests that a program exits by itself once it closes its
// clients (no socket or timer left behind).
import { spawn } from 'node:child_process'
import { bootstrapServers } from './kafka.js'

export interface FixtureResult {
  /** Exit code, or null when it had to be killed after `timeoutMs`. */
  code: number | null
  /** stdout and stderr, interleaved. */
  output: string
}

export async function runFixture(file: string, args: string[] = [], timeoutMs = 20000, env: Record<string, string> = {}): Promise<FixtureResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    env: { ...process.env, KAFKA_BOOTSTRAP: bootstrapServers(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const code = await new Promise<number | null>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, timeoutMs)
    child.on('exit', (c) => {
      clearTimeout(t)
      resolve(c)
    })
  })
  return { code, output }
}
