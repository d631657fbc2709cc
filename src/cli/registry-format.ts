/**
 * `--key-format` / `--value-format avro|json-schema|protobuf
 * --schema-registry-url URL` for the console tools (like Confluent's
 * kafka-avro-console-*): the producer reads each key or value as JSON text
 * and writes it with the registry serializer of `--key-schema` /
 * `--value-schema` (the schema's text, or @file); the consumer decodes each
 * with the schema its record names and prints it as JSON text. `json` is an
 * alias of `json-schema`; `string` (the default) leaves the bytes as text.
 */
import fs from 'node:fs'
import type { Header } from '../types.js'
import { isThenable, type Serializer } from '../serde/serde.js'
import {
  AvroDeserializer, AvroSerializer, JsonSchemaDeserializer, JsonSchemaSerializer, ProtobufDeserializer, ProtobufSerializer, SchemaRegistryClient,
} from '../schema-registry/index.js'
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js'


export const FORMATS = ['avro', 'json-schema', 'json', 'protobuf', 'string'] as const
type Field = 'key' | 'value'
type Format = 'avro' | 'json' | 'protobuf'

const formatHelp = (field: Field, side: 'producer' | 'consumer'): string =>
  `avro, json-schema (alias json) or protobuf: ${field}s ${side === 'producer' ? 'are read as JSON text and written' : 'are decoded and printed as JSON text'} in Confluent's Schema Registry wire format (needs --schema-registry-url); string (the default): ${field}s as plain text`

export const registryOptions = (side: 'producer' | 'consumer'): OptionSpec[] => [
  { name: 'key-format', kind: 'value', arg: '<format>', help: formatHelp('key', side) },
  { name: 'value-format', kind: 'value', arg: '<format>', help: formatHelp('value', side) },
  { name: 'schema-registry-url', kind: 'value', arg: '<url>', help: 'The Schema Registry, e.g. http://localhost:8081' },
  ...(side === 'producer'
    ? (['key', 'value'] as const).map((f): OptionSpec => ({ name: `${f}-schema`, kind: 'value', arg: '<schema|@file>', help: `With --${f}-format: the ${f} schema (Avro JSON, JSON Schema, or .proto text), or @file to read it from` }))
    : []),
]

function formatOf(args: ParsedArgs, field: Field): Format | undefined {
  const given = args.value(`${field}-format`)
  if (given !== undefined && !(FORMATS as readonly string[]).includes(given)) throw new UsageError(`--${field}-format must be one of ${FORMATS.join(', ')}, got "${given}"`)
  if (given === undefined || given === 'string') {
    if (args.has(`${field}-schema`)) throw new UsageError(`--${field}-schema needs --${field}-format avro|json-schema|protobuf`)
    const other = args.value(`${field === 'key' ? 'value' : 'key'}-format`)
    if (args.has('schema-registry-url') && (other === undefined || other === 'string')) throw new UsageError('--schema-registry-url needs --key-format or --value-format avro|json-schema|protobuf')
    return undefined
  }
  if (!args.has('schema-registry-url')) throw new UsageError(`--${field}-format ${given} needs --schema-registry-url`)
  return given === 'json-schema' ? 'json' : given as Format
}

function client(args: ParsedArgs): SchemaRegistryClient {
  return new SchemaRegistryClient({ 'schema.registry.url': args.required('schema-registry-url') })
}

type Encoder = (topic: string, text: Buffer | null, headers: Header[], lineNo: number) => Promise<Buffer | null>
type Decoder = (topic: string, data: Buffer | null, headers: Header[]) => Promise<Buffer | null>

/** The producer side: undefined without a registry --<field>-format, else a function turning a key's or value's JSON text into framed bytes. */
export function encoder(args: ParsedArgs, field: Field): Encoder | undefined {
  const format = formatOf(args, field)
  if (format === undefined) return undefined
  const given = args.value(`${field}-schema`)
  if (given === undefined) throw new UsageError(`--${field}-format ${args.value(`${field}-format`)} needs --${field}-schema <schema|@file>`)
  const schema = given.startsWith('@') ? fs.readFileSync(given.slice(1), 'utf8') : given
  const c = client(args)
  const isKey = field === 'key'
  let ser: Serializer<unknown>
  try {
    ser = (format === 'avro' ? new AvroSerializer(c, schema, { isKey }) : format === 'json' ? new JsonSchemaSerializer(c, schema, { isKey }) : new ProtobufSerializer(c, schema, { isKey })) as Serializer<unknown>
  } catch (e) {
    throw new UsageError(`--${field}-schema is not a valid ${format} schema: ${(e as Error).message}`)
  }
  return async (topic, text, headers, lineNo) => {
    if (text === null) return null
    let value: unknown
    try {
      value = JSON.parse(text.toString('utf8'))
    } catch (e) {
      throw new UsageError(`line ${lineNo}: the ${field} is not JSON text: ${(e as Error).message}`)
    }
    const out = ser.serialize(topic, value, headers)
    return isThenable(out) ? await out : out
  }
}

/** The consumer side: undefined without a registry --<field>-format, else a function turning framed bytes into JSON text. */
export function decoder(args: ParsedArgs, field: Field): Decoder | undefined {
  const format = formatOf(args, field)
  if (format === undefined) return undefined
  const c = client(args)
  const isKey = field === 'key'
  const des = format === 'avro' ? new AvroDeserializer(c, { isKey }) : format === 'json' ? new JsonSchemaDeserializer(c, { isKey }) : new ProtobufDeserializer(c, { isKey })
  return async (topic, data, headers) => {
    if (data === null) return null
    const out = des.deserialize(topic, data, headers)
    const value = isThenable(out) ? await out : out
    return Buffer.from(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v)), 'utf8')
  }
}
