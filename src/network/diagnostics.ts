/**
 * Tracing hooks through `node:diagnostics_channel` (docs/observability.md
 * lists every payload). Nothing is built or published when nobody
 * subscribes, so they cost a flag test unless used. Payloads never carry
 * credentials; `result` is the decoded response where there is one.
 *
 * Tracing channels (`tracing:samsa:<name>:start|end|asyncStart|asyncEnd|error`):
 * - `samsa:connect`   a connection (socket, ApiVersions, SASL)
 * - `samsa:request`   one request/response on a connection
 * - `samsa:produce`   one Produce request (its batches)
 * - `samsa:fetch`     one Fetch request
 * - `samsa:commit`    one commitSync / commitAsync (retries included)
 * - `samsa:rebalance` one rebalance of a consumer's group membership
 *
 * Plain channels, kept from before the tracing channels (same names, no
 * `tracing:` prefix, so they do not collide):
 * - `samsa:request`  { broker, nodeId, api, version, correlationId, size }
 * - `samsa:response` { broker, nodeId, api, version, correlationId, size }
 */
import diagnostics, { type TracingChannel } from 'node:diagnostics_channel'
import type { Connection } from './connection.js'

export const channels = {
  request: diagnostics.channel('samsa:request'),
  response: diagnostics.channel('samsa:response'),
}

/** A tracing channel whose payloads are `C` (the context object every event of one operation shares). */
export type SamsaTracingChannel<C extends object> = TracingChannel<unknown, C>

/** The tracing channels; their names are part of the public contract. */
export const tracing = {
  connect: diagnostics.tracingChannel<unknown, ConnectContext>('samsa:connect'),
  request: diagnostics.tracingChannel<unknown, RequestContext>('samsa:request'),
  produce: diagnostics.tracingChannel<unknown, ProduceContext>('samsa:produce'),
  fetch: diagnostics.tracingChannel<unknown, FetchContext>('samsa:fetch'),
  commit: diagnostics.tracingChannel<unknown, CommitContext>('samsa:commit'),
  rebalance: diagnostics.tracingChannel<unknown, RebalanceContext>('samsa:rebalance'),
}

/**
 * Whether anyone listens on `tc` (TracingChannel.hasSubscribers only exists
 * from Node 20.13; this works on every supported Node).
 */
export function traced(tc: SamsaTracingChannel<object>): boolean {
  return tc.start.hasSubscribers || tc.end.hasSubscribers || tc.asyncStart.hasSubscribers || tc.asyncEnd.hasSubscribers || tc.error.hasSubscribers
}

/** Runs `fn` inside `tc`'s events when someone listens (the context built only then), else just runs it. */
export function tracePromise<T, C extends object>(tc: SamsaTracingChannel<C>, context: () => C, fn: () => Promise<T>): Promise<T> {
  if (!traced(tc as SamsaTracingChannel<object>)) return fn()
  return tc.tracePromise(fn, context())
}

/**
 * An operation whose start and finish are not one promise (a rebalance that
 * spans several polls): `start` publishes start and end, `finish` publishes
 * error (when failed), asyncStart and asyncEnd with the same context.
 */
export class Span<C extends { error?: unknown; result?: unknown }> {
  private constructor(private readonly tc: SamsaTracingChannel<C>, readonly context: C) {}

  /** Undefined (and `context` never called) when nobody listens. */
  static start<C extends { error?: unknown; result?: unknown }>(tc: SamsaTracingChannel<C>, context: () => NoInfer<C>): Span<C> | undefined {
    if (!traced(tc as SamsaTracingChannel<object>)) return undefined
    const span = new Span(tc, context())
    tc.start.publish(span.context)
    tc.end.publish(span.context)
    return span
  }

  finish(error?: unknown, result?: C['result']): void {
    if (error !== undefined) {
      this.context.error = error
      this.tc.error.publish(this.context)
    } else if (result !== undefined) {
      this.context.result = result
    }
    this.tc.asyncStart.publish(this.context)
    this.tc.asyncEnd.publish(this.context)
  }
}

/** `samsa:connect`. */
export interface ConnectContext {
  /** `host:port`. */
  broker: string
  host: string
  port: number
  /** The broker's node id, -1 for a bootstrap address. */
  nodeId: number
  clientId: string
  tls: boolean
  sasl: boolean
  error?: unknown
  result?: unknown
}

/** `samsa:request`. `version`, `correlationId` and `size` are set once the request is written (by `end` unless it waited for a re-authentication). */
export interface RequestContext {
  broker: string
  nodeId: number
  clientId: string
  /** The API's name (`Produce`, `Fetch`, `Metadata`, ...). */
  api: string
  apiKey: number
  version?: number
  correlationId?: number
  /** Bytes written, size prefix included. */
  size?: number
  error?: unknown
  /** The decoded response (undefined for Produce with acks=0). */
  result?: unknown
}

/** `samsa:produce`. */
export interface ProduceContext {
  broker: string
  nodeId: number
  clientId: string
  transactionalId: string | null
  acks: number
  /** One entry per batch in the request. */
  batches: { topic: string; partition: number; records: number; bytes: number; baseSequence: number }[]
  records: number
  bytes: number
  error?: unknown
  /** The ProduceResponse (per-partition error codes are in it; undefined for acks=0). */
  result?: unknown
}

/** `samsa:fetch`. */
export interface FetchContext {
  broker: string
  nodeId: number
  clientId: string
  /** The consumer's group (undefined without one). */
  groupId: string | undefined
  /** The KIP-227 fetch session id sent (0 for a new or no session). */
  sessionId: number
  /** Partitions this fetch reads, at the offsets asked. */
  partitions: { topic: string; partition: number; fetchOffset: bigint }[]
  /** Record bytes received (set before asyncStart). */
  bytes?: number
  error?: unknown
  /** The FetchResponse. */
  result?: unknown
}

/** `samsa:commit`. */
export interface CommitContext {
  groupId: string
  clientId: string
  /** commitSync (true) or commitAsync / auto-commit (false). */
  sync: boolean
  offsets: { topic: string; partition: number; offset: bigint }[]
  error?: unknown
  result?: unknown
}

/** `samsa:rebalance`. */
export interface RebalanceContext {
  groupId: string
  clientId: string
  /** `group.protocol`: classic or consumer (KIP-848). */
  protocol: string
  error?: unknown
  /** The member after the rebalance. */
  result?: { memberId: string; generationId: number; assignment: { topic: string; partition: number }[] }
}

/**
 * What a connection tells its client (metrics, the KafkaJS facade's
 * instrumentation events). Called synchronously; must not throw.
 */
export interface ConnectionObserver {
  /** The connection is ready (versions negotiated, authenticated). */
  connected(conn: Connection): void
  /** A ready connection closed. */
  closed(conn: Connection): void
  /** A request of `bytes` was written; `inFlight` requests now await a response. */
  sent(conn: Connection, api: string, bytes: number, inFlight: number): void
  /** A response of `bytes` arrived `latencyMs` after its request was written. */
  received(conn: Connection, api: string, bytes: number, latencyMs: number, request: RequestInfo): void
  /** A request got no response within `timeoutMs`. */
  timedOut(conn: Connection, api: string, timeoutMs: number, request: RequestInfo): void
}

/** The request a response or timeout belongs to (for the KafkaJS facade's REQUEST events). */
export interface RequestInfo {
  apiKey: number
  version: number
  correlationId: number
  /** When it was written (ms since the epoch). */
  sentAt: number
  /** Bytes written. */
  size: number
}
