// SchemaRegistryClient.register on a 409: a schema the subject already has
// gives its id (Confluent's answer); a 409 "already exists" for a schema that
// is not there (Apicurio 2.x's in-memory storage when two registrations race
// for one id) is registered again; an incompatible schema's 409 is thrown at
// once. The registry here is a scripted HTTP server: the race is real
// (scripts/registry/registry.ts says where) but cannot be produced on demand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SchemaRegistryClient, SchemaRegistryError } from '../../src/schema-registry/index.js'

interface Answer { status: number, body: object }
type Script = (method: string, url: string, body: string) => Answer

async function scriptedRegistry(script: Script): Promise<{ url: string, calls: string[], close(): Promise<void> }> {
  const calls: string[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d))
    req.on('end', () => {
      calls.push(`${req.method} ${req.url}`)
      const a = script(req.method!, req.url!, body)
      res.writeHead(a.status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' })
      res.end(JSON.stringify(a.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

const schema = { schema: '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}' }
const VERSION_CLASH = { status: 409, body: { message: 'An artifact version \'null\' for artifact ID \'s-value\' in group \'null\' already exists.', error_code: 0 } }
const ARTIFACT_CLASH = { status: 409, body: { message: 'An artifact with ID \'s-value\' in group \'null\' already exists.', error_code: 409 } }
const NOT_THERE = { status: 404, body: { message: 'No schema', error_code: 40403 } }

test('a 409 for a schema the subject has: its id from a look-up, as Confluent answers', async () => {
  const reg = await scriptedRegistry((method, url) => {
    if (method === 'POST' && url === '/subjects/s-value/versions') return ARTIFACT_CLASH
    if (method === 'POST' && url === '/subjects/s-value') return { status: 200, body: { subject: 's-value', id: 7, version: 2, schema: schema.schema } }
    return { status: 500, body: { message: `unexpected ${method} ${url}`, error_code: 50001 } }
  })
  try {
    const client = new SchemaRegistryClient({ 'schema.registry.url': reg.url, 'retry.backoff.ms': 1 })
    assert.equal(await client.register('s-value', schema), 7)
    assert.deepEqual(reg.calls, ['POST /subjects/s-value/versions', 'POST /subjects/s-value'])
    assert.equal(client.cachedId('s-value', schema), 7, 'the id is cached like a registered one')
    assert.equal(await client.register('s-value', schema), 7)
    assert.equal(reg.calls.length, 2, 'no further request')
  } finally {
    await reg.close()
  }
})

test('a 409 "already exists" for a schema that is not there: registered again until it lands', async () => {
  let posts = 0
  const reg = await scriptedRegistry((method, url) => {
    if (method === 'POST' && url === '/subjects/s-value/versions') return ++posts <= 2 ? VERSION_CLASH : { status: 200, body: { id: 12 } }
    if (method === 'POST' && url === '/subjects/s-value') return NOT_THERE
    return { status: 500, body: { message: `unexpected ${method} ${url}`, error_code: 50001 } }
  })
  try {
    const client = new SchemaRegistryClient({ 'schema.registry.url': reg.url, 'retry.backoff.ms': 1 })
    assert.equal(await client.register('s-value', schema), 12)
    assert.deepEqual(reg.calls, [
      'POST /subjects/s-value/versions', 'POST /subjects/s-value',
      'POST /subjects/s-value/versions', 'POST /subjects/s-value',
      'POST /subjects/s-value/versions',
    ])
  } finally {
    await reg.close()
  }
})

test('a clash that does not go away: the 409 after max.retries registrations more', async () => {
  const reg = await scriptedRegistry((method, url) => (method === 'POST' && url === '/subjects/s-value/versions' ? VERSION_CLASH : NOT_THERE))
  try {
    const client = new SchemaRegistryClient({ 'schema.registry.url': reg.url, 'retry.backoff.ms': 1, 'max.retries': 2 })
    const e = await client.register('s-value', schema).then(() => undefined, (x: unknown) => x)
    assert.ok(e instanceof SchemaRegistryError, String(e))
    assert.equal(e.status, 409)
    assert.match(e.message, /already exists/)
    assert.equal(reg.calls.filter((c) => c === 'POST /subjects/s-value/versions').length, 3, 'the first registration and 2 retries')
    assert.equal(client.cachedId('s-value', schema), undefined)
  } finally {
    await reg.close()
  }
})

test('an incompatible schema\'s 409: thrown after the one look-up, not registered again', async () => {
  const reg = await scriptedRegistry((method, url) => (method === 'POST' && url === '/subjects/s-value/versions'
    ? { status: 409, body: { message: 'Schema being registered is incompatible with an earlier schema for subject "s-value"', error_code: 409 } }
    : { status: 404, body: { message: 'Subject not found', error_code: 40401 } }))
  try {
    const client = new SchemaRegistryClient({ 'schema.registry.url': reg.url, 'retry.backoff.ms': 1 })
    const e = await client.register('s-value', schema).then(() => undefined, (x: unknown) => x)
    assert.ok(e instanceof SchemaRegistryError, String(e))
    assert.equal(e.status, 409)
    assert.equal(e.errorCode, 409)
    assert.match(e.message, /incompatible/)
    assert.deepEqual(reg.calls, ['POST /subjects/s-value/versions', 'POST /subjects/s-value'])
  } finally {
    await reg.close()
  }
})
