// Runs `samsa <tool> ...` (bin/samsa.js, from source) as a child process.
import { spawn } from 'node:child_process'
import path from 'node:path'

export const BIN = path.resolve('bin/samsa.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

export interface CliOptions {
  input?: string | Buffer
  env?: Record<string, string>
  timeoutMs?: number
  /** Send this signal once `when(stdout)` holds (or after `afterMs`). */
  signal?: { name: NodeJS.Signals; when?: (stdout: string) => boolean; afterMs?: number }
}

export function samsa(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, SAMSA_CLI_SOURCE: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let signalled = false
  const sendSignal = () => {
    if (!signalled && options.signal) {
      signalled = true
      child.kill(options.signal.name)
    }
  }
  child.stdout.on('data', (d: Buffer) => {
    stdout += d
    if (options.signal?.when?.(stdout)) sendSignal()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d))
  if (options.signal?.afterMs !== undefined) setTimeout(sendSignal, options.signal.afterMs)
  child.stdin.on('error', () => {})
  if (options.input !== undefined) child.stdin.end(options.input)
  else child.stdin.end()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/** Asserts the result is a failure with exactly one line on stderr; returns that line. */
export function oneLineFailure(r: CliResult): string {
  if (r.code === 0) throw new Error(`expected a failure, got exit 0; stdout: ${r.stdout}`)
  const lines = r.stderr.split('\n').filter((l) => l !== '')
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}: ${r.stderr}`)
  return lines[0]!
}

/** Runs the CLI's main() in this process, capturing what main writes (help, usage errors: checks that need no broker). */
export async function samsaInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.js')
  let stdout = ''
  let stderr = ''
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) })
  return { code, stdout, stderr }
}
