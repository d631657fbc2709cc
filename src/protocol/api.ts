/**
 * The shape every generated API module exports as its descriptor, so the
 * connection layer can send any request without knowing its fields.
 */
import type { Reader } from './reader.js'
import type { Writer } from './writer.js'

export interface ApiDescriptor<Req, Res> {
  readonly apiKey: number
  /** Kafka's name for the API, e.g. `Produce`. */
  readonly name: string
  /** Lowest and highest request versions the definitions describe. */
  readonly minVersion: number
  readonly maxVersion: number
  /** Request header version (1 or 2; 0 only for ControlledShutdown v0). */
  requestHeaderVersion(version: number): number
  /** Response header version (0 or 1; ApiVersions responses always use 0). */
  responseHeaderVersion(version: number): number
  encodeRequest(w: Writer, value: Req, version: number): void
  decodeResponse(r: Reader, version: number): Res
}
