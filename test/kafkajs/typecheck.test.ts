// A KafkaJS program (test/kafkajs/fixtures/app.ts, importing 'samsa/kafkajs')
// type-checks against samsa's KafkaJS types — and against KafkaJS's own types
// when the benchmark peers (.bench/peers) have KafkaJS installed, which shows
// the fixture is a real KafkaJS program and not one bent to fit samsa.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(import.meta.dirname, '../..')
const fixture = join(root, 'test/kafkajs/fixtures/app.ts')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const kafkajsTypes = join(root, '.bench/peers/node_modules/kafkajs/types/index.d.ts')

function typecheck(paths?: Record<string, string[]>): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-kafkajs-tsc-'))
  const config = join(dir, 'tsconfig.json')
  writeFileSync(config, JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      ...(paths ? { paths } : {}),
    },
    files: [fixture],
  }))
  return new Promise((done) => {
    execFile(process.execPath, [tsc, '-p', config], { cwd: root }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true })
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr })
    })
  })
}

test('a KafkaJS program type-checks against samsa/kafkajs (the sources; test/package.test.ts checks the packed types)', async () => {
  const { code, output } = await typecheck({ 'samsa/kafkajs': [join(root, 'src/kafkajs/index.ts')] })
  assert.equal(code, 0, output)
})

test("the same program type-checks against KafkaJS's own types", { skip: !existsSync(kafkajsTypes) && 'KafkaJS is not installed in .bench/peers' }, async () => {
  const { code, output } = await typecheck({ 'samsa/kafkajs': [kafkajsTypes] })
  assert.equal(code, 0, output)
})

test("every name KafkaJS's type declarations export is exported by samsa/kafkajs", { skip: !existsSync(kafkajsTypes) && 'KafkaJS is not installed in .bench/peers' }, () => {
  const theirs = new Set([...readFileSync(kafkajsTypes, 'utf8').matchAll(/^export (?:declare )?(?:type|interface|class|enum|const|var|function) ([A-Za-z_]+)/gm)].map((m) => m[1]!))
  const entry = join(root, 'src/kafkajs/index.ts')
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const ours = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!).map((s) => s.name))
  assert.ok(theirs.size > 150, `read KafkaJS's export list (${theirs.size} names)`)
  assert.deepEqual([...theirs].filter((name) => !ours.has(name)), [])
})
