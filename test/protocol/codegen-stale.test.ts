import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ERRORS_FILE, MESSAGES_DIR, REPO_ROOT, generate } from '../../scripts/codegen/main.js'

const generated = generate()

test('the generator produces the message modules, their index and the error table', () => {
  assert.ok(generated.has(`${MESSAGES_DIR}/index.ts`))
  assert.ok(generated.has(`${MESSAGES_DIR}/produce.ts`))
  assert.ok(generated.has(`${MESSAGES_DIR}/request-header.ts`))
  assert.ok(generated.has(ERRORS_FILE))
  for (const [path, content] of generated) {
    assert.match(content, /^\/\/ GENERATED .*Do not edit\.\n/, path)
  }
})

for (const [path, content] of generated) {
  test(`${path} is up to date`, () => {
    const file = join(REPO_ROOT, path)
    assert.ok(existsSync(file), `${path} is missing: run npm run generate`)
    assert.ok(readFileSync(file, 'utf8') === content, `${path} differs from the generator's output: run npm run generate`)
  })
}

test('src/protocol/messages holds no stale generated module', () => {
  for (const f of readdirSync(join(REPO_ROOT, MESSAGES_DIR))) {
    const path = `${MESSAGES_DIR}/${f}`
    assert.ok(generated.has(path), `${path} is not produced by the generator any more: run npm run generate`)
  }
})

test('generated code carries no about texts from the definitions', () => {
  const about = /"about"|The topic name\.|The partition index\./
  for (const [path, content] of generated) assert.doesNotMatch(content, about, path)
})
