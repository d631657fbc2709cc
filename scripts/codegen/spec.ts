/**
 * Kafka's JSON message definitions, parsed and resolved into a model the
 * emitter (and the round-trip tests) can walk: version ranges as numbers,
 * struct references resolved, TypeScript names assigned.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** An inclusive version range; `hi` is Infinity for an open range; empty when lo > hi. */
export interface Range {
  readonly lo: number
  readonly hi: number
}

export const NONE: Range = { lo: 1, hi: 0 }

export function parseRange(s: string | undefined, what: string): Range {
  if (s === undefined || s === 'none') return NONE
  let m = /^(\d+)\+$/.exec(s)
  if (m) return { lo: Number(m[1]), hi: Infinity }
  m = /^(\d+)-(\d+)$/.exec(s)
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) }
  m = /^(\d+)$/.exec(s)
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) }
  throw new Error(`bad version range "${s}" in ${what}`)
}

export function isEmpty(r: Range): boolean {
  return r.lo > r.hi
}

export function intersect(a: Range, b: Range): Range {
  const r = { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) }
  return isEmpty(r) ? NONE : r
}

export function contains(r: Range, v: number): boolean {
  return v >= r.lo && v <= r.hi
}

export type Primitive = 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid'

export const PRIMITIVES: ReadonlySet<string> = new Set([
  'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'bool', 'string', 'bytes', 'records', 'uuid',
])

export type FieldType =
  | { readonly kind: 'primitive'; readonly primitive: Primitive }
  | { readonly kind: 'struct'; readonly struct: StructModel }
  | { readonly kind: 'array'; readonly element: { readonly kind: 'primitive'; readonly primitive: Primitive } | { readonly kind: 'struct'; readonly struct: StructModel } }

export interface FieldModel {
  /** The JSON name, e.g. `TopicName`. */
  readonly name: string
  /** The TypeScript property, e.g. `topicName`. */
  readonly prop: string
  readonly type: FieldType
  readonly versions: Range
  readonly nullableVersions: Range
  /** Tag number when the field is tagged (in `taggedVersions`). */
  readonly tag: number | undefined
  readonly taggedVersions: Range
  /** The raw `default` string from the spec, if any. */
  readonly default: string | undefined
  readonly ignorable: boolean
  /** False when the field opts out of flexible encoding (RequestHeader.ClientId). */
  readonly flexibleNone: boolean
}

export interface StructModel {
  /** The JSON struct name (the type without `[]`), or the message name for the top level. */
  readonly jsonName: string
  /** The TypeScript interface name (unique in its module). */
  tsName: string
  readonly fields: FieldModel[]
  /** Versions in which code for this struct may run (used to simplify version checks). */
  readonly ctx: Range
  readonly message: MessageModel
  readonly topLevel: boolean
}

export interface MessageModel {
  readonly file: string
  readonly name: string
  readonly type: 'request' | 'response' | 'data' | 'header'
  readonly apiKey: number | undefined
  readonly validVersions: Range
  readonly flexibleVersions: Range
  readonly latestVersionUnstable: boolean
  readonly root: StructModel
  /** Every struct of the message, root first, in definition order. */
  readonly structs: StructModel[]
}

interface RawField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  default?: string | number | boolean
  ignorable?: boolean
  flexibleVersions?: string
  fields?: RawField[]
}

interface RawStruct {
  name: string
  versions?: string
  fields: RawField[]
}

interface RawMessage {
  apiKey?: number
  type: string
  name: string
  validVersions: string
  flexibleVersions?: string
  latestVersionUnstable?: boolean
  fields?: RawField[]
  commonStructs?: RawStruct[]
}

/** Removes `//` comments (outside strings) from JSON text. */
export function stripJsonComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (inString) {
      out += c
      if (c === '\\') {
        out += text[i + 1] ?? ''
        i++
      } else if (c === '"') {
        inString = false
      }
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else {
      out += c
    }
  }
  return out
}

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

export function kebab(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/([a-z\d])([A-Z])/g, '$1-$2')
    .toLowerCase()
}

function parseMessage(file: string, raw: RawMessage): MessageModel {
  const validVersions = parseRange(raw.validVersions, `${file} validVersions`)
  const flexibleVersions = parseRange(raw.flexibleVersions ?? 'none', `${file} flexibleVersions`)
  if (!['request', 'response', 'data', 'header'].includes(raw.type)) throw new Error(`${file}: unknown message type ${raw.type}`)
  const structs: StructModel[] = []
  const common = new Map<string, RawStruct>()
  for (const cs of raw.commonStructs ?? []) {
    if (common.has(cs.name)) throw new Error(`${file}: common struct ${cs.name} defined twice`)
    common.set(cs.name, cs)
  }
  const byName = new Map<string, StructModel>()
  const message: MessageModel = {
    file,
    name: raw.name,
    type: raw.type as MessageModel['type'],
    apiKey: raw.apiKey,
    validVersions,
    flexibleVersions,
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root: undefined as unknown as StructModel,
    structs,
  }

  const defineStruct = (jsonName: string, rawFields: RawField[], ctx: Range, topLevel: boolean): StructModel => {
    if (byName.has(jsonName)) throw new Error(`${file}: struct ${jsonName} defined more than once`)
    const struct: StructModel = { jsonName, tsName: jsonName, fields: [], ctx, message, topLevel }
    byName.set(jsonName, struct)
    structs.push(struct)
    for (const f of rawFields) struct.fields.push(parseField(f, ctx, `${jsonName}.${f.name}`))
    const props = new Set<string>()
    for (const f of struct.fields) {
      if (props.has(f.prop)) throw new Error(`${file}: duplicate field ${f.prop} in ${jsonName}`)
      props.add(f.prop)
    }
    return struct
  }

  const structRef = (typeName: string, f: RawField, ctx: Range, what: string): StructModel => {
    if (f.fields !== undefined) {
      if (common.has(typeName)) throw new Error(`${file}: ${what} redefines common struct ${typeName}`)
      return defineStruct(typeName, f.fields, ctx, false)
    }
    const existing = byName.get(typeName)
    if (existing !== undefined) {
      if (!isEmpty(ctx) && (ctx.lo < existing.ctx.lo || ctx.hi > existing.ctx.hi)) {
        throw new Error(`${file}: ${what} uses struct ${typeName} outside the versions it was defined for`)
      }
      return existing
    }
    const cs = common.get(typeName)
    if (cs === undefined) throw new Error(`${file}: ${what} refers to unknown struct ${typeName}`)
    const csCtx = intersect(validVersions, parseRange(cs.versions ?? '0+', `${file} ${cs.name}`))
    if (!isEmpty(ctx) && (ctx.lo < csCtx.lo || ctx.hi > csCtx.hi)) {
      throw new Error(`${file}: ${what} uses common struct ${typeName} outside its versions`)
    }
    return defineStruct(typeName, cs.fields, csCtx, false)
  }

  const parseField = (f: RawField, ctx: Range, what: string): FieldModel => {
    const versions = parseRange(f.versions, what)
    const fieldCtx = intersect(ctx, versions)
    let type: FieldType
    if (f.type.startsWith('[]')) {
      const el = f.type.slice(2)
      if (PRIMITIVES.has(el)) {
        if (el === 'bytes' || el === 'records') throw new Error(`${file}: ${what}: arrays of ${el} are not supported`)
        type = { kind: 'array', element: { kind: 'primitive', primitive: el as Primitive } }
      } else {
        type = { kind: 'array', element: { kind: 'struct', struct: structRef(el, f, fieldCtx, what) } }
      }
    } else if (PRIMITIVES.has(f.type)) {
      if (f.fields !== undefined) throw new Error(`${file}: ${what}: primitive field with fields`)
      type = { kind: 'primitive', primitive: f.type as Primitive }
    } else {
      type = { kind: 'struct', struct: structRef(f.type, f, fieldCtx, what) }
    }
    const taggedVersions = parseRange(f.taggedVersions, what)
    if (f.tag !== undefined || !isEmpty(taggedVersions)) {
      if (f.tag === undefined || isEmpty(taggedVersions)) throw new Error(`${file}: ${what}: tag and taggedVersions go together`)
      if (taggedVersions.lo !== versions.lo || taggedVersions.hi !== versions.hi) {
        throw new Error(`${file}: ${what}: fields tagged in only some of their versions are not supported`)
      }
    }
    if (f.nullableVersions !== undefined && type.kind === 'primitive' && !['string', 'bytes', 'records'].includes(type.primitive)) {
      throw new Error(`${file}: ${what}: ${f.type} fields cannot be nullable`)
    }
    if (f.flexibleVersions !== undefined && f.flexibleVersions !== 'none') {
      throw new Error(`${file}: ${what}: field flexibleVersions other than "none" are not supported`)
    }
    return {
      name: f.name,
      prop: camel(f.name),
      type,
      versions,
      nullableVersions: parseRange(f.nullableVersions, what),
      tag: f.tag,
      taggedVersions,
      default: f.default === undefined ? undefined : String(f.default),
      ignorable: f.ignorable === true,
      flexibleNone: f.flexibleVersions === 'none',
    }
  }

  // Kafka 4 keeps the removed ZooKeeper-era APIs as definitions without fields.
  const root = defineStruct(raw.name, raw.fields ?? [], validVersions, true)
  ;(message as { root: StructModel }).root = root
  // Common structs nobody references are still part of the message's types.
  for (const cs of raw.commonStructs ?? []) {
    if (!byName.has(cs.name)) {
      defineStruct(cs.name, cs.fields, intersect(validVersions, parseRange(cs.versions ?? '0+', `${file} ${cs.name}`)), false)
    }
  }
  return message
}

export function loadMessages(dir: string): MessageModel[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(stripJsonComments(readFileSync(join(dir, f), 'utf8'))) as RawMessage
      return parseMessage(f, raw)
    })
}

/** A generated module: one API (request + response) or one data/header structure. */
export interface ModuleModel {
  /** File name without directory, e.g. `produce.ts`. */
  readonly file: string
  /** API name (`Produce`) or the data structure's name. */
  readonly baseName: string
  readonly apiKey: number | undefined
  readonly request: MessageModel | undefined
  readonly response: MessageModel | undefined
  /** For data/header modules. */
  readonly data: MessageModel | undefined
  readonly messages: MessageModel[]
}

export function groupModules(messages: MessageModel[]): ModuleModel[] {
  const apis = new Map<string, { request?: MessageModel; response?: MessageModel }>()
  const modules: ModuleModel[] = []
  for (const m of messages) {
    if (m.type === 'request' || m.type === 'response') {
      const suffix = m.type === 'request' ? 'Request' : 'Response'
      if (!m.name.endsWith(suffix)) throw new Error(`${m.file}: ${m.type} name ${m.name} does not end in ${suffix}`)
      const base = m.name.slice(0, -suffix.length)
      const entry = apis.get(base) ?? {}
      entry[m.type] = m
      apis.set(base, entry)
    } else {
      modules.push({ file: `${kebab(m.name)}.ts`, baseName: m.name, apiKey: undefined, request: undefined, response: undefined, data: m, messages: [m] })
    }
  }
  for (const [base, { request, response }] of apis) {
    if (request === undefined || response === undefined) throw new Error(`${base}: request or response definition missing`)
    if (request.apiKey === undefined || request.apiKey !== response.apiKey) throw new Error(`${base}: api keys of request and response differ`)
    if (request.validVersions.lo !== response.validVersions.lo || request.validVersions.hi !== response.validVersions.hi) {
      throw new Error(`${base}: request and response valid versions differ`)
    }
    modules.push({ file: `${kebab(base)}.ts`, baseName: base, apiKey: request.apiKey, request, response, data: undefined, messages: [request, response] })
  }
  modules.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  const files = new Set<string>()
  for (const mod of modules) {
    if (files.has(mod.file)) throw new Error(`two modules map to ${mod.file}`)
    files.add(mod.file)
    assignNames(mod)
  }
  return modules
}

/**
 * Struct names are their JSON type names; a name used by both messages of a
 * module (or equal to a top-level name) is prefixed with its message's name.
 */
function assignNames(mod: ModuleModel): void {
  const count = new Map<string, number>()
  const topNames = new Set(mod.messages.map((m) => m.name))
  for (const m of mod.messages) {
    for (const s of m.structs) if (!s.topLevel) count.set(s.jsonName, (count.get(s.jsonName) ?? 0) + 1)
  }
  for (const m of mod.messages) {
    for (const s of m.structs) {
      if (s.topLevel) continue
      const clash = (count.get(s.jsonName) ?? 0) > 1 || topNames.has(s.jsonName)
      s.tsName = clash && !s.jsonName.startsWith(m.name) ? `${m.name}${s.jsonName}` : s.jsonName
    }
  }
  const seen = new Set<string>()
  for (const m of mod.messages) {
    for (const s of m.structs) {
      for (const id of [s.tsName, `${s.tsName}Input`]) {
        if (seen.has(id)) throw new Error(`${mod.file}: generated name ${id} is not unique`)
        seen.add(id)
      }
    }
  }
}
