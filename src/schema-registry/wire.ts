/**
 * Confluent's wire format for registry-encoded records: magic byte 0, the
 * schema id as a 4-byte big-endian integer, then (Protobuf only) the message
 * indexes, then the payload. The message indexes locate the message type in
 * its .proto file: a zigzag varint count followed by one zigzag varint per
 * nesting level; the common case, the file's first message, is the single
 * byte 0.
 */
import { SerializationError } from '../errors.js'

export const MAGIC_BYTE = 0

/** A record's schema id and where its payload starts. */
export interface Framed {
  id: number
  /** Protobuf only: the message indexes (read when `indexes` was asked for). */
  indexes: number[]
  payload: Buffer
}

/** Frames `payload` (with Protobuf message `indexes`, when given). */
export function frame(id: number, payload: Buffer, indexes?: number[]): Buffer {
  const idx = indexes === undefined ? undefined : encodeIndexes(indexes)
  const head = 5 + (idx === undefined ? 0 : idx.length)
  const out = Buffer.allocUnsafe(head + payload.length)
  out[0] = MAGIC_BYTE
  out.writeInt32BE(id, 1)
  if (idx !== undefined) idx.copy(out, 5)
  payload.copy(out, head)
  return out
}

/** Reads the frame of `data` from `topic`; a SerializationError when it is not in Confluent's wire format. */
export function unframe(topic: string, data: Buffer, withIndexes = false): Framed {
  if (data.length < 5) {
    throw new SerializationError(`cannot read a schema registry record from topic "${topic}": ${data.length} bytes, expected at least 5 (magic byte 0 and a 4-byte schema id)`, { context: { topic } })
  }
  if (data[0] !== MAGIC_BYTE) {
    throw new SerializationError(`cannot read a schema registry record from topic "${topic}": unknown magic byte ${data[0]}, expected 0 (Confluent's wire format)`, { context: { topic } })
  }
  const id = data.readInt32BE(1)
  if (!withIndexes) return { id, indexes: [], payload: data.subarray(5) }
  const r = { pos: 5 }
  const count = readZigzag(data, r, topic)
  if (count < 0 || count > data.length) {
    throw new SerializationError(`cannot read a Protobuf record from topic "${topic}": invalid message index count ${count}`, { context: { topic, schemaId: id } })
  }
  const indexes = count === 0 ? [0] : Array.from({ length: count }, () => readZigzag(data, r, topic))
  return { id, indexes, payload: data.subarray(r.pos) }
}

function encodeIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0])
  const bytes: number[] = []
  writeZigzag(bytes, indexes.length)
  for (const i of indexes) writeZigzag(bytes, i)
  return Buffer.from(bytes)
}

function writeZigzag(out: number[], n: number): void {
  let v = ((n << 1) ^ (n >> 31)) >>> 0
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
}

function readZigzag(data: Buffer, r: { pos: number }, topic: string): number {
  let v = 0
  for (let shift = 0; shift < 35; shift += 7) {
    if (r.pos >= data.length) throw new SerializationError(`cannot read a Protobuf record from topic "${topic}": truncated message indexes`, { context: { topic } })
    const b = data[r.pos++]!
    v |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) return (v >>> 1) ^ -(v & 1)
  }
  throw new SerializationError(`cannot read a Protobuf record from topic "${topic}": a message index varint is too long`, { context: { topic } })
}
