/**
 * Protobuf in Confluent's wire format, with `protobufjs` (an optional peer
 * dependency: `npm install protobufjs`). The registered schema is the .proto
 * file's text; the frame carries the message indexes of the message type
 * written (its path in the file). Values are plain objects: enums as their
 * names, int64 fields as decimal strings, bytes as Buffers; fields left out
 * read back as their defaults. Imports of other registered schemas are
 * references; google/protobuf/*.proto well-known types are built in.
 */
import type * as Pbjs from 'protobufjs'
import { loadOptional } from '../protocol/records/optional.js'
import { RegistryDeserializer, RegistrySerializer, type Codec, type DeserializerOptions, type SerdeOptions } from './serde.js'
import type { Schema, SchemaRegistryClient } from './client.js'

type PbjsModule = typeof Pbjs
const pbjs = (): PbjsModule => loadOptional<PbjsModule>('protobufjs', 'Protobuf (samsa/schema-registry)')

interface Parsed {
  root: Pbjs.Root
  /** The file's message types, depth first, with their message indexes. */
  messages: { type: Pbjs.Type; indexes: number[] }[]
  /** The type a serializer writes (the named one, else the file's first message). */
  main: Pbjs.Type
}

function fileMessages(ns: Pbjs.NamespaceBase, prefix: number[], out: Parsed['messages']): void {
  let i = 0
  for (const n of ns.nestedArray) {
    if (n instanceof pbjs().Type) {
      const indexes = [...prefix, i++]
      out.push({ type: n, indexes })
      fileMessages(n, indexes, out)
    }
  }
}

function packageNamespace(root: Pbjs.Root, pkg: string | undefined): Pbjs.NamespaceBase {
  if (pkg === undefined || pkg === '') return root
  const ns = root.lookup(pkg)
  return ns instanceof pbjs().Namespace ? ns : root
}

function addImports(root: Pbjs.Root, imports: string[] | undefined): void {
  for (const file of imports ?? []) {
    if (file.startsWith('google/protobuf/')) {
      const json = pbjs().common.get(file)
      if (json !== null) root.addJSON((json as { nested: Record<string, Pbjs.AnyNestedObject> }).nested)
    }
  }
}

async function parseFile(schema: Schema, client: SchemaRegistryClient, messageName: string | undefined): Promise<Parsed> {
  const root = new (pbjs().Root)()
  const seen = new Set<string>()
  const load = async (s: Schema): Promise<void> => {
    for (const ref of s.references ?? []) {
      const key = `${ref.subject}/${ref.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const referenced = await client.getSchemaVersion(ref.subject, ref.version)
      await load(referenced)
      addFile(root, referenced.schema)
    }
  }
  await load(schema)
  return finish(root, schema, messageName)
}

// Confluent's Python and Go clients register a .proto schema as a base64
// FileDescriptorProto rather than as text, and some registries hand it back as
// such; .proto text always has spaces or braces, so the two cannot be confused.
const DESCRIPTOR = /^[A-Za-z0-9+/]+={0,2}$/

interface FileDescriptor { package?: string; syntax?: string; dependency?: string[]; messageType?: object[]; enumType?: object[] }
interface FromDescriptor<T> { fromDescriptor(d: object, edition: string): T }
/** protobufjs's descriptor extension: decodes descriptors and adds `fromDescriptor` to its Type and Enum. */
interface DescriptorExt {
  FileDescriptorProto: { decode(b: Uint8Array): FileDescriptor, encode(f: FileDescriptor): { finish(): Uint8Array } }
}
const descriptorExt = (): DescriptorExt =>
  loadOptional('protobufjs/ext/descriptor', 'Protobuf descriptors (samsa/schema-registry)')

/** Adds one schema file (.proto text or base64 FileDescriptorProto) to `root`; returns its package. */
function addFile(root: Pbjs.Root, text: string): string | undefined {
  if (!DESCRIPTOR.test(text.trim())) {
    const r = pbjs().parse(text, root, { keepCase: true })
    addImports(root, r.imports)
    return r.package ?? undefined
  }
  const file = descriptorExt().FileDescriptorProto.decode(Buffer.from(text.trim(), 'base64'))
  const Type = pbjs().Type as unknown as FromDescriptor<Pbjs.Type>
  const Enum = pbjs().Enum as unknown as FromDescriptor<Pbjs.Enum>
  const edition = file.syntax === 'proto3' ? 'proto3' : 'proto2'
  const ns = file.package !== undefined && file.package !== '' ? root.define(file.package) : root
  for (const m of file.messageType ?? []) ns.add(Type.fromDescriptor(m, edition))
  for (const e of file.enumType ?? []) ns.add(Enum.fromDescriptor(e, edition))
  addImports(root, file.dependency)
  return file.package
}

function finish(root: Pbjs.Root, schema: Schema, messageName: string | undefined): Parsed {
  const pkg = addFile(root, schema.schema)
  root.resolveAll()
  const messages: Parsed['messages'] = []
  fileMessages(packageNamespace(root, pkg), [], messages)
  if (messages.length === 0) throw new Error('the .proto schema defines no message')
  return { root, messages, main: messageName === undefined ? messages[0]!.type : named(messages, messageName) }
}

function named(messages: Parsed['messages'], name: string): Pbjs.Type {
  const found = messages.find((m) => m.type.name === name || m.type.fullName === `.${name}` || m.type.fullName === name)
  if (found === undefined) throw new Error(`the .proto schema has no message "${name}"; it has ${messages.map((m) => m.type.fullName.slice(1)).join(', ')}`)
  return found.type
}

/**
 * The type that decodes a record written as `written`: with a reader schema,
 * its message of the same full name (or its named message), so that fields the
 * writer did not know read as their defaults and fields the reader does not
 * know are dropped (Protobuf's rules: fields are matched by number).
 */
function readerType(written: Pbjs.Type, reader: Parsed | undefined, readerMessage: string | undefined): Pbjs.Type {
  if (reader === undefined) return written
  if (readerMessage !== undefined) return named(reader.messages, readerMessage)
  const same = reader.messages.find((m) => m.type.fullName === written.fullName)
  if (same === undefined) {
    throw new Error(`the reader schema has no message ${written.fullName.slice(1)} (it has ${reader.messages.map((m) => m.type.fullName.slice(1)).join(', ')}); name the reader's message with messageName`)
  }
  return same.type
}

/** `messageName`: the type a serializer writes; `readerMessage`: the reader schema's type a deserializer decodes every record as. */
function codec(messageName: string | undefined, readerMessage?: string): Codec<Parsed> {
  return {
    type: 'PROTOBUF',
    parse(schema, client) {
      if (schema.references !== undefined && schema.references.length > 0) return parseFile(schema, client, messageName)
      return finish(new (pbjs().Root)(), schema, messageName)
    },
    recordName: (p) => p.main.fullName.replace(/^\./, ''),
    encode(p, value) {
      const msg = value instanceof pbjs().Message ? value : p.main.fromObject(value as Record<string, unknown>)
      return Buffer.from(p.main.encode(msg).finish())
    },
    indexes(p) {
      return p.messages.find((m) => m.type === p.main)!.indexes
    },
    decode(writer, payload, indexes, reader) {
      const key = indexes.join('.')
      const m = writer.messages.find((x) => x.indexes.join('.') === key)
      if (m === undefined) throw new Error(`message indexes [${indexes.join(', ')}] name no message of the writer's schema`)
      const type = readerType(m.type, reader, readerMessage)
      const msg = type.decode(payload)
      return type.toObject(msg, { enums: String, longs: String, bytes: Buffer as unknown as typeof String, defaults: true })
    },
  }
}

export interface ProtobufSerializerOptions extends SerdeOptions {
  /** The message type to write (simple or fully-qualified name); default the file's first message. */
  messageName?: string
  /**
   * How the schema is registered: `proto` (default; the .proto text, as Java
   * registers it) or `descriptor` (a base64 FileDescriptorProto, as Confluent's
   * Python, Go and JavaScript serdes register it; for registries that do not
   * convert text on `?format=serialized`, so those serdes can read the
   * records). `descriptor` takes a .proto without imports.
   */
  schemaFormat?: 'proto' | 'descriptor'
}

/** The base64 FileDescriptorProto of a .proto file without imports. */
function toDescriptor(proto: string): string {
  const root = new (pbjs().Root)()
  const parsed = pbjs().parse(proto, root, { keepCase: true })
  if ((parsed.imports ?? []).length > 0 || (parsed.weakImports ?? []).length > 0) {
    throw new TypeError(`ProtobufSerializer: schemaFormat 'descriptor' takes a .proto without imports; this one imports ${[...(parsed.imports ?? []), ...(parsed.weakImports ?? [])].join(', ')}`)
  }
  const ext = descriptorExt()
  const pkg = parsed.package ?? ''
  const set = (root as unknown as { toDescriptor(edition: string): { file: (FileDescriptor & { name?: string })[] } }).toDescriptor(/syntax\s*=\s*"proto3"/.test(proto) ? 'proto3' : 'proto2')
  const file = set.file.find((f) => (f.package ?? '') === pkg)
  if (file === undefined || set.file.length !== 1) throw new TypeError('ProtobufSerializer: schemaFormat \'descriptor\' takes a .proto with one package')
  return Buffer.from(ext.FileDescriptorProto.encode(file).finish()).toString('base64')
}

/** Writes messages of a .proto schema (Java's KafkaProtobufSerializer). */
export class ProtobufSerializer<T = Record<string, unknown>> extends RegistrySerializer<T, unknown> {
  constructor(client: SchemaRegistryClient, proto: string, options: ProtobufSerializerOptions = {}) {
    const { messageName, schemaFormat, ...rest } = options
    super(client, codec(messageName), { schema: schemaFormat === 'descriptor' ? toDescriptor(proto) : proto, schemaType: 'PROTOBUF' }, rest)
  }
}

export interface ProtobufDeserializerOptions extends Omit<DeserializerOptions, 'readerSchema'> {
  /**
   * The reader's .proto schema (schema evolution): each record decodes as the
   * reader's message of the same full name as the writer's, so a field added
   * since the writer's version reads as its default and a field the reader
   * lacks is dropped. Without it, records decode with the writer's schema.
   */
  readerSchema?: string
  /** With `readerSchema`: decode every record as this message of it (simple or fully-qualified name), whatever the writer's message was called. */
  messageName?: string
}

/** Reads messages written with a registered .proto schema, as plain objects (Java's KafkaProtobufDeserializer). */
export class ProtobufDeserializer<T = Record<string, unknown>> extends RegistryDeserializer<T, unknown> {
  constructor(client: SchemaRegistryClient, options: ProtobufDeserializerOptions = {}) {
    const { readerSchema, messageName, ...rest } = options
    if (messageName !== undefined && readerSchema === undefined) throw new TypeError('ProtobufDeserializer: messageName names a message of readerSchema; give readerSchema too')
    super(client, codec(undefined, messageName), { ...rest, readerSchema: readerSchema === undefined ? undefined : { schema: readerSchema, schemaType: 'PROTOBUF' } })
  }
}
