/**
 * Emits one TypeScript module per API (request + response) or per data
 * structure from the resolved message model. The generated encoders are
 * straight-line code with `version` checks (no reflection, no closures); the
 * decoders read through the Reader's checked counts.
 */
import {
  type FieldModel,
  type MessageModel,
  type ModuleModel,
  type Primitive,
  type Range,
  type StructModel,
  camel,
  intersect,
  isEmpty,
} from './spec.js'

export const RUNTIME_EXPORTS = [
  'EMPTY_BYTES',
  'EMPTY_ARRAY',
  'EMPTY_INPUT',
  'unsupportedVersion',
  'unsupportedField',
  'nullField',
  'notNull',
  'writeTaggedFields',
  'writeTaggedFieldsBefore',
  'beginTaggedField',
  'endTaggedField',
  'readTaggedFields',
  'checkTaggedFieldEnd',
  'readInt8Array',
  'readInt16Array',
  'readUint16Array',
  'readInt32Array',
  'readUint32Array',
  'readInt64Array',
  'readFloat64Array',
  'readBoolArray',
  'readUuidArray',
  'readStringArray',
  'readCompactStringArray',
]

const FIXED: Record<string, { method: string; size: number; ts: string; array: string }> = {
  int8: { method: 'int8', size: 1, ts: 'number', array: 'readInt8Array' },
  int16: { method: 'int16', size: 2, ts: 'number', array: 'readInt16Array' },
  uint16: { method: 'uint16', size: 2, ts: 'number', array: 'readUint16Array' },
  int32: { method: 'int32', size: 4, ts: 'number', array: 'readInt32Array' },
  uint32: { method: 'uint32', size: 4, ts: 'number', array: 'readUint32Array' },
  int64: { method: 'int64', size: 8, ts: 'bigint', array: 'readInt64Array' },
  float64: { method: 'float64', size: 8, ts: 'number', array: 'readFloat64Array' },
  bool: { method: 'bool', size: 1, ts: 'boolean', array: 'readBoolArray' },
  uuid: { method: 'uuid', size: 16, ts: 'string', array: 'readUuidArray' },
}

/** A boolean expression over `version` that is true exactly for `range` within `ctx`. */
export function cond(range: Range, ctx: Range): string {
  if (isEmpty(ctx)) return 'false'
  const r = intersect(range, ctx)
  if (isEmpty(r)) return 'false'
  const lo = r.lo > ctx.lo
  const hi = r.hi < ctx.hi
  if (lo && hi && r.lo === r.hi) return `version === ${r.lo}`
  const parts: string[] = []
  if (lo) parts.push(`version >= ${r.lo}`)
  if (hi) parts.push(`version <= ${r.hi}`)
  return parts.length === 0 ? 'true' : parts.join(' && ')
}

/** Drops one pair of parentheses wrapping the whole expression. */
function unwrap(e: string): string {
  if (!e.startsWith('(') || !e.endsWith(')')) return e
  let depth = 0
  for (let i = 0; i < e.length; i++) {
    if (e[i] === '(') depth++
    else if (e[i] === ')') depth--
    if (depth === 0 && i < e.length - 1) return e
  }
  return e.slice(1, -1)
}

function paren(e: string): string {
  return /^[\w.]+$/.test(e) ? e : `(${e})`
}

function not(e: string): string {
  if (e === 'true') return 'false'
  if (e === 'false') return 'true'
  return `!${paren(e)}`
}

function and(a: string, b: string): string {
  if (a === 'false' || b === 'false') return 'false'
  if (a === 'true') return b
  if (b === 'true') return a
  return `${a} && ${b}`
}

function rangeText(r: Range): string {
  if (isEmpty(r)) return 'none'
  if (r.hi === Infinity) return `${r.lo}+`
  if (r.lo === r.hi) return `${r.lo}`
  return `${r.lo}-${r.hi}`
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

interface ModuleState {
  needDefault: Set<StructModel>
  needIsDefault: Set<StructModel>
  needArray: Set<StructModel>
  usesZeroUuid: boolean
}

/** Whether the field's TypeScript type includes null. */
export function isNullableType(f: FieldModel, message: MessageModel): boolean {
  if (f.type.kind === 'primitive' && f.type.primitive === 'records') return true
  if (f.default === 'null') return true
  return !isEmpty(intersect(f.nullableVersions, intersect(f.versions, message.validVersions)))
}

function defaultIsNull(f: FieldModel): boolean {
  if (f.type.kind === 'primitive' && f.type.primitive === 'records') return true
  return f.default === 'null'
}

function elementTs(el: { kind: 'primitive'; primitive: Primitive } | { kind: 'struct'; struct: StructModel }, input: boolean): string {
  if (el.kind === 'struct') return input ? `${el.struct.tsName}Input` : el.struct.tsName
  return primitiveTs(el.primitive, input)
}

function primitiveTs(p: Primitive, input: boolean): string {
  if (p === 'string') return 'string'
  if (p === 'bytes' || p === 'records') return input ? 'Uint8Array' : 'Buffer'
  return FIXED[p]!.ts
}

function fieldTs(f: FieldModel, message: MessageModel, input: boolean): string {
  let t: string
  if (f.type.kind === 'primitive') t = primitiveTs(f.type.primitive, input)
  else if (f.type.kind === 'struct') t = input ? `${f.type.struct.tsName}Input` : f.type.struct.tsName
  else t = input ? `readonly ${elementTs(f.type.element, true)}[]` : `${elementTs(f.type.element, false)}[]`
  return isNullableType(f, message) ? `${t} | null` : t
}

function numericDefault(f: FieldModel, p: Primitive): string {
  const d = f.default
  if (p === 'int64') {
    if (d === undefined) return '0n'
    let n: bigint
    try {
      n = BigInt(d)
    } catch {
      throw new Error(`bad int64 default ${d} for ${f.name}`)
    }
    return `${n}n`
  }
  if (p === 'bool') {
    if (d === undefined) return 'false'
    if (d !== 'true' && d !== 'false') throw new Error(`bad bool default ${d} for ${f.name}`)
    return d
  }
  if (d === undefined) return '0'
  const n = Number(d)
  if (!Number.isFinite(n)) throw new Error(`bad numeric default ${d} for ${f.name}`)
  return String(n)
}

/** The default of a decoded field (a fresh value where it is mutable). */
function decodeDefault(f: FieldModel, st: ModuleState): string {
  const t = f.type
  if (defaultIsNull(f)) return 'null'
  if (t.kind === 'array') return '[]'
  if (t.kind === 'struct') {
    st.needDefault.add(t.struct)
    return `default${t.struct.tsName}()`
  }
  const p = t.primitive
  if (p === 'string') return quote(f.default ?? '')
  if (p === 'bytes') return 'EMPTY_BYTES'
  if (p === 'uuid') {
    st.usesZeroUuid = true
    return 'ZERO_UUID'
  }
  return numericDefault(f, p)
}

/** The value the encoder uses when the input leaves a field undefined. */
function encodeDefault(f: FieldModel, st: ModuleState): string {
  const t = f.type
  if (defaultIsNull(f)) return 'null'
  if (t.kind === 'array') return 'EMPTY_ARRAY'
  if (t.kind === 'struct') return 'EMPTY_INPUT'
  return decodeDefault(f, st)
}

/** True when the (possibly undefined) input expression `x` is not the field's default. */
function nonDefault(f: FieldModel, x: string, message: MessageModel, st: ModuleState): string {
  const t = f.type
  if (defaultIsNull(f)) return `${x} !== undefined && ${x} !== null`
  const nullable = isNullableType(f, message)
  const nullPart = nullable ? `${x} === null || ` : ''
  if (t.kind === 'array' || (t.kind === 'primitive' && t.primitive === 'bytes')) {
    return nullable ? `${x} !== undefined && (${nullPart}${x}.length > 0)` : `${x} !== undefined && ${x}.length > 0`
  }
  if (t.kind === 'struct') {
    st.needIsDefault.add(t.struct)
    return nullable
      ? `${x} !== undefined && (${nullPart}!isDefault${t.struct.tsName}(${x}))`
      : `${x} !== undefined && !isDefault${t.struct.tsName}(${x})`
  }
  return `${x} !== undefined && ${x} !== ${decodeDefault(f, st)}`
}

function flexSel(F: string, compact: string, plain: string): string {
  if (F === 'true') return compact
  if (F === 'false') return plain
  return `(${F} ? ${compact} : ${plain})`
}

function flexStmt(F: string, compact: string, plain: string): string[] {
  if (F === 'true') return [compact]
  if (F === 'false') return [plain]
  return [`if (${F}) ${compact}`, `else ${plain}`]
}

function indent(lines: string[], by = '  '): string[] {
  return lines.map((l) => (l === '' ? l : by + l))
}

interface FieldCtx {
  /** Flexible: 'true' | 'false' | 'flexible'. */
  F: string
  /** Nullable condition within the field's versions. */
  N: string
  field: string
  message: MessageModel
  st: ModuleState
}

/** Statements writing the resolved value `v` (a local) of field `f`. */
function writeField(f: FieldModel, v: string, c: FieldCtx): string[] {
  const t = f.type
  const { F, N } = c
  const nullableType = isNullableType(f, c.message)
  const nullThrow = `throw nullField(${quote(c.message.name)}, ${quote(c.field)}, version)`
  // For types that may hold null: the null-aware write, and the non-null write.
  const withNull = (nullWrite: string[], nonNullWrite: string[]): string[] => {
    if (!nullableType) return nonNullWrite
    const nullableBranch = [`if (${v} === null) {`, ...indent(nullWrite), '} else {', ...indent(nonNullWrite), '}']
    const strictBranch = [`if (${v} === null) ${nullThrow}`, ...nonNullWrite]
    if (N === 'true') return nullableBranch
    if (N === 'false') return strictBranch
    return [`if (${N}) {`, ...indent(nullableBranch), '} else {', ...indent(strictBranch), '}']
  }
  if (t.kind === 'primitive') {
    const p = t.primitive
    if (p === 'string' || p === 'bytes' || p === 'records') {
      const kind = p === 'string' ? 'String' : 'Bytes'
      const lower = p === 'string' ? 'string' : 'bytes'
      if (!nullableType) return flexStmt(F, `w.compact${kind}(${v})`, `w.${lower}(${v})`)
      const nullableWrite = flexStmt(F, `w.compactNullable${kind}(${v})`, `w.nullable${kind}(${v})`)
      const strictWrite = [`if (${v} === null) ${nullThrow}`, ...flexStmt(F, `w.compact${kind}(${v})`, `w.${lower}(${v})`)]
      if (N === 'true') return nullableWrite
      if (N === 'false') return strictWrite
      return [`if (${N}) {`, ...indent(nullableWrite), '} else {', ...indent(strictWrite), '}']
    }
    return [`w.${FIXED[p]!.method}(${v})`]
  }
  if (t.kind === 'struct') {
    const enc = `encode${t.struct.tsName}(w, ${v}, version)`
    return withNull(['w.int8(-1)'], nullableType ? ['w.int8(1)', enc] : [enc])
  }
  const el = t.element
  let elWrite: string[]
  if (el.kind === 'struct') elWrite = [`encode${el.struct.tsName}(w, ${v}[i], version)`]
  else if (el.primitive === 'string') elWrite = flexStmt(F, `w.compactString(${v}[i])`, `w.string(${v}[i])`)
  else elWrite = [`w.${FIXED[el.primitive]!.method}(${v}[i])`]
  const loop =
    elWrite.length === 1
      ? [`for (let i = 0; i < ${v}.length; i++) ${elWrite[0]}`]
      : [`for (let i = 0; i < ${v}.length; i++) {`, ...indent(elWrite), '}']
  return withNull(flexStmt(F, 'w.compactArrayLength(null)', 'w.arrayLength(null)'), [
    ...flexStmt(F, `w.compactArrayLength(${v}.length)`, `w.arrayLength(${v}.length)`),
    ...loop,
  ])
}

function isSimple(f: FieldModel): boolean {
  return f.type.kind === 'primitive' && FIXED[f.type.primitive] !== undefined
}

function resolveInput(f: FieldModel, message: MessageModel, st: ModuleState): string {
  const d = encodeDefault(f, st)
  const x = `value.${f.prop}`
  return isNullableType(f, message) ? `${x} === undefined ? ${d} : ${x}` : `${x} ?? ${d}`
}

/** Expression reading field `f`. */
function readField(f: FieldModel, c: FieldCtx): string {
  const t = f.type
  const { F, N } = c
  const nullableType = isNullableType(f, c.message)
  const pick = (nullableRead: string, strictRead: string): string => {
    if (!nullableType) return strictRead
    if (N === 'true') return nullableRead
    if (N === 'false') return strictRead
    return `(${N} ? ${nullableRead} : ${strictRead})`
  }
  if (t.kind === 'primitive') {
    const p = t.primitive
    if (p === 'string' || p === 'bytes' || p === 'records') {
      const kind = p === 'string' ? 'String' : 'Bytes'
      const lower = p === 'string' ? 'string' : 'bytes'
      return pick(
        flexSel(F, `r.compactNullable${kind}()`, `r.nullable${kind}()`),
        flexSel(F, `r.compact${kind}()`, `r.${lower}()`),
      )
    }
    return `r.${FIXED[p]!.method}()`
  }
  if (t.kind === 'struct') {
    const dec = `decode${t.struct.tsName}(r, version)`
    return pick(`(r.int8() < 0 ? null : ${dec})`, dec)
  }
  const el = t.element
  let arr: string
  if (el.kind === 'struct') {
    c.st.needArray.add(el.struct)
    arr = `decode${el.struct.tsName}Array(r, version, ${unwrap(flexSel(F, 'r.compactArrayLength(1)', 'r.arrayLength(1)'))})`
  } else if (el.primitive === 'string') {
    arr = flexSel(F, 'readCompactStringArray(r, r.compactArrayLength(1))', 'readStringArray(r, r.arrayLength(2))')
  } else {
    const fx = FIXED[el.primitive]!
    arr = `${fx.array}(r, ${unwrap(flexSel(F, `r.compactArrayLength(${fx.size})`, `r.arrayLength(${fx.size})`))})`
  }
  return pick(arr, `notNull(${arr}, ${quote(c.field)})`)
}

function fieldComment(f: FieldModel, message: MessageModel): string {
  const parts = [`v${rangeText(intersect(f.versions, message.validVersions))}`]
  const n = intersect(f.nullableVersions, intersect(f.versions, message.validVersions))
  if (!isEmpty(n)) parts.push(`nullable v${rangeText(n)}`)
  if (f.tag !== undefined) parts.push(`tag ${f.tag}`)
  if (f.default !== undefined) parts.push(`default ${f.default === '' ? "''" : f.default}`)
  if (f.ignorable) parts.push('ignorable')
  return `/** ${parts.join(', ')} */`
}

function emitTypes(s: StructModel): string[] {
  const m = s.message
  const out: string[] = []
  out.push(`export interface ${s.tsName} {`)
  for (const f of s.fields) {
    out.push(`  ${fieldComment(f, m)}`)
    out.push(`  ${f.prop}: ${fieldTs(f, m, false)}`)
  }
  out.push('  _unknownTaggedFields?: TaggedField[]')
  out.push('}')
  out.push('')
  out.push(`export interface ${s.tsName}Input {`)
  for (const f of s.fields) out.push(`  ${f.prop}?: ${fieldTs(f, m, true)}`)
  out.push('  _unknownTaggedFields?: readonly TaggedField[]')
  out.push('}')
  return out
}

function fieldCtx(s: StructModel, f: FieldModel, st: ModuleState, F: string): FieldCtx {
  const m = s.message
  const fctx = intersect(s.ctx, f.versions)
  return { F, N: cond(f.nullableVersions, fctx), field: `${s.tsName}.${f.prop}`, message: m, st }
}

function flexIn(s: StructModel, f: FieldModel, structF: string): string {
  if (f.flexibleNone) return 'false'
  const c = cond(s.message.flexibleVersions, intersect(s.ctx, f.versions))
  if (c === 'true' || c === 'false') return c
  return structF
}

function versionGuard(s: StructModel): string[] {
  const v = s.message.validVersions
  return [`  if (!(version >= ${v.lo} && version <= ${v.hi})) throw unsupportedVersion(${quote(s.message.name)}, version)`]
}

function emitEncoder(s: StructModel, st: ModuleState): string[] {
  const m = s.message
  const out: string[] = []
  out.push(`export function encode${s.tsName}(w: Writer, value: ${s.tsName}Input, version: number): void {`)
  if (s.topLevel) out.push(...versionGuard(s))
  const structFlex = cond(m.flexibleVersions, s.ctx)
  const F = structFlex === 'true' || structFlex === 'false' ? structFlex : 'flexible'
  if (F === 'flexible') out.push(`  const flexible = ${structFlex}`)
  const body: string[] = []
  const absentCheck = (f: FieldModel): string =>
    `throw unsupportedField(${quote(m.name)}, ${quote(`${s.tsName === m.name ? '' : `${s.tsName}.`}${f.prop}`)}, version)`
  for (const f of s.fields) {
    if (f.tag !== undefined) continue
    const P = cond(f.versions, s.ctx)
    const check = !f.ignorable ? nonDefault(f, `value.${f.prop}`, m, st) : 'false'
    if (P === 'false') {
      if (check !== 'false') body.push(`if (${check}) ${absentCheck(f)}`)
      continue
    }
    const c = fieldCtx(s, f, st, flexIn(s, f, F))
    let write: string[]
    if (isSimple(f)) {
      write = writeField(f, `value.${f.prop} ?? ${encodeDefault(f, st)}`, c)
    } else {
      write = [`const v = ${resolveInput(f, m, st)}`, ...writeField(f, 'v', c)]
    }
    if (P === 'true') {
      body.push(...(write.length === 1 ? write : ['{', ...indent(write), '}']))
    } else {
      body.push(`if (${P}) {`, ...indent(write))
      if (check !== 'false') body.push(`} else if (${check}) {`, `  ${absentCheck(f)}`)
      body.push('}')
    }
  }
  // Tagged fields: non-ignorable ones the version lacks must be at their default.
  const tagged = s.fields.filter((f) => f.tag !== undefined).sort((a, b) => a.tag! - b.tag!)
  for (const f of tagged) {
    if (f.ignorable) continue
    const P = cond(f.versions, s.ctx)
    if (P === 'true') continue
    const check = and(not(P), nonDefault(f, `value.${f.prop}`, m, st))
    if (check !== 'false') body.push(`if (${check}) ${absentCheck(f)}`)
  }
  if (F !== 'false') {
    const flexCtx = intersect(s.ctx, m.flexibleVersions)
    const known = tagged.filter((f) => cond(f.versions, flexCtx) !== 'false')
    const tags: string[] = []
    if (known.length === 0) {
      tags.push('writeTaggedFields(w, value._unknownTaggedFields)')
    } else {
      const counts: string[] = []
      for (const f of known) {
        const P = cond(f.versions, flexCtx)
        tags.push(`const t${f.tag} = ${and(P, nonDefault(f, `value.${f.prop}`, m, st))}`)
        counts.push(`(t${f.tag} ? 1 : 0)`)
      }
      tags.push('const unknown = value._unknownTaggedFields')
      tags.push(`w.uvarint(${counts.join(' + ')} + (unknown === undefined ? 0 : unknown.length))`)
      tags.push('let u = 0')
      for (const f of known) {
        const c: FieldCtx = {
          F: 'true',
          N: cond(f.nullableVersions, intersect(flexCtx, f.versions)),
          field: `${s.tsName}.${f.prop}`,
          message: m,
          st,
        }
        const write = isSimple(f)
          ? writeField(f, `value.${f.prop} ?? ${encodeDefault(f, st)}`, c)
          : [`const v = ${resolveInput(f, m, st)}`, ...writeField(f, 'v', c)]
        tags.push(
          `if (t${f.tag}) {`,
          `  u = writeTaggedFieldsBefore(w, unknown, u, ${f.tag})`,
          `  const at = beginTaggedField(w, ${f.tag})`,
          ...indent(write),
          '  endTaggedField(w, at)',
          '}',
        )
      }
      tags.push('writeTaggedFieldsBefore(w, unknown, u, Infinity)')
    }
    if (F === 'true') body.push(...(known.length === 0 ? tags : ['{', ...indent(tags), '}']))
    else body.push(`if (flexible) {`, ...indent(tags), '}')
  }
  out.push(...indent(body))
  out.push('}')
  return out
}

function emitDecoder(s: StructModel, st: ModuleState): string[] {
  const m = s.message
  const out: string[] = []
  out.push(`export function decode${s.tsName}(r: Reader, version: number): ${s.tsName} {`)
  if (s.topLevel) out.push(...versionGuard(s))
  const structFlex = cond(m.flexibleVersions, s.ctx)
  const F = structFlex === 'true' || structFlex === 'false' ? structFlex : 'flexible'
  if (F === 'flexible') out.push(`  const flexible = ${structFlex}`)
  if (s.fields.length === 0) {
    out.push(`  const result: ${s.tsName} = {}`)
  } else {
    out.push(`  const result: ${s.tsName} = {`)
    for (const f of s.fields) {
      const P = f.tag !== undefined ? 'false' : cond(f.versions, s.ctx)
      let e: string
      if (P === 'false') e = decodeDefault(f, st)
      else {
        const read = readField(f, fieldCtx(s, f, st, flexIn(s, f, F)))
        e = P === 'true' ? unwrap(read) : `${P} ? ${read} : ${decodeDefault(f, st)}`
      }
      out.push(`    ${f.prop}: ${e},`)
    }
    out.push('  }')
  }
  if (F !== 'false') {
    const flexCtx = intersect(s.ctx, m.flexibleVersions)
    const known = s.fields
      .filter((f) => f.tag !== undefined && cond(f.versions, flexCtx) !== 'false')
      .sort((a, b) => a.tag! - b.tag!)
    const tags: string[] = []
    if (known.length === 0) {
      tags.push('const unknown = readTaggedFields(r)')
      tags.push('if (unknown !== undefined) result._unknownTaggedFields = unknown')
    } else {
      tags.push('const tagCount = r.uvarint()')
      tags.push('r.checkCount(tagCount, 2)')
      tags.push('for (let i = 0; i < tagCount; i++) {')
      tags.push('  const tag = r.uvarint()')
      tags.push('  const size = r.uvarint()')
      tags.push('  const end = r.offset + size')
      let first = true
      for (const f of known) {
        const P = cond(f.versions, flexCtx)
        const c: FieldCtx = {
          F: 'true',
          N: cond(f.nullableVersions, intersect(flexCtx, f.versions)),
          field: `${s.tsName}.${f.prop}`,
          message: m,
          st,
        }
        tags.push(`  ${first ? 'if' : '} else if'} (${and(`tag === ${f.tag}`, P)}) {`)
        tags.push(`    result.${f.prop} = ${unwrap(readField(f, c))}`)
        tags.push('    checkTaggedFieldEnd(r, end, tag)')
        first = false
      }
      tags.push('  } else {')
      tags.push('    const data = r.view(size)')
      tags.push('    if (result._unknownTaggedFields === undefined) result._unknownTaggedFields = [{ tag, data }]')
      tags.push('    else result._unknownTaggedFields.push({ tag, data })')
      tags.push('  }')
      tags.push('}')
    }
    if (F === 'true') out.push(...indent(tags))
    else out.push('  if (flexible) {', ...indent(tags, '    '), '  }')
  }
  out.push('  return result')
  out.push('}')
  return out
}

function emitArrayDecoder(s: StructModel): string[] {
  return [
    `function decode${s.tsName}Array(r: Reader, version: number, n: number | null): ${s.tsName}[] | null {`,
    '  if (n === null) return null',
    `  const a: ${s.tsName}[] = []`,
    `  for (let i = 0; i < n; i++) a.push(decode${s.tsName}(r, version))`,
    '  return a',
    '}',
  ]
}

function emitDefaultFactory(s: StructModel, st: ModuleState): string[] {
  const out = [`function default${s.tsName}(): ${s.tsName} {`]
  if (s.fields.length === 0) out.push('  return {}')
  else {
    out.push('  return {')
    for (const f of s.fields) out.push(`    ${f.prop}: ${decodeDefault(f, st)},`)
    out.push('  }')
  }
  out.push('}')
  return out
}

function emitIsDefault(s: StructModel, st: ModuleState): string[] {
  const conds = s.fields.map((f) => `!(${nonDefault(f, `v.${f.prop}`, s.message, st)})`)
  conds.push('(v._unknownTaggedFields === undefined || v._unknownTaggedFields.length === 0)')
  return [
    `function isDefault${s.tsName}(v: ${s.tsName}Input): boolean {`,
    '  return (',
    ...conds.map((c, i) => `    ${c}${i < conds.length - 1 ? ' &&' : ''}`),
    '  )',
    '}',
  ]
}

function headerVersions(mod: ModuleModel): { request: string; response: string } {
  const req = mod.request!
  const flex = req.flexibleVersions
  const ctx = req.validVersions
  const isFlex = cond(flex, ctx)
  let request: string
  let response: string
  if (mod.apiKey === 7) {
    // ControlledShutdown v0 predates the client id: request header v0.
    request = isFlex === 'false' ? '(version: number) => (version === 0 ? 0 : 1)' : `(version: number) => (${isFlex} ? 2 : version === 0 ? 0 : 1)`
  } else if (isFlex === 'true') request = '() => 2'
  else if (isFlex === 'false') request = '() => 1'
  else request = `(version: number) => (${isFlex} ? 2 : 1)`
  const resFlex = cond(mod.response!.flexibleVersions, ctx)
  if (mod.apiKey === 18) {
    // ApiVersions responses always use header v0, so a client can read one whatever version it sent.
    response = '() => 0'
  } else if (resFlex === 'true') response = '() => 1'
  else if (resFlex === 'false') response = '() => 0'
  else response = `(version: number) => (${resFlex} ? 1 : 0)`
  return { request, response }
}

export function descriptorName(mod: ModuleModel): string {
  return `${mod.baseName}Api`
}

export function namespaceName(mod: ModuleModel): string {
  return camel(mod.baseName)
}

function sourceNote(mod: ModuleModel): string {
  return mod.messages.map((m) => m.file).join(' and ')
}

export function emitModule(mod: ModuleModel): string {
  const st: ModuleState = { needDefault: new Set(), needIsDefault: new Set(), needArray: new Set(), usesZeroUuid: false }
  const sections: string[][] = []
  for (const m of mod.messages) {
    for (const s of m.structs) {
      sections.push(emitTypes(s))
    }
  }
  const code: string[][] = []
  for (const m of mod.messages) {
    for (const s of m.structs) {
      code.push(emitEncoder(s, st))
      code.push(emitDecoder(s, st))
    }
  }
  // Helpers, in a deterministic order (struct definition order), closing over what they need.
  const helpers: string[][] = []
  const all = mod.messages.flatMap((m) => m.structs)
  let grew = true
  const emittedDefault = new Set<StructModel>()
  const emittedIsDefault = new Set<StructModel>()
  while (grew) {
    grew = false
    for (const s of all) {
      if (st.needDefault.has(s) && !emittedDefault.has(s)) {
        emittedDefault.add(s)
        emitDefaultFactory(s, st)
        grew = true
      }
      if (st.needIsDefault.has(s) && !emittedIsDefault.has(s)) {
        emittedIsDefault.add(s)
        emitIsDefault(s, st)
        grew = true
      }
    }
  }
  for (const s of all) {
    if (st.needArray.has(s)) helpers.push(emitArrayDecoder(s))
    if (st.needDefault.has(s)) helpers.push(emitDefaultFactory(s, st))
    if (st.needIsDefault.has(s)) helpers.push(emitIsDefault(s, st))
  }
  if (mod.request !== undefined) {
    const { request, response } = headerVersions(mod)
    const req = mod.request
    const res = mod.response!
    const v = req.validVersions
    const d = [
      `/** ${mod.baseName} (api key ${mod.apiKey}): versions ${rangeText(v)}, flexible ${rangeText(intersect(req.flexibleVersions, v))}${req.latestVersionUnstable ? ', latest version unstable' : ''}. */`,
      `export const ${descriptorName(mod)}: ApiDescriptor<${req.root.tsName}Input, ${res.root.tsName}> = {`,
      `  apiKey: ${mod.apiKey},`,
      `  name: ${quote(mod.baseName)},`,
      `  minVersion: ${v.lo},`,
      `  maxVersion: ${v.hi},`,
      `  requestHeaderVersion: ${request},`,
      `  responseHeaderVersion: ${response},`,
      `  encodeRequest: encode${req.root.tsName},`,
      `  decodeResponse: decode${res.root.tsName},`,
      '}',
    ]
    helpers.push(d)
  }
  const body = [...sections, ...code, ...helpers].map((s) => s.join('\n')).join('\n\n')
  const runtime = RUNTIME_EXPORTS.filter((name) => new RegExp(`\\b${name}\\b`).test(body))
  const imports: string[] = []
  if (mod.request !== undefined) imports.push(`import type { ApiDescriptor } from '../api.js'`)
  imports.push(`import type { Reader } from '../reader.js'`)
  imports.push(`import type { Writer } from '../writer.js'`)
  if (st.usesZeroUuid) imports.push(`import { ZERO_UUID } from '../writer.js'`)
  imports.push(`import {\n  type TaggedField,\n${runtime.map((n) => `  ${n},`).join('\n')}\n} from './_runtime.js'`)
  return `// GENERATED by scripts/codegen from kafka-protocol/message/${sourceNote(mod)}. Do not edit.\n${imports.join('\n')}\n\n${body}\n`
}

export interface IndexEntry {
  mod: ModuleModel
}

export function emitIndex(modules: ModuleModel[]): string {
  const lines: string[] = []
  lines.push('// GENERATED by scripts/codegen from kafka-protocol/message. Do not edit.')
  lines.push(`import type { ApiDescriptor } from '../api.js'`)
  const apis = modules.filter((m) => m.request !== undefined).sort((a, b) => a.apiKey! - b.apiKey!)
  for (const mod of apis) lines.push(`import { ${descriptorName(mod)} } from './${mod.file.replace(/\.ts$/, '.js')}'`)
  lines.push('')
  lines.push(`export type { TaggedField } from './_runtime.js'`)
  for (const mod of modules) {
    const path = `./${mod.file.replace(/\.ts$/, '.js')}`
    const names: string[] = []
    if (mod.request !== undefined) names.push(descriptorName(mod))
    for (const m of mod.messages) {
      names.push(`encode${m.root.tsName}`, `decode${m.root.tsName}`, `type ${m.root.tsName}`, `type ${m.root.tsName}Input`)
    }
    lines.push(`export {\n${names.map((n) => `  ${n},`).join('\n')}\n} from '${path}'`)
    lines.push(`export * as ${namespaceName(mod)} from '${path}'`)
  }
  lines.push('')
  lines.push('/** Every API the definitions describe, by api key (broker-internal ones included). */')
  lines.push('export const apisByKey: ReadonlyMap<number, ApiDescriptor<unknown, unknown>> = new Map<number, ApiDescriptor<unknown, unknown>>([')
  for (const mod of apis) lines.push(`  [${mod.apiKey}, ${descriptorName(mod)}],`)
  lines.push('])')
  lines.push('')
  lines.push('/** Api keys whose highest version is still marked unstable in the definitions (brokers only offer it when configured to). */')
  const unstable = apis.filter((m) => m.request!.latestVersionUnstable || m.response!.latestVersionUnstable).map((m) => m.apiKey)
  lines.push(`export const apisWithUnstableLatestVersion: ReadonlySet<number> = new Set<number>([${unstable.join(', ')}])`)
  return lines.join('\n') + '\n'
}
