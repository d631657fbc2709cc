/**
 * One client connection to a fake broker: splits the byte stream into
 * size-prefixed frames, reads the request header, runs the API's handler and
 * writes responses in request order (a broker handles one connection's
 * requests one at a time, as Kafka does).
 */
import type net from 'node:net'
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import { apisByKey } from '../../protocol/messages/index.js'
import type { ApiHandler, RequestContext } from './api.js'
import type { BrokerState, ClusterState } from './cluster.js'
import type { FakeCoordinators } from './coordinators.js'
import type { Faults } from './faults.js'

/** Frames above this are refused (the connection is closed), as Kafka's socket.request.max.bytes. */
const MAX_FRAME = 100 * 1024 * 1024

export interface ConnectionDeps {
  cluster: ClusterState
  coordinators: FakeCoordinators
  broker: BrokerState
  faults: Faults
  handlers: ReadonlyMap<number, ApiHandler>
  /** The ApiVersions answer for an unsupported ApiVersions version (v0 with UNSUPPORTED_VERSION). */
  unsupportedApiVersions: (w: Writer) => void
  /** Told about a request the fake could not handle (the connection is then closed). */
  onError: ((err: Error) => void) | undefined
}

export class FakeConnection {
  private pending: Buffer[] = []
  private pendingBytes = 0
  private chain: Promise<void> = Promise.resolve()
  private readonly abort = new AbortController()

  constructor (readonly socket: net.Socket, private readonly deps: ConnectionDeps) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => { this.onData(chunk) })
    socket.on('error', () => { /* the close event follows */ })
    socket.on('close', () => { this.abort.abort() })
  }

  close (): void {
    this.abort.abort()
    this.socket.destroy()
  }

  private onData (chunk: Buffer): void {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    while (this.pendingBytes >= 4) {
      const head = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending)
      this.pending = [head]
      const size = head.readInt32BE(0)
      if (size < 8 || size > MAX_FRAME) { this.close(); return }
      if (head.length < 4 + size) return
      const frame = head.subarray(4, 4 + size)
      const rest = head.subarray(4 + size)
      this.pending = rest.length > 0 ? [rest] : []
      this.pendingBytes = rest.length
      // the frame may be a view of a chunk that later chunks do not touch: no copy needed
      this.chain = this.chain.then(() => this.handle(frame)).catch((err: unknown) => {
        this.deps.onError?.(err as Error)
        this.close()
      })
    }
  }

  private async handle (frame: Buffer): Promise<void> {
    if (this.abort.signal.aborted) return
    const r = new Reader(frame)
    const apiKey = r.int16()
    const version = r.int16()
    const correlationId = r.int32()
    const handler = this.deps.handlers.get(apiKey)
    const descriptor = apisByKey.get(apiKey)
    const w = new Writer(256)
    w.int32(0) // size, set below
    w.int32(correlationId)
    if (handler === undefined || version < handler.minVersion || version > handler.maxVersion) {
      if (apiKey === 18) {
        // ApiVersions: answer in v0 so the client can retry with a version we know
        this.deps.unsupportedApiVersions(w)
        this.write(w)
        return
      }
      // Kafka closes the connection on a request it cannot parse; so does the fake
      this.close()
      return
    }
    const headerVersion = descriptor?.requestHeaderVersion(version) ?? 1
    const clientId = headerVersion >= 1 ? r.nullableString() : null
    if (headerVersion >= 2) skipTaggedFields(r)
    const request: unknown = handler.decodeRequest(r, version)
    const ctx: RequestContext = {
      cluster: this.deps.cluster,
      coordinators: this.deps.coordinators,
      broker: this.deps.broker,
      version,
      clientId,
      clientHost: `/${this.socket.remoteAddress ?? ''}`,
      signal: this.abort.signal,
    }
    let response: unknown
    let failed = false
    for (const action of this.deps.faults.take(apiKey, this.deps.broker.nodeId)) {
      if (action.kind === 'drop') { this.close(); return }
      if (action.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, action.ms))
      if (action.kind === 'fail' && !failed) {
        response = handler.fail(request, action.errorCode, ctx)
        failed = true
      }
    }
    if (!failed) response = await handler.handle(ctx, request)
    if (this.abort.signal.aborted || response === null) return
    if ((descriptor?.responseHeaderVersion(version) ?? 0) >= 1) w.uvarint(0)
    handler.encodeResponse(w, response, version)
    this.write(w)
  }

  private write (w: Writer): void {
    const out = w.finish()
    out.writeInt32BE(out.length - 4, 0)
    if (!this.socket.destroyed) this.socket.write(Buffer.from(out))
  }
}

function skipTaggedFields (r: Reader): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}
