// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with .d.ts files.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
rmSync('dist', { recursive: true, force: true })
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' })
}
// CommonJS has no import.meta: point the one user of it at the file's own URL.
const optional = 'dist/cjs/protocol/records/optional.js'
writeFileSync(optional, readFileSync(optional, 'utf8').replaceAll('import.meta.url', "require('node:url').pathToFileURL(__filename).href"))
mkdirSync('dist/cjs', { recursive: true })
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n')
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n')
console.log('built dist/esm and dist/cjs')
