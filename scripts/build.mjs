// Builds the package's dist/: dist/esm (ES modules, with the CLI), dist/cjs
// (CommonJS, for require()), and one set of type declarations.
//
//   node scripts/build.mjs [--out DIR]        (default: dist)
//
// What ships, and why:
// - JavaScript without comments and without source maps (the maps pointed at
//   src/, which is not packed). The declarations keep the doc comments.
// - The declarations once, in dist/cjs. dist/esm has only its two entry
//   points' .d.ts, ES modules that re-export dist/cjs's declarations, so that
//   TypeScript sees an ES module behind `import` and CommonJS behind `require`.
// - The CLI (bin/samsa.js loads dist/esm/cli) as ES modules only.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const outIndex = process.argv.indexOf('--out')
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : 'dist')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = (project, ...flags) => execFileSync(process.execPath, [tsc, '-p', project, ...flags], { stdio: 'inherit' })

rmSync(out, { recursive: true, force: true })
const esm = join(out, 'esm')
const cjs = join(out, 'cjs')
run('tsconfig.build.json', '--outDir', esm)
// The sources were type-checked by the run above.
run('tsconfig.cjs.json', '--outDir', cjs, '--noCheck')
run('tsconfig.cjs.json', '--outDir', cjs, '--noCheck', '--declaration', '--emitDeclarationOnly', '--removeComments', 'false')

// CommonJS has no import.meta: point the one user of it at the file's own URL.
const optional = join(cjs, 'protocol/records/optional.js')
writeFileSync(optional, readFileSync(optional, 'utf8').replaceAll('import.meta.url', "require('node:url').pathToFileURL(__filename).href"))

// The ES entry points' declarations: ES modules re-exporting the CommonJS ones.
// (An ES module importing CommonJS sees module.exports as its default export,
// hence `.default` for a module that has one.)
for (const entry of ['index', 'kafkajs/index']) {
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
