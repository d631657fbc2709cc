/**
 * Request and response headers (Kafka's RequestHeader v0-v2 and ResponseHeader
 * v0-v1), hand-written because every request pays for them.
 */
import type { Reader } from './reader.js'
import type { Writer } from './writer.js'

export function writeRequestHeader(
  w: Writer,
  headerVersion: number,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
): void {
  w.int16(apiKey).int16(apiVersion).int32(correlationId)
  if (headerVersion >= 1) w.nullableString(clientId)
  if (headerVersion >= 2) w.uvarint(0) // no tagged fields
}

/** Reads a response header; returns the correlation id. Tagged fields (v1) are skipped. */
export function readResponseHeader(r: Reader, headerVersion: number): number {
  const correlationId = r.int32()
  if (headerVersion >= 1) skipTaggedFields(r)
  return correlationId
}

function skipTaggedFields(r: Reader): void {
  const n = r.uvarint()
  r.checkCount(n, 2)
  for (let i = 0; i < n; i++) {
    r.uvarint() // tag
    const size = r.uvarint()
    r.skip(size)
  }
}
