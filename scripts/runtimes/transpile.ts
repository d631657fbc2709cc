// Turns TypeScript programs of this repository (the compatibility smoke
// suite, the examples) into plain .mjs files that use the INSTALLED package,
// so that any runtime (Node 20, Bun, Deno) runs them against what users get
// from npm, not against src/:
//   tsx scripts/runtimes/transpile.ts <out dir> <file.ts>...
// Each <file.ts> becomes <out dir>/<name>.mjs. Its imports are rewritten:
//   src/index.ts            -> 'samsa'
//   src/<entry>/index.ts    -> 'samsa/<entry>' (kafkajs, testing, schema-registry, streams)
//   node:test               -> './node-test-shim.mjs' (copied along)
//   another listed file     -> './<name>.mjs'
// An import of anything else inside the repository is an error: such a
// program would test samsa's internals, not its package.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(import.meta.dirname, '../..')
const ENTRIES = new Map([
  ['src/index.ts', 'samsa'],
  ['src/kafkajs/index.ts', 'samsa/kafkajs'],
  ['src/testing/index.ts', 'samsa/testing'],
  ['src/schema-registry/index.ts', 'samsa/schema-registry'],
  ['src/streams/index.ts', 'samsa/streams'],
])

/** Where a relative import of `from` points, as a repository path ending in .ts. */
function target (from: string, spec: string): string {
  const abs = path.resolve(path.dirname(from), spec).replace(/\.js$/, '.ts')
  return path.relative(ROOT, abs)
}

export function transpile (outDir: string, files: string[]): string[] {
  const listed = new Map(files.map((f) => [path.relative(ROOT, path.resolve(f)), `./${path.basename(f).replace(/\.ts$/, '.mjs')}`]))
  fs.mkdirSync(outDir, { recursive: true })
  const written: string[] = []
  for (const file of files) {
    const abs = path.resolve(file)
    const source = fs.readFileSync(abs, 'utf8').replace(/(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g, (all, lead: string, q: string, spec: string) => {
      let to: string | undefined
      if (spec === 'node:test') to = './node-test-shim.mjs'
      else if (spec.startsWith('.')) {
        const rel = target(abs, spec)
        to = ENTRIES.get(rel) ?? listed.get(rel)
        if (to === undefined) throw new Error(`${path.relative(ROOT, abs)} imports ${spec} (${rel}): only the package's entry points or another listed file can be used here`)
      }
      return to === undefined ? all : `${lead}${q}${to}${q}`
    })
    const out = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
      fileName: abs,
    }).outputText
    const dest = path.join(outDir, path.basename(file).replace(/\.ts$/, '.mjs'))
    replace(dest, out)
    written.push(dest)
  }
  replace(path.join(outDir, 'node-test-shim.mjs'), fs.readFileSync(path.join(ROOT, 'scripts/runtimes/node-test-shim.mjs'), 'utf8'))
  return written
}

/**
 * Writes `text` to `dest` unless it already holds it, through a rename: a runtime already running the
 * file (another example's process started a moment before) reads either the old file or the new one,
 * never one truncated halfway (which once ran as an empty module on Deno and printed nothing).
 */
function replace (dest: string, text: string): void {
  try {
    if (fs.readFileSync(dest, 'utf8') === text) return
  } catch {
    // not there yet
  }
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`
  fs.writeFileSync(tmp, text)
  fs.renameSync(tmp, dest)
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [outDir, ...files] = process.argv.slice(2)
  if (!outDir || files.length === 0) {
    console.error('usage: tsx scripts/runtimes/transpile.ts <out dir> <file.ts>...')
    process.exit(2)
  }
  for (const f of transpile(outDir, files)) console.log(f)
}
