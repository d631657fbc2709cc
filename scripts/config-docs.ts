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
import { z } from 'zod'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const CONFIG_DIR = path.join(ROOT, 'src', 'config')
export const DOC_PATH = path.join(ROOT, 'docs', 'configuration.md')

/**
 * The docs are rendered from zod's public JSON Schema conversion
 * (`z.toJSONSchema`), never from zod's internal definitions: the input side
 * gives what a user may write (types, ranges, enums), the output side the
 * defaults; `.describe()` texts arrive as `description`.
 */
type Json = {
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  anyOf?: Json[]
  oneOf?: Json[]
  items?: Json
  minimum?: number
  maximum?: number
  default?: unknown
  description?: string
  properties?: Record<string, Json>
  [CUSTOM]?: true
}

/** Marks schemas that are predicates (`z.custom`), which JSON Schema cannot express. */
const CUSTOM = 'x-samsa-custom'

function jsonSchema(s: z.ZodType, io: 'input' | 'output'): Json {
  return z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema instanceof z.ZodCustom) (ctx.jsonSchema as Json)[CUSTOM] = true
    },
  }) as Json
}

/** A config option: the JSON Schema of what may be written and of what it becomes. */
interface Option {
  readonly input: Json
  readonly output: Json
}

const ORDER = ['producer', 'consumer', 'admin']

function literal(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v)
}

function renderType(j: Json): string {
  const alternatives = j.anyOf ?? j.oneOf
  if (alternatives !== undefined) {
    return alternatives.filter((a) => a.type !== 'null').map(renderType).join(' \\| ')
  }
  if (j[CUSTOM]) return 'function \\| object' // a predicate the docs cannot see into: the meaning column says what it takes
  if (j.const !== undefined) return literal(j.const)
  if (j.enum !== undefined) return j.enum.map(literal).join(' \\| ')
  switch (j.type) {
    case 'integer':
    case 'number': {
      const lo = j.minimum
      const hi = j.maximum
      const range = Number.isFinite(lo) && Number.isFinite(hi) ? ` (${lo}..${hi})` : Number.isFinite(lo) ? ` (>= ${lo})` : ''
      return `${j.type === 'integer' ? 'int' : 'number'}${range}`
    }
    case 'boolean':
    case 'string':
      return j.type
    case 'array':
      return `${j.items === undefined ? 'unknown' : renderType(j.items)}[]`
    case undefined:
      return 'object \\| string' // z.any() / z.unknown(): anything
    default:
      return String(j.type)
  }
}

function renderDefault(j: Json): { has: boolean; text: string } {
  if (!('default' in j)) return { has: false, text: '' }
  const v = j.default
  if (Array.isArray(v)) return { has: true, text: `\`${v.join(',')}\`` }
  return { has: true, text: v === '' ? '`""`' : `\`${String(v)}\`` }
}

/** A readable type for a field schema. */
export function typeOf(s: z.ZodType): string {
  return renderType(jsonSchema(s, 'input'))
}

/** The default as it would be written in a config, or '' when there is none. */
export function defaultOf(s: z.ZodType): { has: boolean; text: string } {
  return renderDefault(jsonSchema(s, 'output'))
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function rows(shape: Record<string, Option>, keys: string[], required: Set<string>): string[] {
  return keys.map((k) => {
    const o = shape[k]!
    const d = renderDefault(o.output)
    const dflt = d.has ? d.text : required.has(k) ? '(required)' : '(none)'
    const type = renderType(o.input)
    const meaning = o.output.description ?? o.input.description ?? ''
    return `| \`${k}\` | ${type.includes('\\|') ? type : cell(type)} | ${dflt} | ${cell(meaning)} |`
  })
}

/** The options of an object schema, by key. */
function objectShape(s: z.ZodType): Record<string, Option> | undefined {
  const input = jsonSchema(s, 'input').properties
  const output = jsonSchema(s, 'output').properties
  if (input === undefined || output === undefined) return undefined
  const shape: Record<string, Option> = {}
  for (const k of Object.keys(input)) shape[k] = { input: input[k]!, output: output[k] ?? {} }
  return shape
}

function sameOption(a: Option | undefined, b: Option | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)
}

/** Loads every `<client>Schema` export of src/config/*.ts. */
async function loadSchemas(): Promise<{ common: Record<string, Option>; clients: Map<string, Record<string, Option>> }> {
  let common: Record<string, Option> | undefined
  const clients = new Map<string, Record<string, Option>>()
  const files = fs.readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.ts')).sort()
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(CONFIG_DIR, f)).href)
    for (const [name, value] of Object.entries(mod)) {
      const m = /^(\w+)Schema$/.exec(name)
      if (!m || !(value instanceof z.ZodType)) continue
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
  // Kafka clients take the common options; others (samsa/schema-registry's) have only their own.
  const takesCommon = (n: string) => 'bootstrap.servers' in clients.get(n)!
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
    `Accepted by every client (${names.filter(takesCommon).join(', ')}).`,
    '',
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows(common, Object.keys(common), required),
  ]
  for (const n of names) {
    const shape = clients.get(n)!
    const own = Object.keys(shape).filter((k) => !sameOption(shape[k], common[k]))
    out.push('', `## ${title(n)}`, '')
    if (own.length === 0) {
      out.push(`The ${n} takes the [common options](#common-options) only.`)
      continue
    }
    const lead = takesCommon(n) ? 'The [common options](#common-options), and:' : `samsa/schema-registry's own options (no common options):`
    out.push(lead, '', '| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows(shape, takesCommon(n) ? own : Object.keys(shape), new Set([...required, 'schema.registry.url'])))
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
