/**
 * KafkaJS options → samsa's dotted (Java) config.
 *
 * Contract: pure functions, no I/O. What cannot be mapped either throws
 * KafkaJSNonRetriableError (an option samsa cannot honour and that would
 * silently change what the program does, e.g. an unsupported SASL
 * mechanism) or is returned as a warning for the caller to log (an option
 * whose absence only weakens a nicety, e.g. `enforceRequestTimeout`).
 * Defaults are KafkaJS's where they change behaviour a KafkaJS program relies
 * on (read_committed, 30 s sessions, no idempotence, linger 0), samsa's
 * otherwise; docs/kafkajs.md lists every mapping.
 */
import type { AdminConfigInput } from '../config/admin.js'
import type { ConsumerOptions } from '../consumer/index.js'
import type { ProducerConfigInput } from '../config/producer.js'
import type { AssignorName } from '../config/consumer.js'
import { KafkaJSNonRetriableError, KafkaJSNotImplemented } from './errors.js'
import { CompressionTypes, type ConsumerConfig, type KafkaConfig, type ProducerConfig, type RetryOptions } from './types.js'

/** The samsa options every client of one `Kafka` shares. */
export type CommonConfig = AdminConfigInput & Record<string, unknown>

interface Mapped<T> {
  config: T
  /** Options that were accepted but cannot be honoured, for the log. */
  warnings: string[]
}

/** KafkaJS's retry defaults. */
export const RETRY_DEFAULTS = { maxRetryTime: 30000, initialRetryTime: 300, factor: 0.2, multiplier: 2, retries: 5 } as const

/**
 * How long KafkaJS's retrier waits in total before giving up: the sum of its
 * (unjittered) backoffs. samsa retries until a deadline instead of counting
 * retries; this is the deadline that corresponds to a KafkaJS retry policy.
 */
export function retryBudgetMs(retry: RetryOptions = {}): number {
  const initial = retry.initialRetryTime ?? RETRY_DEFAULTS.initialRetryTime
  const max = retry.maxRetryTime ?? RETRY_DEFAULTS.maxRetryTime
  const multiplier = retry.multiplier ?? RETRY_DEFAULTS.multiplier
  const retries = Math.min(retry.retries ?? RETRY_DEFAULTS.retries, 1000)
  let total = 0
  let wait = initial
  for (let i = 0; i < retries; i++) {
    total += Math.min(wait, max)
    wait *= multiplier
  }
  return Math.max(1000, Math.round(total))
}

const SASL_MECHANISMS: Record<string, 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
}

/** Broker addresses as KafkaJS takes them ("host:port" strings), checked. */
export function checkBrokers(brokers: unknown): string[] {
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new KafkaJSNonRetriableError(`Failed to connect: expected brokers to be a non-empty array of "host:port" strings (or a function returning one), got ${JSON.stringify(brokers)}`)
  }
  for (const b of brokers) {
    if (typeof b !== 'string' || !/^\[?[^\]\s]+?\]?:\d+$/.test(b.trim())) {
      throw new KafkaJSNonRetriableError(`Failed to connect: invalid broker address ${JSON.stringify(b)}, expected "host:port"`)
    }
  }
  return brokers.map((b: string) => b.trim())
}

function pem(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined
  const list = Array.isArray(v) ? v : [v]
  return list
    .map((x) => {
      if (typeof x === 'string') return x
      if (Buffer.isBuffer(x) || x instanceof Uint8Array) return Buffer.from(x).toString('utf8')
      if (x && typeof x === 'object' && 'pem' in x) return pem((x as { pem: unknown }).pem, what)
      throw new KafkaJSNonRetriableError(`ssl.${what}: expected PEM text (a string or Buffer), got ${typeof x}`)
    })
    .join('\n')
}

/** KafkaJS's (Node's) `ssl.pfx`: a Buffer, `{ buf, passphrase }`, or a one-element array of either. */
function pkcs12(v: unknown): { buf: Buffer; passphrase?: string } | undefined {
  if (v === undefined || v === null) return undefined
  const one = Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v
  if (Array.isArray(v) && one === undefined) throw new KafkaJSNonRetriableError(`ssl.pfx: samsa takes one PKCS12 store, got ${v.length}`)
  const obj = one !== null && typeof one === 'object' && !(one instanceof Uint8Array) ? (one as { buf?: unknown; passphrase?: unknown }) : undefined
  const buf = obj !== undefined ? obj.buf : one
  if (!(buf instanceof Uint8Array)) throw new KafkaJSNonRetriableError(`ssl.pfx: expected the PKCS12 store as a Buffer (fs.readFileSync('client.p12')), got ${typeof buf}`)
  return { buf: Buffer.from(buf), ...(typeof obj?.passphrase === 'string' ? { passphrase: obj.passphrase } : {}) }
}

/** `ssl` and `sasl` → samsa's security options. */
function securityConfig(config: KafkaConfig, warnings: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const ssl = config.ssl
  const tlsOn = ssl === true || (typeof ssl === 'object' && ssl !== null)
  if (typeof ssl === 'object' && ssl !== null) {
    const o = ssl as Record<string, unknown>
    const ca = pem(o.ca, 'ca')
    const cert = pem(o.cert, 'cert')
    const key = pem(o.key, 'key')
    const pfx = pkcs12(o.pfx)
    if (ca !== undefined) out['ssl.truststore.certificates'] = ca
    if (cert !== undefined) out['ssl.keystore.certificate.chain'] = cert
    if (key !== undefined) out['ssl.keystore.key'] = key
    if (pfx !== undefined) {
      if (cert !== undefined || key !== undefined) throw new KafkaJSNonRetriableError('ssl: give either pfx (PKCS12) or cert and key (PEM), not both')
      out['ssl.keystore.pkcs12'] = pfx.buf
      const password = pfx.passphrase ?? o.passphrase
      if (typeof password === 'string') out['ssl.keystore.password'] = password
    } else if (typeof o.passphrase === 'string') {
      out['ssl.key.password'] = o.passphrase
    }
    // As in KafkaJS (Node's TLS): no verification of the broker's certificate at all.
    if (o.rejectUnauthorized === false) out['enable.ssl.certificate.verification'] = false
    const ignored = Object.keys(o).filter((k) => !['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'].includes(k))
    if (ignored.length > 0) warnings.push(`ssl options not supported by samsa, ignored: ${ignored.join(', ')}`)
  }
  const sasl = config.sasl as Record<string, unknown> | undefined
  if (sasl !== undefined && sasl !== null) {
    if (typeof sasl.authenticationProvider === 'function') {
      throw new KafkaJSNonRetriableError(`custom SASL mechanism "${String(sasl.mechanism)}" is not supported by samsa (supported: plain, scram-sha-256, scram-sha-512, oauthbearer, aws)`)
    }
    const name = String(sasl.mechanism ?? '').toLowerCase()
    const mechanism = SASL_MECHANISMS[name]
    if (name === 'oauthbearer') {
      const provider = sasl.oauthBearerProvider
      if (typeof provider !== 'function') throw new KafkaJSNonRetriableError('SASL oauthbearer: expected "oauthBearerProvider", a function returning a promise of { value }')
      out['sasl.mechanism'] = 'OAUTHBEARER'
      // KafkaJS asks the provider at each authentication; samsa caches a token until its refresh point when it knows the expiry (a JWT's exp).
      out['sasl.oauthbearer.token.provider'] = async () => {
        const res = (await (provider as () => Promise<{ value: string }>)()) as { value: string } | undefined
        return { value: res?.value as string }
      }
    } else if (name === 'aws') {
      if (typeof sasl.accessKeyId !== 'string' || typeof sasl.secretAccessKey !== 'string') {
        throw new KafkaJSNonRetriableError('SASL aws: expected string "accessKeyId" and "secretAccessKey"')
      }
      out['sasl.mechanism'] = 'AWS_MSK_IAM'
      out['sasl.aws.access.key.id'] = sasl.accessKeyId
      out['sasl.aws.secret.access.key'] = sasl.secretAccessKey
      if (typeof sasl.sessionToken === 'string') out['sasl.aws.session.token'] = sasl.sessionToken
      if (sasl.authorizationIdentity !== undefined) warnings.push('sasl.authorizationIdentity is ignored: samsa signs AWS_MSK_IAM requests (Amazon MSK IAM) with the keys given')
    } else {
      if (mechanism === undefined) {
        throw new KafkaJSNonRetriableError(`SASL mechanism "${String(sasl.mechanism)}" is not supported by samsa (supported: plain, scram-sha-256, scram-sha-512, oauthbearer, aws)`)
      }
      if (typeof sasl.username !== 'string' || typeof sasl.password !== 'string') {
        throw new KafkaJSNonRetriableError(`SASL ${name}: expected string "username" and "password"`)
      }
      out['sasl.mechanism'] = mechanism
      out['sasl.username'] = sasl.username
      out['sasl.password'] = sasl.password
    }
    out['security.protocol'] = tlsOn ? 'SASL_SSL' : 'SASL_PLAINTEXT'
  } else if (tlsOn) {
    out['security.protocol'] = 'SSL'
  }
  return out
}

/** The options every samsa client of a `Kafka` gets: brokers, client id, timeouts, retries, security. */
export function commonConfig(config: KafkaConfig, brokers: string[]): Mapped<CommonConfig> {
  const warnings: string[] = []
  const requestTimeout = config.requestTimeout ?? 30000
  const out: CommonConfig = {
    'bootstrap.servers': brokers,
    'client.id': config.clientId ?? 'kafkajs',
    'request.timeout.ms': requestTimeout,
    'default.api.timeout.ms': requestTimeout + retryBudgetMs(config.retry),
    ...securityConfig(config, warnings),
  }
  if (config.connectionTimeout !== undefined) {
    out['socket.connection.setup.timeout.ms'] = config.connectionTimeout
    out['socket.connection.setup.timeout.max.ms'] = Math.max(30000, config.connectionTimeout)
  }
  if (config.retry?.initialRetryTime !== undefined) out['retry.backoff.ms'] = config.retry.initialRetryTime
  if (config.retry?.maxRetryTime !== undefined) out['retry.backoff.max.ms'] = Math.max(config.retry.maxRetryTime, config.retry.initialRetryTime ?? 0)
  if (config.socketFactory !== undefined) warnings.push('socketFactory is not supported by samsa and is ignored')
  if (config.enforceRequestTimeout === false) warnings.push('enforceRequestTimeout=false is ignored: samsa always enforces requestTimeout')
  if (config.reauthenticationThreshold !== undefined) warnings.push('reauthenticationThreshold is ignored: samsa re-authenticates at 85-95% of the session lifetime the broker sets (KIP-368), as Java does')
  return { config: out, warnings }
}

const CODECS: Record<number, 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'> = {
  [CompressionTypes.None]: 'none',
  [CompressionTypes.GZIP]: 'gzip',
  [CompressionTypes.Snappy]: 'snappy',
  [CompressionTypes.LZ4]: 'lz4',
  [CompressionTypes.ZSTD]: 'zstd',
}

/** samsa's `compression.type` for a KafkaJS CompressionTypes value. */
export function compressionType(compression: CompressionTypes | undefined): 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd' {
  const codec = CODECS[compression ?? CompressionTypes.None]
  if (codec === undefined) throw new KafkaJSNotImplemented(`Compression type ${String(compression)} is not supported (expected one of CompressionTypes)`)
  return codec
}

/**
 * A samsa producer for one (acks, compression) pair of a KafkaJS producer:
 * no linger (a send goes out at once), idempotence only when asked for, a
 * delivery deadline that matches the KafkaJS retry policy.
 */
export function producerConfig(
  common: CommonConfig,
  options: ProducerConfig,
  kafka: KafkaConfig,
  send: { acks: number; compression: CompressionTypes | undefined; transactional?: boolean },
): ProducerConfigInput {
  const retry = options.retry ?? kafka.retry
  const deadline = (common['request.timeout.ms'] as number) + retryBudgetMs(retry)
  const out: ProducerConfigInput = {
    ...common,
    'acks': send.acks === -1 ? 'all' : (send.acks as 0 | 1),
    'linger.ms': 0,
    'compression.type': compressionType(send.compression),
    'enable.idempotence': send.transactional === true || options.idempotent === true,
    'allow.auto.create.topics': options.allowAutoTopicCreation ?? true,
    'delivery.timeout.ms': deadline,
    'max.block.ms': deadline,
  }
  if (options.metadataMaxAge !== undefined) out['metadata.max.age.ms'] = options.metadataMaxAge
  if (options.maxInFlightRequests !== undefined && options.maxInFlightRequests !== null) {
    out['max.in.flight.requests.per.connection'] = options.maxInFlightRequests
  }
  if (options.retry?.retries !== undefined && !options.idempotent && !send.transactional) out['retries'] = options.retry.retries
  if (send.transactional) {
    out['transactional.id'] = options.transactionalId
    if (options.transactionTimeout !== undefined) out['transaction.timeout.ms'] = options.transactionTimeout
  }
  return out
}

/** `max.poll.records` with eachBatch: a batch is then about what one fetch brought for the partition. */
const EACH_BATCH_MAX_POLL_RECORDS = 10000

/** samsa's consumer options for a KafkaJS consumer: offsets committed by the facade, KafkaJS's group timings. */
export function consumerConfig(
  common: CommonConfig,
  options: ConsumerConfig,
  run: { autoOffsetReset: 'earliest' | 'latest'; assignors: AssignorName[]; eachBatch?: boolean },
): ConsumerOptions {
  const out: ConsumerOptions = {
    ...common,
    'group.id': options.groupId,
    'group.protocol': 'classic',
    'enable.auto.commit': false,
    'auto.offset.reset': run.autoOffsetReset,
    'session.timeout.ms': options.sessionTimeout ?? 30000,
    'heartbeat.interval.ms': options.heartbeatInterval ?? 3000,
    'max.poll.interval.ms': options.rebalanceTimeout ?? 60000,
    'max.partition.fetch.bytes': options.maxBytesPerPartition ?? 1048576,
    'fetch.min.bytes': options.minBytes ?? 1,
    'fetch.max.bytes': options.maxBytes ?? 10485760,
    'isolation.level': options.readUncommitted ? 'read_uncommitted' : 'read_committed',
    'allow.auto.create.topics': options.allowAutoTopicCreation ?? true,
    'partition.assignment.strategy': run.assignors,
  }
  // eachBatch handlers expect batches the size of a fetch, not of Java's 500-record polls.
  if (run.eachBatch) out['max.poll.records'] = EACH_BATCH_MAX_POLL_RECORDS
  if (options.maxWaitTimeInMs !== undefined) out['fetch.max.wait.ms'] = options.maxWaitTimeInMs
  if (options.metadataMaxAge !== undefined) out['metadata.max.age.ms'] = options.metadataMaxAge
  if (options.rackId !== undefined && options.rackId !== '') out['client.rack'] = options.rackId
  return out
}
