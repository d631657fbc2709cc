/**
 * Avro in Confluent's wire format, with the `avsc` package (an optional peer
 * dependency: `npm install avsc`). Values are avsc's plain objects: records as
 * objects, `long` as a number, `bytes` as a Buffer, unions unwrapped where
 * unambiguous. A reader schema resolves values written with older (or newer)
 * compatible schemas, as Avro's schema resolution says.
 */
import type * as Avsc from 'avsc'
import { loadOptional } from '../protocol/records/optional.js'
import { RegistryDeserializer, RegistrySerializer, type Codec, type DeserializerOptions, type SerdeOptions } from './serde.js'
import type { Schema, SchemaRegistryClient } from './client.js'

type AvscModule = typeof Avsc
const avsc = (): AvscModule => loadOptional<AvscModule>('avsc', 'Avro (samsa/schema-registry)')

/** An Avro schema: its JSON text or the parsed object. */
export type AvroSchema = string | object

interface Parsed {
  type: Avsc.Type
  resolvers: Map<Avsc.Type, Avsc.Resolver>
}

async function parseWithReferences(schema: Schema, client: SchemaRegistryClient): Promise<Parsed> {
  const registry: Record<string, Avsc.Type> = {}
  const seen = new Set<string>()
  const load = async (s: Schema): Promise<void> => {
    for (const ref of s.references ?? []) {
      const key = `${ref.subject}/${ref.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const referenced = await client.getSchemaVersion(ref.subject, ref.version)
      await load(referenced)
      avsc().Type.forSchema(JSON.parse(referenced.schema) as Avsc.Schema, { registry })
    }
  }
  await load(schema)
  return { type: avsc().Type.forSchema(JSON.parse(schema.schema) as Avsc.Schema, { registry }), resolvers: new Map() }
}

const avroCodec: Codec<Parsed> = {
  type: 'AVRO',
  parse(schema, client) {
    if (schema.references !== undefined && schema.references.length > 0) return parseWithReferences(schema, client)
    return { type: avsc().Type.forSchema(JSON.parse(schema.schema) as Avsc.Schema), resolvers: new Map() }
  },
  recordName: (p) => p.type.name,
  encode(p, value) {
    const errors: string[] = []
    if (!p.type.isValid(value, { errorHook: (path, v) => errors.push(`${path.join('.') || '(value)'} = ${JSON.stringify(v) ?? String(v)}`) })) {
      throw new Error(`the value does not match the schema${p.type.name !== undefined ? ` ${p.type.name}` : ''}: ${errors.slice(0, 3).join('; ')}`)
    }
    return p.type.toBuffer(value)
  },
  decode(writer, payload, _indexes, reader) {
    if (reader === undefined || reader.type === writer.type) return writer.type.fromBuffer(payload)
    let resolver = reader.resolvers.get(writer.type)
    if (resolver === undefined) {
      resolver = reader.type.createResolver(writer.type)
      reader.resolvers.set(writer.type, resolver)
    }
    return reader.type.fromBuffer(payload, resolver)
  },
  compatible(reader, writer) {
    try {
      reader.type.createResolver(writer.type)
      return true
    } catch {
      return false
    }
  },
}

function toSchema(schema: AvroSchema): Schema {
  return { schema: typeof schema === 'string' ? JSON.stringify(JSON.parse(schema)) : JSON.stringify(schema), schemaType: 'AVRO' }
}

/** Writes values of `schema` (Java's KafkaAvroSerializer). */
export class AvroSerializer<T = unknown> extends RegistrySerializer<T, unknown> {
  constructor(client: SchemaRegistryClient, schema: AvroSchema, options: SerdeOptions = {}) {
    super(client, avroCodec, toSchema(schema), options)
  }
}

export interface AvroDeserializerOptions extends Omit<DeserializerOptions, 'readerSchema'> {
  /** Values come out in this schema's shape (Avro schema resolution from the writer's schema). */
  readerSchema?: AvroSchema
}

/** Reads values written with any registered Avro schema (Java's KafkaAvroDeserializer). */
export class AvroDeserializer<T = unknown> extends RegistryDeserializer<T, unknown> {
  constructor(client: SchemaRegistryClient, options: AvroDeserializerOptions = {}) {
    super(client, avroCodec, { ...options, readerSchema: options.readerSchema === undefined ? undefined : toSchema(options.readerSchema) })
  }
}

