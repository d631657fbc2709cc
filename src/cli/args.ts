/**
 * Command-line parsing shared by every tool, in the style of Kafka's own
 * tools (joptsimple): `--name value` or `--name=value`, repeatable options
 * (`--config k=v --config k2=v2`), options taking several values up to the
 * next `--option` (`--producer-props a=1 b=2`), and flags.
 *
 * Contract: `parseArgs` throws a UsageError naming the bad argument (with the
 * closest known option for a misspelling); never exits the process.
 * Accessors validate numbers and `key=value` pairs the same way.
 */
import { closest } from '../config/validate.js'

type OptionKind = 'flag' | 'value' | 'optional' | 'repeat' | 'values'

export interface OptionSpec {
  /** Without the leading dashes: 'bootstrap-server'. */
  name: string
  /**
   * flag: no value; value: one (the last given wins); optional: a flag that
   * may take a value; repeat: may be given many times; values: several after
   * one flag.
   */
  kind: OptionKind
  /** Value placeholder for --help, e.g. '<host:port>'. */
  arg?: string
  help: string
  /** Shown in --help. */
  default?: string
}

/** A mistake in the command line: printed as one line with a hint to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export class ParsedArgs {
  private readonly seen = new Map<string, string[]>()

  constructor(readonly specs: readonly OptionSpec[]) {}

  add(name: string, value?: string): void {
    const list = this.seen.get(name) ?? []
    if (value !== undefined) list.push(value)
    this.seen.set(name, list)
  }

  has(name: string): boolean {
    return this.seen.has(name)
  }

  /** The last value given, or `fallback`. */
  value(name: string): string | undefined
  value(name: string, fallback: string): string
  value(name: string, fallback?: string): string | undefined {
    const list = this.seen.get(name)
    return list && list.length > 0 ? list[list.length - 1] : fallback
  }

  values(name: string): string[] {
    return this.seen.get(name) ?? []
  }

  /** The value, which must be given. */
  required(name: string, why = ''): string {
    const v = this.value(name)
    if (v === undefined) throw new UsageError(`missing required option --${name}${why ? ` ${why}` : ''}`)
    return v
  }

  int(name: string): number | undefined
  int(name: string, fallback: number): number
  int(name: string, fallback?: number): number | undefined {
    const v = this.value(name)
    if (v === undefined) return fallback
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) {
      throw new UsageError(`option --${name} expects an integer, got "${v}"`)
    }
    return Number(v)
  }

  bigint(name: string): bigint | undefined {
    const v = this.value(name)
    if (v === undefined) return undefined
    if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`option --${name} expects an integer, got "${v}"`)
    return BigInt(v)
  }

  /** `key=value` pairs from every value of the option (for --config, --property, --producer-props ...). */
  keyValues(name: string): Record<string, string> {
    const out: Record<string, string> = {}
    for (const v of this.values(name)) {
      const eq = v.indexOf('=')
      if (eq <= 0) throw new UsageError(`option --${name} expects key=value, got "${v}"`)
      out[v.slice(0, eq).trim()] = v.slice(eq + 1)
    }
    return out
  }

  /** Which of `names` were given. */
  given(names: readonly string[]): string[] {
    return names.filter((n) => this.has(n))
  }
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]))
  const out = new ParsedArgs(specs)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument "${arg}" (options start with --)`)
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2)
    const spec = byName.get(name)
    if (!spec) {
      const near = closest(name, [...byName.keys()])
      throw new UsageError(`unknown option --${name}${near ? ` (did you mean --${near}?)` : ''}`)
    }
    if (spec.kind === 'flag') {
      if (eq > 0) throw new UsageError(`option --${name} takes no value`)
      out.add(name)
      continue
    }
    if (eq > 0) {
      out.add(name, arg.slice(eq + 1))
      continue
    }
    const next = argv[i + 1]
    if (spec.kind === 'optional') {
      out.add(name)
      if (next !== undefined && !next.startsWith('--')) out.add(name, argv[++i]!)
      continue
    }
    if (next === undefined || (next.startsWith('--') && next.length > 2)) {
      throw new UsageError(`option --${name} needs a value${spec.arg ? ` ${spec.arg}` : ''}`)
    }
    out.add(name, next)
    i++
    if (spec.kind === 'values') {
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out.add(name, argv[++i]!)
    }
  }
  return out
}

/** The --help text of a tool. */
export function helpText(tool: string, summary: string, specs: readonly OptionSpec[], notes: readonly string[] = []): string {
  const rows = specs.map((s) => {
    const arg = s.arg ? (s.kind === 'optional' ? ` [${s.arg}]` : ` ${s.arg}`) : ''
    const left = `--${s.name}${arg}${s.kind === 'repeat' || s.kind === 'values' ? ' ...' : ''}`
    const help = `${s.help}${s.default !== undefined ? ` (default: ${s.default})` : ''}`
    return [left, help] as const
  })
  const width = Math.min(40, Math.max(...rows.map(([l]) => l.length)))
  const lines = [`Usage: samsa ${tool} [options]`, '', summary, '', 'Options:']
  for (const [left, help] of rows) {
    lines.push(left.length > width ? `  ${left}\n  ${' '.repeat(width)}  ${help}` : `  ${left.padEnd(width)}  ${help}`)
  }
  if (notes.length > 0) lines.push('', ...notes)
  return lines.join('\n') + '\n'
}
