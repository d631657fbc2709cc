import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { transpile } from '../../../scripts/runtimes/transpile.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

test('transpile: entry points become package imports, listed files stay local, node:test becomes the shim', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-transpile-'))
  try {
    const files = ['test/integration/compat/smoke.test.ts', 'test/helpers/kafka.ts', 'examples/kafkajs.ts'].map((f) => path.join(ROOT, f))
    const written = transpile(out, files)
    assert.deepEqual(written.map((f) => path.basename(f)), ['smoke.test.mjs', 'kafka.mjs', 'kafkajs.mjs'])
    const smoke = fs.readFileSync(path.join(out, 'smoke.test.mjs'), 'utf8')
    assert.match(smoke, /from 'samsa';/)
    assert.match(smoke, /from '\.\/kafka\.mjs';/)
    assert.match(smoke, /from '\.\/node-test-shim\.mjs';/)
    assert.doesNotMatch(smoke, /src\/index|: Producer<|as const/, 'no source paths or TypeScript left')
    assert.match(fs.readFileSync(path.join(out, 'kafkajs.mjs'), 'utf8'), /from 'samsa\/kafkajs';/)
    assert.ok(fs.existsSync(path.join(out, 'node-test-shim.mjs')), 'the shim is copied along')
  } finally {
    fs.rmSync(out, { recursive: true, force: true })
  }
})

test('transpile: an import of samsa internals is refused with the path', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-transpile-'))
  try {
    const src = path.join(out, 'internal.ts')
    fs.writeFileSync(src, `import { Writer } from '${path.relative(out, path.join(ROOT, 'src/protocol/writer.js'))}'\nconsole.log(Writer)\n`)
    assert.throws(() => transpile(path.join(out, 'dist'), [src]), /imports .*src\/protocol\/writer\.ts.*only the package's entry points/)
  } finally {
    fs.rmSync(out, { recursive: true, force: true })
  }
})
