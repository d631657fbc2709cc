/**
 * Tracing hooks through `node:diagnostics_channel`. Publishing is skipped when
 * nobody subscribes, so they cost nothing unless used. Messages never carry
 * request bodies or credentials.
 *
 * - `samsa:request`  { broker, nodeId, api, version, correlationId, size }
 * - `samsa:response` { broker, nodeId, api, version, correlationId, size }
 */
import diagnostics from 'node:diagnostics_channel'
import type { Connection } from './connection.js'

export const channels = {
  request: diagnostics.channel('samsa:request'),
  response: diagnostics.channel('samsa:response'),
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
  received(conn: Connection, api: string, bytes: number, latencyMs: number): void
  /** A request got no response within `timeoutMs`. */
  timedOut(conn: Connection, api: string, timeoutMs: number): void
}
