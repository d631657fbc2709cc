/**
 * Connection: one TCP (or TLS) socket to one broker.
 *
 * Contract:
 * - `connect()` opens the socket within `connectTimeoutMs`, negotiates API
 *   versions (ApiVersions) and runs SASL when configured. It rejects with a
 *   `ConnectionError` (retriable: refused, reset, timed out) naming the
 *   address, or with a non-retriable `AuthenticationError`: SASL refused, or
 *   an `SslAuthenticationError` when TLS verification fails on either side —
 *   including the broker's rejection of our certificate, which with TLS 1.3
 *   arrives as an alert after the handshake, on the first read.
 * - `request()` may be called many times without waiting: requests are
 *   pipelined and their responses matched by correlation id. Each request has a
 *   deadline (`requestTimeoutMs` unless overridden); when it passes, the
 *   request fails with `TimeoutError` and the connection is closed, since
 *   responses on a Kafka connection arrive in order and a late one would
 *   block every later request.
 * - A frame that is malformed (bad length, unknown correlation id, a body that
 *   does not decode) means the byte stream can no longer be trusted: the
 *   connection is closed with a `ProtocolError` as the reason, and every
 *   request in flight on it, the one whose response was malformed included,
 *   fails with a retriable `ConnectionError` (type `CONNECTION`, the
 *   `ProtocolError` as its `cause`, `context.malformed` true). Callers retry
 *   it like any broken connection, as the Java client does; nothing is
 *   sticky. Nothing larger than `maxResponseSize` is ever allocated for a
 *   frame.
 * - Re-authentication (KIP-368): when SASL returns a session lifetime, the
 *   connection runs the authenticator again on the live socket at 85-95% of
 *   it; requests made meanwhile are held and written in order afterwards. A
 *   failed re-authentication closes the connection with a retriable
 *   `ConnectionError` whose cause is the failure.
 * - When the connection closes for any reason, every pending request fails
 *   with a retriable `ConnectionError` and `onClose` is called once. A closed
 *   connection is never reused: the pool makes a new one.
 * - Reading (plaintext): the socket reads straight into the buffer of the
 *   frame being received (net's `onread`), so a large response (a Fetch of
 *   many MiB) is never copied from socket chunks; bytes that are not part of
 *   a frame in progress land in a 64 KiB scratch buffer. TLS sockets have no
 *   `onread` and deliver 'data' chunks, which are collected the same way.
 */
import net from 'node:net'
import tls from 'node:tls'
import { AuthenticationError, ConnectionError, KafkaError, ProtocolError, TimeoutError } from '../errors.js'
import { Log } from '../logger.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { readResponseHeader, writeRequestHeader } from '../protocol/header.js'
import { ApiVersionsApi } from '../protocol/messages/api-versions.js'
import { brokerRelease } from './broker-release.js'
import { MetadataApi } from '../protocol/messages/metadata.js'
import { ProduceApi } from '../protocol/messages/produce.js'
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'
import { channels, traced, tracing, type ConnectionObserver, type RequestContext } from './diagnostics.js'
import { ErrorCode } from '../protocol/errors.js'
import { tlsFailure } from './tls.js'

const networkLog = Log.standalone('samsa:network')

/** Scratch buffer for reads that are not into a frame in progress. */
const READ_CHUNK = 64 * 1024
/** Reads up to this size are copied out of the scratch buffer (which is then reused); larger ones keep it. */
const SMALL_READ = 16 * 1024

const PRODUCE_API_KEY = ProduceApi.apiKey
/** Byte fields (record batches) of at least this size go to the socket from where they are (gathered write). */
const GATHER_MIN = 4096

/**
 * Writes a request's buffers as one gathered write (cork, then uncork: the
 * socket hands them to writev together); `done` fires when the last is written.
 */
function writeFrame(socket: net.Socket, frame: Buffer[], done?: (err?: Error | null) => void): void {
  if (frame.length === 1) {
    socket.write(frame[0]!, done)
    return
  }
  socket.cork()
  const last = frame.length - 1
  for (let i = 0; i < last; i++) socket.write(frame[i]!)
  socket.write(frame[last]!, done)
  socket.uncork()
}

const CLIENT_SOFTWARE_NAME = 'samsa'
export const CLIENT_SOFTWARE_VERSION = '0.1.0'

export interface ConnectionOptions {
  host: string
  port: number
  /** Broker node id, or -1 for a bootstrap address whose id is not known yet. */
  nodeId: number
  clientId: string
  requestTimeoutMs: number
  connectTimeoutMs: number
  maxResponseSize: number
  /** TLS options; undefined for plaintext. */
  tls?: tls.ConnectionOptions | undefined
  /**
   * Runs after version negotiation, before the connection is ready (SASL),
   * sending through `send`. Resolves to the session lifetime the broker set
   * (SaslAuthenticate v1+, KIP-368), 0 for none: the connection then runs it
   * again on the live socket before the session expires.
   */
  authenticate?: ((conn: Connection, send: SaslSend) => Promise<number | void>) | undefined
  onClose?: ((conn: Connection, error: KafkaError | undefined) => void) | undefined
  /** The client's logger (namespace samsa:network); the debug package when absent. */
  log?: Log | undefined
  /**
   * Shared by the connections to one broker (the pool keeps it): the API
   * version ranges found missing once. The first time, `versionFor` closes
   * the connection and throws a retriable ConnectionError; only a repeat
   * (on a fresh connection) throws the final UNSUPPORTED_VERSION.
   */
  unsupportedSeen?: Set<string> | undefined
  /** Told of connections, requests and responses (the client's metrics, instrumentation events). */
  observer?: ConnectionObserver | undefined
  /**
   * Asks the same broker something small over another connection (the pool
   * supplies it). Watches the requests a broker may hold much longer than
   * `requestTimeoutMs` (JoinGroup, SyncGroup: up to the rebalance timeout):
   * see {@link Connection.request}.
   */
  probe?: (() => Promise<unknown>) | undefined
}

/** Sends a request while authenticating (other requests are held during a re-authentication). */
export type SaslSend = <Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: RequestOptions) => Promise<Res>

export interface RequestOptions {
  /** Use this version instead of the highest one both sides support. */
  version?: number
  timeoutMs?: number
  /** The broker sends no response (Produce with acks=0): resolves once written. */
  noResponse?: boolean
}

interface Pending {
  api: ApiDescriptor<unknown, unknown>
  version: number
  resolve: (value: unknown) => void
  reject: (err: KafkaError) => void
  timer: NodeJS.Timeout | undefined
  /** For a long-held request: the probe's interval timer (see `probe`). */
  watch: NodeJS.Timeout | undefined
  sentAt: number
  correlationId: number
  size: number
}

interface VersionRange {
  minVersion: number
  maxVersion: number
}

type State = 'new' | 'connecting' | 'ready' | 'closed'

export class Connection {
  readonly options: ConnectionOptions
  readonly address: string
  private socket: net.Socket | undefined
  private state: State = 'new'
  private nextCorrelationId = 1
  private readonly pending = new Map<number, Pending>()
  private versions = new Map<number, VersionRange>()
  private closeError: KafkaError | undefined
  /** Size of the last request per api key: the next one starts with a buffer that big, so steady traffic never regrows it. */
  private readonly sizeHints = new Map<number, number>()
  private connecting: Promise<void> | undefined
  /** KIP-368: when the session re-authenticates; requests made meanwhile wait in `held`, in order. */
  private reauthTimer: NodeJS.Timeout | undefined
  private reauthenticating = false
  private held: { run: () => void; fail: (e: KafkaError) => void }[] = []
  /** Re-authentications completed on this connection. */
  reauthentications = 0
  private readonly saslSend: SaslSend = (api, body, options) => this.send(api, body, options ?? {})

  // framing state
  private frame: Buffer | undefined
  private frameFilled = 0
  private chunks: Buffer[] = []
  private chunkBytes = 0
  /** Where the next plaintext read goes: the current frame's unfilled tail, or the scratch buffer. */
  private readingIntoFrame = false
  private scratch: Buffer | undefined
  /** Breaks the connection when a frame whose size arrived is not complete within requestTimeoutMs. */
  private frameTimer: NodeJS.Timeout | undefined

  /** Time of the last request or response, for idle reaping. */
  lastUsed = Date.now()

  private readonly log: Log

  constructor(options: ConnectionOptions) {
    this.options = options
    this.address = `${options.host}:${options.port}`
    this.log = options.log ?? networkLog
  }

  get nodeId(): number {
    return this.options.nodeId
  }

  get isReady(): boolean {
    return this.state === 'ready'
  }

  get isClosed(): boolean {
    return this.state === 'closed'
  }

  get inFlight(): number {
    return this.pending.size + this.held.length
  }

  /** The typed, non-retriable error for a TLS verification or handshake failure; undefined otherwise. */
  private tlsFailure(e: Error): KafkaError | undefined {
    return this.options.tls ? tlsFailure(e, this.address) : undefined
  }

  /** The version ranges the broker advertised, by api key. */
  get apiVersions(): ReadonlyMap<number, VersionRange> {
    return this.versions
  }

  /** The broker's likely release from its ApiVersions, e.g. 'Kafka 2.8-ish' (see broker-release.ts). */
  get brokerRelease(): string {
    return brokerRelease(this.versions)
  }

  connect(): Promise<void> {
    if (this.connecting) return this.connecting
    this.connecting = traced(tracing.connect)
      ? tracing.connect.tracePromise(() => this.doConnect(), {
          broker: this.address,
          host: this.options.host,
          port: this.options.port,
          nodeId: this.options.nodeId,
          clientId: this.options.clientId,
          tls: this.options.tls !== undefined,
          sasl: this.options.authenticate !== undefined,
        })
      : this.doConnect()
    return this.connecting
  }

  private async doConnect(): Promise<void> {
    this.state = 'connecting'
    const { host, port, connectTimeoutMs } = this.options
    this.log.debug(`connecting to ${this.address}`, { broker: this.address, nodeId: this.options.nodeId })
    await new Promise<void>((resolve, reject) => {
      const socket = this.options.tls
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...this.options.tls })
        : net.connect({ host, port, onread: { buffer: () => this.nextReadBuffer(), callback: (n: number) => this.onRead(n) } })
      this.socket = socket
      socket.setNoDelay(true)
      socket.setKeepAlive(true, 60000)
      const timer = setTimeout(() => {
        const err = new ConnectionError(`connection to ${this.address} timed out after ${connectTimeoutMs} ms (socket.connection.setup.timeout.ms)`, {
          context: { broker: this.address },
        })
        this.destroy(err)
        reject(err)
      }, connectTimeoutMs)
      const onError = (e: Error) => {
        clearTimeout(timer)
        const err =
          this.tlsFailure(e) ??
          new ConnectionError(`cannot connect to ${this.address}: ${e.message}`, {
            cause: e,
            context: { broker: this.address },
          })
        this.destroy(err)
        reject(err)
      }
      socket.once('error', onError)
      // Destroyed while connecting (the client closed): settle now, not at the connect timeout.
      const onEarlyClose = () => {
        clearTimeout(timer)
        reject(this.closeError ? this.failureFor(this.closeError) : new ConnectionError(`connection to ${this.address} closed while connecting`, { context: { broker: this.address } }))
      }
      socket.once('close', onEarlyClose)
      socket.once(this.options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        socket.off('error', onError)
        socket.off('close', onEarlyClose)
        socket.on('error', (e) =>
          this.destroy(
            // TLS 1.3: the broker's rejection of our certificate arrives after the handshake, as an alert on the first read.
            (this.state === 'connecting' ? this.tlsFailure(e) : undefined) ??
              new ConnectionError(`connection to ${this.address} failed: ${e.message}`, { cause: e, context: { broker: this.address } }),
          ),
        )
        socket.on('close', () =>
          this.destroy(new ConnectionError(`connection to ${this.address} closed`, { context: { broker: this.address } })),
        )
        if (this.options.tls) socket.on('data', (chunk: Buffer) => this.onData(chunk))
        resolve()
      })
    })
    try {
      await this.negotiateVersions()
      if (this.options.authenticate) {
        const started = Date.now()
        this.scheduleReauthentication(started, await this.options.authenticate(this, this.saslSend))
      }
    } catch (e) {
      // A TLS alert closed the connection under the first request: report the alert, not the closed socket.
      if (this.closeError instanceof AuthenticationError) throw this.closeError
      throw e
    }
    if (this.state !== 'connecting') throw this.closeError ? this.failureFor(this.closeError) : new ConnectionError(`connection to ${this.address} closed`)
    this.state = 'ready'
    this.options.observer?.connected(this)
    this.log.debug(`connected to ${this.address}`, { broker: this.address, nodeId: this.options.nodeId })
  }

  /**
   * KIP-368: with a session lifetime, re-authenticate at a random point
   * between 85% and 95% of it (as Java does), counted from when the
   * authentication started, so the broker never sees a request after expiry.
   */
  private scheduleReauthentication(started: number, lifetimeMs: number | void): void {
    if (!lifetimeMs || lifetimeMs <= 0 || this.state === 'closed') return
    const delay = Math.max(0, started + lifetimeMs * (0.85 + Math.random() * 0.1) - Date.now())
    this.reauthTimer = setTimeout(() => this.reauthenticate(), delay)
    this.reauthTimer.unref()
  }

  /**
   * Re-authenticates the live connection: SaslHandshake and SaslAuthenticate
   * go out behind the requests already written (the broker answers those
   * first); requests made meanwhile are held and written, in order, once the
   * new session stands. A failure closes the connection with a retriable
   * ConnectionError (its cause the failure): requests in flight are retried
   * on a new connection, whose authentication reports a lasting failure.
   */
  private reauthenticate(): void {
    this.reauthTimer = undefined
    const authenticate = this.options.authenticate
    if (this.state !== 'ready' || !authenticate) return
    this.reauthenticating = true
    const started = Date.now()
    this.log.debug(`re-authenticating to ${this.address} (KIP-368)`, { broker: this.address, nodeId: this.options.nodeId })
    authenticate(this, this.saslSend).then(
      (lifetimeMs) => {
        this.reauthenticating = false
        this.reauthentications++
        this.log.debug(`re-authenticated to ${this.address}`, { broker: this.address, nodeId: this.options.nodeId, sessionLifetimeMs: lifetimeMs || 0 })
        const held = this.held
        this.held = []
        for (const h of held) h.run()
        this.scheduleReauthentication(started, lifetimeMs)
      },
      (e: unknown) => {
        this.reauthenticating = false
        const cause = e instanceof KafkaError ? e : new AuthenticationError(String((e as Error)?.message ?? e), { cause: e })
        this.destroy(new ConnectionError(`re-authentication to ${this.address} failed: ${cause.message}`, { cause, context: { broker: this.address } }))
      },
    )
  }

  private async negotiateVersions(): Promise<void> {
    let version = ApiVersionsApi.maxVersion
    for (;;) {
      const res = await this.send(ApiVersionsApi, { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION }, { version })
      if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) {
        // UNSUPPORTED_VERSION: the broker answered with v0 and its own range for ApiVersions.
        const own = res.apiKeys.find((k) => k.apiKey === ApiVersionsApi.apiKey)
        version = own ? Math.min(own.maxVersion, version - 1) : 0
        continue
      }
      if (res.errorCode !== ErrorCode.NONE) {
        throw new ConnectionError(`ApiVersions to ${this.address} failed with error code ${res.errorCode}`, { code: res.errorCode, context: { broker: this.address } })
      }
      const versions = new Map(res.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]))
      const wrong = implausibleVersions(res.apiKeys, versions)
      if (wrong !== undefined) {
        // Frames carry no checksum: a corrupt table must not make an API look unsupported for this connection's life.
        const err = new ProtocolError(`malformed ApiVersions response from ${this.address}: ${wrong}`, { context: { broker: this.address } })
        this.destroy(err)
        throw this.failureFor(err)
      }
      this.versions = versions
      return
    }
  }

  /**
   * The version to use for `api`: the highest both samsa and the broker
   * support. Throws `UNSUPPORTED_VERSION` when the ranges do not overlap
   * (with `unsupportedSeen`, only once a fresh connection confirmed it).
   */
  versionFor(api: ApiDescriptor<unknown, unknown>, maxWanted = api.maxVersion, minWanted = api.minVersion): number {
    const broker = this.versions.get(api.apiKey)
    const top = Math.min(maxWanted, broker ? broker.maxVersion : -1)
    const bottom = Math.max(minWanted, broker ? broker.minVersion : 0)
    if (!broker || top < bottom) {
      const seen = this.options.unsupportedSeen
      const key = `${api.apiKey}:${minWanted}-${maxWanted}`
      if (seen !== undefined && !seen.has(key)) {
        // First sight on this broker: maybe a corrupt ApiVersions table. Reconnect (a fresh table) and let
        // the caller retry; a second connection that confirms it makes the error final.
        seen.add(key)
        const err = new ConnectionError(
          `broker ${this.address} does not offer ${api.name} in versions ${minWanted}-${maxWanted} on this connection; ` +
            'reconnecting to confirm with a fresh ApiVersions',
          { context: { broker: this.address, api: api.name } },
        )
        this.destroy(err)
        throw err
      }
      throw new KafkaError(
        `broker ${this.address} (${this.brokerRelease}) does not support ${api.name} in versions ${minWanted}-${maxWanted}` +
          (broker ? ` (it supports ${broker.minVersion}-${broker.maxVersion})` : ' (not offered at all)'),
        { type: 'UNSUPPORTED_VERSION', code: ErrorCode.UNSUPPORTED_VERSION, context: { broker: this.address, api: api.name } },
      )
    }
    return top
  }

  /** Whether the broker offers `api` at all (and at least `minVersion`). */
  supports(api: ApiDescriptor<unknown, unknown>, minVersion = api.minVersion): boolean {
    const broker = this.versions.get(api.apiKey)
    return broker !== undefined && broker.maxVersion >= minVersion
  }

  /**
   * Sends a request. Callers get connections only once `connect()` resolved;
   * while connecting, only the authenticator (SASL) sends.
   */
  request<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options: RequestOptions = {}): Promise<Res> {
    if (traced(tracing.request)) {
      const context: RequestContext = { broker: this.address, nodeId: this.options.nodeId, clientId: this.options.clientId, api: api.name, apiKey: api.apiKey }
      return tracing.request.tracePromise(() => this.requestNow(api, body, options, context), context)
    }
    return this.requestNow(api, body, options, undefined)
  }

  private requestNow<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options: RequestOptions, trace: RequestContext | undefined): Promise<Res> {
    if (this.state !== 'ready' && !(this.state === 'connecting' && this.socket)) {
      return Promise.reject(
        this.closeError ? this.failureFor(this.closeError) : new ConnectionError(`connection to ${this.address} is not ready`, { context: { broker: this.address } }),
      )
    }
    if (this.reauthenticating) {
      // Written after the re-authentication: the broker would read them as SASL messages.
      return new Promise<Res>((resolve, reject) => this.held.push({ run: () => void this.send(api, body, options, trace).then(resolve, reject), fail: reject }))
    }
    return this.send(api, body, options, trace)
  }

  private send<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options: RequestOptions, trace?: RequestContext): Promise<Res> {
    const socket = this.socket
    if (!socket || this.state === 'closed') {
      return Promise.reject(this.closeError ? this.failureFor(this.closeError) : new ConnectionError(`connection to ${this.address} is closed`))
    }
    let version: number
    try {
      version = options.version ?? this.versionFor(api as ApiDescriptor<unknown, unknown>)
    } catch (e) {
      return Promise.reject(e)
    }
    const correlationId = this.nextCorrelationId
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff
    // Produce requests are gathered: the record batches are written from where they are, not copied.
    const w = new Writer(this.sizeHints.get(api.apiKey) ?? 256, api.apiKey === PRODUCE_API_KEY ? { gatherMin: GATHER_MIN } : undefined)
    const sizeAt = w.reserveInt32()
    let frame: Buffer[]
    let size: number
    try {
      writeRequestHeader(w, api.requestHeaderVersion(version), api.apiKey, version, correlationId, this.options.clientId)
      api.encodeRequest(w, body, version)
      size = w.length
      w.patchInt32(sizeAt, size - 4)
      frame = w.finishv()
      this.sizeHints.set(api.apiKey, Math.max(256, w.offset + (w.offset >>> 3)))
    } catch (e) {
      return Promise.reject(e instanceof KafkaError ? e : new KafkaError(`cannot encode ${api.name} v${version}: ${(e as Error).message}`, { cause: e }))
    }
    this.lastUsed = Date.now()
    if (trace !== undefined) {
      trace.version = version
      trace.correlationId = correlationId
      trace.size = size
    }
    if (channels.request.hasSubscribers) {
      channels.request.publish({ broker: this.address, nodeId: this.options.nodeId, api: api.name, version, correlationId, size })
    }
    if (options.noResponse) {
      this.options.observer?.sent(this, api.name, size, this.pending.size)
      return new Promise<Res>((resolve, reject) => {
        writeFrame(socket, frame, (err) => {
          if (err) reject(new ConnectionError(`write to ${this.address} failed: ${err.message}`, { cause: err }))
          else resolve(undefined as Res)
        })
      })
    }
    return new Promise<Res>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs
      const pending: Pending = {
        api: api as ApiDescriptor<unknown, unknown>,
        version,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: undefined,
        watch: undefined,
        sentAt: this.lastUsed,
        correlationId,
        size,
      }
      pending.timer = setTimeout(() => {
        this.pending.delete(correlationId)
        if (pending.watch) clearInterval(pending.watch)
        this.options.observer?.timedOut(this, api.name, timeoutMs, { apiKey: api.apiKey, version, correlationId, sentAt: pending.sentAt, size })
        reject(
          new TimeoutError(`${api.name} request to ${this.address} timed out after ${timeoutMs} ms (request.timeout.ms)`, {
            context: { broker: this.address, api: api.name },
          }),
        )
        this.destroy(new ConnectionError(`connection to ${this.address} closed after a request timed out`, { context: { broker: this.address } }))
      }, timeoutMs)
      if (this.options.probe && timeoutMs > 2 * this.options.requestTimeoutMs) this.watch(pending)
      this.pending.set(correlationId, pending)
      writeFrame(socket, frame)
      this.options.observer?.sent(this, api.name, size, this.pending.size)
    })
  }

  /**
   * Watches a request the broker may hold far beyond `requestTimeoutMs`: every
   * `requestTimeoutMs` while it is unanswered, the broker is probed over
   * another connection (this one is muted by the broker until it answers).
   * A probe that fails or times out means the broker, or the path to it, is
   * not answering: this connection is closed, so the held request fails with
   * a retriable ConnectionError and is sent again on a new one, instead of
   * waiting out its own timeout (a lost JoinGroup answer would otherwise
   * stall a group member for `max.poll.interval.ms`).
   */
  private watch(pending: Pending): void {
    let probing = false
    pending.watch = setInterval(() => {
      if (probing) return
      probing = true
      this.options.probe!().then(
        () => {
          probing = false
        },
        (e: unknown) => {
          probing = false
          if (this.pending.get(pending.correlationId) !== pending) return
          const heldMs = Date.now() - pending.sentAt
          this.destroy(
            new ConnectionError(`${pending.api.name} to ${this.address} unanswered for ${heldMs} ms and the broker did not answer on another connection (${(e as Error).message}): closing this connection to send it again`, {
              context: { broker: this.address, api: pending.api.name },
            }),
          )
        },
      )
    }, this.options.requestTimeoutMs)
    pending.watch.unref()
  }

  /** The buffer the next plaintext read fills (called by net after each read). */
  private nextReadBuffer(): Buffer {
    const f = this.frame
    if (f !== undefined) {
      this.readingIntoFrame = true
      return f.subarray(this.frameFilled)
    }
    this.readingIntoFrame = false
    return (this.scratch ??= Buffer.allocUnsafe(READ_CHUNK))
  }

  /** `n` bytes were read into the buffer nextReadBuffer returned. Returns true: keep reading. */
  private onRead(n: number): boolean {
    if (this.state === 'closed') return true
    if (this.readingIntoFrame) {
      this.frameFilled += n
      if (this.frameFilled === this.frame!.length) {
        const f = this.frame!
        this.endFrame()
        this.onFrame(f)
      }
      return true
    }
    const scratch = this.scratch!
    let chunk: Buffer
    if (n <= SMALL_READ) {
      // Frames decoded from this chunk may be kept as views: give them a buffer of their own.
      chunk = Buffer.allocUnsafe(n)
      scratch.copy(chunk, 0, 0, n)
    } else {
      chunk = scratch.subarray(0, n)
      this.scratch = undefined // handed out: views of it may live on
    }
    this.onData(chunk)
    return true
  }

  /** Framing: collects bytes until whole frames are available, then dispatches them. */
  private onData(chunk: Buffer): void {
    let offset = 0
    while (offset < chunk.length && this.state !== 'closed') {
      if (this.frame) {
        const n = Math.min(this.frame.length - this.frameFilled, chunk.length - offset)
        chunk.copy(this.frame, this.frameFilled, offset, offset + n)
        this.frameFilled += n
        offset += n
        if (this.frameFilled === this.frame.length) {
          const f = this.frame
          this.endFrame()
          this.onFrame(f)
        }
        continue
      }
      // Need the 4-byte size prefix.
      if (this.chunkBytes === 0 && chunk.length - offset >= 4) {
        const size = chunk.readInt32BE(offset)
        if (!this.checkSize(size)) return
        offset += 4
        if (chunk.length - offset >= size) {
          // Whole frame inside this chunk: a view, no copy.
          const f = chunk.subarray(offset, offset + size)
          offset += size
          this.onFrame(f)
        } else {
          this.startFrame(size)
        }
        continue
      }
      // Size prefix split across chunks.
      const take = Math.min(4 - this.chunkBytes, chunk.length - offset)
      this.chunks.push(chunk.subarray(offset, offset + take))
      this.chunkBytes += take
      offset += take
      if (this.chunkBytes === 4) {
        const size = Buffer.concat(this.chunks, 4).readInt32BE(0)
        this.chunks = []
        this.chunkBytes = 0
        if (!this.checkSize(size)) return
        this.startFrame(size)
      }
    }
  }

  /**
   * A frame's size arrived but not all of its body: the rest must come within
   * requestTimeoutMs. A corrupt size prefix (frames carry no checksum) would
   * otherwise wait for bytes that never come, holding up every response behind
   * it on this connection for as long as the longest request timeout (a
   * JoinGroup's is max.poll.interval.ms).
   */
  private startFrame(size: number): void {
    this.frame = Buffer.allocUnsafe(size)
    this.frameFilled = 0
    const timeoutMs = this.options.requestTimeoutMs
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined
      if (this.frame === undefined) return
      this.destroy(
        new ProtocolError(
          `malformed frame from ${this.address}: ${this.frameFilled} of its ${this.frame.length} bytes arrived in ${timeoutMs} ms (request.timeout.ms)`,
          { context: { broker: this.address } },
        ),
      )
    }, timeoutMs)
    this.frameTimer.unref()
  }

  private endFrame(): void {
    this.frame = undefined
    if (this.frameTimer !== undefined) {
      clearTimeout(this.frameTimer)
      this.frameTimer = undefined
    }
  }

  private checkSize(size: number): boolean {
    if (size < 4 || size > this.options.maxResponseSize) {
      this.destroy(
        new ProtocolError(
          `malformed frame from ${this.address}: length ${size} is outside 4..${this.options.maxResponseSize} (max.response.size)`,
          { context: { broker: this.address } },
        ),
      )
      return false
    }
    return true
  }

  private onFrame(frame: Buffer): void {
    this.lastUsed = Date.now()
    const correlationId = frame.readInt32BE(0)
    const pending = this.pending.get(correlationId)
    if (!pending) {
      this.destroy(
        new ProtocolError(`unexpected frame from ${this.address}: correlation id ${correlationId} matches no request in flight`, {
          context: { broker: this.address },
        }),
      )
      return
    }
    this.pending.delete(correlationId)
    if (pending.timer) clearTimeout(pending.timer)
    if (pending.watch) clearInterval(pending.watch)
    const { api, version } = pending
    let result: unknown
    try {
      const r = new Reader(frame)
      readResponseHeader(r, api.responseHeaderVersion(version))
      if (api.apiKey === ApiVersionsApi.apiKey && version > 0 && frame.length >= 6 && frame.readInt16BE(4) === 35) {
        // A broker that does not support our ApiVersions version answers in v0.
        result = api.decodeResponse(r, 0)
      } else {
        result = api.decodeResponse(r, version)
      }
    } catch (e) {
      const err =
        e instanceof ProtocolError
          ? new ProtocolError(`malformed ${api.name} v${version} response from ${this.address}: ${e.message}`, { cause: e, context: { broker: this.address } })
          : new ProtocolError(`cannot decode ${api.name} v${version} response from ${this.address}: ${(e as Error).message}`, {
              cause: e,
              context: { broker: this.address },
            })
      pending.reject(this.failureFor(err))
      this.destroy(err)
      return
    }
    if (channels.response.hasSubscribers) {
      channels.response.publish({ broker: this.address, nodeId: this.options.nodeId, api: api.name, version, correlationId, size: frame.length })
    }
    this.options.observer?.received(this, api.name, frame.length, this.lastUsed - pending.sentAt, { apiKey: api.apiKey, version, correlationId, sentAt: pending.sentAt, size: pending.size })
    pending.resolve(result)
  }

  /** Closes the connection; pending requests fail with `error` (or a retriable ConnectionError). */
  destroy(error?: KafkaError): void {
    if (this.state === 'closed') return
    const wasReady = this.state === 'ready'
    this.state = 'closed'
    this.closeError = error ?? new ConnectionError(`connection to ${this.address} closed`, { context: { broker: this.address } })
    if (error) {
      // A failed attempt is reported by the pool.
      // With requests in flight it is a warning (they fail and are retried); an idle socket the broker closed is only news.
      if (wasReady) this.log[this.pending.size > 0 ? 'warn' : 'info'](`connection to ${this.address} lost: ${error.message}`, { broker: this.address, nodeId: this.options.nodeId, pending: this.pending.size })
      else this.log.debug(`closing ${this.address}: ${error.message}`, { broker: this.address })
    }
    const failure = this.failureFor(this.closeError)
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer)
      if (p.watch) clearInterval(p.watch)
      p.reject(failure)
    }
    this.pending.clear()
    const held = this.held
    this.held = []
    for (const h of held) h.fail(failure)
    if (this.reauthTimer) clearTimeout(this.reauthTimer)
    this.reauthTimer = undefined
    this.endFrame()
    this.chunks = []
    this.socket?.destroy()
    this.socket = undefined
    if (wasReady) this.options.observer?.closed(this)
    this.options.onClose?.(this, error)
  }

  /**
   * What a request in flight sees when the connection ends because of
   * `reason`: a retriable ConnectionError (a malformed frame is a broken
   * connection, not a verdict on the request), except an authentication
   * failure (a TLS alert), which is final.
   */
  private failureFor(reason: KafkaError): KafkaError {
    // An authentication failure (a TLS alert on the first read) stays what it is: not retriable.
    if (reason instanceof ConnectionError || reason instanceof AuthenticationError) return reason
    const malformed = reason instanceof ProtocolError
    return new ConnectionError(`connection to ${this.address} closed: ${reason.message}`, {
      cause: reason,
      context: { broker: this.address, ...(malformed ? { malformed: true } : {}) },
    })
  }

  /** Closes the connection deliberately. */
  close(): void {
    this.destroy()
  }
}

/**
 * Why an ApiVersions table cannot be a broker's (a corrupt response), or
 * undefined. Every broker offers ApiVersions and Metadata, lists each API
 * once, and has min <= max.
 */
function implausibleVersions(keys: readonly { apiKey: number; minVersion: number; maxVersion: number }[], byKey: ReadonlyMap<number, VersionRange>): string | undefined {
  if (byKey.size !== keys.length) return 'an API is listed twice'
  for (const k of keys) {
    if (k.apiKey < 0 || k.minVersion < 0 || k.minVersion > k.maxVersion) return `API ${k.apiKey} has versions ${k.minVersion}-${k.maxVersion}`
  }
  if (!byKey.has(ApiVersionsApi.apiKey) || !byKey.has(MetadataApi.apiKey)) return 'ApiVersions or Metadata is not offered'
  return undefined
}
