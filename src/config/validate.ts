/**
 * Config validation: parses a user's config against a client's zod schema once,
 * in the constructor, and turns every problem into a {@link ConfigError} that
 * names the key, the value given, what was expected and, for a misspelt key,
 * the closest valid one.
 */
import type { z } from 'zod'
import { ConfigError } from '../errors.js'

/** Keys whose values are never echoed in messages. */
const SECRET = /password|secret|jaas|key\.password|token|ssl\.keystore\.key$/i

export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, client: string): z.output<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError(`${client} config must be an object of Kafka properties, e.g. { 'bootstrap.servers': 'localhost:9092' }`)
  }
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const known = knownKeys(schema)
  const problems: string[] = []
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const near = closest(key, known)
        problems.push(`unknown config "${key}"${near ? ` (did you mean "${near}"?)` : ''}`)
      }
      continue
    }
    const key = issue.path.map(String).join('.')
    const value = (input as Record<string, unknown>)[key]
    if (value === undefined && !(key in (input as object))) {
      problems.push(`"${key}" is required: ${issue.message}`)
      continue
    }
    const shown = SECRET.test(key) ? '[redacted]' : JSON.stringify(value)
    problems.push(`"${key}" = ${shown}: ${issue.message}`)
  }
  const first = result.error.issues[0]
  const key = first && first.code !== 'unrecognized_keys' ? first.path.map(String).join('.') : undefined
  throw new ConfigError(`invalid ${client} config: ${problems.join('; ')}`, { context: key ? { key } : {} })
}

function knownKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

/** The known key nearest to `key` by edit distance, if it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = k
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]!
}
