/**
 * What a request handler is: the generated request decoder and response
 * encoder of one API, the versions the fake offers, and the function that
 * turns a request into a response. handlers/*.ts define them; apis.ts lists
 * them; connection.ts calls them.
 */
import type { Reader } from '../../protocol/reader.js'
import type { Writer } from '../../protocol/writer.js'
import type { BrokerState, ClusterState } from './cluster.js'
import type { FakeCoordinators } from './coordinators.js'

export interface RequestContext {
  readonly cluster: ClusterState
  readonly coordinators: FakeCoordinators
  /** The broker the request reached. */
  readonly broker: BrokerState
  readonly version: number
  readonly clientId: string | null
  /** The client's address as Kafka reports it in group descriptions (`/127.0.0.1`). */
  readonly clientHost: string
  /** Aborted when the connection closes or the broker is killed. */
  readonly signal: AbortSignal
}

export interface ApiHandler<Req = any, Res = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  /** Highest version the fake offers (may be below what the codec knows). */
  readonly maxVersion: number
  decodeRequest(r: Reader, version: number): Req
  encodeResponse(w: Writer, value: Res, version: number): void
  /** The response; `null` sends none (Produce with acks=0). */
  handle(ctx: RequestContext, request: Req): Res | null | Promise<Res | null>
  /** The response that reports `errorCode` for everything in `request` (fault injection). */
  fail(request: Req, errorCode: number, ctx: RequestContext): Res
}

/** Helper for the handler modules: keeps the request and response types of one API together. */
export function defineHandler<Req, Res> (h: ApiHandler<Req, Res>): ApiHandler<Req, Res> {
  return h
}
