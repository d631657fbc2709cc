/**
 * Shape checks of the admin calls' arguments, run before anything is sent
 * (the primitives are in util/arguments.ts).
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
import { INT16_MAX, INT32_MAX, integer, invalid, list, object, objects, optionalInteger, string, topicPartition } from '../util/arguments.js'

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
