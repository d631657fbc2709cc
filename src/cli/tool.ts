/**
 * What every `samsa <tool>` shares: the common options, the client config
 * built from them, the check that the cluster is reachable, and how output
 * and failures are written.
 *
 * Contract: data goes to stdout, progress and notices to stderr; a failure
 * is one line on stderr and a non-zero exit code (see main.ts). Secrets from
 * `--command-config` are never printed (ConfigError redacts them).
 */
import { Admin } from '../admin/admin.js'
import { commonShape } from '../config/common.js'
import { KafkaError } from '../errors.js'
import type { OptionSpec, ParsedArgs } from './args.js'
import { readProperties } from './properties.js'

export interface Tool {
  name: string
  summary: string
  options: OptionSpec[]
  /** Extra paragraphs for --help (examples). */
  notes?: string[]
  /** Resolves to the exit code (default 0). */
  run(args: ParsedArgs): Promise<number | void>
}

const DEFAULT_BOOTSTRAP = 'localhost:9092'

/** How long a tool waits for the cluster to answer at all before giving up. */
const CONNECT_TIMEOUT_MS = 5000

export const commonOptions: OptionSpec[] = [
  { name: 'bootstrap-server', kind: 'value', arg: '<host:port[,host:port]>', help: 'Kafka brokers to connect to', default: DEFAULT_BOOTSTRAP },
  { name: 'command-config', kind: 'value', arg: '<file>', help: 'Java .properties file of client settings (security, timeouts, ...)' },
  { name: 'help', kind: 'flag', help: 'Print this help and exit' },
]

/** The client config from --command-config, `extra` settings, then --bootstrap-server (which wins). */
export function clientConfig(args: ParsedArgs, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const file = args.value('command-config')
  const fromFile = file === undefined ? {} : readProperties(file)
  const bootstrap = args.value('bootstrap-server') ?? fromFile['bootstrap.servers'] ?? DEFAULT_BOOTSTRAP
  return { 'client.id': 'samsa-cli', ...fromFile, ...extra, 'bootstrap.servers': bootstrap }
}

/** Only the settings every client understands (for the Admin a producer/consumer tool uses on the side). */
function commonConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => k in commonShape))
}

/**
 * An Admin for `config` that has been heard from: fails within
 * CONNECT_TIMEOUT_MS with a one-line reason when no broker answers. The
 * config is validated strictly (an unknown key is a ConfigError) unless
 * `onlyCommon`, which keeps the keys every client shares (for the Admin a
 * producer or consumer tool uses beside its client, which validates the rest).
 */
export async function connectedAdmin(config: Record<string, unknown>, onlyCommon = false): Promise<Admin> {
  const admin = new Admin((onlyCommon ? commonConfig(config) : config) as never)
  try {
    await admin.describeCluster({ timeoutMs: CONNECT_TIMEOUT_MS })
  } catch (e) {
    await admin.close()
    const cause = e instanceof KafkaError && e.cause instanceof Error ? e.cause.message : (e as Error).message
    throw new KafkaError(`cannot connect to ${String(config['bootstrap.servers'])} within ${CONNECT_TIMEOUT_MS} ms: ${cause}`, {
      type: 'CONNECTION',
      cause: e,
    })
  }
  return admin
}

/** Checks that the cluster answers, then releases the connection. */
export async function checkReachable(config: Record<string, unknown>): Promise<void> {
  await (await connectedAdmin(config, true)).close()
}

/** Writes data to stdout, honouring back-pressure. */
export function out(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve()
    else process.stdout.once('drain', resolve)
  })
}

/** Progress and notices: stderr. */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)
}

/** Pads columns like Java's `%-Ns` formats: every column but the last padded to its width, one space between. */
export function table(rows: string[][], minWidths: number[] = []): string {
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, minWidths[i] ?? 0, c.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ')).join('\n')
}

/** Client settings from a `.properties` file option (e.g. --producer.config) and then a repeatable key=value option. */
export function clientProps(args: ParsedArgs, fileOption: string, pairsOption: string): Record<string, unknown> {
  const file = args.value(fileOption)
  return { ...(file === undefined ? {} : readProperties(file)), ...args.keyValues(pairsOption) }
}

/** Runs `stop` on the first SIGINT or SIGTERM; the returned function removes the handlers. */
export function onStopSignal(stop: () => void): () => void {
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return () => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

/** The one-line failure of a tool that sent `total` records of which `failed` failed. */
export function sendFailures(failed: number, total: number, first: Error): KafkaError {
  return new KafkaError(`${failed} of ${total} records failed; first error: ${first.message}`, {
    ...(first instanceof KafkaError ? { type: first.type } : {}),
    cause: first,
  })
}
