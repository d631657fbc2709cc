// The layering of src/ (docs/architecture.md): a file imports only from its
// own layer or the ones below it. Enforced here for the routing layer:
// consumer and producer never reach into the admin client, and the layers
// below the clients (cluster, network, protocol) never import a client.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'

const SRC = path.resolve('src')

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(full)
    return e.isFile() && e.name.endsWith('.ts') ? [full] : []
  })
}

/** Relative module specifiers of every import, export-from and dynamic import in `text`. */
export function importsOf(text: string): string[] {
  const out: string[] = []
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!)
  return out.filter((s) => s.startsWith('.'))
}

/** The top-level directory under src/ a path is in ('' for files directly in src/). */
function area(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep)
  return rel.length > 1 ? rel[0]! : ''
}

const FORBIDDEN: Record<string, string[]> = {
  consumer: ['admin'],
  producer: ['admin'],
  'share-consumer': ['admin', 'producer'],
  cluster: ['consumer', 'share-consumer', 'producer', 'admin'],
  network: ['consumer', 'share-consumer', 'producer', 'admin'],
  protocol: ['consumer', 'share-consumer', 'producer', 'admin'],
}

test('import scanner sees every form of import', () => {
  const text = [
    "import { a } from '../admin/a.js'",
    "import type { B } from '../admin/b.js'",
    "export { c } from './c.js'",
    "export * from './d.js'",
    "import './e.js'",
    "const f = await import('../admin/f.js')",
    'import {\n  g,\n  h,\n} from "../g.js"',
    "import fs from 'node:fs'",
  ].join('\n')
  assert.deepEqual(importsOf(text).sort(), ['../admin/a.js', '../admin/b.js', '../admin/f.js', '../g.js', './c.js', './d.js', './e.js'].sort())
})

test('consumer/producer do not import admin; cluster/network/protocol import no client', () => {
  const violations: string[] = []
  let checked = 0
  for (const file of sourceFiles(SRC)) {
    const from = area(file)
    const banned = FORBIDDEN[from]
    if (!banned) continue
    checked++
    for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
      const to = area(path.resolve(path.dirname(file), spec))
      if (banned.includes(to)) violations.push(`${path.relative(SRC, file)} imports ${spec}`)
    }
  }
  assert.ok(checked > 50, `scanned ${checked} files`)
  assert.deepEqual(violations, [])
})
