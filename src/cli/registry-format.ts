/**
 * `--value-format avro|json|protobuf --schema-registry-url URL` for the
 * console tools (like Confluent's kafka-avro-console-*): the producer reads
 * each value as JSON text and writes it with the registry serializer of
 * `--value-schema` (the schema's text, or @file); the consumer decodes each
 * value with the schema its record names and prints it as JSON text.
 */
import fs from 'node:fs'
import type { Header } from '../types.js'
import { isThenable, type Serializer } from '../serde/serde.js'
import {
  AvroDeserializer, AvroSerializer, JsonSchemaDeserializer, JsonSchemaSerializer, ProtobufDeserializer, ProtobufSerializer, SchemaRegistryClient,
} from '../schema-registry/index.js'
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js'


export const FORMATS = ['avro', 'json', 'protobuf'] as const

export const registryOptions = (side: 'producer' | 'consumer'): OptionSpec[] => [
  { name: 'value-format', kind: 'value', arg: '<format>', help: `avro, json (JSON Schema) or protobuf: values ${side === 'producer' ? 'are read as JSON text and written' : 'are decoded and printed as JSON text'} in Confluent's Schema Registry wire format (needs --schema-registry-url)` },
  { name: 'schema-registry-url', kind: 'value', arg: '<url>', help: 'The Schema Registry, e.g. http://localhost:8081' },
  ...(side === 'producer' ? [{ name: 'value-schema', kind: 'value', arg: '<schema|@file>', help: 'With --value-format: the value schema (Avro JSON, JSON Schema, or .proto text), or @file to read it from' } as OptionSpec] : []),
]

function formatOf(args: ParsedArgs): (typeof FORMATS)[number] | undefined {
  const format = args.value('value-format')
  if (format === undefined) {
    if (args.has('schema-registry-url') || args.has('value-schema')) throw new UsageError('--schema-registry-url and --value-schema need --value-format avro|json|protobuf')
    return undefined
  }
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--value-format must be one of ${FORMATS.join(', ')}, got "${format}"`)
  if (!args.has('schema-registry-url')) throw new UsageError(`--value-format ${format} needs --schema-registry-url`)
  return format as (typeof FORMATS)[number]
}

function client(args: ParsedArgs): SchemaRegistryClient {
  return new SchemaRegistryClient({ 'schema.registry.url': args.required('schema-registry-url') })
}

/** The producer side: undefined without --value-format, else a function turning a value's JSON text into framed bytes. */
export function valueEncoder(args: ParsedArgs): ((topic: string, text: Buffer | null, headers: Header[], lineNo: number) => Promise<Buffer | null>) | undefined {
  const format = formatOf(args)
  if (format === undefined) return undefined
  const given = args.value('value-schema')
  if (given === undefined) throw new UsageError(`--value-format ${format} needs --value-schema <schema|@file>`)
  const schema = given.startsWith('@') ? fs.readFileSync(given.slice(1), 'utf8') : given
  const c = client(args)
  let ser: Serializer<unknown>
  try {
    ser = (format === 'avro' ? new AvroSerializer(c, schema) : format === 'json' ? new JsonSchemaSerializer(c, schema) : new ProtobufSerializer(c, schema)) as Serializer<unknown>
  } catch (e) {
    throw new UsageError(`--value-schema is not a valid ${format} schema: ${(e as Error).message}`)
  }
  return async (topic, text, headers, lineNo) => {
    if (text === null) return null
    let value: unknown
    try {
      value = JSON.parse(text.toString('utf8'))
    } catch (e) {
      throw new UsageError(`line ${lineNo}: the value is not JSON text: ${(e as Error).message}`)
    }
    const out = ser.serialize(topic, value, headers)
    return isThenable(out) ? await out : out
  }
}

/** The consumer side: undefined without --value-format, else a function turning framed bytes into JSON text. */
export function valueDecoder(args: ParsedArgs): ((topic: string, data: Buffer | null, headers: Header[]) => Promise<Buffer | null>) | undefined {
  const format = formatOf(args)
  if (format === undefined) return undefined
  const c = client(args)
  const des = format === 'avro' ? new AvroDeserializer(c) : format === 'json' ? new JsonSchemaDeserializer(c) : new ProtobufDeserializer(c)
  return async (topic, data, headers) => {
    if (data === null) return null
    const out = des.deserialize(topic, data, headers)
    const value = isThenable(out) ? await out : out
    return Buffer.from(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v)), 'utf8')
  }
}
