// Decoding bytes a real Kafka 4.4.0 broker sent (captured by
// scripts/capture-fixtures.ts), and re-encoding them to the same bytes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { Reader } from '../../src/protocol/reader.js'
import { Writer } from '../../src/protocol/writer.js'
import { readResponseHeader } from '../../src/protocol/header.js'
import type { ApiDescriptor } from '../../src/protocol/api.js'
import { ApiVersionsApi, encodeApiVersionsResponse } from '../../src/protocol/messages/api-versions.js'
import { MetadataApi, encodeMetadataResponse } from '../../src/protocol/messages/metadata.js'
import { DescribeClusterApi, encodeDescribeClusterResponse } from '../../src/protocol/messages/describe-cluster.js'
import { ListOffsetsApi, encodeListOffsetsResponse } from '../../src/protocol/messages/list-offsets.js'
import { FindCoordinatorApi, encodeFindCoordinatorResponse } from '../../src/protocol/messages/find-coordinator.js'

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'captured')

function decode<Res>(file: string, api: ApiDescriptor<unknown, Res>, version: number, correlationId: number): { res: Res; bodyStart: number; frame: Buffer } {
  const frame = fs.readFileSync(path.join(dir, file))
  const r = new Reader(frame)
  assert.equal(readResponseHeader(r, api.responseHeaderVersion(version)), correlationId)
  const bodyStart = r.offset
  const res = api.decodeResponse(r, version)
  assert.equal(r.remaining, 0, `${file}: every byte consumed`)
  return { res, bodyStart, frame }
}

function reencodes<T>(frame: Buffer, bodyStart: number, encode: (w: Writer, v: T, version: number) => void, value: T, version: number) {
  const w = new Writer()
  encode(w, value, version)
  assert.deepEqual(Buffer.from(w.finish()), frame.subarray(bodyStart), 're-encoding gives the broker\'s bytes')
}

test('ApiVersions v3 from Kafka 4.4.0', () => {
  const { res, bodyStart, frame } = decode('api-versions-v3.bin', ApiVersionsApi, 3, 1)
  assert.equal(res.errorCode, 0)
  const produce = res.apiKeys.find((k) => k.apiKey === 0)!
  assert.ok(produce.maxVersion >= 11, `Produce up to v${produce.maxVersion}`)
  assert.ok(res.apiKeys.some((k) => k.apiKey === 68), 'ConsumerGroupHeartbeat offered (KIP-848)')
  assert.ok(res.finalizedFeatures.some((f) => f.name === 'metadata.version'), 'finalized features (tagged field) decoded')
  assert.ok(res.finalizedFeaturesEpoch > 0n)
  reencodes(frame, bodyStart, encodeApiVersionsResponse, res, 3)
})

test('ApiVersions v0 from Kafka 4.4.0', () => {
  const { res, bodyStart, frame } = decode('api-versions-v0.bin', ApiVersionsApi, 0, 2)
  assert.equal(res.errorCode, 0)
  assert.ok(res.apiKeys.length > 40)
  reencodes(frame, bodyStart, encodeApiVersionsResponse, res, 0)
})

test('Metadata v12 and v9 from Kafka 4.4.0', () => {
  const v12 = decode('metadata-v12.bin', MetadataApi, 12, 3)
  const [t] = v12.res.topics
  assert.equal(t!.name, '__consumer_offsets')
  assert.equal(t!.isInternal, true)
  assert.equal(t!.topicId.length, 22)
  assert.notEqual(t!.topicId, 'AAAAAAAAAAAAAAAAAAAAAA')
  assert.ok(t!.partitions.length > 0)
  assert.ok(v12.res.brokers.length >= 1)
  assert.equal(typeof v12.res.clusterId, 'string')
  reencodes(v12.frame, v12.bodyStart, encodeMetadataResponse, v12.res, 12)

  const v9 = decode('metadata-v9-all.bin', MetadataApi, 9, 4)
  assert.ok(v9.res.topics.some((x) => x.name === '__consumer_offsets'))
  reencodes(v9.frame, v9.bodyStart, encodeMetadataResponse, v9.res, 9)
})

test('DescribeCluster v1, ListOffsets v8, FindCoordinator v4 from Kafka 4.4.0', () => {
  const dc = decode('describe-cluster-v1.bin', DescribeClusterApi, 1, 5)
  assert.equal(dc.res.errorCode, 0)
  assert.equal(dc.res.endpointType, 1)
  assert.ok(dc.res.brokers.length >= 1)
  reencodes(dc.frame, dc.bodyStart, encodeDescribeClusterResponse, dc.res, 1)

  const lo = decode('list-offsets-v8.bin', ListOffsetsApi, 8, 6)
  const p = lo.res.topics[0]!.partitions[0]!
  assert.equal(p.errorCode, 0)
  assert.equal(typeof p.offset, 'bigint')
  assert.ok(p.offset >= 0n)
  reencodes(lo.frame, lo.bodyStart, encodeListOffsetsResponse, lo.res, 8)

  const fc = decode('find-coordinator-v4.bin', FindCoordinatorApi, 4, 7)
  const c = fc.res.coordinators[0]!
  assert.equal(c.key, 'samsa-capture-group')
  assert.ok(c.errorCode === 0 || c.errorCode === 15, `coordinator found or still loading (${c.errorCode})`)
  reencodes(fc.frame, fc.bodyStart, encodeFindCoordinatorResponse, fc.res, 4)
})
