// Captures raw response frames from a real broker into test/fixtures/captured/
// so that decoding is tested on bytes a broker really sent (not only on bytes
// our own encoder wrote). Usage: KAFKA_BOOTSTRAP=127.0.0.1:9092 tsx scripts/capture-fixtures.ts
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { writeRequestHeader } from '../src/protocol/header.js'
import { Writer } from '../src/protocol/writer.js'
import type { ApiDescriptor } from '../src/protocol/api.js'
import { ApiVersionsApi } from '../src/protocol/messages/api-versions.js'
import { MetadataApi } from '../src/protocol/messages/metadata.js'
import { DescribeClusterApi } from '../src/protocol/messages/describe-cluster.js'
import { ListOffsetsApi } from '../src/protocol/messages/list-offsets.js'
import { FindCoordinatorApi } from '../src/protocol/messages/find-coordinator.js'

const [host, port] = (process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092').split(',')[0]!.split(':')
const out = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'captured')

const socket = net.connect({ host: host!, port: Number(port) })
await new Promise((r) => socket.once('connect', r))
let buffered = Buffer.alloc(0)
const waiting: ((frame: Buffer) => void)[] = []
socket.on('data', (d) => {
  buffered = Buffer.concat([buffered, d])
  while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
    const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0))
    buffered = buffered.subarray(4 + frame.length)
    waiting.shift()!(Buffer.from(frame))
  }
})

let correlationId = 1
async function capture<Req>(name: string, api: ApiDescriptor<Req, unknown>, version: number, body: Req): Promise<void> {
  const w = new Writer()
  const at = w.reserveInt32()
  writeRequestHeader(w, api.requestHeaderVersion(version), api.apiKey, version, correlationId++, 'samsa-capture')
  api.encodeRequest(w, body, version)
  w.patchInt32(at, w.offset - 4)
  const frame = new Promise<Buffer>((r) => waiting.push(r))
  socket.write(w.finish())
  fs.writeFileSync(path.join(out, `${name}.bin`), await frame)
  console.log(`captured ${name}.bin`)
}

const topic = '__consumer_offsets'
await capture('api-versions-v3', ApiVersionsApi, 3, { clientSoftwareName: 'samsa', clientSoftwareVersion: '0.1.0' })
await capture('api-versions-v0', ApiVersionsApi, 0, {})
await capture('metadata-v12', MetadataApi, 12, { topics: [{ name: topic }], allowAutoTopicCreation: false })
await capture('metadata-v9-all', MetadataApi, 9, { topics: null, allowAutoTopicCreation: false })
await capture('describe-cluster-v1', DescribeClusterApi, 1, { endpointType: 1 })
await capture('list-offsets-v8', ListOffsetsApi, 8, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })
await capture('find-coordinator-v4', FindCoordinatorApi, 4, { keyType: 0, coordinatorKeys: ['samsa-capture-group'] })
socket.end()
