/**
 * Generates the wire-protocol layer from Kafka's JSON message definitions:
 * src/protocol/messages/ (one module per API or data structure, an index and
 * the shared runtime) and src/protocol/errors.ts.
 *
 *   npm run generate [-- --all] [-- --specs DIR]     (or KAFKA_SPECS=DIR)
 *
 * The definitions are vendored in scripts/codegen/kafka-specs/message
 * (`npm run specs:update -- <kafka version>` refreshes them); errors.tsv is
 * read from the folder above the definitions. By default only the APIs a
 * client sends are generated (scripts/codegen/apis.ts); `--all` generates
 * every definition, broker-internal ones included.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { emitIndex, emitModule } from './emit.js'
import { generateErrors } from './errors.js'
import { RUNTIME_SOURCE } from './runtime.js'
import { isClientFacing } from './apis.js'
import { type ModuleModel, groupModules, loadMessages } from './spec.js'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const MESSAGES_DIR = 'src/protocol/messages'
export const ERRORS_FILE = 'src/protocol/errors.ts'

/** The vendored definitions, inside the repository. */
export const VENDORED_SPECS_DIR = resolve(REPO_ROOT, 'scripts/codegen/kafka-specs/message')

export function defaultSpecsDir(): string {
  return process.env.KAFKA_SPECS ?? VENDORED_SPECS_DIR
}

export interface GenerateOptions {
  /** Also generate the broker-internal APIs and data structures. */
  readonly all?: boolean
}

/** The modules the generator emits: the client-facing ones, or with `all` every definition. */
export function loadModules(specsDir = defaultSpecsDir(), options: GenerateOptions = {}): ModuleModel[] {
  const modules = groupModules(loadMessages(specsDir))
  if (options.all === true) return modules
  return modules.filter((m) => isClientFacing(m.baseName, m.apiKey !== undefined))
}

/** Everything the generator writes, by repository-relative path, without touching the disk. */
export function generate(specsDir = defaultSpecsDir(), options: GenerateOptions = {}): Map<string, string> {
  const modules = loadModules(specsDir, options)
  const out = new Map<string, string>()
  out.set(`${MESSAGES_DIR}/_runtime.ts`, RUNTIME_SOURCE)
  for (const mod of modules) out.set(`${MESSAGES_DIR}/${mod.file}`, emitModule(mod))
  out.set(`${MESSAGES_DIR}/index.ts`, emitIndex(modules))
  out.set(ERRORS_FILE, generateErrors(join(specsDir, '..', 'errors.tsv')))
  return out
}

function parseArgs(argv: string[]): { specsDir: string; all: boolean } {
  let specs: string | undefined
  let all = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--specs') specs = argv[++i]
    else if (a.startsWith('--specs=')) specs = a.slice('--specs='.length)
    else if (a === '--all') all = true
    else throw new Error(`unknown argument ${a} (usage: tsx scripts/codegen/main.ts [--all] [--specs DIR])`)
  }
  return { specsDir: specs === undefined ? defaultSpecsDir() : resolve(specs), all }
}

function main(): void {
  const { specsDir, all } = parseArgs(process.argv.slice(2))
  const files = generate(specsDir, { all })
  const dir = join(REPO_ROOT, MESSAGES_DIR)
  mkdirSync(dir, { recursive: true })
  // Remove generated modules that no longer have a definition.
  for (const f of readdirSync(dir)) {
    const rel = `${MESSAGES_DIR}/${f}`
    if (!f.endsWith('.ts') || files.has(rel)) continue
    if (readFileSync(join(dir, f), 'utf8').startsWith('// GENERATED')) unlinkSync(join(dir, f))
  }
  let changed = 0
  for (const [rel, content] of files) {
    const path = join(REPO_ROOT, rel)
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue
    writeFileSync(path, content)
    changed++
  }
  console.log(`generated ${files.size} files${all ? ' (--all)' : ''} from ${specsDir} (${changed} changed)`)
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
