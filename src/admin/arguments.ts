/**
 * Shape checks of the admin calls' arguments, run before anything is sent.
 *
 * TypeScript's types do not reach a JavaScript caller or a cast value; without
 * these checks a wrong shape (an object where an array is taken, `name` where
 * `topic` is, a string where a number is) surfaced as a TypeError from inside
 * the call, a request that could not be encoded, a broker error about another
 * field, or retries until the deadline. Contract: each failure rejects the
 * call at once with a KafkaError of type `INVALID_ARGUMENT` (not retriable)
 * whose message names the call, the argument's path, what was expected and
 * what was given. What a well-formed value may still not say (a topic named
 * twice, an unknown config op) is checked where the call is built and fails
 * with `INVALID_REQUEST`, as the broker would; see docs/admin.md.
 */
import { KafkaError } from '../errors.js'

/** How a wrong value reads in a message: its type and, for an object, the keys it has. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  switch (typeof value) {
    case 'undefined':
      return 'undefined'
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)
    case 'bigint':
      return `${value}n`
    case 'object': {
      const keys = Object.keys(value)
      return keys.length === 0 ? 'an empty object' : `an object with ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''}`
    }
    case 'function':
      return 'a function'
    default:
      return String(value)
  }
}

function invalid(where: string, expected: string, value: unknown): never {
  throw new KafkaError(`${where} must be ${expected}, got ${describeValue(value)}`, { type: 'INVALID_ARGUMENT', retriable: false })
}

/** An array; `where` names it, e.g. `createTopics(): topics`. */
export function list(where: string, value: unknown, of: string): unknown[] {
  if (!Array.isArray(value)) invalid(where, `an array of ${of}`, value)
  return value
}

/** A plain object (not null, not an array). */
export function object(where: string, value: unknown, expected = 'an object'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid(where, expected, value)
  return value as Record<string, unknown>
}

export function string(where: string, value: unknown, expected = 'a string'): string {
  if (typeof value !== 'string') invalid(where, expected, value)
  return value
}

export function optionalString(where: string, value: unknown, expected = 'a string'): void {
  if (value !== undefined) string(where, value, expected)
}

/** An integer in [min, max]. */
export function integer(where: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(where, max >= INT32_MAX ? `an integer >= ${min}` : `an integer from ${min} to ${max}`, value)
  }
  return value
}

export function optionalInteger(where: string, value: unknown, min: number, max: number): void {
  if (value !== undefined) integer(where, value, min, max)
}

export function oneOf<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) invalid(where, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value)
  return value as T
}

export const INT32_MAX = 2 ** 31 - 1
const INT16_MAX = 2 ** 15 - 1

/** An array of strings: `one` names an item (`topic name`), the array is `an array of topic names`. */
export function strings(where: string, value: unknown, one: string): string[] {
  const items = list(where, value, `${one}s`)
  items.forEach((v, i) => string(`${where}[${i}]`, v, `a string (${one})`))
  return items as string[]
}

/** What an array of objects holds, for messages: `one` with its article, `many`, and the fields. */
export interface Kind {
  one: string
  many: string
  shape: string
}

/** An array of objects, each handed to `check` with its path. */
export function objects(where: string, value: unknown, kind: Kind, check: (item: Record<string, unknown>, at: string) => void): void {
  list(where, value, `${kind.many} (${kind.shape})`).forEach((v, i) => check(object(`${where}[${i}]`, v, `${kind.one} (${kind.shape})`), `${where}[${i}]`))
}

/** `{ topic, partition }` with a topic name and a partition index. */
export function topicPartition(item: Record<string, unknown>, at: string): void {
  string(`${at}.topic`, item.topic, 'a topic name (a string)')
  integer(`${at}.partition`, item.partition, 0, INT32_MAX)
}

/**
 * A config value as Kafka takes it (a string; null where the field allows it).
 * Numbers and booleans are written as Java would print them, so
 * `{ 'retention.ms': 86400000 }` works as users expect.
 */
export function configValue(where: string, value: unknown, nullable: boolean): string | null {
  if (typeof value === 'string') return value
  if (value === null && nullable) return null
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value)
  return invalid(where, nullable ? 'a string, a finite number, a boolean or null' : 'a string, a finite number or a boolean', value)
}

/** A config value already checked by {@link configValue}, as the request carries it. */
export function asConfigString(value: string | number | boolean | null | undefined): string | null {
  return value === null || value === undefined || typeof value === 'string' ? (value ?? null) : String(value)
}

/** createTopics: NewTopic[]. */
export function checkNewTopics(topics: unknown): void {
  const where = 'createTopics(): topics'
  objects(where, topics, { one: 'a NewTopic object', many: 'NewTopic objects', shape: '{ topic, numPartitions?, replicationFactor?, configs? }' }, (t, at) => {
    string(`${at}.topic`, t.topic, 'the topic\'s name (a string)')
    // -1 is the wire's "the broker's default", the same as leaving the field out.
    if (t.numPartitions !== -1) optionalInteger(`${at}.numPartitions`, t.numPartitions, 1, INT32_MAX)
    if (t.replicationFactor !== -1) optionalInteger(`${at}.replicationFactor`, t.replicationFactor, 1, INT16_MAX)
    if (t.replicaAssignment !== undefined) {
      const assignment = object(`${at}.replicaAssignment`, t.replicaAssignment, 'an object of partition -> broker ids')
      for (const [p, ids] of Object.entries(assignment)) {
        if (!/^(0|[1-9]\d*)$/.test(p)) invalid(`${at}.replicaAssignment`, 'keyed by partition indexes (0, 1, ...)', p)
        list(`${at}.replicaAssignment[${p}]`, ids, 'broker ids').forEach((id, i) => integer(`${at}.replicaAssignment[${p}][${i}]`, id, 0, INT32_MAX))
      }
    }
    if (t.configs !== undefined) {
      const configs = object(`${at}.configs`, t.configs, 'an object of config name -> value')
      for (const [k, v] of Object.entries(configs)) configValue(`${at}.configs[${JSON.stringify(k)}]`, v, true)
    }
  })
}

/** listOffsets: OffsetQuery[]. */
export function checkOffsetQueries(queries: unknown, where = 'listOffsets(): queries'): void {
  objects(where, queries, { one: 'a query', many: 'queries', shape: '{ topic, partition, timestamp }' }, (q, at) => {
    topicPartition(q, at)
    const ts = q.timestamp
    if (ts !== 'earliest' && ts !== 'latest' && ts !== 'max-timestamp' && !(typeof ts === 'number' && Number.isSafeInteger(ts) && ts >= 0)) {
      invalid(`${at}.timestamp`, '\'earliest\', \'latest\', \'max-timestamp\' or a timestamp in ms (an integer >= 0)', ts)
    }
  })
}

/** incrementalAlterConfigs: ConfigChange[] (resource types and ops are checked by configs.ts). */
export function checkConfigChanges(changes: unknown): void {
  const where = 'incrementalAlterConfigs(): changes'
  objects(where, changes, { one: 'a ConfigChange object', many: 'ConfigChange objects', shape: '{ type, name, ops }' }, (c, at) => {
    string(`${at}.name`, c.name, 'the resource\'s name (a string)')
    objects(`${at}.ops`, c.ops, { one: 'an op', many: 'ops', shape: '{ name, op?, value? }' }, (op, opAt) => {
      string(`${opAt}.name`, op.name, 'a config name (a string)')
      if (op.value !== undefined) configValue(`${opAt}.value`, op.value, true)
    })
  })
}
