/**
 * Shape checks of public methods' arguments, for the calls that take
 * structured values (admin calls, consumer offsets and partitions).
 *
 * TypeScript's types do not reach a JavaScript caller or a cast value; these
 * checks run before anything is sent or changed. Contract: a failure throws a
 * KafkaError of type `INVALID_ARGUMENT` (not retriable) whose message names
 * the argument's path (`createTopics(): topics[0].topic`), what was expected
 * and what was given (its type and, for an object, its keys; never its
 * contents beyond a short string).
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

export function invalid(where: string, expected: string, value: unknown): never {
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
export const INT16_MAX = 2 ** 15 - 1

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

// The checks a consumer runs on every commit, seek or pause test each item without building a
// path string; only a failure walks the items again to describe the first problem.
function isTopicPartition(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false
  const { topic, partition } = v as { topic?: unknown; partition?: unknown }
  return typeof topic === 'string' && typeof partition === 'number' && Number.isInteger(partition) && partition >= 0 && partition <= INT32_MAX
}

function isTopicPartitionOffset(v: unknown): boolean {
  const offset = (v as { offset?: unknown } | null)?.offset
  return isTopicPartition(v) && typeof offset === 'bigint' && offset >= 0n
}

export const PARTITIONS: Kind = { one: 'a TopicPartition', many: 'TopicPartitions', shape: '{ topic, partition }' }
export const OFFSETS: Kind = { one: 'an offset', many: 'offsets', shape: '{ topic, partition, offset: bigint }' }

/** One `{ topic, partition }` argument; `where` names it (`seek(): the partition`). */
export function oneTopicPartition(where: string, value: unknown): void {
  if (isTopicPartition(value) && !Array.isArray(value)) return
  topicPartition(object(where, value, `${PARTITIONS.one} (${PARTITIONS.shape})`), where)
}

/** An array of `{ topic, partition }`. */
export function topicPartitions(where: string, value: unknown): void {
  if (Array.isArray(value) && value.every(isTopicPartition)) return
  objects(where, value, PARTITIONS, topicPartition)
}

/** `{ topic, partition, offset }` items with a bigint offset >= 0n (commits, transactional offsets). */
export function topicPartitionOffsets(where: string, value: unknown): void {
  if (Array.isArray(value) && value.every(isTopicPartitionOffset)) return
  objects(where, value, OFFSETS, (o, at) => {
    topicPartition(o, at)
    if (typeof o.offset !== 'bigint' || o.offset < 0n) invalid(`${at}.offset`, 'a bigint >= 0n', o.offset)
  })
}

/**
 * The arguments of a method that takes `(list?, callback?)` or `(callback)`,
 * as Java's `commitAsync(offsets, callback)` and `commitAsync(callback)`.
 */
export function listAndCallback<L, C extends (...a: never[]) => unknown>(first: L | C | undefined, second: C | undefined): { list: L | undefined; callback: C | undefined } {
  return typeof first === 'function' ? { list: undefined, callback: first as C } : { list: first, callback: second }
}
