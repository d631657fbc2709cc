// A tiny hand-encoded Kafka probe used by the test cluster script to decide
// whether a broker is ready: ApiVersions v0, then Metadata v4 with no topics
// (to count the brokers the node knows about). Independent of the client in
// src/ on purpose: the broker harness must work before (and regardless of) it.

import net from 'node:net'

export interface ProbeResult {
  // api key -> [min, max]
  apiVersions: Map<number, [number, number]>
  // broker ids listed by Metadata, or null when Metadata v4 is not supported
  brokers: number[] | null
  clusterId: string | null
}

const API_VERSIONS = 18
const METADATA = 3
const CLIENT_ID = 'samsa-kafka-script'

function request (apiKey: number, apiVersion: number, correlationId: number, body: Buffer): Buffer {
  const clientId = Buffer.from(CLIENT_ID, 'utf8')
  // header v1: api_key int16, api_version int16, correlation_id int32, client_id nullable string
  const header = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(apiVersion, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(clientId.length, 8)
  clientId.copy(header, 10)
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + body.length, 0)
  return Buffer.concat([size, header, body])
}

export function apiVersionsRequestV0 (correlationId: number): Buffer {
  return request(API_VERSIONS, 0, correlationId, Buffer.alloc(0))
}

function metadataRequestV4 (correlationId: number): Buffer {
  // topics: empty array (not null: null would mean "all topics"); allow_auto_topic_creation: false
  const body = Buffer.alloc(5)
  body.writeInt32BE(0, 0)
  body.writeInt8(0, 4)
  return request(METADATA, 4, correlationId, body)
}

export function parseApiVersionsV0 (frame: Buffer): { correlationId: number, errorCode: number, apiVersions: Map<number, [number, number]> } {
  let o = 0
  const correlationId = frame.readInt32BE(o); o += 4
  const errorCode = frame.readInt16BE(o); o += 2
  const count = frame.readInt32BE(o); o += 4
  const apiVersions = new Map<number, [number, number]>()
  for (let i = 0; i < count; i++) {
    const key = frame.readInt16BE(o)
    const min = frame.readInt16BE(o + 2)
    const max = frame.readInt16BE(o + 4)
    o += 6
    apiVersions.set(key, [min, max])
  }
  return { correlationId, errorCode, apiVersions }
}

function parseMetadataV4 (frame: Buffer): { brokers: number[], clusterId: string | null } {
  let o = 4 + 4 // correlation id, throttle_time_ms
  const readString = (): string | null => {
    const len = frame.readInt16BE(o); o += 2
    if (len < 0) return null
    const s = frame.toString('utf8', o, o + len); o += len
    return s
  }
  const count = frame.readInt32BE(o); o += 4
  const brokers: number[] = []
  for (let i = 0; i < count; i++) {
    brokers.push(frame.readInt32BE(o)); o += 4
    readString() // host
    o += 4 // port
    readString() // rack
  }
  const clusterId = readString()
  return { brokers: brokers.sort((a, b) => a - b), clusterId }
}

// Opens a connection, sends the requests one after the other, resolves with
// what the broker answered or rejects (connection refused, timeout, bad answer).
export function probeBroker (host: string, port: number, timeoutMs = 3000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let buffered = Buffer.alloc(0)
    let step = 0
    let result: ProbeResult = { apiVersions: new Map(), brokers: null, clusterId: null }
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs)
    const finish = (err?: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      if (err) reject(err)
      else resolve(result)
    }
    socket.on('connect', () => socket.write(apiVersionsRequestV0(1)))
    socket.on('error', (err) => finish(err))
    socket.on('close', () => finish(new Error(`connection to ${host}:${port} closed before an answer`)))
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      while (buffered.length >= 4) {
        const size = buffered.readInt32BE(0)
        if (buffered.length < 4 + size) return
        const frame = buffered.subarray(4, 4 + size)
        buffered = buffered.subarray(4 + size)
        try {
          if (step === 0) {
            const av = parseApiVersionsV0(frame)
            if (av.correlationId !== 1) throw new Error(`unexpected correlation id ${av.correlationId}`)
            if (av.errorCode !== 0) throw new Error(`ApiVersions error code ${av.errorCode}`)
            result.apiVersions = av.apiVersions
            const range = av.apiVersions.get(METADATA)
            if (range && range[0] <= 4 && range[1] >= 4) {
              step = 1
              socket.write(metadataRequestV4(2))
            } else {
              finish()
            }
          } else {
            if (frame.readInt32BE(0) !== 2) throw new Error('unexpected correlation id in Metadata')
            result = { ...result, ...parseMetadataV4(frame) }
            finish()
          }
        } catch (err) {
          finish(err as Error)
        }
      }
    })
  })
}
