/**
 * ACLs: CreateAcls, DescribeAcls and DeleteAcls, in the model of Java's
 * AclBinding / AclBindingFilter (flattened: the resource pattern's and the
 * access control entry's fields side by side), with Java's enum names as
 * string unions.
 *
 * Contract (as the Java Admin client):
 * - Requests go to any broker (a KRaft broker forwards creations and
 *   deletions to the controller quorum). Retriable failures (a lost
 *   connection, a request timeout) are retried until the deadline.
 * - A binding or filter the broker refuses (INVALID_REQUEST, a principal
 *   without a `Type:` prefix, ...) fails the call with the broker's error
 *   type naming it, after the others are done; SECURITY_DISABLED when the
 *   cluster runs no authorizer; CLUSTER_AUTHORIZATION_FAILED (an
 *   AuthorizationError) when the caller may not alter or describe the
 *   cluster's ACLs.
 * - A binding or filter with a value outside the enums, or a binding with
 *   ANY/MATCH/UNKNOWN in it, is rejected before anything is sent.
 * - New ACLs apply asynchronously: the brokers replay the metadata log, so an
 *   authorization check right after `createAcls` may still fail for a moment.
 */
import { ErrorCode } from '../protocol/errors.js'
import { brokerError, KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { CreateAclsApi } from '../protocol/messages/create-acls.js'
import { DeleteAclsApi } from '../protocol/messages/delete-acls.js'
import { DescribeAclsApi } from '../protocol/messages/describe-acls.js'
import { throwFailures } from './failures.js'
import { ItemConfirmations, unconfirmed } from '../cluster/confirm.js'

/** Java's org.apache.kafka.common.resource.ResourceType. */
export type AclResourceType = 'UNKNOWN' | 'ANY' | 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'USER'
/** Java's PatternType: LITERAL names one resource ('*' is every resource), PREFIXED every name starting with it; MATCH (filters only) matches both. */
export type AclPatternType = 'UNKNOWN' | 'ANY' | 'MATCH' | 'LITERAL' | 'PREFIXED'
/** Java's AclOperation. */
export type AclOperation =
  | 'UNKNOWN'
  | 'ANY'
  | 'ALL'
  | 'READ'
  | 'WRITE'
  | 'CREATE'
  | 'DELETE'
  | 'ALTER'
  | 'DESCRIBE'
  | 'CLUSTER_ACTION'
  | 'DESCRIBE_CONFIGS'
  | 'ALTER_CONFIGS'
  | 'IDEMPOTENT_WRITE'
  | 'CREATE_TOKENS'
  | 'DESCRIBE_TOKENS'
  | 'TWO_PHASE_COMMIT'
/** Java's AclPermissionType. */
export type AclPermissionType = 'UNKNOWN' | 'ANY' | 'DENY' | 'ALLOW'

/** Protocol codes, indexed as Java's enums (`code` is the position). */
export const ACL_RESOURCE_TYPES: readonly AclResourceType[] = ['UNKNOWN', 'ANY', 'TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'DELEGATION_TOKEN', 'USER']
export const ACL_PATTERN_TYPES: readonly AclPatternType[] = ['UNKNOWN', 'ANY', 'MATCH', 'LITERAL', 'PREFIXED']
export const ACL_OPERATIONS: readonly AclOperation[] = [
  'UNKNOWN',
  'ANY',
  'ALL',
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE',
  'CREATE_TOKENS',
  'DESCRIBE_TOKENS',
  'TWO_PHASE_COMMIT',
]
export const ACL_PERMISSION_TYPES: readonly AclPermissionType[] = ['UNKNOWN', 'ANY', 'DENY', 'ALLOW']

/** The cluster resource's only name (Java's ResourcePattern for CLUSTER). */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster'

/** One ACL: who (principal, host) may or may not (permissionType) do what (operation) to which resources. */
export interface AclBinding {
  resourceType: AclResourceType
  /** A topic, group or transactional id, `kafka-cluster` for CLUSTER, or '*' (LITERAL) for all. */
  resourceName: string
  /** Default 'LITERAL'. */
  patternType?: AclPatternType
  /** `User:alice` (Kafka's KafkaPrincipal string); `User:*` is every user. */
  principal: string
  /** Default '*' (every host). */
  host?: string
  operation: AclOperation
  permissionType: AclPermissionType
}

/** What describeAcls and deleteAcls match: an unset field matches anything. */
export interface AclBindingFilter {
  /** Default 'ANY'. */
  resourceType?: AclResourceType
  /** Default: any name. */
  resourceName?: string | null
  /** Default 'ANY'; 'MATCH' also finds the LITERAL '*' and PREFIXED patterns that cover resourceName. */
  patternType?: AclPatternType
  principal?: string | null
  host?: string | null
  /** Default 'ANY'. */
  operation?: AclOperation
  /** Default 'ANY'. */
  permissionType?: AclPermissionType
}

/** A described or deleted ACL: every field set. */
export type AclDescription = Required<AclBinding>

/** Every ACL: the filter that matches all. */
export const ANY_ACL: Readonly<AclBindingFilter> = Object.freeze({})

function codeOf<T extends string>(table: readonly T[], value: T | undefined, fallback: T, what: string, filter: boolean): number {
  const v = value ?? fallback
  const code = table.indexOf(v)
  const wildcard = v === 'ANY' || v === 'MATCH' || v === 'UNKNOWN'
  if (code < 0 || (!filter && wildcard) || (filter && v === 'UNKNOWN')) {
    const allowed = table.filter((x) => x !== 'UNKNOWN' && (filter || (x !== 'ANY' && x !== 'MATCH')))
    throw new KafkaError(`invalid ACL ${what} "${String(value)}"; expected one of ${allowed.join(', ')}`, { type: 'INVALID_REQUEST' })
  }
  return code
}

function nameOf<T extends string>(table: readonly T[], code: number): T {
  return table[code] ?? table[0]!
}

/** A binding as the wire's AclCreation (throws on a value a binding may not hold). */
export function encodeBinding(b: AclBinding) {
  if (typeof b.resourceName !== 'string' || typeof b.principal !== 'string') {
    throw new KafkaError('an ACL binding needs a resourceName and a principal', { type: 'INVALID_REQUEST' })
  }
  return {
    resourceType: codeOf(ACL_RESOURCE_TYPES, b.resourceType, 'UNKNOWN', 'resource type', false),
    resourceName: b.resourceName,
    resourcePatternType: codeOf(ACL_PATTERN_TYPES, b.patternType, 'LITERAL', 'pattern type', false),
    principal: b.principal,
    host: b.host ?? '*',
    operation: codeOf(ACL_OPERATIONS, b.operation, 'UNKNOWN', 'operation', false),
    permissionType: codeOf(ACL_PERMISSION_TYPES, b.permissionType, 'UNKNOWN', 'permission type', false),
  }
}

/** A filter as the wire's DescribeAcls/DeleteAcls filter fields. */
export function encodeFilter(f: AclBindingFilter) {
  return {
    resourceTypeFilter: codeOf(ACL_RESOURCE_TYPES, f.resourceType, 'ANY', 'resource type', true),
    resourceNameFilter: f.resourceName ?? null,
    patternTypeFilter: codeOf(ACL_PATTERN_TYPES, f.patternType, 'ANY', 'pattern type', true),
    principalFilter: f.principal ?? null,
    hostFilter: f.host ?? null,
    operation: codeOf(ACL_OPERATIONS, f.operation, 'ANY', 'operation', true),
    permissionType: codeOf(ACL_PERMISSION_TYPES, f.permissionType, 'ANY', 'permission type', true),
  }
}

function decodeBinding(
  resource: { resourceType: number; resourceName: string; patternType: number },
  acl: { principal: string; host: string; operation: number; permissionType: number },
): AclDescription {
  return {
    resourceType: nameOf(ACL_RESOURCE_TYPES, resource.resourceType),
    resourceName: resource.resourceName,
    patternType: nameOf(ACL_PATTERN_TYPES, resource.patternType),
    principal: acl.principal,
    host: acl.host,
    operation: nameOf(ACL_OPERATIONS, acl.operation),
    permissionType: nameOf(ACL_PERMISSION_TYPES, acl.permissionType),
  }
}

/** How a binding reads in an error: `ALLOW User:bob READ on TOPIC "t" (LITERAL) from *`. */
export function describeBinding(b: AclBinding | AclBindingFilter, filter = false): string {
  const any = filter ? 'ANY' : 'LITERAL'
  return (
    `${b.permissionType ?? 'ANY'} ${b.principal ?? '<any principal>'} ${b.operation ?? 'ANY'} on ${b.resourceType ?? 'ANY'} ` +
    `"${b.resourceName ?? '<any>'}" (${b.patternType ?? any}) from ${b.host ?? (filter ? '<any host>' : '*')}`
  )
}

export async function createAcls(cluster: Cluster, bindings: AclBinding[], deadline: number): Promise<void> {
  const creations = bindings.map(encodeBinding)
  if (creations.length === 0) return
  const failures: KafkaError[] = []
  await retry(
    'createAcls',
    async () => {
      const res = await cluster.sendAny(CreateAclsApi, { creations })
      res.results.forEach((r, i) => {
        if (r.errorCode !== ErrorCode.NONE) failures.push(brokerError(r.errorCode, { acl: describeBinding(bindings[i]!) }, r.errorMessage))
      })
    },
    { ...cluster.backoff, deadline },
  )
  throwFailures('createAcls', failures, 'ACLs')
}

export async function describeAcls(cluster: Cluster, filter: AclBindingFilter, deadline: number): Promise<AclDescription[]> {
  const body = encodeFilter(filter)
  return retry(
    'describeAcls',
    async () => {
      const res = await cluster.sendAny(DescribeAclsApi, body)
      if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, { filter: describeBinding(filter, true) }, res.errorMessage)
      return res.resources.flatMap((r) => r.acls.map((a) => decodeBinding(r, a)))
    },
    { ...cluster.backoff, deadline },
  )
}

/**
 * Deletes every ACL matching any filter; resolves with the deleted ACLs
 * (Java's DeleteAclsResult.all()). A filter matching nothing deletes nothing.
 */
export async function deleteAcls(cluster: Cluster, filters: AclBindingFilter[], deadline: number): Promise<AclDescription[]> {
  const body = { filters: filters.map(encodeFilter) }
  if (body.filters.length === 0) return []
  const deleted: AclDescription[] = []
  const failures: KafkaError[] = []
  // A filter's non-retriable error is believed when asking again with that filter repeats it (confirm.ts).
  const confirmations = new ItemConfirmations()
  let todo = filters.map((_, i) => i)
  await retry(
    'deleteAcls',
    async () => {
      const res = await cluster.sendAny(DeleteAclsApi, { filters: todo.map((i) => body.filters[i]!) })
      if (res.filterResults.length !== todo.length) {
        throw new KafkaError(`the answer to deleteAcls has ${res.filterResults.length} results for ${todo.length} filters; asking again`, { type: 'CORRUPT_RESPONSE', retriable: true })
      }
      const again: number[] = []
      let last: KafkaError | undefined
      res.filterResults.forEach((r, n) => {
        const i = todo[n]!
        if (r.errorCode !== ErrorCode.NONE) {
          const err = brokerError(r.errorCode, { filter: describeBinding(filters[i]!, true) }, r.errorMessage)
          if (err.retriable || !confirmations.believe(String(i), err)) {
            again.push(i)
            last = err.retriable ? err : unconfirmed(err)
          } else {
            failures.push(err)
          }
          return
        }
        for (const m of r.matchingAcls) {
          const acl = decodeBinding(m, m)
          if (m.errorCode !== ErrorCode.NONE) failures.push(brokerError(m.errorCode, { acl: describeBinding(acl) }, m.errorMessage))
          else deleted.push(acl)
        }
      })
      todo = again
      if (last !== undefined) throw last
    },
    { ...cluster.backoff, deadline },
  )
  throwFailures('deleteAcls', failures, 'ACLs')
  return deleted
}
