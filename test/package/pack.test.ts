// The npm package as it would be published, assembled in a temporary folder
// from the checkout's dist/ when that is newer than everything it is built
// from (CI builds first), else from a build into that folder (the checkout's
// dist/ is never written). Lists what `npm pack` would ship, and checks
// its size, that every entry point in package.json is in it, and that
// programs resolve its types and load its code through the export map, from
// an ES module and from CommonJS.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

/**
 * Upper bounds for the unpacked package (before this bound: 1,200 files, 7.1 MB;
 * 540 files and 2.94 MB with the core alone; raised for the entry points
 * that came after: samsa/testing, samsa/schema-registry, share groups; then
 * samsa/streams, about 0.15 MB and 50 files, took it to 4.03 MB / 771 files;
 * its stream–stream joins and the consumer's missing-topic watch to 4.41 MB /
 * 836 files; zod bundled into both builds, 0.37 MB, to 4.93 MB / 855 files).
 * Room for about one more feature of that size: a jump past it is a file
 * that should not ship.
 */
const MAX_UNPACKED_BYTES = 5_200_000
const MAX_FILES = 900

/** Whether dist/ was built after the last change to anything it is built from. */
function distIsFresh (): boolean {
  const built = join(root, 'dist/esm/index.js')
  if (!existsSync(built) || !existsSync(join(root, 'dist/cjs/index.d.ts'))) return false
  const newest = (p: string): number => {
    const s = statSync(p)
    if (!s.isDirectory()) return s.mtimeMs
    return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newest(join(p, f))))
  }
  const inputs = ['src', 'package.json', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.cjs.json']
  return statSync(built).mtimeMs > Math.max(...inputs.map((f) => newest(join(root, f))))
}

/** native/: what the install script compiles (package.json "files" lists the same). */
const NATIVE_SOURCES = ['native/crc32c.c', 'native/lz4.c', 'native/snappy.c', 'native/zstd.c', 'native/napi.h', 'native/copy.h', 'native/match.h', 'native/build.mjs']

interface PackedFile { path: string; size: number }
let work: string
let pkgDir: string
let files: PackedFile[]
let unpackedSize: number

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'samsa-pack-'))
  pkgDir = join(work, 'samsa')
  mkdirSync(pkgDir)
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'bin', ...NATIVE_SOURCES]) cpSync(join(root, f), join(pkgDir, f), { recursive: true })
  if (distIsFresh()) {
    cpSync(join(root, 'dist'), join(pkgDir, 'dist'), { recursive: true })
  } else {
    // --no-check: `npm run typecheck` checks the sources; this file must stay within the runner's per-file timeout.
    await run(process.execPath, [join(root, 'scripts/build.mjs'), '--out', join(pkgDir, 'dist'), '--no-check'], { cwd: root, maxBuffer: 1 << 24 })
  }
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir, maxBuffer: 1 << 26 })
  const [info] = JSON.parse(stdout) as [{ files: PackedFile[]; unpackedSize: number; entryCount: number }]
  files = info.files
  unpackedSize = info.unpackedSize
  console.log(`npm pack: ${info.entryCount} files, ${(unpackedSize / 1e6).toFixed(2)} MB unpacked`)
}, { timeout: 300_000 })

after(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true })
})

test(`the unpacked package stays under ${MAX_UNPACKED_BYTES / 1e6} MB and ${MAX_FILES} files`, () => {
  assert.ok(unpackedSize < MAX_UNPACKED_BYTES, `unpacked size ${unpackedSize} bytes`)
  assert.ok(files.length < MAX_FILES, `${files.length} files`)
})

test('the package ships the license, no sources, no source maps, no broker-internal protocol modules', () => {
  const paths = new Set(files.map((f) => f.path))
  // native/: the C sources and the script that builds them at install, never a built module
  for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/samsa.js', ...NATIVE_SOURCES]) assert.ok(paths.has(f), f)
  assert.ok(![...paths].some((p) => p.startsWith('native/build/')), 'no built native module is packed')
  assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/)
  for (const p of paths) {
    assert.ok(!p.startsWith('src/') && !p.startsWith('scripts/') && !p.startsWith('test/'), p)
    assert.ok(!p.endsWith('.map'), p)
    assert.ok(!/messages\/(leader-and-isr|vote|broker-registration)\./.test(p), p)
  }
})

test('the code loads zod from its own bundle (dist/*/vendor/zod.js, with zod\'s license), never the zod package and its locales', () => {
  const paths = new Set(files.map((f) => f.path))
  const js = [...paths].filter((p) => p.startsWith('dist/') && p.endsWith('.js'))
  for (const bundle of ['dist/esm/vendor/zod.js', 'dist/cjs/vendor/zod.js']) {
    assert.ok(paths.has(bundle), bundle)
    const text = readFileSync(join(pkgDir, bundle), 'utf8')
    assert.match(text, /^\/\*\nzod \d+\.\d+\.\d+, bundled by scripts\/build\.mjs[^]*MIT License[^]*Copyright \(c\) \d{4} Colin McDonnell/)
    // esbuild names each bundled module in a comment: English is there (so the check below can fail), no other locale is
    assert.match(text, /^\/\/ node_modules\/zod\/v4\/locales\/en\.js$/m)
    assert.doesNotMatch(text, /node_modules\/zod\/v4\/locales\/(?!en\.js)/, 'no locale but English is bundled')
  }
  const importers = js.filter((p) => /\bfrom\s*['"]zod['"]|\brequire\(\s*['"]zod['"]\s*\)/.test(readFileSync(join(pkgDir, p), 'utf8')))
  assert.deepEqual(importers, [])
  // Every source module that imports zod's values uses the bundle, in both builds.
  const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && /^import \{ z \} from 'zod'$/m.test(readFileSync(join(root, 'src', f), 'utf8')))
    .map((f) => f.replace(/\.ts$/, '.js'))
  assert.ok(sources.length > 0)
  // CommonJS: one module per source file, so exactly those modules use it.
  const users = js.filter((p) => p.startsWith('dist/cjs/') && readFileSync(join(pkgDir, p), 'utf8').includes('vendor/zod.js'))
  assert.deepEqual(users.map((p) => p.slice('dist/cjs/'.length)).sort(), sources.sort(), 'dist/cjs')
  // ES modules: a bundle (scripts/build.mjs); every import of zod in it names dist/esm/vendor/zod.js from where it stands.
  const esmImports = js.filter((p) => p.startsWith('dist/esm/') && p !== 'dist/esm/vendor/zod.js').flatMap((p) =>
    [...readFileSync(join(pkgDir, p), 'utf8').matchAll(/\bfrom\s*"([^"]*zod[^"]*)"/g)].map((m) => ({ file: p, target: resolve(pkgDir, dirname(p), m[1]!) })))
  assert.ok(esmImports.length > 0, 'the ES module bundle imports dist/esm/vendor/zod.js')
  for (const i of esmImports) assert.equal(i.target, join(pkgDir, 'dist/esm/vendor/zod.js'), i.file)
})

test('dist/esm is a bundle: one module per entry point, their shared code in chunks, no module per source file', () => {
  const esm = files.map((f) => f.path).filter((p) => p.startsWith('dist/esm/') && p.endsWith('.js'))
  const entries = ['index', 'kafkajs/index', 'testing/index', 'schema-registry/index', 'streams/index', 'cli/main'].map((e) => `dist/esm/${e}.js`)
  for (const e of entries) assert.ok(esm.includes(e), e)
  const others = esm.filter((p) => !entries.includes(p) && p !== 'dist/esm/vendor/zod.js')
  assert.ok(others.length > 0 && others.every((p) => p.startsWith('dist/esm/chunks/')), others.filter((p) => !p.startsWith('dist/esm/chunks/')).join(', '))
  // every relative import of every bundle file names a file of the package
  for (const p of esm) {
    for (const m of readFileSync(join(pkgDir, p), 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      assert.ok(existsSync(resolve(pkgDir, dirname(p), m[1]!)), `${p} imports ${m[1]}, which is not in the package`)
    }
  }
})

test('every file package.json points at is in the package', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>
  const targets: string[] = []
  const walk = (v: unknown): void => {
    if (typeof v === 'string') targets.push(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk([pkg.main, pkg.module, pkg.types, pkg.exports, pkg.bin])
  const paths = new Set(files.map((f) => f.path))
  assert.ok(targets.length >= 10)
  for (const t of targets) assert.ok(paths.has(t.replace(/^\.\//, '')), `${t} is not packed`)
})

test('programs type-check against the packed types and load the packed code, as ES modules and as CommonJS', async () => {
  const app = join(work, 'app')
  mkdirSync(join(app, 'node_modules'), { recursive: true })
  symlinkSync(pkgDir, join(app, 'node_modules/samsa'), 'dir')
  // The package's own dependencies (zod, debug, ...), as an install would provide them.
  symlinkSync(join(root, 'node_modules'), join(pkgDir, 'node_modules'), 'dir')
  writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module' }))
  // A KafkaJS program (the type-check fixture), an ES module and a CommonJS module.
  cpSync(join(root, 'test/kafkajs/fixtures/app.ts'), join(app, 'kafkajs-app.ts'))
  writeFileSync(join(app, 'esm.ts'), [
    "import { Producer, Consumer, Admin, KafkaError, type ProducerRecord } from 'samsa'",
    "import kafkajs, { Kafka } from 'samsa/kafkajs'",
    'const record: ProducerRecord<string, string> = { topic: "t", value: "v" }',
    "import { MockProducer, MockConsumer } from 'samsa/testing'",
    "import { SchemaRegistryClient, AvroSerializer, type Schema } from 'samsa/schema-registry'",
    'const schema: Schema = { schema: "{}" }',
    "import { StreamsBuilder, KafkaStreams, Serdes } from 'samsa/streams'",
    'const words = new StreamsBuilder().stream("t", { keySerde: Serdes.string, valueSerde: Serdes.string })',
    'export const used = [Producer, Consumer, Admin, KafkaError, record, Kafka, kafkajs.Kafka satisfies typeof Kafka, new MockProducer<string, string>(), MockConsumer, SchemaRegistryClient, AvroSerializer, schema, words, KafkaStreams]',
  ].join('\n'))
  writeFileSync(join(app, 'cjs.cts'), [
    "import samsa = require('samsa')",
    "import kafkajs = require('samsa/kafkajs')",
    "import testing = require('samsa/testing')",
    "import registry = require('samsa/schema-registry')",
    "import streams = require('samsa/streams')",
    'export const used = [samsa.Producer, samsa.KafkaError, kafkajs.Kafka, kafkajs.default.Kafka satisfies typeof kafkajs.Kafka, testing.MockConsumer, registry.ProtobufSerializer, streams.StreamsBuilder]',
  ].join('\n'))
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')], strict: true, noEmit: true, skipLibCheck: false, isolatedModules: true,
    },
    files: ['kafkajs-app.ts', 'esm.ts', 'cjs.cts'],
  }))
  await assert.doesNotReject(run(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app }).catch((e: { stdout?: string }) => {
    throw new Error(e.stdout ?? String(e))
  }))
  const load = [
    "const { createRequire } = await import('node:module')",
    'const require = createRequire(process.cwd() + "/")',
    "const esm = await import('samsa'); const esmKafkajs = await import('samsa/kafkajs')",
    // The ES module bundle finds samsa's native modules (each loaded at import) from its chunks' folder: the process maps them.
    ...(process.platform === 'linux'
      ? [`{ const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8'); for (const f of ${JSON.stringify([...(process.arch === 'x64' ? ['crc32c'] : []), 'lz4', 'snappy', 'zstd'].map((n) => join(pkgDir, `native/build/${n}.node`)))}) if (!maps.includes(f)) throw new Error('the ES module build did not load ' + f) }`]
      : []),
    "const cjs = require('samsa'); const cjsKafkajs = require('samsa/kafkajs')",
    "for (const m of [esm, cjs]) if (typeof m.Producer !== 'function' || typeof m.KafkaError !== 'function') throw new Error('samsa exports')",
    // Options are validated by the bundled zod: a bad one is a ConfigError naming it, in both builds.
    "for (const m of [esm, cjs]) { let e; try { new m.Producer({ 'bootstrap.servers': 'h:9092', 'linger.ms': -1 }) } catch (x) { e = x } if (!(e instanceof m.ConfigError) || !/linger\\.ms/.test(e.message)) throw new Error('config validation: ' + e) }",
    "for (const m of [esmKafkajs, cjsKafkajs]) if (typeof m.Kafka !== 'function' || typeof m.default.Kafka !== 'function') throw new Error('samsa/kafkajs exports')",
    "const esmTesting = await import('samsa/testing'); const cjsTesting = require('samsa/testing')",
    "for (const m of [esmTesting, cjsTesting]) if (typeof m.MockProducer !== 'function' || typeof m.MockConsumer !== 'function') throw new Error('samsa/testing exports')",
    "const esmRegistry = await import('samsa/schema-registry'); const cjsRegistry = require('samsa/schema-registry')",
    // Each build loads the optional avsc package (a peer dependency) when a serializer parses its schema.
    "for (const m of [esmRegistry, cjsRegistry]) new m.AvroSerializer(new m.SchemaRegistryClient({ 'schema.registry.url': 'http://127.0.0.1:1' }), { type: 'record', name: 'R', fields: [] })",
    "const esmStreams = await import('samsa/streams'); const cjsStreams = require('samsa/streams')",
    "for (const m of [esmStreams, cjsStreams]) new m.StreamsBuilder().stream('t').to('u')",
    // The ES module bundle and the CommonJS modules export the same names, each class and function under its own name.
    "for (const [name, e, c] of [['samsa', esm, cjs], ['samsa/kafkajs', esmKafkajs, cjsKafkajs], ['samsa/testing', esmTesting, cjsTesting], ['samsa/schema-registry', esmRegistry, cjsRegistry], ['samsa/streams', esmStreams, cjsStreams]]) for (const k of Object.keys(c)) { if (k === '__esModule') continue; if (!(k in e)) throw new Error(name + ': the ES module build does not export ' + k); if (typeof c[k] === 'function' && e[k].name !== c[k].name) throw new Error(name + ': ' + k + ' is named ' + e[k].name + ' in the ES module build, ' + c[k].name + ' in CommonJS') }",
    // The install script built native/build/crc32c.node, lz4.node, snappy.node and zstd.node (below); the CommonJS
    // build finds them from its own folders (the ES module bundle's are checked above).
    ...(process.platform === 'linux' && process.arch === 'x64'
      ? [`for (const m of [require(${JSON.stringify(join(pkgDir, 'dist/cjs/protocol/records/crc32c.js'))})]) if (m.crc32cImplementation !== 'samsa' || m.crc32c(Buffer.from('123456789')) !== 0xe3069283) throw new Error('native CRC-32C: ' + m.crc32cImplementation)`]
      : []),
    ...(process.platform === 'linux'
      ? [`for (const m of [require(${JSON.stringify(join(pkgDir, 'dist/cjs/protocol/records/compression/lz4.js'))})]) if (m.lz4NativeDecoder !== true || m.lz4NativeEncoder !== true) throw new Error('native LZ4 codec not loaded')`,
        `for (const m of [require(${JSON.stringify(join(pkgDir, 'dist/cjs/protocol/records/compression/snappy.js'))})]) if (m.snappyNativeDecoder !== true || m.snappyNativeEncoder !== true) throw new Error('native Snappy codec not loaded')`,
        `for (const m of [require(${JSON.stringify(join(pkgDir, 'dist/cjs/protocol/records/compression/zstd.js'))})]) if (m.zstdNative !== true) throw new Error('native zstd not loaded')`]
      : []),
    "console.log('loaded')",
  ].join('\n')
  // What `npm install samsa` runs: the package's install script.
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  assert.equal(pkg.scripts.install, 'node native/build.mjs')
  await run(process.execPath, [join(pkgDir, 'native/build.mjs')], { cwd: pkgDir })
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', load], { cwd: app })
  assert.equal(stdout.trim(), 'loaded')
})

test('@arethetypeswrong/cli finds no problem with the packed types (node16 from CJS and ESM, bundler)', async () => {
  const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js')
  // its own `npm pack` of the package folder; it exits non-zero on a problem in the profile's resolutions
  const { stdout } = await run(process.execPath, [attw, '--pack', pkgDir, '--profile', 'node16', '--format', 'json'], { cwd: work, maxBuffer: 1 << 24 })
    .catch((e: { stdout?: string }) => { throw new Error(`attw reported problems:\n${e.stdout ?? String(e)}`) })
  const report = JSON.parse(stdout) as { analysis: { entrypoints: Record<string, unknown> }; problems: Record<string, Array<{ entrypoint: string; resolutionKind?: string }>> }
  for (const entry of ['.', './kafkajs', './testing']) assert.ok(entry in report.analysis.entrypoints, `attw checked ${entry}`)
  // node10 (no export maps) cannot see subpaths; samsa needs Node 20 (engines), so only those are left
  const problems = Object.values(report.problems).flat().filter((p) => p.resolutionKind !== 'node10')
  assert.deepEqual(problems, [])
})
