import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError, ProtocolError } from '../../src/errors.js'
import { Reader } from '../../src/protocol/reader.js'
import { Writer, ZERO_UUID } from '../../src/protocol/writer.js'
import * as messages from '../../src/protocol/messages/index.js'
import { encodeApiVersionsRequest } from '../../src/protocol/messages/api-versions.js'
import { FetchApi, encodeFetchRequest, decodeFetchRequest } from '../../src/protocol/messages/fetch.js'
import { MetadataApi, decodeMetadataRequest, encodeMetadataRequest } from '../../src/protocol/messages/metadata.js'
import { ProduceApi, decodeProduceResponse, encodeProduceRequest, encodeProduceResponse } from '../../src/protocol/messages/produce.js'
import { decodeRequestHeader, encodeRequestHeader } from '../../src/protocol/messages/request-header.js'
import { loadModules } from '../../scripts/codegen/main.js'
import { namespaceName } from '../../scripts/codegen/emit.js'
import {
  type FieldModel,
  type MessageModel,
  type Primitive,
  type StructModel,
  contains,
} from '../../scripts/codegen/spec.js'

type Encode = (w: Writer, value: unknown, version: number) => void
type Decode = (r: Reader, version: number) => unknown
type Obj = Record<string, unknown>

const modules = loadModules()
const namespaces = messages as unknown as Record<string, Record<string, unknown>>

function codecs(ns: string, m: MessageModel): { encode: Encode; decode: Decode } {
  const mod = namespaces[ns]
  assert.ok(mod, `namespace ${ns} is exported from messages/index.ts`)
  const encode = mod[`encode${m.root.tsName}`]
  const decode = mod[`decode${m.root.tsName}`]
  assert.equal(typeof encode, 'function', `encode${m.root.tsName}`)
  assert.equal(typeof decode, 'function', `decode${m.root.tsName}`)
  return { encode: encode as Encode, decode: decode as Decode }
}

// ---- Sample values, built from the definitions (independently of the emitter) ----

function uuidOf(k: number): string {
  const b = Buffer.alloc(16)
  for (let i = 0; i < 16; i++) b[i] = (k * 31 + i * 7 + 1) & 0xff
  return b.toString('base64url')
}

function defaultOf(f: FieldModel): unknown {
  const t = f.type
  if (f.default === 'null') return null
  if (t.kind === 'array') return []
  if (t.kind === 'struct') return defaultStruct(t.struct)
  switch (t.primitive) {
    case 'int64':
      return f.default === undefined ? 0n : BigInt(f.default)
    case 'bool':
      return f.default === 'true'
    case 'string':
      return f.default ?? ''
    case 'bytes':
      return Buffer.alloc(0)
    case 'records':
      return null
    case 'uuid':
      return ZERO_UUID
    default:
      return f.default === undefined ? 0 : Number(f.default)
  }
}

function defaultStruct(s: StructModel): Obj {
  const o: Obj = {}
  for (const f of s.fields) o[f.prop] = defaultOf(f)
  return o
}

function primitiveSample(p: Primitive, k: number, f: FieldModel | undefined): unknown {
  switch (p) {
    case 'int8':
      return (k % 100) + 5
    case 'int16':
      return k % 2 === 0 ? 1000 + k : -1000 - k
    case 'uint16':
      return 40000 + k
    case 'int32':
      return k % 2 === 0 ? 100000 + k : -100000 - k
    case 'uint32':
      return 3000000000 + k
    case 'int64':
      return k % 2 === 0 ? (1n << 40n) + BigInt(k) : -(1n << 50n) - BigInt(k)
    case 'float64':
      return k + 0.25
    case 'bool':
      return f === undefined ? true : f.default !== 'true'
    case 'string':
      return `s${k}-é€😀`
    case 'bytes':
    case 'records':
      return Buffer.from([k & 0xff, 1, 2, 3])
    case 'uuid':
      return uuidOf(k)
  }
}

interface Sampler {
  k: number
  nulls: boolean
}

/** [input, expected decoded value] for struct `s` at `version`. */
function sampleStruct(s: StructModel, m: MessageModel, version: number, sm: Sampler): [Obj, Obj] {
  const input: Obj = {}
  const expected: Obj = {}
  for (const f of s.fields) {
    if (!contains(f.versions, version)) {
      expected[f.prop] = defaultOf(f)
      continue
    }
    const k = sm.k++
    if (sm.nulls && contains(f.nullableVersions, version)) {
      input[f.prop] = null
      expected[f.prop] = null
      continue
    }
    const [i, e] = sampleValue(f, m, version, sm, k)
    input[f.prop] = i
    expected[f.prop] = e
  }
  if (contains(m.flexibleVersions, version)) {
    const unknown = [{ tag: 90 + (sm.k % 5), data: Buffer.from([0xde, 0xad, sm.k & 0xff]) }]
    input._unknownTaggedFields = unknown
    expected._unknownTaggedFields = unknown
  }
  return [input, expected]
}

function sampleValue(f: FieldModel, m: MessageModel, version: number, sm: Sampler, k: number): [unknown, unknown] {
  const t = f.type
  if (t.kind === 'primitive') {
    const v = primitiveSample(t.primitive, k, f)
    return [v, v]
  }
  if (t.kind === 'struct') return sampleStruct(t.struct, m, version, sm)
  const el = t.element
  const inputs: unknown[] = []
  const expecteds: unknown[] = []
  for (let n = 0; n < 2; n++) {
    if (el.kind === 'struct') {
      const [i, e] = sampleStruct(el.struct, m, version, sm)
      inputs.push(i)
      expecteds.push(e)
    } else {
      const v = primitiveSample(el.primitive, k + n, undefined)
      inputs.push(v)
      expecteds.push(v)
    }
  }
  return [inputs, expecteds]
}

function encodeToBuffer(encode: Encode, value: unknown, version: number): Buffer {
  const w = new Writer(16)
  encode(w, value, version)
  return Buffer.from(w.finish())
}

function versions(m: MessageModel): number[] {
  const out: number[] = []
  for (let v = m.validVersions.lo; v <= m.validVersions.hi; v++) out.push(v)
  return out
}

// ---- Round trips for every message at every version ----

let roundTrips = 0
for (const mod of modules) {
  const ns = namespaceName(mod)
  for (const m of mod.messages) {
    test(`${m.name}: round trip at every version ${m.validVersions.lo}-${m.validVersions.hi}`, () => {
      const { encode, decode } = codecs(ns, m)
      for (const version of versions(m)) {
        for (const nulls of [false, true]) {
          const [input, expected] = sampleStruct(m.root, m, version, { k: version * 7 + 1, nulls })
          const buf = encodeToBuffer(encode, input, version)
          const r = new Reader(buf)
          const decoded = decode(r, version)
          assert.deepStrictEqual(decoded, expected, `${m.name} v${version}${nulls ? ' (nulls)' : ''}`)
          assert.equal(r.offset, buf.length, `${m.name} v${version}: decoding consumed every encoded byte`)
          // Re-encoding what was decoded gives the same bytes (unknown tagged fields included).
          assert.deepStrictEqual(encodeToBuffer(encode, decoded, version), buf, `${m.name} v${version}: re-encode`)
          roundTrips++
        }
      }
    })

    test(`${m.name}: defaults round trip and versions outside ${m.validVersions.lo}-${m.validVersions.hi} are rejected`, () => {
      const { encode, decode } = codecs(ns, m)
      for (const version of versions(m)) {
        const buf = encodeToBuffer(encode, {}, version)
        const r = new Reader(buf)
        assert.deepStrictEqual(decode(r, version), defaultStruct(m.root), `${m.name} v${version} defaults`)
        assert.equal(r.offset, buf.length)
      }
      for (const bad of [m.validVersions.lo - 1, m.validVersions.hi + 1, Number.NaN]) {
        assert.throws(() => encode(new Writer(), {}, bad), (e: unknown) => e instanceof KafkaError && e.type === 'UNSUPPORTED_VERSION')
        assert.throws(() => decode(new Reader(Buffer.alloc(64)), bad), (e: unknown) => e instanceof KafkaError && e.type === 'UNSUPPORTED_VERSION')
      }
    })

    test(`${m.name}: every truncation of a valid frame throws ProtocolError`, () => {
      const { encode, decode } = codecs(ns, m)
      for (const version of [m.validVersions.lo, m.validVersions.hi]) {
        const [input] = sampleStruct(m.root, m, version, { k: 3, nulls: false })
        const buf = encodeToBuffer(encode, input, version)
        for (let n = 0; n < buf.length; n++) {
          assert.throws(
            () => decode(new Reader(buf.subarray(0, n)), version),
            ProtocolError,
            `${m.name} v${version} truncated to ${n} of ${buf.length} bytes`,
          )
        }
      }
    })
  }
}

test('every API module exports a descriptor registered in apisByKey', () => {
  let apis = 0
  for (const mod of modules) {
    if (mod.request === undefined) continue
    apis++
    const d = messages.apisByKey.get(mod.apiKey!)
    assert.ok(d, `api key ${mod.apiKey}`)
    assert.equal(d.name, mod.baseName)
    assert.equal(d.minVersion, mod.request.validVersions.lo)
    assert.equal(d.maxVersion, mod.request.validVersions.hi)
    assert.equal(namespaces[namespaceName(mod)]![`${mod.baseName}Api`], d)
    for (let v = d.minVersion; v <= d.maxVersion; v++) {
      const flexible = contains(mod.request.flexibleVersions, v)
      assert.equal(d.requestHeaderVersion(v), flexible ? 2 : mod.apiKey === 7 && v === 0 ? 0 : 1, `${d.name} v${v} request header`)
      assert.equal(d.responseHeaderVersion(v), mod.apiKey === 18 ? 0 : flexible ? 1 : 0, `${d.name} v${v} response header`)
    }
  }
  assert.equal(messages.apisByKey.size, apis)
  assert.ok(apis >= 60)
})

test('descriptor names and shapes', () => {
  assert.equal(ProduceApi.apiKey, 0)
  assert.equal(FetchApi.apiKey, 1)
  assert.equal(MetadataApi.apiKey, 3)
  assert.equal(messages.ApiVersionsApi.apiKey, 18)
  assert.equal(messages.ApiVersionsApi.responseHeaderVersion(4), 0)
  assert.equal(ProduceApi.encodeRequest, encodeProduceRequest)
  assert.equal(ProduceApi.decodeResponse, decodeProduceResponse)
})

// ---- Golden bytes, computed by hand ----

function hex(b: Buffer): string {
  return b.toString('hex')
}

test('golden: ApiVersionsRequest v3 with client software name and version', () => {
  const buf = encodeToBuffer(encodeApiVersionsRequest as Encode, { clientSoftwareName: 'samsa', clientSoftwareVersion: '0.1.0' }, 3)
  // compact string: uvarint(len + 1) then UTF-8; then an empty tagged-field section.
  assert.equal(hex(buf), '06' + '73616d7361' + '06' + '302e312e30' + '00')
})

test('golden: MetadataRequest v12 with one topic, and v1', () => {
  const v12 = encodeToBuffer(encodeMetadataRequest as Encode, { topics: [{ name: 't' }] }, 12)
  assert.equal(
    hex(v12),
    '02' + // compact array of 1 topic
      '00'.repeat(16) + // TopicId: zero uuid
      '0274' + // Name: compact string "t"
      '00' + // topic tagged fields
      '01' + // AllowAutoTopicCreation (default true)
      '00' + // IncludeTopicAuthorizedOperations
      '00', // tagged fields
  )
  assert.deepStrictEqual(decodeMetadataRequest(new Reader(v12), 12), {
    topics: [{ topicId: ZERO_UUID, name: 't' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  })
  const v1 = encodeToBuffer(encodeMetadataRequest as Encode, { topics: [{ name: 't' }] }, 1)
  assert.equal(hex(v1), '00000001' + '0001' + '74')
  const allTopics = encodeToBuffer(encodeMetadataRequest as Encode, { topics: null }, 1)
  assert.equal(hex(allTopics), 'ffffffff')
})

test('golden: ProduceRequest v3 and v9', () => {
  const value = { acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }] }
  assert.equal(
    hex(encodeToBuffer(encodeProduceRequest as Encode, value, 3)),
    'ffff' + 'ffff' + '00007530' + '00000001' + '000174' + '00000001' + '00000000' + '00000003010203',
  )
  assert.equal(
    hex(encodeToBuffer(encodeProduceRequest as Encode, value, 9)),
    '00' + 'ffff' + '00007530' + '02' + '0274' + '02' + '00000000' + '04010203' + '00' + '00' + '00',
  )
})

test('golden: FetchRequest v12 writes the ClusterId tagged field only when set', () => {
  const base = { replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1024, isolationLevel: 1, sessionId: 0, sessionEpoch: -1 }
  const fixed = 'ffffffff' + '000001f4' + '00000001' + '00000400' + '01' + '00000000' + 'ffffffff' + '01' + '01' + '01'
  assert.equal(hex(encodeToBuffer(encodeFetchRequest as Encode, base, 12)), fixed + '00')
  const tagged = encodeToBuffer(encodeFetchRequest as Encode, { ...base, clusterId: 'c' }, 12)
  // one tagged field: tag 0, size 2, compact string "c"
  assert.equal(hex(tagged), fixed + '01' + '00' + '02' + '0263')
  assert.equal(decodeFetchRequest(new Reader(tagged), 12).clusterId, 'c')
})

test('golden: RequestHeader v0, v1 and v2', () => {
  const h = { requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'samsa' }
  assert.equal(hex(encodeToBuffer(encodeRequestHeader as Encode, h, 2)), '0012' + '0003' + '00000001' + '000573616d7361' + '00')
  assert.equal(hex(encodeToBuffer(encodeRequestHeader as Encode, h, 1)), '0012' + '0003' + '00000001' + '000573616d7361')
  // ClientId is ignorable: v0 drops it silently.
  assert.equal(hex(encodeToBuffer(encodeRequestHeader as Encode, h, 0)), '0012' + '0003' + '00000001')
  assert.deepStrictEqual(decodeRequestHeader(new Reader(Buffer.from('0012000300000001ffff00', 'hex')), 2), {
    requestApiKey: 18,
    requestApiVersion: 3,
    correlationId: 1,
    clientId: null,
  })
})

// ---- Tagged fields ----

test('tagged fields larger than 127 and 16383 bytes get multi-byte sizes', () => {
  for (const count of [20, 2000]) {
    const nodeEndpoints = Array.from({ length: count }, (_, i) => ({ nodeId: i, host: `broker-${i}.example`, port: 9092, rack: null }))
    const value = { responses: [], throttleTimeMs: 0, nodeEndpoints, _unknownTaggedFields: [{ tag: 7, data: Buffer.from([9]) }] }
    const buf = encodeToBuffer(encodeProduceResponse as Encode, value, 10)
    const r = new Reader(buf)
    const decoded = decodeProduceResponse(r, 10)
    assert.equal(r.offset, buf.length)
    assert.deepStrictEqual(decoded.nodeEndpoints, nodeEndpoints)
    assert.deepStrictEqual(decoded._unknownTaggedFields, [{ tag: 7, data: Buffer.from([9]) }])
    // layout: responses (01), throttle (4 bytes), tag count 2, tag 0, uvarint size, ..., tag 7
    const tr = new Reader(buf, 5)
    assert.equal(tr.uvarint(), 2)
    assert.equal(tr.uvarint(), 0)
    const size = tr.uvarint()
    assert.ok(size > (count === 20 ? 127 : 16383))
    tr.skip(size)
    assert.equal(tr.uvarint(), 7)
  }
})

test('unknown tagged fields are written in tag order around known ones', () => {
  const unknown = [{ tag: 5, data: Buffer.from([1]) }]
  const buf = encodeToBuffer(encodeFetchRequest as Encode, { clusterId: 'c', _unknownTaggedFields: unknown }, 12)
  const decoded = decodeFetchRequest(new Reader(buf), 12)
  assert.equal(decoded.clusterId, 'c')
  assert.deepStrictEqual(decoded._unknownTaggedFields, unknown)
  assert.equal(hex(buf.subarray(buf.length - 8)), '02' + '00' + '02' + '0263' + '05' + '01' + '01')
})

test('a known tagged field whose declared size is wrong is rejected', () => {
  const buf = encodeToBuffer(encodeFetchRequest as Encode, { clusterId: 'c' }, 12)
  // size byte is at length - 3; claim 1 byte instead of 2
  buf[buf.length - 3] = 1
  assert.throws(() => decodeFetchRequest(new Reader(buf), 12), ProtocolError)
})

// ---- Version rules ----

test('a non-ignorable field with a non-default value in a version lacking it throws UNSUPPORTED_VERSION', () => {
  assert.throws(
    () => encodeMetadataRequest(new Writer(), { topics: null, allowAutoTopicCreation: false }, 3),
    (e: unknown) => e instanceof KafkaError && e.type === 'UNSUPPORTED_VERSION' && /allowAutoTopicCreation/.test(e.message) && /version 3/.test(e.message),
  )
  // the default value is fine
  encodeMetadataRequest(new Writer(), { topics: null, allowAutoTopicCreation: true }, 3)
  // so is a nested tagged field: ProduceResponse CurrentLeader exists from v10 only
  const response = (currentLeader: { leaderId?: number }) => ({ responses: [{ name: 't', partitionResponses: [{ index: 0, currentLeader }] }] })
  assert.throws(
    () => encodeProduceResponse(new Writer(), response({ leaderId: 1 }), 9),
    (e: unknown) => e instanceof KafkaError && e.type === 'UNSUPPORTED_VERSION' && /currentLeader/.test(e.message),
  )
  encodeProduceResponse(new Writer(), response({ leaderId: -1 }), 9)
  // ignorable fields are dropped silently: ProduceResponse ThrottleTimeMs (v1+), Metadata TopicId (v10+)
  encodeProduceResponse(new Writer(), { responses: [], throttleTimeMs: 100 }, 0)
  const v9 = encodeToBuffer(encodeMetadataRequest as Encode, { topics: [{ name: 't', topicId: 'AAECAwQFBgcICQoLDA0ODw' }] }, 9)
  assert.deepStrictEqual(decodeMetadataRequest(new Reader(v9), 9).topics, [{ topicId: ZERO_UUID, name: 't' }])
})

test('null in a version where the field is not nullable throws', () => {
  assert.throws(
    () => encodeMetadataRequest(new Writer(), { topics: [{ name: null }] }, 9),
    (e: unknown) => e instanceof KafkaError && e.type === 'UNSUPPORTED_VERSION' && /name/.test(e.message),
  )
  assert.throws(() => encodeMetadataRequest(new Writer(), { topics: null }, 0), KafkaError)
  // a null array where the version does not allow one, on decode
  assert.throws(() => decodeMetadataRequest(new Reader(Buffer.from('ffffffff', 'hex')), 0), ProtocolError)
})

// ---- Hostile input ----

test('an array count of 0x7fffffff throws ProtocolError without allocating', () => {
  const before = process.memoryUsage().heapUsed
  assert.throws(() => decodeMetadataRequest(new Reader(Buffer.from('7fffffff', 'hex')), 1), ProtocolError)
  // compact form: uvarint(0x7fffffff + 1)
  assert.throws(() => decodeMetadataRequest(new Reader(Buffer.from('8080808008', 'hex')), 12), ProtocolError)
  // a primitive array (ProduceResponse v8 has none; use Metadata response's partition replica ids via a nested frame)
  const w = new Writer()
  w.int32(0x7fffffff) // brokers count in MetadataResponse v1 (throttle time comes from v3)
  assert.throws(() => messages.decodeMetadataResponse(new Reader(Buffer.from(w.finish())), 1), ProtocolError)
  // a tagged-field count of 0x7fffffff
  assert.throws(() => decodeMetadataRequest(new Reader(Buffer.from('01' + '01' + '00' + 'ffffffff07', 'hex')), 12), ProtocolError)
  assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024)
})

test('round trips ran for every message and version', () => {
  // counted by the tests above (node runs tests in order)
  assert.ok(roundTrips > 1000, `${roundTrips} round trips`)
})
