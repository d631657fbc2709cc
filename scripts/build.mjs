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
// - dist/esm as a bundle (esbuild, code splitting): each entry point (the five
//   of the export map and the CLI) is one module, and the code they share sits
//   in dist/esm/chunks/, once, so classes stay one class across entry points.
//   Node's ES module loader costs about 1 ms of CPU per module: the 159
//   modules tsc emits took 223–291 ms of CPU to import, the bundle 119–189.
//   dist/cjs stays one module per source file (require() is cheaper per
//   module, and CommonJS bundles cannot share code between entry points).
// - zod, which validates options, as one module per format (dist/*/vendor/zod.js)
//   holding only the functions samsa calls: zod's own entry points load every
//   one of its locales (about 10 MiB of resident memory at import, with
//   nothing to tree-shake them in Node). zod stays a dependency: the
//   declarations name its types.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import * as zod from 'zod'

/** The export map's entry points (package.json "exports"), as paths under dist/<format>/ without .js. */
const ENTRY_POINTS = ['index', 'kafkajs/index', 'testing/index', 'schema-registry/index', 'streams/index']

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
for (const entry of ENTRY_POINTS) {
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

await bundleZod()
await bundleEsm()

mkdirSync(cjs, { recursive: true })
writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n')
writeFileSync(join(esm, 'package.json'), JSON.stringify({ type: 'module' }) + '\n')
console.log(`built ${esm} and ${cjs}`)

/**
 * Replaces the compiled modules' imports of 'zod' with dist/<format>/vendor/zod.js, an esbuild bundle
 * exporting `z` with just the members they use (found in the compiled code, where only values remain),
 * so zod's locales are never loaded. A member zod does not have fails the build.
 */
async function bundleZod () {
  const { build } = await import('esbuild')
  const used = new Set()
  for (const [dir, format] of [[esm, 'esm'], [cjs, 'cjs']]) {
    const vendor = join(dir, 'vendor/zod.js')
    for (const file of jsFiles(dir)) {
      const code = readFileSync(file, 'utf8')
      const importer = format === 'esm' ? /(\bfrom\s*)(['"])zod\2/g : /(\brequire\(\s*)(['"])zod\2/g
      let to = relative(dirname(file), vendor).replaceAll('\\', '/')
      if (!to.startsWith('.')) to = `./${to}`
      const pointed = code.replace(importer, (_all, lead, q) => `${lead}${q}${to}${q}`)
      if (pointed === code) continue
      // the namespace's name: z (ES modules) or zod_1.z (tsc's CommonJS)
      for (const m of code.matchAll(/\bz\s*\.\s*([A-Za-z_$][\w$]*)/g)) used.add(m[1])
      writeFileSync(file, pointed)
    }
  }
  if (used.size === 0) throw new Error('no compiled module imports zod: scripts/build.mjs bundleZod is out of date')
  const names = [...used].sort()
  const missing = names.filter((n) => !(n in zod.z))
  if (missing.length > 0) throw new Error(`zod has no ${missing.join(', ')} (used as z.<name> in the compiled code)`)
  const entry = [
    `import { ${names.map((n, i) => `${n} as m${i}`).join(', ')} } from 'zod'`,
    `export const z = { ${names.map((n, i) => `${n}: m${i}`).join(', ')} }`,
  ].join('\n')
  const root = zodRoot()
  const license = readFileSync(join(root, 'LICENSE'), 'utf8').trim()
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
  for (const [dir, format] of [[esm, 'esm'], [cjs, 'cjs']]) {
    await build({
      stdin: { contents: entry, resolveDir: dirname(import.meta.dirname), loader: 'js' },
      bundle: true,
      format,
      platform: 'node',
      target: 'node20',
      outfile: join(dir, 'vendor/zod.js'),
      banner: { js: `/*\nzod ${version}, bundled by scripts/build.mjs (only what samsa calls).\n\n${license}\n*/` },
      legalComments: 'none',
      logLevel: 'warning',
    })
  }
}

/**
 * Replaces dist/esm's modules with an esbuild bundle of its entry points (see the top of the file).
 * Packages stay imports (optional codecs, peers); dist/esm/vendor/zod.js stays its own module, with
 * zod's license, imported from each bundle file by its relative path.
 */
async function bundleEsm () {
  const { build } = await import('esbuild')
  const entries = [...ENTRY_POINTS, 'cli/main']
  const staging = join(out, 'esm-bundle')
  const ZOD = '__samsa_vendor_zod__'
  const result = await build({
    entryPoints: Object.fromEntries(entries.map((e) => [e, join(esm, `${e}.js`)])),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    keepNames: true, // classes and functions keep their names (error.name, constructor.name) as in the compiled modules
    outdir: staging,
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [{
      name: 'vendor-zod',
      setup (b) {
        b.onResolve({ filter: /\/vendor\/zod\.js$/ }, () => ({ path: ZOD, external: true }))
      },
    }],
  })
  // The compiled modules go (and the folders they leave empty); the declarations, package.json and vendor/ stay.
  for (const file of jsFiles(esm)) {
    if (!file.startsWith(join(esm, 'vendor') + '/')) rmSync(file)
  }
  removeEmptyFolders(esm)
  for (const output of Object.keys(result.metafile.outputs)) {
    const from = resolve(output)
    const rel = relative(staging, from)
    const to = join(esm, rel)
    let code = readFileSync(from, 'utf8')
    let zod = relative(dirname(to), join(esm, 'vendor/zod.js')).replaceAll('\\', '/')
    if (!zod.startsWith('.')) zod = `./${zod}`
    code = code.replaceAll(`"${ZOD}"`, JSON.stringify(zod))
    if (code.includes(ZOD)) throw new Error(`${rel}: the vendored zod import was not pointed at vendor/zod.js`)
    mkdirSync(dirname(to), { recursive: true })
    writeFileSync(to, code)
  }
  rmSync(staging, { recursive: true, force: true })
}

/** Removes the folders under `dir` that hold no file (deepest first). */
function removeEmptyFolders (dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue
    const sub = join(dir, e.name)
    removeEmptyFolders(sub)
    if (readdirSync(sub).length === 0) rmSync(sub, { recursive: true })
  }
}

/** The installed zod's folder (its exports map hides LICENSE and package.json). */
function zodRoot () {
  let dir = dirname(createRequire(import.meta.url).resolve('zod'))
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== 'zod') {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the installed zod package')
    dir = up
  }
  return dir
}

function jsFiles (dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name))
}
