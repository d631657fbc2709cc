/**
 * Java `.properties` files (for `--command-config`): `key=value`,
 * `key: value` or `key value` lines, `#`/`!` comments, backslash line
 * continuations and escapes (`\t`, `\n`, `\uXXXX`, `\=` ...), as
 * java.util.Properties reads them. Later keys override earlier ones.
 */
import { readFileSync } from 'node:fs'
import { UsageError } from './args.js'

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const raw = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!.replace(/^[ \t\f]+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < raw.length) {
      line = line.slice(0, -1) + raw[++i]!.replace(/^[ \t\f]+/, '')
    }
    let k = 0
    while (k < line.length && !'=: \t\f'.includes(line[k]!)) k += line[k] === '\\' ? 2 : 1
    const key = unescape(line.slice(0, k))
    let v = k
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++
    if (v < line.length && '=:'.includes(line[v]!)) v++
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++
    out[key] = unescape(line.slice(v))
  }
  return out
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16))
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c
  })
}

export function readProperties(path: string): Record<string, string> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read --command-config file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  return parseProperties(text)
}
