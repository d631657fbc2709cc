/**
 * Configs: DescribeConfigs and IncrementalAlterConfigs for topics, brokers,
 * broker loggers and groups.
 *
 * Contract (as the Java Admin client):
 * - A broker (or broker-logger) resource with a broker id as its name is
 *   sent to that broker; every other resource (topics, the cluster-wide
 *   broker default `name: ''`, groups) goes to any broker.
 * - Retriable request failures (a lost connection, a request timeout) are
 *   retried for the resources they hit until the deadline. A per-resource
 *   error (UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG, POLICY_VIOLATION, ...)
 *   is final, as in Java: it fails the call with the broker's error type
 *   naming the resource, after the other resources are done.
 * - Changes apply asynchronously: a describe right after an alter may still
 *   see the old value for a moment (the brokers replay the metadata log).
 * - Sensitive values (passwords) come back from the broker as null and are
 *   never logged or printed; `isSensitive` marks them.
 */
import { brokerError, KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { ItemConfirmations, unconfirmed } from '../cluster/confirm.js'
import { DescribeConfigsApi } from '../protocol/messages/describe-configs.js'
import { IncrementalAlterConfigsApi } from '../protocol/messages/incremental-alter-configs.js'
import { throwFailures } from './failures.js'
import { ErrorCode } from '../protocol/errors.js'
import { asConfigString } from './arguments.js'

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger' | 'group' | 'client-metrics'

export interface ConfigResource {
  type: ConfigResourceType
  /** Topic name, broker id as a string ('' for the cluster-wide broker default), group id. */
  name: string
}

/** Where a value comes from (Java's ConfigEntry.ConfigSource names). */
export type ConfigSource =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'DYNAMIC_CLIENT_METRICS_CONFIG'
  | 'DYNAMIC_GROUP_CONFIG'

export type ConfigType = 'UNKNOWN' | 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD'

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSource
}

export interface ConfigEntry {
  name: string
  /** null for sensitive entries (the broker never returns them) and unset values. */
  value: string | null
  source: ConfigSource
  isSensitive: boolean
  isReadOnly: boolean
  /** True when the value is Kafka's default (source DEFAULT_CONFIG). */
  isDefault: boolean
  /** Where else the value could come from, most specific first (with `includeSynonyms`). */
  synonyms: ConfigSynonym[]
  type: ConfigType
  /** With `includeDocumentation`. */
  documentation: string | null
}

export interface ConfigDescription extends ConfigResource {
  entries: ConfigEntry[]
}

export interface DescribeConfigsOptions {
  /** Only these keys (default: all). */
  configNames?: string[]
  includeSynonyms?: boolean
  includeDocumentation?: boolean
}

export type AlterConfigOpType = 'set' | 'delete' | 'append' | 'subtract'

export interface AlterConfigOp {
  name: string
  /** Default 'set'. 'delete' reverts to the default; 'append'/'subtract' edit list values. */
  op?: AlterConfigOpType
  /** The value ('set', 'append', 'subtract'); a number or boolean is sent as its string form. */
  value?: string | number | boolean | null
}

export interface ConfigChange extends ConfigResource {
  ops: AlterConfigOp[]
}

const RESOURCE_CODES: Record<ConfigResourceType, number> = {
  topic: 2,
  broker: 4,
  'broker-logger': 8,
  'client-metrics': 16,
  group: 32,
}
const OP_CODES: Record<AlterConfigOpType, number> = { set: 0, delete: 1, append: 2, subtract: 3 }
const SOURCES: ConfigSource[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_CLIENT_METRICS_CONFIG',
  'DYNAMIC_GROUP_CONFIG',
]
const TYPES: ConfigType[] = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD']

function resourceCode(r: ConfigResource): number {
  const code = RESOURCE_CODES[r.type]
  if (code === undefined) {
    throw new KafkaError(`unknown config resource type "${String(r.type)}"; expected one of ${Object.keys(RESOURCE_CODES).join(', ')}`, {
      type: 'INVALID_REQUEST',
    })
  }
  return code
}

const resourceKey = (type: number, name: string) => `${type}\u0000${name}`

/** The broker a resource must be sent to, or -1 for any broker. */
function targetBroker(r: ConfigResource): number {
  if ((r.type === 'broker' || r.type === 'broker-logger') && r.name !== '') {
    const id = Number(r.name)
    if (!Number.isInteger(id) || id < 0) {
      throw new KafkaError(`broker config resource name must be a broker id or '' (got "${r.name}")`, { type: 'INVALID_REQUEST' })
    }
    return id
  }
  return -1
}

interface Outcome<T> {
  type: number
  name: string
  errorCode: number
  errorMessage: string | null
  value?: T
}

/**
 * Sends resources in one request per target broker until each has an answer;
 * resources whose request failed retriably are sent again after a backoff.
 * A resource's non-retriable error is final once the resource's next attempt
 * repeats it (confirm.ts); its retriable one is final at once, as in Java.
 */
async function perResource<R extends ConfigResource, T>(
  cluster: Cluster,
  what: string,
  resources: R[],
  deadline: number,
  send: (broker: number, resources: R[]) => Promise<Outcome<T>[]>,
): Promise<Map<string, T>> {
  const done = new Map<string, T>()
  const failures: KafkaError[] = []
  const confirmations = new ItemConfirmations()
  let todo = resources
  await retry(
    what,
    async () => {
      const groups = new Map<number, R[]>()
      for (const r of todo) {
        const b = targetBroker(r)
        groups.set(b, [...(groups.get(b) ?? []), r])
      }
      const again: R[] = []
      let retriable: KafkaError | undefined
      await Promise.all(
        [...groups].map(async ([broker, rs]) => {
          let outcomes: Outcome<T>[]
          try {
            outcomes = await send(broker, rs)
          } catch (e) {
            if (e instanceof KafkaError && e.retriable) {
              again.push(...rs)
              retriable = e
              return
            }
            throw e
          }
          for (const o of outcomes) {
            const r = rs.find((x) => resourceCode(x) === o.type && x.name === o.name)
            if (!r) continue
            const key = resourceKey(o.type, o.name)
            if (o.errorCode === ErrorCode.NONE) {
              done.set(key, o.value as T)
              continue
            }
            // As in Java, a per-resource error is final (even UNKNOWN_TOPIC_OR_PARTITION), once believed.
            const err = brokerError(o.errorCode, { resource: `${r.type} "${r.name}"` }, o.errorMessage)
            if (confirmations.believe(key, err)) failures.push(err)
            else {
              again.push(r)
              retriable = unconfirmed(err)
            }
          }
        }),
      )
      todo = again
      if (retriable) throw retriable
    },
    { ...cluster.backoff, deadline },
  )
  throwFailures(what, failures)
  return done
}

export async function describeConfigs(
  cluster: Cluster,
  resources: ConfigResource[],
  deadline: number,
  options: DescribeConfigsOptions = {},
): Promise<ConfigDescription[]> {
  const found = await perResource(cluster, 'describeConfigs', resources, deadline, async (broker, rs) => {
    const body = {
      resources: rs.map((r) => ({ resourceType: resourceCode(r), resourceName: r.name, configurationKeys: options.configNames ?? null })),
      includeSynonyms: options.includeSynonyms ?? false,
      includeDocumentation: options.includeDocumentation ?? false,
    }
    const res = broker < 0 ? await cluster.sendAny(DescribeConfigsApi, body) : await cluster.send(broker, DescribeConfigsApi, body)
    return res.results.map((r) => ({
      type: r.resourceType,
      name: r.resourceName,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      value: r.configs
        .map((c): ConfigEntry => {
          const source = c.configSource >= 0 ? SOURCES[c.configSource] ?? 'UNKNOWN' : c.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN'
          return {
            name: c.name,
            value: c.isSensitive ? null : c.value,
            source,
            isSensitive: c.isSensitive,
            isReadOnly: c.readOnly,
            isDefault: source === 'DEFAULT_CONFIG',
            synonyms: c.synonyms.map((s) => ({ name: s.name, value: c.isSensitive ? null : s.value, source: SOURCES[s.source] ?? 'UNKNOWN' })),
            type: TYPES[c.configType] ?? 'UNKNOWN',
            documentation: c.documentation,
          }
        })
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    }))
  })
  return resources.map((r) => ({ type: r.type, name: r.name, entries: found.get(resourceKey(resourceCode(r), r.name)) ?? [] }))
}

export async function incrementalAlterConfigs(
  cluster: Cluster,
  changes: ConfigChange[],
  deadline: number,
  validateOnly = false,
): Promise<void> {
  for (const c of changes) {
    for (const op of c.ops) {
      if (op.op !== undefined && OP_CODES[op.op] === undefined) {
        throw new KafkaError(`config "${op.name}" of ${c.type} "${c.name}": unknown op "${String(op.op)}"; expected set, delete, append or subtract`, {
          type: 'INVALID_REQUEST',
        })
      }
    }
  }
  await perResource(cluster, 'incrementalAlterConfigs', changes, deadline, async (broker, cs) => {
    const body = {
      resources: cs.map((c) => ({
        resourceType: resourceCode(c),
        resourceName: c.name,
        configs: c.ops.map((op) => ({ name: op.name, configOperation: OP_CODES[op.op ?? 'set'], value: op.op === 'delete' ? null : asConfigString(op.value) })),
      })),
      validateOnly,
    }
    const res =
      broker < 0 ? await cluster.sendAny(IncrementalAlterConfigsApi, body) : await cluster.send(broker, IncrementalAlterConfigsApi, body)
    return res.responses.map((r) => ({ type: r.resourceType, name: r.resourceName, errorCode: r.errorCode, errorMessage: r.errorMessage, value: true }))
  })
}
