/**
 * A client of Confluent's Schema Registry REST API (also served by Apicurio
 * Registry's `/apis/ccompat/v7` and other compatible registries).
 *
 * Contract:
 * - Look-ups that cannot change (schema by id, id of a schema under a
 *   subject) are cached for the client's life, as promises, so concurrent
 *   callers share one request and a steady-state record costs no HTTP call;
 *   `cachedSchemaById` / `cachedId` answer from the cache synchronously.
 *   A subject's latest version is cached for `latest.cache.ttl.sec`.
 * - A request that fails with a 5xx, a 429 or a connection error is retried
 *   (`max.retries`, backoff from `retry.backoff.ms` doubling to
 *   `retry.backoff.max.ms`, the one policy of `cluster/retry.ts`); with several
 *   URLs, a connection error moves to the next one. Every failure is a
 *   SchemaRegistryError with the HTTP status and the registry's error code.
 * - `register` answers like Confluent's registry for a schema the subject
 *   already has (its id), also where another registry says 409; a 409 that
 *   reports a clash of concurrent writes inside the registry is registered
 *   again (`max.retries`); see `register`.
 * - Credentials: basic auth from `basic.auth.user.info` (USER_INFO) or the
 *   URL's user info (URL), or a static bearer token; they never appear in
 *   messages or logs.
 */
import { retry } from '../cluster/retry.js'
import { schemaRegistrySchema, type SchemaRegistryConfig, type SchemaRegistryConfigInput } from '../config/schema-registry.js'
import { parseConfig } from '../config/validate.js'
import { KafkaError, SchemaRegistryError } from '../errors.js'
import { Log } from '../logger.js'

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF'

/** A reference from a schema to another registered one (`import` in Protobuf, `$ref` in JSON Schema, a named type in Avro). */
export interface SchemaReference {
  name: string
  subject: string
  version: number
}

/** A schema as the registry stores it. */
export interface Schema {
  schema: string
  /** AVRO when absent (as the registry's API does). */
  schemaType?: SchemaType
  references?: SchemaReference[]
}

/** A schema registered under a subject. */
export interface RegisteredSchema extends Schema {
  id: number
  subject: string
  version: number
}

export interface RegisterOptions {
  normalize?: boolean
}

/** Compatibility levels (the registry's config). */
export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE'
export type Mode = 'READWRITE' | 'READONLY' | 'IMPORT'

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

/** The registry's error codes that the serdes branch on. */
export const RegistryErrorCode = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
} as const

export class SchemaRegistryClient {
  readonly config: SchemaRegistryConfig
  private readonly log: Log
  private readonly urls: { base: string; auth: string | undefined }[]
  private urlIndex = 0
  private readonly headers: Record<string, string>
  private readonly byId = new Map<number, Promise<Schema>>()
  private readonly settledById = new Map<number, Schema>()
  private readonly idBySchema = new Map<string, Promise<number>>()
  private readonly settledIdBySchema = new Map<string, number>()
  private readonly latest = new Map<string, { at: number; value: Promise<RegisteredSchema> }>()

  constructor(config: SchemaRegistryConfigInput) {
    this.config = parseConfig(schemaRegistrySchema, config, 'schema registry')
    this.log = Log.forClient(this.config, 'samsa:schema-registry')
    const c = this.config
    this.headers = { 'Content-Type': CONTENT_TYPE, Accept: `${CONTENT_TYPE}, application/json` }
    let userInfo: string | undefined
    if (c['basic.auth.credentials.source'] === 'USER_INFO' && c['basic.auth.user.info'] !== undefined) userInfo = c['basic.auth.user.info']
    this.urls = c['schema.registry.url'].map((raw) => {
      const u = new URL(raw)
      let auth = userInfo
      if (auth === undefined && c['basic.auth.credentials.source'] === 'URL' && u.username !== '') {
        auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`
      }
      u.username = ''
      u.password = ''
      return { base: u.toString().replace(/\/+$/, ''), auth: auth === undefined ? undefined : `Basic ${Buffer.from(auth, 'utf8').toString('base64')}` }
    })
    if (c['bearer.auth.credentials.source'] === 'STATIC_TOKEN' || c['bearer.auth.token'] !== undefined) {
      if (c['bearer.auth.token'] === undefined) {
        throw new KafkaError('invalid schema registry config: "bearer.auth.credentials.source" = "STATIC_TOKEN" needs "bearer.auth.token"', { type: 'CONFIG', context: { key: 'bearer.auth.token' } })
      }
      this.headers.Authorization = `Bearer ${c['bearer.auth.token']}`
    }
    if (c['bearer.auth.logical.cluster'] !== undefined) this.headers['target-sr-cluster'] = c['bearer.auth.logical.cluster']
    if (c['bearer.auth.identity.pool.id'] !== undefined) this.headers['Confluent-Identity-Pool-Id'] = c['bearer.auth.identity.pool.id']
  }

  /** Every subject. */
  getSubjects(): Promise<string[]> {
    return this.request('GET', '/subjects')
  }

  /** The versions registered under `subject`. */
  getVersions(subject: string): Promise<number[]> {
    return this.request('GET', `/subjects/${enc(subject)}/versions`)
  }

  /**
   * Registers `schema` under `subject` (or finds it there) and returns its id.
   * A 409 answer is checked with a look-up: a schema the subject already has
   * gives its id, as Confluent's registry answers (a registration retried
   * after a time-out that did land, say). A 409 saying the version or
   * artifact "already exists" while the schema is not there is a clash of
   * concurrent writes inside the registry (Apicurio 2.x's in-memory storage
   * hands two registrations the same id): the registration is tried again,
   * `max.retries` times, with the client's backoff. Any other 409 (the
   * schema is incompatible) is thrown as it is.
   */
  register(subject: string, schema: Schema, options: RegisterOptions = {}): Promise<number> {
    const key = cacheKey(subject, schema)
    let p = this.idBySchema.get(key)
    if (p === undefined) {
      p = this.registerOrFind(subject, schema, options)
      this.remember(this.idBySchema, this.settledIdBySchema, key, p)
      void p.then((id) => this.rememberSchema(id, schema), () => undefined)
    }
    return p
  }

  private registerOrFind(subject: string, schema: Schema, options: RegisterOptions): Promise<number> {
    const c = this.config
    const path = `/subjects/${enc(subject)}/versions${options.normalize ? '?normalize=true' : ''}`
    let clashes = 0
    return retry(`register under ${subject}`, async () => {
      try {
        return (await this.request<{ id: number }>('POST', path, body(schema))).id
      } catch (e) {
        if (!(e instanceof SchemaRegistryError) || e.status !== 409) throw e
        const found = await this.lookupSchema(subject, schema, options).then((r) => r.id, (l: unknown) => {
          if (l instanceof SchemaRegistryError && l.status === 404) return undefined
          throw l
        })
        if (found !== undefined) return found
        throw e
      }
    }, {
      backoffMs: c['retry.backoff.ms'],
      backoffMaxMs: c['retry.backoff.max.ms'],
      deadline: Infinity,
      retriable: (e) => isWriteClash(e) && ++clashes <= c['max.retries'],
      confirm: false, // HTTP answers, not Kafka frames
      onRetry: (e) => this.log.debug(`registering again: ${e.message}`),
    })
  }

  /** The registered version of `schema` under `subject` (id and version); a SchemaRegistryError 40401/40403 when it is not there. */
  lookupSchema(subject: string, schema: Schema, options: RegisterOptions = {}): Promise<RegisteredSchema> {
    return this.request<RegisteredSchema>('POST', `/subjects/${enc(subject)}${options.normalize ? '?normalize=true' : ''}`, body(schema)).then((r) => {
      const found = withType(r, subject)
      this.settledIdBySchema.set(cacheKey(subject, schema), found.id)
      this.rememberSchema(found.id, found)
      return found
    })
  }

  /** The id of `schema` under `subject`, from the cache or a look-up (never registers). */
  getId(subject: string, schema: Schema, options: RegisterOptions = {}): Promise<number> {
    const key = cacheKey(subject, schema)
    let p = this.idBySchema.get(key)
    if (p === undefined) {
      p = this.lookupSchema(subject, schema, options).then((r) => r.id)
      this.remember(this.idBySchema, this.settledIdBySchema, key, p)
    }
    return p
  }

  /** The id of `schema` under `subject` if a register or look-up already found it; no request. */
  cachedId(subject: string, schema: Schema): number | undefined {
    return this.settledIdBySchema.get(cacheKey(subject, schema))
  }

  /** The schema with this id (cached for good: ids never change). */
  getSchemaById(id: number): Promise<Schema> {
    let p = this.byId.get(id)
    if (p === undefined) {
      p = this.request<Schema>('GET', `/schemas/ids/${id}`).then((r) => normalizeSchema(r))
      this.remember(this.byId, this.settledById, id, p)
    }
    return p
  }

  /** The schema with this id if it is already known; no request. */
  cachedSchemaById(id: number): Schema | undefined {
    return this.settledById.get(id)
  }

  /** A version of a subject ('latest' for the newest). */
  getSchemaVersion(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    return this.request<RegisteredSchema>('GET', `/subjects/${enc(subject)}/versions/${version}`).then((r) => {
      const found = withType(r, subject)
      this.rememberSchema(found.id, found)
      return found
    })
  }

  /** The latest version of a subject, cached for `latest.cache.ttl.sec`. */
  getLatestSchema(subject: string): Promise<RegisteredSchema> {
    const ttl = this.config['latest.cache.ttl.sec']
    const hit = this.latest.get(subject)
    if (hit !== undefined && (ttl < 0 || Date.now() - hit.at < ttl * 1000)) return hit.value
    const value = this.getSchemaVersion(subject, 'latest')
    this.latest.set(subject, { at: Date.now(), value })
    value.catch(() => {
      if (this.latest.get(subject)?.value === value) this.latest.delete(subject)
    })
    return value
  }

  /** Whether `schema` is compatible with a version of `subject` (default: the latest) under the subject's compatibility level. */
  async testCompatibility(subject: string, schema: Schema, version: number | 'latest' = 'latest'): Promise<boolean> {
    const r = await this.request<{ is_compatible: boolean }>('POST', `/compatibility/subjects/${enc(subject)}/versions/${version}`, body(schema))
    return r.is_compatible
  }

  /** The compatibility level of `subject`, or the global one without a subject. */
  async getCompatibility(subject?: string): Promise<Compatibility> {
    const r = await this.request<{ compatibilityLevel?: Compatibility; compatibility?: Compatibility }>('GET', subject === undefined ? '/config' : `/config/${enc(subject)}`)
    return (r.compatibilityLevel ?? r.compatibility)!
  }

  /** Sets the compatibility level of `subject`, or the global one without a subject. */
  async setCompatibility(level: Compatibility, subject?: string): Promise<Compatibility> {
    const r = await this.request<{ compatibility: Compatibility }>('PUT', subject === undefined ? '/config' : `/config/${enc(subject)}`, JSON.stringify({ compatibility: level }))
    return r.compatibility
  }

  /** The registry's mode (READWRITE, READONLY, IMPORT), for `subject` or globally. */
  async getMode(subject?: string): Promise<Mode> {
    const r = await this.request<{ mode: Mode }>('GET', subject === undefined ? '/mode' : `/mode/${enc(subject)}`)
    return r.mode
  }

  async setMode(mode: Mode, subject?: string): Promise<Mode> {
    const r = await this.request<{ mode: Mode }>('PUT', subject === undefined ? '/mode' : `/mode/${enc(subject)}`, JSON.stringify({ mode }))
    return r.mode
  }

  /** Deletes a subject (soft, or `permanent` after a soft delete); returns the versions deleted. */
  deleteSubject(subject: string, permanent = false): Promise<number[]> {
    for (const key of this.idBySchema.keys()) if (key.startsWith(`${subject}\u0000`)) this.idBySchema.delete(key)
    for (const key of this.settledIdBySchema.keys()) if (key.startsWith(`${subject}\u0000`)) this.settledIdBySchema.delete(key)
    this.latest.delete(subject)
    return this.request('DELETE', `/subjects/${enc(subject)}${permanent ? '?permanent=true' : ''}`)
  }

  /** Subject names and versions that use the schema with this id. */
  getSubjectVersionsById(id: number): Promise<{ subject: string; version: number }[]> {
    return this.request('GET', `/schemas/ids/${id}/versions`)
  }

  private rememberSchema(id: number, schema: Schema): void {
    if (!this.settledById.has(id)) {
      const s = normalizeSchema(schema)
      this.settledById.set(id, s)
      this.byId.set(id, Promise.resolve(s))
    }
  }

  /** Caches a pending look-up; a failed one is forgotten so the next call asks again. */
  private remember<K, V>(pending: Map<K, Promise<V>>, settled: Map<K, V>, key: K, p: Promise<V>): void {
    pending.set(key, p)
    p.then((v) => settled.set(key, v), () => {
      if (pending.get(key) === p) pending.delete(key)
    })
  }

  private async request<T>(method: string, path: string, payload?: string): Promise<T> {
    const c = this.config
    const what = `${method} ${path}`
    let attempts = 0
    return retry(what, async () => {
      attempts++
      const target = this.urls[this.urlIndex % this.urls.length]!
      const headers = target.auth !== undefined && this.headers.Authorization === undefined ? { ...this.headers, Authorization: target.auth } : this.headers
      let res: Response
      try {
        res = await fetch(target.base + path, { method, headers, body: payload, signal: AbortSignal.timeout(c['request.timeout.ms']) })
      } catch (e) {
        this.urlIndex++
        const cause = (e as Error & { cause?: Error }).cause ?? e
        throw new SchemaRegistryError(`schema registry ${what} at ${target.base} failed: ${(cause as Error).message ?? String(cause)}`, {
          cause: e, retriable: attempts <= c['max.retries'], context: { url: what, registry: target.base },
        })
      }
      const text = await res.text()
      if (res.ok) return (text === '' ? undefined : JSON.parse(text)) as T
      let errorCode: number | undefined
      let message = text.slice(0, 500)
      try {
        const e = JSON.parse(text) as { error_code?: number; message?: string }
        errorCode = e.error_code
        if (typeof e.message === 'string') message = e.message
      } catch {
        // not JSON: keep the text
      }
      const retriable = (res.status >= 500 || res.status === 429) && attempts <= c['max.retries']
      throw new SchemaRegistryError(`schema registry ${what} answered ${res.status}${errorCode !== undefined ? ` (error ${errorCode})` : ''}: ${message}`, {
        retriable, context: { status: res.status, errorCode, url: what, registry: target.base, registryMessage: message },
      })
    }, {
      backoffMs: c['retry.backoff.ms'],
      backoffMaxMs: c['retry.backoff.max.ms'],
      deadline: Infinity,
      onRetry: (e) => this.log.debug(`retrying: ${e.message}`),
    })
  }
}

function enc(s: string): string {
  return encodeURIComponent(s)
}

function body(schema: Schema): string {
  const out: Record<string, unknown> = { schema: schema.schema }
  if (schema.schemaType !== undefined && schema.schemaType !== 'AVRO') out.schemaType = schema.schemaType
  if (schema.references !== undefined && schema.references.length > 0) out.references = schema.references
  return JSON.stringify(out)
}

function cacheKey(subject: string, schema: Schema): string {
  return `${subject}\u0000${schema.schemaType ?? 'AVRO'}\u0000${schema.schema}\u0000${JSON.stringify(schema.references ?? [])}`
}

function normalizeSchema(s: Schema): Schema {
  return { schema: s.schema, schemaType: s.schemaType ?? 'AVRO', references: s.references ?? [] }
}

/**
 * A 409 that reports a storage clash rather than an incompatible schema:
 * Apicurio answers "An artifact version 'null' ... already exists" (error code
 * 0) or "An artifact with ID ... already exists" (error code 409, the code
 * Confluent uses for incompatibility), so only the message tells them apart.
 */
function isWriteClash(e: KafkaError): boolean {
  const m = e.context.registryMessage
  return e instanceof SchemaRegistryError && e.status === 409 && typeof m === 'string' && /already exists/i.test(m)
}

function withType(r: RegisteredSchema, subject: string): RegisteredSchema {
  return { ...r, subject: r.subject ?? subject, schemaType: r.schemaType ?? 'AVRO', references: r.references ?? [] }
}
