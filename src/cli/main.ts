/**
 * `samsa <tool> [options]`: Kafka's command-line tools without a JVM.
 *
 * Contract: `main(argv)` resolves to the process exit code; it never calls
 * process.exit. `--help` prints to stdout and exits 0. A usage mistake or a
 * failure prints one line to stderr (`samsa <tool>: <reason>`) and returns 1.
 */
import { helpText, parseArgs, UsageError } from './args.js'
import { commonOptions, type Tool } from './tool.js'

const TOOLS: Record<string, { summary: string; load: () => Promise<Tool> }> = {
  topics: { summary: 'Create, list, describe, alter and delete topics (kafka-topics)', load: async () => (await import('./topics.js')).tool },
  'consumer-groups': {
    summary: 'List, describe, reset offsets of and delete consumer groups (kafka-consumer-groups)',
    load: async () => (await import('./consumer-groups.js')).tool,
  },
  'share-groups': {
    summary: 'List, describe, reset start offsets of and delete share groups (kafka-share-groups)',
    load: async () => (await import('./share-groups.js')).tool,
  },
  'console-share-consumer': {
    summary: 'Print records read through a share group to stdout (kafka-console-share-consumer)',
    load: async () => (await import('./console-share-consumer.js')).tool,
  },
  'console-producer': {
    summary: 'Send lines from stdin as records (kafka-console-producer)',
    load: async () => (await import('./console-producer.js')).tool,
  },
  'console-consumer': {
    summary: 'Print records to stdout (kafka-console-consumer)',
    load: async () => (await import('./console-consumer.js')).tool,
  },
  'producer-perf-test': {
    summary: 'Measure producer throughput and latency (kafka-producer-perf-test)',
    load: async () => (await import('./producer-perf-test.js')).tool,
  },
  'consumer-perf-test': {
    summary: 'Measure consumer throughput (kafka-consumer-perf-test)',
    load: async () => (await import('./consumer-perf-test.js')).tool,
  },
  configs: {
    summary: 'Describe and alter topic/broker/group configs, client quotas and SCRAM users (kafka-configs)',
    load: async () => (await import('./configs.js')).tool,
  },
  acls: { summary: 'Add, remove and list ACLs (kafka-acls)', load: async () => (await import('./acls.js')).tool },
}

function usage(): string {
  const width = Math.max(...Object.keys(TOOLS).map((t) => t.length))
  return [
    'Usage: samsa <tool> [options]     (samsa <tool> --help for its options)',
    '',
    'Tools:',
    ...Object.entries(TOOLS).map(([name, t]) => `  ${name.padEnd(width)}  ${t.summary}`),
    '',
    'Every tool takes --bootstrap-server host:port (default localhost:9092) and --command-config <file>.',
    '',
  ].join('\n')
}

/** One line: no stack, no newlines. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e)
  return msg.replace(/\s*\n\s*/g, ' ').trim()
}

/** Where main() itself writes (help, usage, the failure line); tools write to the process streams. */
export interface MainIo {
  out(text: string): void
  err(text: string): void
}

const processIo: MainIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}

export async function main(argv: readonly string[], io: MainIo = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage())
    return name === undefined ? 1 : 0
  }
  const entry = TOOLS[name] ?? TOOLS[name.replace(/^kafka-/, '').replace(/\.sh$/, '')]
  if (!entry) {
    io.err(`samsa: unknown tool "${name}"; tools: ${Object.keys(TOOLS).join(', ')}\n`)
    return 1
  }
  const toolName = name.replace(/^kafka-/, '').replace(/\.sh$/, '')
  try {
    const tool = await entry.load()
    const specs = [...tool.options, ...commonOptions]
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(helpText(tool.name, tool.summary, specs, tool.notes))
      return 0
    }
    const args = parseArgs(rest, specs)
    return (await tool.run(args)) ?? 0
  } catch (e) {
    const hint = e instanceof UsageError ? ` (see samsa ${toolName} --help)` : ''
    io.err(`samsa ${toolName}: ${oneLine(e)}${hint}\n`)
    if (process.env.SAMSA_CLI_DEBUG && e instanceof Error) io.err(`${e.stack}\n`)
    return 1
  }
}
