/**
 * Serializers and deserializers, byte-compatible with the Java client's
 * `org.apache.kafka.common.serialization` classes, so Java and samsa programs
 * can share topics. Null stays null in both directions, as in Java.
 */
import { SerializationError } from '../errors.js'
import { MAX_INT, MIN_INT } from '../protocol/int32.js'
import type { Header } from '../types.js'

/**
 * Turns a key or value into bytes. It may return a promise (a Schema Registry
 * look-up, say): the producer then queues that record, and the records sent
 * after it, so that each partition still gets them in call order. A serializer
 * that returns a value at once costs no promise.
 */
export interface Serializer<T> {
  serialize(topic: string, data: T, headers: Header[]): Buffer | null | Promise<Buffer | null>
}

/**
 * Turns fetched bytes into a key or value. It may return a promise: `poll()`
 * awaits it before returning the record. A failure (throw or rejection) makes
 * `poll()` throw a DeserializationError naming the record.
 */
export interface Deserializer<T> {
  deserialize(topic: string, data: Buffer | null, headers: Header[]): T | Promise<T>
}

/** A serializer that always returns its result at once (every built-in one). */
export interface SyncSerializer<T> extends Serializer<T> {
  serialize(topic: string, data: T, headers: Header[]): Buffer | null
}

/** A deserializer that always returns its result at once (every built-in one). */
export interface SyncDeserializer<T> extends Deserializer<T> {
  deserialize(topic: string, data: Buffer | null, headers: Header[]): T
}

/** Whether `v` is a promise or another thenable (what an async serializer returns). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'
}

function sized(topic: string, data: Buffer, size: number, what: string): void {
  if (data.length !== size) {
    throw new SerializationError(`cannot deserialize ${what} from topic "${topic}": expected ${size} bytes, got ${data.length}`, {
      context: { topic },
    })
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const serializers = {
  /** UTF-8 text (Java StringSerializer). */
  string: {
    serialize: (_t: string, data: string | null) => (data === null || data === undefined ? null : Buffer.from(data, 'utf8')),
  } as SyncSerializer<string | null>,
  /** 4-byte big-endian signed integer (Java IntegerSerializer). */
  int32: {
    serialize(topic: string, data: number | null) {
      if (data === null || data === undefined) return null
      if (!Number.isInteger(data) || data < MIN_INT || data > MAX_INT) {
        throw new SerializationError(`cannot serialize ${data} for topic "${topic}" as int32: expected an integer from ${MIN_INT} to ${MAX_INT}`, { context: { topic } })
      }
      const b = Buffer.allocUnsafe(4)
      b.writeInt32BE(data, 0)
      return b
    },
  } as SyncSerializer<number | null>,
  /** 2-byte big-endian signed integer (Java ShortSerializer). */
  int16: {
    serialize(topic: string, data: number | null) {
      if (data === null || data === undefined) return null
      if (!Number.isInteger(data) || data < -32768 || data > 32767) {
        throw new SerializationError(`cannot serialize ${data} for topic "${topic}" as int16: expected an integer from -32768 to 32767`, { context: { topic } })
      }
      const b = Buffer.allocUnsafe(2)
      b.writeInt16BE(data, 0)
      return b
    },
  } as SyncSerializer<number | null>,
  /** 8-byte big-endian signed integer from a bigint (Java LongSerializer). */
  int64: {
    serialize(topic: string, data: bigint | null) {
      if (data === null || data === undefined) return null
      if (typeof data !== 'bigint') throw new SerializationError(`cannot serialize ${String(data)} for topic "${topic}" as int64: expected a bigint`, { context: { topic } })
      const b = Buffer.allocUnsafe(8)
      b.writeBigInt64BE(BigInt.asIntN(64, data), 0)
      return b
    },
  } as SyncSerializer<bigint | null>,
  /** 8-byte IEEE 754 big-endian (Java DoubleSerializer). */
  double: {
    serialize(_t: string, data: number | null) {
      if (data === null || data === undefined) return null
      const b = Buffer.allocUnsafe(8)
      b.writeDoubleBE(data, 0)
      return b
    },
  } as SyncSerializer<number | null>,
  /** 4-byte IEEE 754 big-endian (Java FloatSerializer). */
  float: {
    serialize(_t: string, data: number | null) {
      if (data === null || data === undefined) return null
      const b = Buffer.allocUnsafe(4)
      b.writeFloatBE(data, 0)
      return b
    },
  } as SyncSerializer<number | null>,
  /** The canonical text form of a UUID, UTF-8 (Java UUIDSerializer). */
  uuid: {
    serialize(topic: string, data: string | null) {
      if (data === null || data === undefined) return null
      if (!UUID_RE.test(data)) throw new SerializationError(`cannot serialize "${data}" for topic "${topic}" as a UUID: expected 8-4-4-4-12 hex digits`, { context: { topic } })
      return Buffer.from(data.toLowerCase(), 'utf8')
    },
  } as SyncSerializer<string | null>,
  /** JSON.stringify as UTF-8. */
  json: {
    serialize(topic: string, data: unknown) {
      if (data === null || data === undefined) return null
      try {
        return Buffer.from(JSON.stringify(data), 'utf8')
      } catch (e) {
        throw new SerializationError(`cannot serialize value for topic "${topic}" as JSON: ${(e as Error).message}`, { cause: e, context: { topic } })
      }
    },
  } as SyncSerializer<unknown>,
  /** Bytes as given (Java ByteArraySerializer); the default. */
  buffer: {
    serialize(topic: string, data: Buffer | Uint8Array | null) {
      if (data === null || data === undefined) return null
      if (Buffer.isBuffer(data)) return data
      // Any view (Uint8Array, DataView, ...) is sent as the bytes it spans.
      if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      const given = Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'an object' : `a ${typeof data}`
      throw new SerializationError(
        `cannot serialize ${given} for topic "${topic}": the bytes serializer (the default) takes a Buffer or Uint8Array; ` +
          `set 'key.serializer' or 'value.serializer' (serializers.string, serializers.json, ...) to send other values`,
        { context: { topic } },
      )
    },
  } as SyncSerializer<Buffer | null>,
}

export const deserializers = {
  string: { deserialize: (_t: string, data: Buffer | null) => (data === null ? null : data.toString('utf8')) } as SyncDeserializer<string | null>,
  int32: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      sized(topic, data, 4, 'int32')
      return data.readInt32BE(0)
    },
  } as SyncDeserializer<number | null>,
  int16: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      sized(topic, data, 2, 'int16')
      return data.readInt16BE(0)
    },
  } as SyncDeserializer<number | null>,
  int64: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      sized(topic, data, 8, 'int64')
      return data.readBigInt64BE(0)
    },
  } as SyncDeserializer<bigint | null>,
  double: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      sized(topic, data, 8, 'double')
      return data.readDoubleBE(0)
    },
  } as SyncDeserializer<number | null>,
  float: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      sized(topic, data, 4, 'float')
      return data.readFloatBE(0)
    },
  } as SyncDeserializer<number | null>,
  uuid: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      const s = data.toString('utf8')
      if (!UUID_RE.test(s)) throw new SerializationError(`cannot deserialize a UUID from topic "${topic}": "${s.slice(0, 40)}" is not 8-4-4-4-12 hex digits`, { context: { topic } })
      return s
    },
  } as SyncDeserializer<string | null>,
  json: {
    deserialize(topic: string, data: Buffer | null) {
      if (data === null) return null
      try {
        return JSON.parse(data.toString('utf8')) as unknown
      } catch (e) {
        throw new SerializationError(`cannot deserialize JSON from topic "${topic}": ${(e as Error).message}`, { cause: e, context: { topic } })
      }
    },
  } as SyncDeserializer<unknown>,
  /** A view of the record bytes (valid as long as the caller keeps it; copy to keep longer than the records batch). */
  buffer: { deserialize: (_t: string, data: Buffer | null) => data } as SyncDeserializer<Buffer | null>,
}

const JAVA = 'org.apache.kafka.common.serialization.'

/** Java serializer class names and the built-in each maps to. */
export const javaSerializers = {
  [`${JAVA}StringSerializer`]: serializers.string,
  [`${JAVA}IntegerSerializer`]: serializers.int32,
  [`${JAVA}ShortSerializer`]: serializers.int16,
  [`${JAVA}LongSerializer`]: serializers.int64,
  [`${JAVA}DoubleSerializer`]: serializers.double,
  [`${JAVA}FloatSerializer`]: serializers.float,
  [`${JAVA}UUIDSerializer`]: serializers.uuid,
  [`${JAVA}ByteArraySerializer`]: serializers.buffer,
  [`${JAVA}BytesSerializer`]: serializers.buffer,
  [`${JAVA}ByteBufferSerializer`]: serializers.buffer,
} as const

export const javaDeserializers = {
  [`${JAVA}StringDeserializer`]: deserializers.string,
  [`${JAVA}IntegerDeserializer`]: deserializers.int32,
  [`${JAVA}ShortDeserializer`]: deserializers.int16,
  [`${JAVA}LongDeserializer`]: deserializers.int64,
  [`${JAVA}DoubleDeserializer`]: deserializers.double,
  [`${JAVA}FloatDeserializer`]: deserializers.float,
  [`${JAVA}UUIDDeserializer`]: deserializers.uuid,
  [`${JAVA}ByteArrayDeserializer`]: deserializers.buffer,
  [`${JAVA}BytesDeserializer`]: deserializers.buffer,
  [`${JAVA}ByteBufferDeserializer`]: deserializers.buffer,
} as const

export type JavaSerializerName = keyof typeof javaSerializers
export type JavaDeserializerName = keyof typeof javaDeserializers

/** The value type a serializer option stands for (a Serializer object or a Java class name). */
export type SerializedType<S> = S extends Serializer<infer T>
  ? NonNullable<T>
  : S extends JavaSerializerName
    ? (typeof javaSerializers)[S] extends Serializer<infer T>
      ? NonNullable<T>
      : never
    : Buffer

export type DeserializedType<D> = D extends Deserializer<infer T>
  ? NonNullable<T>
  : D extends JavaDeserializerName
    ? (typeof javaDeserializers)[D] extends Deserializer<infer T>
      ? NonNullable<T>
      : never
    : Buffer

export function isSerializer(v: unknown): v is Serializer<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Serializer<unknown>).serialize === 'function'
}

export function isDeserializer(v: unknown): v is Deserializer<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Deserializer<unknown>).deserialize === 'function'
}
