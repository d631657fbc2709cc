/**
 * JSON Schema in Confluent's wire format: the payload is the value's JSON
 * text. With `json.fail.invalid.schema` (the default here) each value is
 * validated against its schema with `ajv` (an optional peer dependency:
 * `npm install ajv`) when written and when read.
 */
import type { ValidateFunction } from 'ajv'
import { loadOptional } from '../protocol/records/optional.js'
import { RegistryDeserializer, RegistrySerializer, type Codec, type DeserializerOptions, type SerdeOptions } from './serde.js'
import type { Schema, SchemaRegistryClient } from './client.js'

interface AjvLike {
  compile(schema: object): ValidateFunction
  addSchema(schema: object, key?: string): unknown
}
type AjvClass = new (opts: object) => AjvLike

function newAjv(schema: { $schema?: string }): AjvLike {
  const draft2020 = typeof schema.$schema === 'string' && /2019-09|2020-12/.test(schema.$schema)
  const mod = loadOptional<{ default?: AjvClass } & AjvClass>(draft2020 ? 'ajv/dist/2020' : 'ajv', 'JSON Schema (samsa/schema-registry)')
  const Ajv = mod.default ?? mod
  return new Ajv({ strict: false, allErrors: false, validateFormats: false })
}

interface Parsed {
  schema: { title?: string; $schema?: string }
  validate: ValidateFunction | undefined
}

function build(schema: Schema, refs: Schema[], validate: boolean): Parsed {
  const parsed = JSON.parse(schema.schema) as Parsed['schema']
  if (!validate) return { schema: parsed, validate: undefined }
  const ajv = newAjv(parsed)
  refs.forEach((r, i) => ajv.addSchema(JSON.parse(r.schema) as object, schema.references?.[i]?.name))
  return { schema: parsed, validate: ajv.compile(parsed) }
}

function check(p: Parsed, value: unknown): void {
  if (p.validate !== undefined && !p.validate(value)) {
    const e = p.validate.errors?.[0]
    throw new Error(`the value does not match the JSON schema${p.schema.title !== undefined ? ` "${p.schema.title}"` : ''}: ${e ? `${e.instancePath || '(value)'} ${e.message ?? ''}` : 'invalid'}`)
  }
}

function codec(validate: boolean): Codec<Parsed> {
  return {
    type: 'JSON',
    parse(schema, client) {
      if (schema.references === undefined || schema.references.length === 0) return build(schema, [], validate)
      return Promise.all(schema.references.map((r) => client.getSchemaVersion(r.subject, r.version))).then((refs) => build(schema, refs, validate))
    },
    recordName: (p) => p.schema.title,
    encode(p, value) {
      check(p, value)
      return Buffer.from(JSON.stringify(value), 'utf8')
    },
    decode(writer, payload, _indexes, reader) {
      const value = JSON.parse(payload.toString('utf8')) as unknown
      check(reader ?? writer, value)
      return value
    },
  }
}

/** A JSON schema: its text or the parsed object. */
export type JsonSchema = string | object

function toSchema(schema: JsonSchema): Schema {
  return { schema: typeof schema === 'string' ? JSON.stringify(JSON.parse(schema)) : JSON.stringify(schema), schemaType: 'JSON' }
}

/** Writes values as JSON framed with the id of `schema` (Java's KafkaJsonSchemaSerializer). */
export class JsonSchemaSerializer<T = unknown> extends RegistrySerializer<T, unknown> {
  constructor(client: SchemaRegistryClient, schema: JsonSchema, options: SerdeOptions = {}) {
    super(client, codec(options['json.fail.invalid.schema'] !== false && options['json.fail.invalid.schema'] !== 'false'), toSchema(schema), options)
  }
}

export interface JsonSchemaDeserializerOptions extends Omit<DeserializerOptions, 'readerSchema'> {
  /** Validate each value against this schema instead of the writer's. */
  readerSchema?: JsonSchema
  /** Validate values when reading (default true). */
  'json.fail.invalid.schema'?: boolean
}

/** Reads JSON values written with a registered JSON schema (Java's KafkaJsonSchemaDeserializer). */
export class JsonSchemaDeserializer<T = unknown> extends RegistryDeserializer<T, unknown> {
  constructor(client: SchemaRegistryClient, options: JsonSchemaDeserializerOptions = {}) {
    const { 'json.fail.invalid.schema': validate, readerSchema, ...rest } = options
    super(client, codec(validate !== false), { ...rest, readerSchema: readerSchema === undefined ? undefined : toSchema(readerSchema) })
  }
}
