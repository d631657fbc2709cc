/**
 * Options of samsa/schema-registry, with the keys of Confluent's Java client
 * (`schema.registry.url`, `basic.auth.*`, `bearer.auth.*`) and serdes
 * (`auto.register.schemas`, `use.latest.version`, subject name strategies).
 */
import { z } from 'zod'
import { bool, int, oneOf, optionalStr } from './fields.js'
import { isLogger, type Logger } from '../logger.js'

const urls = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'expected a URL such as "http://localhost:8081", several separated by commas, or an array of them' })
  .transform((v, ctx) => {
    const list = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim().replace(/\/+$/, '')).filter((s) => s.length > 0)
    for (const u of list) {
      if (!/^https?:\/\/[^/\s]+/.test(u)) ctx.addIssue({ code: 'custom', message: `"${u}" is not an http:// or https:// URL` })
    }
    return list
  })

export const schemaRegistryShape = {
  'schema.registry.url': urls.describe('The registry\'s base URL(s): "http://host:8081", several comma-separated or an array (tried in turn when one cannot be reached).'),
  'basic.auth.credentials.source': oneOf(['URL', 'USER_INFO'] as const, 'URL').describe('Where HTTP basic credentials come from: USER_INFO (basic.auth.user.info) or URL (user:password@ in the URL).'),
  'basic.auth.user.info': optionalStr().describe('"user:password" for HTTP basic auth (with basic.auth.credentials.source USER_INFO).'),
  'bearer.auth.credentials.source': z.enum(['STATIC_TOKEN']).optional().describe('STATIC_TOKEN: send bearer.auth.token as "Authorization: Bearer ...".'),
  'bearer.auth.token': optionalStr().describe('The bearer token (with bearer.auth.credentials.source STATIC_TOKEN).'),
  'bearer.auth.logical.cluster': optionalStr().describe('Sent as the target-sr-cluster header (Confluent Cloud).'),
  'bearer.auth.identity.pool.id': optionalStr().describe('Sent as the Confluent-Identity-Pool-Id header (Confluent Cloud).'),
  'request.timeout.ms': int(30000, 1).describe('How long one HTTP request may take.'),
  'max.retries': int(3, 0, 100).describe('Retries of a request that failed with a 5xx status, a 429 or a connection error.'),
  'retry.backoff.ms': int(100, 0).describe('Wait before the first retry; doubles per retry with jitter.'),
  'retry.backoff.max.ms': int(5000, 0).describe('Upper bound of the retry backoff.'),
  'latest.cache.ttl.sec': int(-1, -1).describe('How long a subject\'s latest version is cached; -1: until the client is discarded.'),
  'logger': z.custom<Logger>(isLogger, { error: 'expected a logger: an object with debug, info, warn and error functions' }).optional()
    .describe('An object { debug, info, warn, error } that receives retries; default: the debug package under samsa:*.'),
} as const

export const schemaRegistrySchema = z.strictObject(schemaRegistryShape)
export type SchemaRegistryConfig = z.output<typeof schemaRegistrySchema>
export type SchemaRegistryConfigInput = z.input<typeof schemaRegistrySchema>

/** A function naming the subject of a record: (topic, isKey, recordName) → subject. */
export type SubjectNameStrategyFunction = (topic: string, isKey: boolean, recordName: string | undefined) => string

const strategy = z
  .union([z.enum(['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy']), z.custom<SubjectNameStrategyFunction>((v) => typeof v === 'function')], {
    error: 'expected TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy or a function (topic, isKey, recordName) => subject',
  })
  .default('TopicNameStrategy')

export const schemaRegistrySerdeSchema = z.strictObject({
  'auto.register.schemas': bool(true).describe('Serializers: register the schema under the subject when it is not there yet (else look it up and fail when missing).'),
  'use.latest.version': bool(false).describe('Serializers: write with the subject\'s latest schema instead of the given one (with auto.register.schemas false).'),
  'latest.compatibility.strict': bool(true).describe('With use.latest.version: check that the latest schema is backward compatible with the given one before using it.'),
  'use.schema.id': int(-1, -1).describe('Serializers: write with this schema id (looked up in the registry), whatever the given schema.'),
  'normalize.schemas': bool(false).describe('Ask the registry to normalize schemas when registering and looking up.'),
  'key.subject.name.strategy': strategy.describe('Subject for keys: TopicNameStrategy (<topic>-key), RecordNameStrategy (<record name>), TopicRecordNameStrategy (<topic>-<record name>) or a function.'),
  'value.subject.name.strategy': strategy.describe('Subject for values: TopicNameStrategy (<topic>-value), RecordNameStrategy, TopicRecordNameStrategy or a function.'),
  'json.fail.invalid.schema': bool(true).describe('JSON Schema serdes: validate each value against its schema (ajv) when writing and reading, and fail when it does not match.'),
})
export type SchemaRegistrySerdeConfig = z.output<typeof schemaRegistrySerdeSchema>
export type SchemaRegistrySerdeConfigInput = z.input<typeof schemaRegistrySerdeSchema>
