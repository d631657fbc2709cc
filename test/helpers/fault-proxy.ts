/**
 * FaultProxy: a TCP proxy between a Kafka client and real brokers that
 * injects the faults a healthy broker never produces, for tests.
 *
 * Contract:
 * - `FaultProxy.start({ bootstrap })` listens on a local port for the
 *   bootstrap broker (`proxy.bootstrap` is the address to give the client).
 *   Every broker address the client learns from Metadata, FindCoordinator and
 *   DescribeCluster responses is rewritten to a local port of the proxy (one
 *   listener per real broker, opened on first sight), so every connection
 *   the client makes passes through it.
 * - The proxy frames both directions: it remembers the API key and version
 *   of each request it forwards (by correlation id), so that it can decode
 *   and re-encode the responses it rewrites (with samsa's generated codecs)
 *   and restrict faults to some APIs.
 * - Faults (`proxy.faults`, changeable at any time; each applies to what
 *   happens after the change):
 *   - `corruptRate`: that share of responses gets `corruptBits` random bit
 *     flips, in the body (after the response header) and, with
 *     `corruptHeader`, also in the size prefix and correlation id;
 *   - `truncateRate`: that share of responses is cut at a random byte and
 *     the connection closed;
 *   - `dropEveryMs: [min, max]`: every client connection is closed after a
 *     random time in that range;
 *   - `delayMs` (with `delayRate`, default 1): responses are held that long
 *     (order is kept per connection);
 *   - `blackhole`: connections are accepted and requests read, but nothing
 *     is ever answered;
 *   - `refuse`: the listeners are closed (connections are refused) and open
 *     connections cut; clearing it listens again on the same ports;
 *   - `apis`: when set, corruption, truncation and delay apply only to
 *     responses of these API keys.
 * - `stats` counts what was forwarded and every fault injected.
 * - `record` (optional) sees every response frame as the broker sent it
 *   (before rewriting or faults): used to capture fuzzing seeds.
 * - `edit` (optional) may replace a response frame (after rewriting, before
 *   faults): one answer a broker never gives, on demand (`editResponse`).
 *   When it throws, the error is printed and the connection cut.
 * - `close()` closes every listener and connection; nothing is left open.
 *
 * Dependency-free apart from samsa's own protocol codecs, so it can move to
 * a test kit unchanged.
 */
import net from 'node:net'
import type { ApiDescriptor } from '../../src/protocol/api.js'
import { readResponseHeader } from '../../src/protocol/header.js'
import { Reader } from '../../src/protocol/reader.js'
import { Writer } from '../../src/protocol/writer.js'
import { MetadataApi, encodeMetadataResponse } from '../../src/protocol/messages/metadata.js'
import { FindCoordinatorApi, encodeFindCoordinatorResponse } from '../../src/protocol/messages/find-coordinator.js'
import { DescribeClusterApi, encodeDescribeClusterResponse } from '../../src/protocol/messages/describe-cluster.js'
import { apisByKey } from '../../src/protocol/messages/index.js'
import { prng } from './prng.js'

export interface Faults {
  corruptRate?: number
  /** Bits flipped in a corrupted response (default 3). */
  corruptBits?: number
  /** Also flip bits in the size prefix and correlation id (default false: body only). */
  corruptHeader?: boolean
  truncateRate?: number
  dropEveryMs?: readonly [number, number]
  delayMs?: number
  delayRate?: number
  blackhole?: boolean
  refuse?: boolean
  apis?: readonly number[]
}

export interface FaultStats {
  connections: number
  refused: number
  requests: number
  responses: number
  rewritten: number
  corrupted: number
  truncated: number
  dropped: number
  delayed: number
  blackholed: number
  /** Times `refuse` was switched on. */
  refuseWindows: number
  /** Faults injected per API key (corrupted + truncated + delayed). */
  byApi: Record<number, number>
}

export interface FaultProxyOptions {
  /** The real bootstrap broker, `host:port`. */
  bootstrap: string
  faults?: Faults
  /** Seed for the fault choices (default: random). */
  seed?: number
  record?: (apiKey: number, version: number, frame: Buffer) => void
  /**
   * Changes a response frame (after the address rewriting, before faults):
   * returns the new frame, or undefined to keep it. `editResponse` builds one
   * from a decoded and changed body.
   */
  edit?: (apiKey: number, version: number, frame: Buffer) => Buffer | undefined
}

/**
 * `frame` (a response of `api` at `version`) with its body decoded, passed to
 * `change`, and encoded again with `encode`: for a test that needs one answer
 * a real broker never gives.
 */
export function editResponse<Res>(frame: Buffer, version: number, api: ApiDescriptor<unknown, Res>,
  encode: (w: Writer, res: Res, version: number) => void, change: (res: Res) => void): Buffer {
  const r = new Reader(frame.subarray(4))
  readResponseHeader(r, api.responseHeaderVersion(version))
  const headerEnd = 4 + r.offset
  const res = api.decodeResponse(r, version)
  change(res)
  const w = new Writer()
  encode(w, res, version)
  return withBody(frame, headerEnd, w.finish())
}

/**
 * An `edit` (FaultProxyOptions) that passes the first `times` responses of `api` through `change`;
 * a response for which `change` returns false is passed on as it came and not counted. `edited()`
 * says how many it changed so far.
 */
export function editFirst<Res>(api: ApiDescriptor<unknown, Res>, encode: (w: Writer, res: Res, version: number) => void,
  times: number, change: (res: Res) => boolean | void): { edit: NonNullable<FaultProxyOptions['edit']>; edited: () => number } {
  let edited = 0
  return {
    edit: (apiKey, version, frame) => {
      if (apiKey !== api.apiKey || edited >= times) return undefined
      let changed = true
      const out = editResponse(frame, version, api, encode, (res) => { changed = change(res) !== false })
      if (!changed) return undefined
      edited++
      return out
    },
    edited: () => edited,
  }
}

/** The frame's size prefix and response header, then `body`, with the size fixed. */
function withBody(frame: Buffer, headerEnd: number, body: Uint8Array): Buffer {
  const out = Buffer.alloc(headerEnd + body.length)
  frame.copy(out, 0, 0, headerEnd)
  out.set(body, headerEnd)
  out.writeInt32BE(out.length - 4, 0)
  return out
}

interface Listener {
  target: { host: string; port: number }
  port: number
  server: net.Server | undefined
}


const REWRITTEN: ReadonlyMap<number, ApiDescriptor<unknown, unknown>> = new Map([
  [MetadataApi.apiKey, MetadataApi as ApiDescriptor<unknown, unknown>],
  [FindCoordinatorApi.apiKey, FindCoordinatorApi as ApiDescriptor<unknown, unknown>],
  [DescribeClusterApi.apiKey, DescribeClusterApi as ApiDescriptor<unknown, unknown>],
])

export class FaultProxy {
  faults: Faults
  readonly stats: FaultStats = {
    connections: 0, refused: 0, requests: 0, responses: 0, rewritten: 0, corrupted: 0, truncated: 0, dropped: 0, delayed: 0, blackholed: 0, refuseWindows: 0, byApi: {},
  }
  readonly seed: number
  private readonly random: () => number
  private readonly record: FaultProxyOptions['record']
  private readonly edit: FaultProxyOptions['edit']
  private readonly listeners = new Map<string, Listener>()
  private readonly pairs = new Set<{ client: net.Socket; broker: net.Socket; timer: NodeJS.Timeout | undefined }>()
  private refusing = false
  private closed = false

  private constructor(options: FaultProxyOptions) {
    this.faults = { ...options.faults }
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    this.random = prng(this.seed)
    this.record = options.record
    this.edit = options.edit
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options)
    const [host, port] = splitAddress(options.bootstrap)
    await proxy.listenerFor(host, port)
    return proxy
  }

  /** The proxy's address for the bootstrap broker. */
  get bootstrap(): string {
    const first = this.listeners.values().next().value as Listener
    return `127.0.0.1:${first.port}`
  }

  /** Changes the faults (merged into the current ones); `refuse` takes effect at once. */
  async set(faults: Faults): Promise<void> {
    this.faults = { ...this.faults, ...faults }
    await this.applyRefuse()
  }

  /** Clears every fault. */
  async heal(): Promise<void> {
    this.faults = {}
    await this.applyRefuse()
  }

  /** Cuts every open connection (both sides). */
  dropAll(): void {
    for (const p of [...this.pairs]) this.cut(p)
  }

  private async applyRefuse(): Promise<void> {
    const refuse = this.faults.refuse === true
    if (refuse === this.refusing) return
    this.refusing = refuse
    if (refuse) {
      this.stats.refuseWindows++
      const closing = Promise.all([...this.listeners.values()].map((l) => closeServer(l)))
      this.dropAll() // server.close() waits for open connections
      await closing
    } else {
      await Promise.all([...this.listeners.values()].map((l) => this.listen(l)))
    }
  }

  private async listenerFor(host: string, port: number): Promise<Listener> {
    const key = `${host}:${port}`
    let l = this.listeners.get(key)
    if (l) return l
    l = { target: { host, port }, port: 0, server: undefined }
    this.listeners.set(key, l)
    await this.listen(l)
    return l
  }

  private listen(l: Listener): Promise<void> {
    if (this.closed) return Promise.resolve()
    const server = net.createServer((client) => this.accept(l, client))
    l.server = server
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(l.port, '127.0.0.1', () => {
        server.off('error', reject)
        l.port = (server.address() as net.AddressInfo).port
        resolve()
      })
    })
  }

  private accept(l: Listener, client: net.Socket): void {
    if (this.refusing || this.closed) {
      this.stats.refused++
      client.destroy()
      return
    }
    this.stats.connections++
    const broker = net.connect(l.target)
    const pair = { client, broker, timer: undefined as NodeJS.Timeout | undefined }
    this.pairs.add(pair)
    const drop = this.faults.dropEveryMs
    if (drop) {
      pair.timer = setTimeout(() => {
        this.stats.dropped++
        this.cut(pair)
      }, drop[0] + this.random() * (drop[1] - drop[0]))
    }
    client.setNoDelay(true)
    broker.setNoDelay(true)
    const inflight = new Map<number, { apiKey: number; version: number }>()
    // Requests: forward as they come, noting each one's API and version.
    let reqBuf: Buffer = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      reqBuf = reqBuf.length === 0 ? chunk : Buffer.concat([reqBuf, chunk])
      while (reqBuf.length >= 12) {
        const size = reqBuf.readInt32BE(0)
        if (reqBuf.length < 4 + size) break
        inflight.set(reqBuf.readInt32BE(8), { apiKey: reqBuf.readInt16BE(4), version: reqBuf.readInt16BE(6) })
        this.stats.requests++
        reqBuf = reqBuf.subarray(4 + size)
      }
      broker.write(chunk)
    })
    // Responses: whole frames, rewritten and faulted, written in order.
    let resBuf: Buffer = Buffer.alloc(0)
    let chain = Promise.resolve()
    broker.on('data', (chunk: Buffer) => {
      resBuf = resBuf.length === 0 ? chunk : Buffer.concat([resBuf, chunk])
      while (resBuf.length >= 8) {
        const size = resBuf.readInt32BE(0)
        if (resBuf.length < 4 + size) break
        const frame = Buffer.from(resBuf.subarray(0, 4 + size))
        resBuf = resBuf.subarray(4 + size)
        const req = inflight.get(frame.readInt32BE(4))
        inflight.delete(frame.readInt32BE(4))
        chain = chain.then(() => this.respond(pair, frame, req)).catch(() => this.cut(pair))
      }
    })
    const end = () => this.cut(pair)
    client.on('error', end).on('close', end)
    broker.on('error', end).on('close', end)
  }

  private async respond(pair: { client: net.Socket; broker: net.Socket }, frame: Buffer<ArrayBufferLike>, req: { apiKey: number; version: number } | undefined): Promise<void> {
    if (pair.client.destroyed) return
    this.stats.responses++
    if (req) this.record?.(req.apiKey, req.version, frame.subarray(4))
    if (this.faults.blackhole) {
      this.stats.blackholed++
      return
    }
    if (req && REWRITTEN.has(req.apiKey)) frame = await this.rewrite(frame, req.apiKey, req.version)
    if (req && this.edit) {
      try {
        frame = this.edit(req.apiKey, req.version, frame) ?? frame
      } catch (e) {
        // a test's own mistake: said where the test shows it, not only as a cut connection
        console.error(`FaultProxy: edit() threw on a response of API ${req.apiKey} v${req.version}; cutting the connection:`, e)
        throw e
      }
    }
    const f = this.faults
    const eligible = req !== undefined && (f.apis === undefined || f.apis.includes(req.apiKey))
    const count = (what: 'corrupted' | 'truncated' | 'delayed') => {
      this.stats[what]++
      if (req) this.stats.byApi[req.apiKey] = (this.stats.byApi[req.apiKey] ?? 0) + 1
    }
    if (eligible && f.delayMs && this.random() < (f.delayRate ?? 1)) {
      count('delayed')
      await new Promise((r) => setTimeout(r, f.delayMs))
      if (pair.client.destroyed) return
    }
    if (eligible && f.truncateRate && this.random() < f.truncateRate) {
      count('truncated')
      const cut = 1 + Math.floor(this.random() * (frame.length - 1))
      pair.client.end(frame.subarray(0, cut))
      pair.broker.destroy()
      return
    }
    if (eligible && f.corruptRate && this.random() < f.corruptRate) {
      count('corrupted')
      frame = Buffer.from(frame)
      const headerEnd = 4 + 4 + (req && responseHeaderVersion(req) >= 1 ? 1 : 0)
      const from = f.corruptHeader ? 0 : Math.min(headerEnd, frame.length - 1)
      for (let i = 0; i < (f.corruptBits ?? 3); i++) {
        const at = from + Math.floor(this.random() * (frame.length - from))
        frame[at]! ^= 1 << Math.floor(this.random() * 8)
      }
    }
    pair.client.write(frame)
  }

  /** Points every broker address in the response at this proxy. */
  private async rewrite(frame: Buffer<ArrayBufferLike>, apiKey: number, version: number): Promise<Buffer<ArrayBufferLike>> {
    const api = REWRITTEN.get(apiKey)!
    const r = new Reader(frame.subarray(4))
    readResponseHeader(r, api.responseHeaderVersion(version))
    const headerEnd = 4 + r.offset
    const w = new Writer()
    if (apiKey === MetadataApi.apiKey) {
      const res = MetadataApi.decodeResponse(r, version)
      for (const b of res.brokers) b.port = (await this.listenerFor(b.host, b.port)).port
      for (const b of res.brokers) b.host = '127.0.0.1'
      encodeMetadataResponse(w, res, version)
    } else if (apiKey === FindCoordinatorApi.apiKey) {
      const res = FindCoordinatorApi.decodeResponse(r, version)
      if (res.errorCode === 0 && res.port > 0) res.port = (await this.listenerFor(res.host, res.port)).port
      if (res.errorCode === 0 && res.port > 0) res.host = '127.0.0.1'
      for (const c of res.coordinators) {
        if (c.errorCode !== 0 || c.port <= 0) continue
        c.port = (await this.listenerFor(c.host, c.port)).port
        c.host = '127.0.0.1'
      }
      encodeFindCoordinatorResponse(w, res, version)
    } else {
      const res = DescribeClusterApi.decodeResponse(r, version)
      for (const b of res.brokers) {
        b.port = (await this.listenerFor(b.host, b.port)).port
        b.host = '127.0.0.1'
      }
      encodeDescribeClusterResponse(w, res, version)
    }
    this.stats.rewritten++
    return withBody(frame, headerEnd, w.finish())
  }

  private cut(pair: { client: net.Socket; broker: net.Socket; timer: NodeJS.Timeout | undefined }): void {
    if (!this.pairs.delete(pair)) return
    if (pair.timer) clearTimeout(pair.timer)
    pair.client.destroy()
    pair.broker.destroy()
  }

  async close(): Promise<void> {
    this.closed = true
    const closing = Promise.all([...this.listeners.values()].map((l) => closeServer(l)))
    this.dropAll()
    await closing
  }
}

function responseHeaderVersion(req: { apiKey: number; version: number }): number {
  const api = apisByKey.get(req.apiKey)
  return api ? api.responseHeaderVersion(req.version) : 0
}

function closeServer(l: Listener): Promise<void> {
  const s = l.server
  l.server = undefined
  if (!s) return Promise.resolve()
  return new Promise((r) => s.close(() => r()))
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':')
  return [address.slice(0, i), Number(address.slice(i + 1))]
}
