/**
 * Client quotas (KIP-546): DescribeClientQuotas and AlterClientQuotas.
 *
 * An entity names whom a quota applies to: one or more of `user`,
 * `client-id` and `ip`, each with a name or null for that type's default
 * (Java's ClientQuotaEntity). Quota keys are Kafka's: `producer_byte_rate`,
 * `consumer_byte_rate`, `request_percentage`,
 * `controller_mutation_rate`, `connection_creation_rate` (ip only).
 *
 * Contract (as the Java Admin client):
 * - Requests go to any broker (KRaft brokers forward alterations to the
 *   controller quorum); retriable request failures are retried until the
 *   deadline.
 * - A per-entity error (INVALID_REQUEST for an unknown key or a bad entity,
 *   ...) is final and fails the call naming the entity, after the others.
 * - Changes apply asynchronously: a describe right after an alter may still
 *   see the old values for a moment.
 */
import { ErrorCode } from '../protocol/errors.js'
import { brokerError, KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { ItemConfirmations, unconfirmed } from '../cluster/confirm.js'
import { AlterClientQuotasApi } from '../protocol/messages/alter-client-quotas.js'
import { DescribeClientQuotasApi } from '../protocol/messages/describe-client-quotas.js'
import { throwFailures } from './failures.js'

/** Kafka's quota entity types (ClientQuotaEntity.USER, CLIENT_ID, IP). */
export type ClientQuotaEntityType = 'user' | 'client-id' | 'ip'

/** Entity type → name, null for the type's default entity (`<default>` in Kafka's tools). */
export type ClientQuotaEntity = Partial<Record<ClientQuotaEntityType, string | null>>

/**
 * One part of a describe filter (Java's ClientQuotaFilterComponent):
 * `match` a name (ofEntity), null for the default entity (ofDefaultEntity),
 * or left out for any entity of that type that has a name (ofEntityType).
 */
export interface ClientQuotaFilterComponent {
  entityType: ClientQuotaEntityType
  match?: string | null
}

export interface DescribeClientQuotasOptions {
  /** Only entities with no types beyond the components' (Java's ClientQuotaFilter.containsOnly). Default false. */
  strict?: boolean
}

export interface ClientQuotaDescription {
  entity: ClientQuotaEntity
  /** Quota key → value. */
  values: Record<string, number>
}

/** Java's ClientQuotaAlteration.Op: a value sets the key, null removes it. */
export interface ClientQuotaOp {
  key: string
  value: number | null
}

export interface ClientQuotaAlteration {
  entity: ClientQuotaEntity
  ops: ClientQuotaOp[]
}

const MATCH_EXACT = 0
const MATCH_DEFAULT = 1
const MATCH_SPECIFIED = 2

/** `user=alice, client-id=<default>`: how an entity reads in errors and output. */
export function describeEntity(entity: ClientQuotaEntity): string {
  return Object.entries(entity)
    .map(([t, n]) => `${t}=${n === null ? '<default>' : n}`)
    .join(', ')
}

function entityData(entity: ClientQuotaEntity): { entityType: string; entityName: string | null }[] {
  const parts = Object.entries(entity).filter(([, n]) => n !== undefined)
  if (parts.length === 0) throw new KafkaError('a client quota entity needs at least one of user, client-id, ip', { type: 'INVALID_REQUEST' })
  return parts.map(([entityType, entityName]) => ({ entityType, entityName: entityName ?? null }))
}

function entityOf(data: { entityType: string; entityName: string | null }[]): ClientQuotaEntity {
  const out: Record<string, string | null> = {}
  const rank = (t: string) => ['user', 'client-id', 'ip'].indexOf(t) >>> 0
  for (const d of [...data].sort((a, b) => rank(a.entityType) - rank(b.entityType))) out[d.entityType] = d.entityName
  return out as ClientQuotaEntity
}

export async function describeClientQuotas(
  cluster: Cluster,
  components: ClientQuotaFilterComponent[],
  deadline: number,
  options: DescribeClientQuotasOptions = {},
): Promise<ClientQuotaDescription[]> {
  const body = {
    components: components.map((c) => ({
      entityType: c.entityType,
      matchType: c.match === undefined ? MATCH_SPECIFIED : c.match === null ? MATCH_DEFAULT : MATCH_EXACT,
      match: c.match ?? null,
    })),
    strict: options.strict ?? false,
  }
  return retry(
    'describeClientQuotas',
    async () => {
      const res = await cluster.sendAny(DescribeClientQuotasApi, body)
      if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, {}, res.errorMessage)
      return (res.entries ?? []).map((e) => ({
        entity: entityOf(e.entity),
        values: Object.fromEntries(e.values.map((v) => [v.key, v.value]).sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1))),
      }))
    },
    { ...cluster.backoff, deadline },
  )
}

export async function alterClientQuotas(
  cluster: Cluster,
  alterations: ClientQuotaAlteration[],
  deadline: number,
  validateOnly = false,
): Promise<void> {
  const entries = alterations.map((a) => ({
    entity: entityData(a.entity),
    ops: a.ops.map((op) => {
      if (op.value !== null && (typeof op.value !== 'number' || !Number.isFinite(op.value))) {
        throw new KafkaError(`client quota "${op.key}" of ${describeEntity(a.entity)}: value must be a finite number or null (remove)`, {
          type: 'INVALID_REQUEST',
        })
      }
      return { key: op.key, value: op.value ?? 0, remove: op.value === null }
    }),
  }))
  if (entries.length === 0) return
  const failures: KafkaError[] = []
  // An entity's non-retriable error is final once its next attempt repeats it (confirm.ts).
  const confirmations = new ItemConfirmations()
  const byEntity = new Map(entries.map((e) => [describeEntity(entityOf(e.entity)), e]))
  let todo = entries
  await retry(
    'alterClientQuotas',
    async () => {
      const res = await cluster.sendAny(AlterClientQuotasApi, { entries: todo, validateOnly })
      const again: typeof entries = []
      let retriable: KafkaError | undefined
      for (const r of res.entries) {
        if (r.errorCode === ErrorCode.NONE) continue
        const entity = describeEntity(entityOf(r.entity))
        const err = brokerError(r.errorCode, { entity }, r.errorMessage)
        const sent = byEntity.get(entity)
        if (sent === undefined || !todo.includes(sent) || confirmations.believe(entity, err)) failures.push(err)
        else {
          again.push(sent)
          retriable = unconfirmed(err)
        }
      }
      todo = again
      if (retriable) throw retriable
    },
    { ...cluster.backoff, deadline },
  )
  throwFailures('alterClientQuotas', failures, 'entities')
}
