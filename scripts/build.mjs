// Builds the package's dist/: dist/esm (ES modules, with the CLI), dist/cjs
// (CommonJS, for require()), and one set of type declarations.
//
//   node scripts/build.mjs [--out DIR] [--no-check]    (default: dist; --no-check
//   skips type checking, which `npm run typecheck` does: test/package uses it)
//
// What ships, and why:
// - JavaScript without comments and without source maps (the maps pointed at
//   src/, which is not packed). The declarations keep the doc comments.
// - The declarations once, in dist/cjs. dist/esm has only its two entry
//   points' .d.ts, ES modules that re-export dist/cjs's declarations, so that
//   TypeScript sees an ES module behind `import` and CommonJS behind `require`.
// - The CLI (bin/samsa.js loads dist/esm/cli) as ES modules only.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const outIndex = process.argv.indexOf('--out')
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : 'dist')
const check = process.argv.includes('--no-check') ? ['--noCheck'] : []
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = (project, ...flags) => new Promise((resolve, reject) => {
  const child = execFile(process.execPath, [tsc, '-p', project, ...flags], { maxBuffer: 1 << 26 }, (error) => (error ? reject(new Error(`tsc -p ${project} ${flags.join(' ')} failed`)) : resolve()))
  child.stdout.pipe(process.stdout)
  child.stderr.pipe(process.stderr)
})

rmSync(out, { recursive: true, force: true })
const esm = join(out, 'esm')
const cjs = join(out, 'cjs')
// The three compilations run side by side; the first one type-checks the sources.
await Promise.all([
  run('tsconfig.build.json', '--outDir', esm, ...check),
  run('tsconfig.cjs.json', '--outDir', cjs, '--noCheck'),
  run('tsconfig.cjs.json', '--outDir', cjs, '--noCheck', '--declaration', '--emitDeclarationOnly', '--removeComments', 'false'),
])

// CommonJS has no import.meta: point the one user of it at the file's own URL.
const optional = join(cjs, 'protocol/records/optional.js')
writeFileSync(optional, readFileSync(optional, 'utf8').replaceAll('import.meta.url', "require('node:url').pathToFileURL(__filename).href"))

// The ES entry points' declarations: ES modules re-exporting the CommonJS ones.
// (An ES module importing CommonJS sees module.exports as its default export,
// hence `.default` for a module that has one.)
for (const entry of ['index', 'kafkajs/index', 'testing/index', 'schema-registry/index', 'streams/index']) {
  const target = `${entry.includes('/') ? '../../cjs/' : '../cjs/'}${entry}.js`
  const hasDefault = /^export default /m.test(readFileSync(join(cjs, `${entry}.d.ts`), 'utf8'))
  const lines = [
    '// The declarations live in dist/cjs; this ES module re-exports them (see scripts/build.mjs).',
    `export * from '${target}'`,
  ]
  if (hasDefault) {
    lines.push(`import cjs from '${target}'`, 'declare const _default: typeof cjs.default', 'export default _default')
  }
  writeFileSync(join(esm, `${entry}.d.ts`), lines.join('\n') + '\n')
}

mkdirSync(cjs, { recursive: true })
writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n')
writeFileSync(join(esm, 'package.json'), JSON.stringify({ type: 'module' }) + '\n')
console.log(`built ${esm} and ${cjs}`)
