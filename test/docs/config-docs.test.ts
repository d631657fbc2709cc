import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { z } from 'zod'
import { DOC_PATH, defaultOf, renderConfigDocs, typeOf } from '../../scripts/config-docs.js'
import { bool, int, oneOf, optionalStr, str } from '../../src/config/fields.js'

test('docs/configuration.md matches the config schemas (run npm run docs:config when this fails)', async () => {
  const expected = await renderConfigDocs()
  const actual = fs.readFileSync(DOC_PATH, 'utf8')
  assert.ok(actual === expected, 'docs/configuration.md is stale: run `npm run docs:config` and commit the result')
})

test('every documented key has a type, a default (or none) and a meaning', async () => {
  const text = await renderConfigDocs()
  const rows = text.split('\n').filter((l) => l.startsWith('| `'))
  assert.ok(rows.length > 50, `${rows.length} options documented`)
  for (const r of rows) {
    const cells = r.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim())
    assert.equal(cells.length, 4, r)
    assert.ok(cells.every((c) => c !== ''), `empty cell in ${r}`)
  }
  for (const key of ['bootstrap.servers', 'acks', 'linger.ms', 'group.id', 'enable.auto.commit', 'isolation.level']) {
    assert.ok(rows.some((r) => r.startsWith(`| \`${key}\` |`)), `${key} documented`)
  }
})

test('field types and defaults are rendered from the schema builders', () => {
  assert.equal(typeOf(int(5, 0, 10)), 'int (0..10)')
  assert.deepEqual(defaultOf(int(5, 0, 10)), { has: true, text: '`5`' })
  assert.equal(typeOf(bool(true)), 'boolean')
  assert.equal(typeOf(oneOf(['a', 'b'] as const, 'a')), '"a" \\| "b"')
  assert.equal(typeOf(str('x')), 'string')
  assert.deepEqual(defaultOf(str('')), { has: true, text: '`""`' })
  assert.deepEqual(defaultOf(optionalStr()), { has: false, text: '' })
  assert.equal(typeOf(z.array(z.string())), 'string[]')
})
