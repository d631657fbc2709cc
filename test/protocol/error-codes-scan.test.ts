/**
 * Code compares protocol errors by name (`ErrorCode.X` or the predicates of
 * src/protocol/error-classes.ts), never by bare number. This scans the
 * hand-written sources (everything in src/ except the generated
 * src/protocol/errors.ts and src/protocol/messages/) for:
 * - a comparison of something named `...code` / `...Code` with a number
 *   (`code === 25`, `p.errorCode !== 0`, `0 == res.errorCode`);
 * - `case <number>:` in a switch over something named `...code` / `...Code`;
 * - a number among the elements of an error-code Set or array (a
 *   `new Set([...])` / array literal that names ErrorCode members, or whose
 *   constant's name or doc comment says it holds errors or codes);
 * - a number passed as a code: `brokerError(3, ...)`, `{ code: 35 }`,
 *   `{ errorCode: 0 }`;
 * - a local constant named after a protocol error (`const NOT_COORDINATOR = 16`).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_ROOT } from '../../scripts/codegen/main.js'
import { ErrorCode } from '../../src/protocol/errors.js'

interface Violation {
  line: number
  rule: string
  text: string
}

const NUMBER = String.raw`-?\d+(?![\w.])`
const CODE_NAME = String.raw`[\w$.]*?(?:code|Code)`
const COMPARISON = new RegExp(String.raw`(?:\b${CODE_NAME}\s*[!=]==?\s*${NUMBER})|(?:(?<![\w.])${NUMBER}\s*[!=]==?\s*${CODE_NAME}\b)`)
const CODE_ARGUMENT = new RegExp(String.raw`\bbrokerError\(\s*${NUMBER}|\b\w*(?:code|Code)\s*:\s*${NUMBER}`)
const SWITCH = /\bswitch\s*\(([^)]*)\)\s*\{/g
const CASE_NUMBER = /\bcase\s+-?\d+\s*:/
const COLLECTION = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:new\s+Set\s*(?:<[^>]*>)?\s*\(\s*)?\[/g
const NAMED_CONSTANT = new RegExp(String.raw`\b(?:const|let|var)\s+(${Object.keys(ErrorCode).join('|')})\s*(?::[^=]+)?=\s*${NUMBER}`)
const ERRORISH = /error|code|fatal|retr|fenced|stale|moved|session/i

/** The index just past the bracket that closes the one at `open`. */
function closing(source: string, open: number): number {
  const pair: Record<string, string> = { '{': '}', '[': ']', '(': ')' }
  const stack: string[] = []
  for (let i = open; i < source.length; i++) {
    const c = source[i]!
    if (c in pair) stack.push(pair[c]!)
    else if (c === stack[stack.length - 1]) {
      stack.pop()
      if (stack.length === 0) return i + 1
    }
  }
  return source.length
}

function lineOf(source: string, index: number): number {
  let n = 1
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) n++
  return n
}

/** Removes comments and string contents (keeping line breaks and offsets), so only code is matched. */
function codeOnly(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => {
    const quote = m[0] === '/' ? '' : m[0]!
    return quote + m.slice(quote.length, m.length - quote.length).replace(/[^\n]/g, ' ') + quote
  })
}

/** Every place in `source` (TypeScript) that uses a bare number as a protocol error code. */
function scanErrorCodes(source: string): Violation[] {
  const code = codeOnly(source)
  const out: Violation[] = []
  const lines = code.split('\n')
  const original = source.split('\n')
  lines.forEach((l, i) => {
    if (COMPARISON.test(l)) out.push({ line: i + 1, rule: 'comparison with a numeric error code', text: original[i]!.trim() })
    if (CODE_ARGUMENT.test(l)) out.push({ line: i + 1, rule: 'numeric error code passed as a code', text: original[i]!.trim() })
    if (NAMED_CONSTANT.test(l)) out.push({ line: i + 1, rule: 'local constant for a protocol error code', text: original[i]!.trim() })
  })
  for (const m of code.matchAll(SWITCH)) {
    if (!/(?:code|Code)\b/.test(m[1]!)) continue
    const open = m.index + m[0].length - 1
    const body = code.slice(open, closing(code, open))
    const bodyLines = body.split('\n')
    const first = lineOf(code, open)
    bodyLines.forEach((l, i) => {
      if (CASE_NUMBER.test(l)) out.push({ line: first + i, rule: 'case with a numeric error code', text: original[first + i - 1]!.trim() })
    })
  }
  for (const m of code.matchAll(COLLECTION)) {
    const open = m.index + m[0].length - 1
    const items = code.slice(open, closing(code, open))
    const before = source.slice(Math.max(0, m.index - 300), m.index)
    const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(before)?.[1] ?? ''
    const aboutErrors = items.includes('ErrorCode.') || ERRORISH.test(m[1]!) || /\berror/i.test(doc)
    if (!aboutErrors) continue
    const numbers = /(?<![\w.])-?\d+(?![\w.])/.exec(items)
    if (numbers) {
      const line = lineOf(code, open + numbers.index)
      out.push({ line, rule: `numeric literal in the error-code collection ${m[1]}`, text: original[line - 1]!.trim() })
    }
  }
  return out.sort((a, b) => a.line - b.line)
}

function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sources(path))
    else if (name.endsWith('.ts')) out.push(path)
  }
  return out
}

const GENERATED = ['src/protocol/errors.ts', 'src/protocol/messages/']

test('the scanner catches every form of bare error code', () => {
  const planted = [
    'if (code === 25) reset()',
    'if (p.errorCode !== 0) throw brokerError(p.errorCode)',
    'if (0 == res.errorCode) ok()',
    'const x = err.code != -1',
    'throw brokerError(3, { topic })',
    "new KafkaError('x', { type: 'UNSUPPORTED_VERSION', code: 35 })",
    'return { groupId, errorCode: 0 }',
    'const NOT_COORDINATOR = 16',
  ]
  for (const line of planted) {
    const found = scanErrorCodes(`function f() {\n  ${line}\n}\n`)
    assert.equal(found.length, 1, `not caught: ${line}`)
    assert.equal(found[0]!.line, 2)
  }
  const switched = scanErrorCodes([
    'switch (res.errorCode) {',
    '  case ErrorCode.NONE:',
    '    break',
    '  case 27:',
    '    rejoin()',
    '}',
  ].join('\n'))
  assert.deepEqual(switched.map((v) => [v.line, v.rule]), [[4, 'case with a numeric error code']])
  const sets = [
    'const FATAL = new Set([ErrorCode.PRODUCER_FENCED, 52, 53])',
    'const STALE_METADATA = new Set([3, 5, 6])',
    'const RETRY_JOIN: ReadonlySet<number> = new Set<number>([7, 14])',
    '/** Errors the fetch loop retries. */\nconst RETRIED = [3, 5]',
  ]
  for (const s of sets) assert.equal(scanErrorCodes(s).length, 1, `not caught: ${s}`)
})

test('the scanner leaves names, other numbers, comments and strings alone', () => {
  const clean = [
    'if (code === ErrorCode.UNKNOWN_MEMBER_ID) reset()',
    'if (isStaleMetadata(p.errorCode)) refresh()',
    'if (attempt === 3) stop()',
    "if ((e as NodeJS.ErrnoException).code === 'EPIPE') stop()",
    'const codec = 2; switch (codec) { case 1: break }',
    'switch (this.state) { case 0: break }',
    'const SIZES = new Set([1, 2, 4])',
    'const dictIdSize = [0, 1, 2, 4][fhd & 3]',
    '// code === 25 is UNKNOWN_MEMBER_ID',
    "log('code === 25')",
    'const FATAL = new Set([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH])',
    'return { leader: -1, leaderEpoch: -1, errorCode: ErrorCode.NONE }',
    'const MAX_EPOCH = 32767',
  ]
  for (const s of clean) assert.deepEqual(scanErrorCodes(s), [], s)
})

test('hand-written sources compare error codes by name, never by number', () => {
  const problems: string[] = []
  for (const file of sources(join(REPO_ROOT, 'src'))) {
    const rel = relative(REPO_ROOT, file).split('\\').join('/')
    if (GENERATED.some((g) => rel === g || rel.startsWith(g))) continue
    for (const v of scanErrorCodes(readFileSync(file, 'utf8'))) problems.push(`${rel}:${v.line}: ${v.rule}: ${v.text}`)
  }
  assert.deepEqual(problems, [], `use ErrorCode.<NAME> or a predicate from src/protocol/error-classes.ts:\n${problems.join('\n')}`)
})
