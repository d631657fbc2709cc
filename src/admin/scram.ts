/**
 * SCRAM users (KIP-554): DescribeUserScramCredentials and
 * AlterUserScramCredentials.
 *
 * Contract (as the Java Admin client):
 * - The password never leaves the client: an upsertion sends a random salt
 *   and the salted password, PBKDF2 (SCRAM's Hi) with the mechanism's hash
 *   over the password's UTF-8 bytes, as Java's ScramFormatter computes it.
 *   The password appears in no error, log line or context.
 * - Describing lists each user's mechanisms (sorted) and iteration counts
 *   (never a salt or key). Asking for a user without credentials fails with
 *   RESOURCE_NOT_FOUND naming the user; asking for none lists every user.
 * - Per-user errors (UNACCEPTABLE_CREDENTIAL for too few iterations,
 *   RESOURCE_NOT_FOUND for a deletion of nothing, ...) are final and fail the
 *   call after the other users are done; retriable request failures are
 *   retried until the deadline.
 * - Changes apply asynchronously: a broker may take a moment to accept a new
 *   user's credentials.
 * - Unlike Java's, several changes of one user (both mechanisms, say) work:
 *   a KRaft controller refuses them in one request (DUPLICATE_RESOURCE), so
 *   they go in successive requests, each naming a user at most once.
 */
import { ErrorCode } from '../protocol/errors.js'
import crypto from 'node:crypto'
import { brokerError, KafkaError } from '../errors.js'
import type { Cluster } from '../cluster/cluster.js'
import { retry } from '../cluster/retry.js'
import { AlterUserScramCredentialsApi } from '../protocol/messages/alter-user-scram-credentials.js'
import { DescribeUserScramCredentialsApi } from '../protocol/messages/describe-user-scram-credentials.js'
import { throwFailures } from './failures.js'
import { ItemConfirmations, unconfirmed } from '../cluster/confirm.js'

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

/** Java's ScramCredentialInfo. */
export interface ScramCredentialInfo {
  mechanism: ScramMechanism
  iterations: number
}

/** Java's UserScramCredentialsDescription. */
export interface UserScramCredentialsDescription {
  user: string
  credentials: ScramCredentialInfo[]
}

/** Java's UserScramCredentialUpsertion: creates or replaces the user's credential for one mechanism. */
export interface ScramCredentialUpsertion {
  type: 'upsert'
  user: string
  mechanism: ScramMechanism
  /** Default 4096 (Kafka's minimum; at most 16384). */
  iterations?: number
  password: string
  /** Default: 30 random bytes, as Java's (a salt of your own for reproducible tests). */
  salt?: Buffer
}

/** Java's UserScramCredentialDeletion: removes the user's credential for one mechanism. */
export interface ScramCredentialDeletion {
  type: 'delete'
  user: string
  mechanism: ScramMechanism
}

export type ScramCredentialAlteration = ScramCredentialUpsertion | ScramCredentialDeletion

export const DEFAULT_SCRAM_ITERATIONS = 4096

const MECHANISMS: Record<ScramMechanism, { id: number; hash: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { id: 1, hash: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { id: 2, hash: 'sha512', bytes: 64 },
}

function mechanismOf(m: ScramMechanism, user: string) {
  const found = MECHANISMS[m]
  if (!found) {
    throw new KafkaError(`SCRAM credential of user "${user}": unknown mechanism "${String(m)}"; expected SCRAM-SHA-256 or SCRAM-SHA-512`, {
      type: 'UNSUPPORTED_SASL_MECHANISM',
      context: { user },
    })
  }
  return found
}

const mechanismName = (id: number): ScramMechanism | 'UNKNOWN' =>
  (Object.keys(MECHANISMS) as ScramMechanism[]).find((m) => MECHANISMS[m].id === id) ?? 'UNKNOWN'

/** SCRAM's SaltedPassword = Hi(password, salt, iterations): PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const m = mechanismOf(mechanism, '')
  return crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m.bytes, m.hash)
}

export async function describeUserScramCredentials(
  cluster: Cluster,
  users: string[] | undefined,
  deadline: number,
): Promise<UserScramCredentialsDescription[]> {
  const body = { users: users === undefined || users.length === 0 ? null : users.map((name) => ({ name })) }
  const res = await retry('describeUserScramCredentials', () => cluster.sendAny(DescribeUserScramCredentialsApi, body), {
    ...cluster.backoff,
    deadline,
  })
  if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, {}, res.errorMessage)
  const failures: KafkaError[] = []
  const out: UserScramCredentialsDescription[] = []
  for (const r of res.results) {
    if (r.errorCode !== ErrorCode.NONE) {
      failures.push(brokerError(r.errorCode, { user: r.user }, r.errorMessage))
      continue
    }
    out.push({
      user: r.user,
      credentials: r.credentialInfos
        .map((c) => ({ mechanism: mechanismName(c.mechanism) as ScramMechanism, iterations: c.iterations }))
        .sort((a, b) => (a.mechanism < b.mechanism ? -1 : 1)),
    })
  }
  throwFailures('describeUserScramCredentials', failures, 'users')
  return users && users.length > 0 ? users.flatMap((u) => out.filter((d) => d.user === u)) : out.sort((a, b) => (a.user < b.user ? -1 : 1))
}

export async function alterUserScramCredentials(cluster: Cluster, alterations: ScramCredentialAlteration[], deadline: number): Promise<void> {
  if (alterations.length === 0) return
  const deletions: { name: string; mechanism: number }[] = []
  const upsertions: { name: string; mechanism: number; iterations: number; salt: Buffer; saltedPassword: Buffer }[] = []
  for (const a of alterations) {
    const m = mechanismOf(a.mechanism, a.user)
    if (a.type === 'delete') {
      deletions.push({ name: a.user, mechanism: m.id })
    } else if (a.type === 'upsert') {
      if (typeof a.password !== 'string' || a.password === '') {
        throw new KafkaError(`SCRAM upsertion of user "${a.user}" needs a non-empty password`, { type: 'INVALID_REQUEST', context: { user: a.user } })
      }
      const iterations = a.iterations ?? DEFAULT_SCRAM_ITERATIONS
      const salt = a.salt ?? crypto.randomBytes(30)
      upsertions.push({ name: a.user, mechanism: m.id, iterations, salt, saltedPassword: saltedPassword(a.mechanism, a.password, salt, iterations) })
    } else {
      throw new KafkaError(`SCRAM alteration of user "${(a as { user: string }).user}": type must be 'upsert' or 'delete'`, { type: 'INVALID_REQUEST' })
    }
  }
  // A KRaft controller refuses two changes of one user in one request
  // (DUPLICATE_RESOURCE, whatever the mechanisms): each round holds a user once.
  const rounds: { deletions: typeof deletions; upsertions: typeof upsertions }[] = []
  const place = (name: string) => {
    const round = rounds.find((r) => !r.deletions.some((d) => d.name === name) && !r.upsertions.some((u) => u.name === name))
    if (round) return round
    const fresh = { deletions: [], upsertions: [] }
    rounds.push(fresh)
    return fresh
  }
  for (const d of deletions) place(d.name).deletions.push(d)
  for (const u of upsertions) place(u.name).upsertions.push(u)
  const failures: KafkaError[] = []
  // A user's non-retriable error is believed when asking again for that user repeats it (confirm.ts).
  const confirmations = new ItemConfirmations()
  for (const whole of rounds) {
    let round = whole
    await retry(
      'alterUserScramCredentials',
      async () => {
        const controller = await cluster.controller()
        const res = await cluster.send(controller.nodeId, AlterUserScramCredentialsApi, round)
        const notController = res.results.find((r) => r.errorCode !== ErrorCode.NONE && brokerError(r.errorCode).type === 'NOT_CONTROLLER')
        if (notController) {
          await cluster.refreshMetadata()
          throw brokerError(notController.errorCode, { user: notController.user })
        }
        const again = new Set<string>()
        let last: KafkaError | undefined
        for (const r of res.results) {
          if (r.errorCode === ErrorCode.NONE) continue
          const err = brokerError(r.errorCode, { user: r.user }, r.errorMessage)
          if (err.retriable || !confirmations.believe(r.user, err)) {
            again.add(r.user)
            last = err.retriable ? err : unconfirmed(err)
          } else {
            failures.push(err)
          }
        }
        round = { deletions: round.deletions.filter((d) => again.has(d.name)), upsertions: round.upsertions.filter((u) => again.has(u.name)) }
        if (last !== undefined) throw last
      },
      { ...cluster.backoff, deadline },
    )
  }
  throwFailures('alterUserScramCredentials', failures, 'users')
}
