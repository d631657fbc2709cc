/**
 * What the Avro, JSON Schema and Protobuf serdes share: subject names, the
 * schema id to write with (auto.register.schemas, use.latest.version,
 * use.schema.id), the writer schema of a read record, Confluent's framing.
 *
 * Contract:
 * - A serializer returns its bytes at once when its subject's schema id is
 *   cached, and a promise only while the registry is asked (the first record
 *   of a subject): the producer's synchronous path then costs no promise.
 * - A deserializer likewise answers at once for a schema id it has seen.
 * - Failures are SerializationErrors naming the topic, the subject or schema
 *   id, with the registry's SchemaRegistryError (or the codec's error) as cause.
 */
import { KafkaError, SerializationError } from '../errors.js'
import { parseConfig } from '../config/validate.js'
import { schemaRegistrySerdeSchema, type SchemaRegistrySerdeConfig, type SchemaRegistrySerdeConfigInput } from '../config/schema-registry.js'
import type { Deserializer, Serializer } from '../serde/serde.js'
import type { Header } from '../types.js'
import type { Schema, SchemaRegistryClient, SchemaType } from './client.js'
import { frame, unframe } from './wire.js'

/** How one schema format reads schemas and values (avro.ts, json-schema.ts, protobuf.ts). */
export interface Codec<P> {
  readonly type: SchemaType
  /** Turns a registered schema into something that encodes and decodes (references fetched through `client`). */
  parse(schema: Schema, client: SchemaRegistryClient): P | Promise<P>
  /** The fully-qualified record name (for RecordNameStrategy and TopicRecordNameStrategy). */
  recordName(parsed: P, value: unknown): string | undefined
  encode(parsed: P, value: unknown): Buffer
  /** Protobuf: the message indexes of the type written; undefined for the other formats. */
  indexes?(parsed: P, value: unknown): number[]
  /** Decodes with the writer's schema, and the reader's when one is given. */
  decode(writer: P, payload: Buffer, indexes: number[], reader: P | undefined): unknown
  /** Whether `reader` can read what `writer` wrote (checked by use.latest.version with latest.compatibility.strict). */
  compatible?(reader: P, writer: P): boolean
}

export interface SerdeOptions extends SchemaRegistrySerdeConfigInput {
  /** Whether this serde is for record keys (subject `<topic>-key`). */
  isKey?: boolean
}

export function subjectName(config: SchemaRegistrySerdeConfig, topic: string, isKey: boolean, recordName: string | undefined): string {
  const strategy = isKey ? config['key.subject.name.strategy'] : config['value.subject.name.strategy']
  if (typeof strategy === 'function') return strategy(topic, isKey, recordName)
  if (strategy === 'TopicNameStrategy') return `${topic}-${isKey ? 'key' : 'value'}`
  if (recordName === undefined) {
    throw new SerializationError(`${strategy} needs a record name, and the schema for topic "${topic}" has none (an Avro record, a JSON Schema "title", a Protobuf message)`, { context: { topic } })
  }
  return strategy === 'RecordNameStrategy' ? recordName : `${topic}-${recordName}`
}

interface Target<P> {
  id: number
  parsed: P
}

/** A registry serializer: frames each value with the id of the schema it was written with. */
export class RegistrySerializer<T, P> implements Serializer<T | null> {
  readonly config: SchemaRegistrySerdeConfig
  private readonly isKey: boolean
  private given: P | undefined
  private readonly givenPending: Promise<P>
  private readonly targets = new Map<string, Target<P>>()
  private readonly pending = new Map<string, Promise<Target<P>>>()

  constructor(readonly client: SchemaRegistryClient, private readonly codec: Codec<P>, readonly schema: Schema, options: SerdeOptions = {}) {
    const { isKey, ...config } = options
    this.isKey = isKey === true
    this.config = parseConfig(schemaRegistrySerdeSchema, config, `${codec.type} serializer`)
    const parsed = codec.parse(schema, client)
    if (parsed instanceof Promise) {
      this.givenPending = parsed.then((p) => (this.given = p))
      this.givenPending.catch(() => undefined)
    } else {
      this.given = parsed
      this.givenPending = Promise.resolve(parsed)
    }
  }

  serialize(topic: string, data: T | null, _headers: Header[]): Buffer | null | Promise<Buffer | null> {
    if (data === null || data === undefined) return null
    if (this.given !== undefined) {
      const subject = subjectName(this.config, topic, this.isKey, this.codec.recordName(this.given, data))
      const target = this.targets.get(subject)
      if (target !== undefined) return this.write(topic, subject, target, data)
    }
    return this.resolveAndWrite(topic, data)
  }

  private async resolveAndWrite(topic: string, data: T): Promise<Buffer> {
    let subject: string | undefined
    try {
      const given = await this.givenPending
      subject = subjectName(this.config, topic, this.isKey, this.codec.recordName(given, data))
      let p = this.pending.get(subject)
      if (p === undefined) {
        p = this.resolve(subject, given)
        this.pending.set(subject, p)
        const s = subject
        p.then((t) => this.targets.set(s, t), () => this.pending.delete(s))
      }
      return this.write(topic, subject, await p, data)
    } catch (e) {
      if (e instanceof SerializationError) throw e
      throw new SerializationError(`cannot serialize the ${this.isKey ? 'key' : 'value'} for topic "${topic}"${subject !== undefined ? ` (subject "${subject}")` : ''} as ${this.codec.type}: ${(e as Error).message}`, {
        cause: e, context: { topic, ...(subject !== undefined ? { subject } : {}) },
      })
    }
  }

  /** The schema id to write with, and the schema that encodes: Java's AbstractKafkaSchemaSerDe rules. */
  private async resolve(subject: string, given: P): Promise<Target<P>> {
    const c = this.config
    const normalize = c['normalize.schemas']
    if (c['use.schema.id'] >= 0) {
      const schema = await this.client.getSchemaById(c['use.schema.id'])
      return { id: c['use.schema.id'], parsed: await this.codec.parse(schema, this.client) }
    }
    if (c['use.latest.version']) {
      const latest = await this.client.getLatestSchema(subject)
      const parsed = await this.codec.parse(latest, this.client)
      if (c['latest.compatibility.strict'] && this.codec.compatible !== undefined && !this.codec.compatible(parsed, given)) {
        throw new SerializationError(`the latest schema of subject "${subject}" (id ${latest.id}, version ${latest.version}) cannot read values of the given schema (latest.compatibility.strict)`, { context: { subject } })
      }
      return { id: latest.id, parsed }
    }
    if (c['auto.register.schemas']) return { id: await this.client.register(subject, this.schema, { normalize }), parsed: given }
    return { id: await this.client.getId(subject, this.schema, { normalize }), parsed: given }
  }

  private write(topic: string, subject: string, target: Target<P>, data: T): Buffer {
    let payload: Buffer
    try {
      payload = this.codec.encode(target.parsed, data)
    } catch (e) {
      throw new SerializationError(`cannot serialize the ${this.isKey ? 'key' : 'value'} for topic "${topic}" with schema ${target.id} (subject "${subject}") as ${this.codec.type}: ${(e as Error).message}`, {
        cause: e, context: { topic, subject, schemaId: target.id },
      })
    }
    return frame(target.id, payload, this.codec.indexes?.(target.parsed, data))
  }
}

export interface DeserializerOptions {
  /** The reader's schema (Avro schema evolution: values come out in this schema's shape). */
  readerSchema?: Schema
  isKey?: boolean
}

/** A registry deserializer: reads the schema id of each record and decodes with that schema. */
export class RegistryDeserializer<T, P> implements Deserializer<T | null> {
  private readonly writers = new Map<number, P>()
  private readonly pending = new Map<number, Promise<P>>()
  private reader: P | undefined
  private readonly readerPending: Promise<P | undefined>
  private readonly isKey: boolean
  private readerSettled = false

  constructor(readonly client: SchemaRegistryClient, private readonly codec: Codec<P>, options: DeserializerOptions = {}) {
    this.isKey = options.isKey === true
    const r = options.readerSchema === undefined ? undefined : codec.parse(options.readerSchema, client)
    if (r instanceof Promise) {
      this.readerPending = r.then((p) => (this.reader = p))
      this.readerPending.catch(() => undefined)
    } else {
      this.reader = r
      this.readerPending = Promise.resolve(r)
      this.readerSettled = true
    }
  }

  deserialize(topic: string, data: Buffer | null, _headers: Header[]): T | null | Promise<T | null> {
    if (data === null) return null
    const framed = unframe(topic, data, this.codec.type === 'PROTOBUF')
    const writer = this.writers.get(framed.id)
    if (writer !== undefined && this.readerSettled) {
      return this.read(topic, framed.id, writer, framed.payload, framed.indexes)
    }
    return this.fetchAndRead(topic, framed.id, framed.payload, framed.indexes)
  }

  private async fetchAndRead(topic: string, id: number, payload: Buffer, indexes: number[]): Promise<T | null> {
    let writer: P
    try {
      await this.readerPending
      this.readerSettled = true
      let p = this.pending.get(id)
      if (p === undefined) {
        p = Promise.resolve(this.client.getSchemaById(id)).then((s) => {
          if ((s.schemaType ?? 'AVRO') !== this.codec.type) {
            throw new SerializationError(`schema ${id} is ${s.schemaType ?? 'AVRO'}, not ${this.codec.type}`, { context: { schemaId: id } })
          }
          return this.codec.parse(s, this.client)
        })
        this.pending.set(id, p)
        p.then((w) => this.writers.set(id, w), () => this.pending.delete(id))
      }
      writer = await p
    } catch (e) {
      throw new SerializationError(`cannot deserialize the ${this.isKey ? 'key' : 'value'} from topic "${topic}": schema ${id}: ${(e as Error).message}`, {
        cause: e, context: { topic, schemaId: id, ...(e instanceof KafkaError ? { status: e.context.status, errorCode: e.context.errorCode } : {}) },
      })
    }
    return this.read(topic, id, writer, payload, indexes)
  }

  private read(topic: string, id: number, writer: P, payload: Buffer, indexes: number[]): T {
    try {
      return this.codec.decode(writer, payload, indexes, this.reader) as T
    } catch (e) {
      throw new SerializationError(`cannot deserialize the ${this.isKey ? 'key' : 'value'} from topic "${topic}" with schema ${id} as ${this.codec.type}: ${(e as Error).message}`, {
        cause: e, context: { topic, schemaId: id },
      })
    }
  }
}
