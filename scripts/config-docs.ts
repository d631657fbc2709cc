// npm run docs:config: writes docs/configuration.md from the zod schemas in
// src/config/ (key, type, default, meaning), so the reference cannot drift
// from what the clients accept. `--check` only compares and exits 1 when the
// file is stale (test/docs/config-docs.test.ts does the same).
//
// Every module in src/config/ is scanned: an export named `<client>Schema`
// that is (or wraps) a zod object becomes a section, so a new client's
// schema is picked up without touching this script. Options every client
// shares (commonShape) are listed once.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const CONFIG_DIR = path.join(ROOT, 'src', 'config')
export const DOC_PATH = path.join(ROOT, 'docs', 'configuration.md')

/* eslint-disable @typescript-eslint/no-explicit-any */
type Schema = any

const ORDER = ['producer', 'consumer', 'admin']

function def(s: Schema): any {
  return s?._zod?.def ?? {}
}

/** The zod object inside `s` (through pipes, defaults, refinements), if any. */
function objectShape(s: Schema): Record<string, Schema> | undefined {
  for (let cur = s, depth = 0; cur && depth < 10; depth++) {
    const d = def(cur)
    if (d.type === 'object') return d.shape
    cur = d.in ?? d.innerType ?? d.schema
  }
  return undefined
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v)
}

/** A readable type for a field schema. */
export function typeOf(s: Schema): string {
  const d = def(s)
  switch (d.type) {
    case 'default':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'prefault':
      return typeOf(d.innerType)
    case 'pipe':
      // preprocess(fn, schema) is pipe(transform, schema); schema.transform(fn) is pipe(schema, transform).
      return def(d.in).type === 'transform' ? typeOf(d.out) : typeOf(d.in)
    case 'number': {
      const int = (d.checks ?? []).some((c: any) => c?._zod?.def?.format === 'safeint' || c?._zod?.def?.check === 'number_format')
      const lo = s.minValue
      const hi = s.maxValue
      const range = Number.isFinite(lo) && Number.isFinite(hi) ? ` (${lo}..${hi})` : Number.isFinite(lo) ? ` (>= ${lo})` : ''
      return `${int || s.isInt ? 'int' : 'number'}${range}`
    }
    case 'boolean':
      return 'boolean'
    case 'string':
      return 'string'
    case 'enum':
      return Object.values(d.entries).map(literal).join(' \\| ')
    case 'literal':
      return d.values.map(literal).join(' \\| ')
    case 'union':
      return d.options.map(typeOf).join(' \\| ')
    case 'array':
      return `${typeOf(d.element)}[]`
    case 'custom':
      // A predicate the docs cannot see into: the meaning column says what it takes.
      return 'function \\| object'
    case 'any':
    case 'unknown':
      return 'object \\| string'
    default:
      return String(d.type)
  }
}

/** The default as it would be written in a config, or '' when there is none. */
export function defaultOf(s: Schema): { has: boolean; text: string } {
  for (let cur = s, depth = 0; cur && depth < 10; depth++) {
    const d = def(cur)
    if (d.type === 'default' || d.type === 'prefault') {
      const v = typeof d.defaultValue === 'function' ? d.defaultValue() : d.defaultValue
      if (Array.isArray(v)) return { has: true, text: `\`${v.join(',')}\`` }
      return { has: true, text: v === '' ? '`""`' : `\`${String(v)}\`` }
    }
    if (d.type === 'optional') return { has: false, text: '' }
    cur = d.innerType ?? d.in
  }
  return { has: false, text: '' }
}

function describe(s: Schema): string {
  for (let cur = s, depth = 0; cur && depth < 10; depth++) {
    if (cur.description) return cur.description
    const d = def(cur)
    cur = d.innerType ?? d.in
  }
  return ''
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function rows(shape: Record<string, Schema>, keys: string[], required: Set<string>): string[] {
  return keys.map((k) => {
    const s = shape[k]
    const d = defaultOf(s)
    const dflt = d.has ? d.text : required.has(k) ? '(required)' : '(none)'
    const type = typeOf(s)
    return `| \`${k}\` | ${type.includes('\\|') ? type : cell(type)} | ${dflt} | ${cell(describe(s))} |`
  })
}

/** Loads every `<client>Schema` export of src/config/*.ts. */
async function loadSchemas(): Promise<{ common: Record<string, Schema>; clients: Map<string, Record<string, Schema>> }> {
  let common: Record<string, Schema> | undefined
  const clients = new Map<string, Record<string, Schema>>()
  const files = fs.readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.ts')).sort()
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(CONFIG_DIR, f)).href)
    for (const [name, value] of Object.entries(mod)) {
      const m = /^(\w+)Schema$/.exec(name)
      if (!m) continue
      const shape = objectShape(value)
      if (!shape) continue
      if (m[1] === 'common') common = shape
      else clients.set(m[1]!, shape)
    }
  }
  if (!common) throw new Error('src/config has no commonSchema')
  return { common, clients }
}

export async function renderConfigDocs(): Promise<string> {
  const { common, clients } = await loadSchemas()
  const required = new Set(['bootstrap.servers'])
  const names = [...clients.keys()].sort((a, b) => {
    const ia = ORDER.indexOf(a)
    const ib = ORDER.indexOf(b)
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1)
  })
  const title = (n: string) => n.charAt(0).toUpperCase() + n.slice(1)
  const out: string[] = [
    '# Configuration reference',
    '',
    '<!-- GENERATED by `npm run docs:config` from the zod schemas in src/config/. Do not edit by hand:',
    '     test/docs/config-docs.test.ts fails when this file is stale. -->',
    '',
    'Configs are plain objects keyed by the Java client\'s property names, so a Java',
    '`.properties` setup carries over (`samsa <tool> --command-config client.properties` reads',
    'one). Numbers and booleans may be given as strings. Every config is validated when the',
    'client is constructed: an unknown key, a wrong type or an out-of-range value throws a',
    '`ConfigError` naming the key, the value, what was expected and, for a misspelt key, the',
    'closest valid one. Defaults are the Java client\'s (4.x) unless the meaning says otherwise;',
    'options marked "samsa:" have no Java counterpart.',
    '',
    `Sections: [common options](#common-options)${names.map((n) => `, [${n}](#${n})`).join('')}.`,
    '',
    '## Common options',
    '',
    `Accepted by every client (${names.join(', ')}).`,
    '',
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows(common, Object.keys(common), required),
  ]
  for (const n of names) {
    const shape = clients.get(n)!
    const own = Object.keys(shape).filter((k) => shape[k] !== common[k])
    out.push('', `## ${title(n)}`, '')
    if (own.length === 0) {
      out.push(`The ${n} takes the [common options](#common-options) only.`)
      continue
    }
    out.push(`The [common options](#common-options), and:`, '', '| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows(shape, own, required))
  }
  return out.join('\n') + '\n'
}

async function cli(): Promise<void> {
  const text = await renderConfigDocs()
  const current = fs.existsSync(DOC_PATH) ? fs.readFileSync(DOC_PATH, 'utf8') : ''
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${path.relative(ROOT, DOC_PATH)} is stale: run npm run docs:config`)
      process.exitCode = 1
    }
    return
  }
  if (current !== text) fs.writeFileSync(DOC_PATH, text)
  console.log(`${path.relative(ROOT, DOC_PATH)} ${current === text ? 'is up to date' : 'written'}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(ROOT, 'scripts', 'config-docs.ts')) {
  cli().catch((e: Error) => {
    console.error(e.message)
    process.exitCode = 1
  })
}
