import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { commonShape } from '../../src/config/common.js'
import { producerShape } from '../../src/config/producer.js'

test('docs/producer.md lists every producer option with its default', () => {
  const doc = fs.readFileSync(new URL('../../docs/producer.md', import.meta.url), 'utf8')
  const rows = new Map<string, string>()
  for (const m of doc.matchAll(/^\| `([a-z0-9.]+)` \| ([^|]+) \|/gm)) rows.set(m[1]!, m[2]!.trim())
  for (const [key, schema] of Object.entries(producerShape)) {
    if (key in commonShape) continue
    assert.ok(rows.has(key), `docs/producer.md has a row for ${key}`)
    const value = (schema as { parse(v: unknown): unknown }).parse(undefined)
    if (value === undefined) continue
    assert.equal(rows.get(key), `\`${String(value)}\``, `docs/producer.md gives the default of ${key}`)
  }
})
