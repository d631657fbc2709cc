/**
 * The Avro records of the Schema Registry scenarios (issue 17): one schema
 * and 256 values whose Avro encoding is 1019 bytes, 1024 with Confluent's
 * 5-byte frame. Shared by bench/avro.ts, the harness (which pre-fills the
 * avro consume topic) and the avro drivers.
 */
import { createRequire } from 'node:module'

export const SCHEMA = {
  type: 'record', name: 'Reading', namespace: 'dev.samsa.bench',
  fields: [
    { name: 'seq', type: 'long' },
    { name: 'sensor', type: 'string' },
    { name: 'ts', type: 'long' },
    { name: 'celsius', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'body', type: 'string' }
  ]
}

/** avsc's type of SCHEMA (avsc is samsa's optional peer, in the project's node_modules). */
export function avroType (): { toBuffer: (v: unknown) => Buffer } {
  return (createRequire(import.meta.url)('avsc') as { Type: { forSchema: (s: unknown) => { toBuffer: (v: unknown) => Buffer } } }).Type.forSchema(SCHEMA)
}

/** 256 values whose Avro encoding is 1019 bytes (1024 framed). */
export function avroValues (): Record<string, unknown>[] {
  const type = avroType()
  const out: Record<string, unknown>[] = []
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789 {}":,'
  for (let i = 0; i < 256; i++) {
    const v: Record<string, unknown> = { seq: i * 7919, sensor: `sensor-${i % 17}`, ts: 1_764_900_000_000 + i, celsius: (i % 50) - 10.25, tags: ['a', `t${i % 5}`], body: '' }
    let n = 1019 - type.toBuffer(v).length
    for (;;) {
      v.body = Array.from({ length: n }, (_, k) => chars[(i * 31 + k * 7) % chars.length]).join('')
      const size = type.toBuffer(v).length
      if (size === 1019) break
      n += 1019 - size
    }
    out.push(v)
  }
  return out
}
