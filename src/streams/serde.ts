/**
 * Serdes: a serializer and a deserializer for one type, as Kafka Streams'
 * `Serde<T>`. Every topic a topology reads or writes, every state store and
 * every repartition topic needs one for its keys and one for its values.
 */
import { SerializationError } from '../errors.js'
import { deserializers, isThenable, serializers, type Deserializer, type Serializer } from '../serde/serde.js'

export interface Serde<T> {
  serializer: Serializer<T>
  deserializer: Deserializer<T>
}

/** A serde from a serializer and a deserializer. */
export function serdeFrom<T>(serializer: Serializer<T>, deserializer: Deserializer<T>): Serde<T> {
  return { serializer, deserializer }
}

/** A 64-bit integer carried as a JS number (Java's LongSerde bytes); counts use it. */
const long: Serde<number | null> = {
  serializer: {
    serialize(topic: string, data: number | null) {
      if (data === null || data === undefined) return null
      if (!Number.isSafeInteger(data)) {
        throw new SerializationError(`cannot serialize ${data} for topic "${topic}" as a long: expected a safe integer`, { context: { topic } })
      }
      const b = Buffer.allocUnsafe(8)
      b.writeBigInt64BE(BigInt(data), 0)
      return b
    },
  },
  deserializer: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      if (data.length !== 8) throw new SerializationError(`cannot deserialize a long from topic "${topic}": expected 8 bytes, got ${data.length}`, { context: { topic } })
      return Number(data.readBigInt64BE(0))
    },
  },
}

/**
 * The built-in serdes (Java's `Serdes.String()`, `Serdes.Long()`, ...). As in
 * Java, a null in the topic (a tombstone) stays null: the types say `string`,
 * `number`, ... and a stream may still carry null keys or values.
 */
export const Serdes = {
  /** UTF-8 text. */
  string: serdeFrom(serializers.string, deserializers.string) as Serde<string>,
  /** 4-byte big-endian integers. */
  int32: serdeFrom(serializers.int32, deserializers.int32) as Serde<number>,
  /** 8-byte big-endian integers as numbers (safe integers); Java's `Serdes.Long()` bytes. */
  long: long as Serde<number>,
  /** 8-byte big-endian integers as bigints. */
  int64: serdeFrom(serializers.int64, deserializers.int64) as Serde<bigint>,
  double: serdeFrom(serializers.double, deserializers.double) as Serde<number>,
  /** Bytes as they are (the default). */
  buffer: serdeFrom(serializers.buffer, deserializers.buffer) as Serde<Buffer>,
  /** JSON text; the type is the caller's promise. */
  json<T>(): Serde<T> {
    return serdeFrom(serializers.json as Serializer<T>, deserializers.json as Deserializer<T>)
  },
}

/** Serializes at once; a serde that answers with a promise cannot key a state store. */
export function serializeNow<T>(serde: Serde<T>, topic: string, data: T, what: string): Buffer | null {
  const out = serde.serializer.serialize(topic, data, [])
  if (isThenable(out)) {
    throw new SerializationError(`the serializer of ${what} returned a promise: state stores and their changelogs need a serde that answers at once`, { context: { topic } })
  }
  return out
}

/** Deserializes at once (restoration, store reads); a promise is refused as in {@link serializeNow}. */
export function deserializeNow<T>(serde: Serde<T>, topic: string, data: Buffer | null, what: string): T {
  const out = serde.deserializer.deserialize(topic, data, [])
  if (isThenable(out)) {
    throw new SerializationError(`the deserializer of ${what} returned a promise: state stores and their changelogs need a serde that answers at once`, { context: { topic } })
  }
  return out
}
