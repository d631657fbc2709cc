/**
 * Options every client shares (Java's CommonClientConfigs), with the Java
 * client's defaults. Producer, consumer and admin schemas extend this shape.
 */
import { z } from 'zod'
import { isLogger, type Logger } from '../logger.js'
import { bool, bootstrapServers, int, num, oneOf, optionalStr, str } from './fields.js'
import type { AwsCredentialsProvider, OAuthBearerTokenProvider } from '../types.js'
import { MAX_INT } from '../protocol/int32.js'

export const commonShape = {
  'bootstrap.servers': bootstrapServers.describe('Addresses of brokers to bootstrap from: "host:port,host:port" or an array.'),
  'client.id': str('samsa').describe('Sent with every request; shows in broker logs and quotas.'),
  'client.rack': str('').describe('Rack of this client, for rack-aware fetching (KIP-392).'),
  'request.timeout.ms': int(30000, 0, MAX_INT).describe('How long to wait for a response before failing the request and closing its connection.'),
  'default.api.timeout.ms': int(60000, 0, MAX_INT).describe('Deadline for blocking calls that take no explicit timeout (commitSync, position, admin calls).'),
  'socket.connection.setup.timeout.ms': int(10000, 0, MAX_INT).describe('How long one connection attempt may take.'),
  'socket.connection.setup.timeout.max.ms': int(30000, 0, MAX_INT).describe('Upper bound of the connection setup timeout as it grows after failures.'),
  'reconnect.backoff.ms': int(50, 0, MAX_INT).describe('Wait before reconnecting to a broker after a failure; grows exponentially.'),
  'reconnect.backoff.max.ms': int(1000, 0, MAX_INT).describe('Upper bound of the reconnect backoff.'),
  'retry.backoff.ms': int(100, 0, MAX_INT).describe('Wait before retrying a failed request; grows exponentially with jitter.'),
  'retry.backoff.max.ms': int(1000, 0, MAX_INT).describe('Upper bound of the retry backoff.'),
  'metadata.max.age.ms': int(300000, 0, MAX_INT).describe('Refresh cluster metadata at least this often.'),
  'connections.max.idle.ms': int(540000, 0, MAX_INT).describe('Close connections idle for longer than this.'),
  'metrics.sample.window.ms': int(30000, 1, MAX_INT).describe('Length of one window of the windowed metrics (rates, averages, maxima) that metrics() reports.'),
  'metrics.num.samples': int(2, 1, MAX_INT).describe('Number of windows the windowed metrics keep.'),
  'max.response.size': int(104857600, 1024, MAX_INT).describe('samsa: largest response frame accepted; a larger one is a ProtocolError and closes the connection.'),
  'security.protocol': oneOf(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const, 'PLAINTEXT').describe('Transport: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.'),
  'ssl.endpoint.identification.algorithm': str('https').describe('"https" verifies the broker hostname against its certificate; "" disables that check (the chain is always verified).'),
  'ssl.truststore.certificates': optionalStr().describe('PEM CA certificates trusted for broker certificates, inline (Java: with ssl.truststore.type=PEM).'),
  'ssl.truststore.location': optionalStr().describe('Path of the trusted CA certificates: a PEM file or a PKCS12 truststore (default: Node\'s bundled CAs).'),
  'ssl.truststore.type': optionalStr().describe('PEM or PKCS12; read from the file when not set. JKS is refused with the keytool command that converts it.'),
  'ssl.truststore.password': optionalStr().describe('Password of a PKCS12 truststore (checks its integrity MAC, decrypts its certificates).'),
  'ssl.keystore.certificate.chain': optionalStr().describe('PEM client certificate chain, inline, for mutual TLS (with ssl.keystore.key).'),
  'ssl.keystore.key': optionalStr().describe('PEM private key of the client certificate, inline.'),
  'ssl.keystore.pkcs12': z
    .custom<Buffer | Uint8Array | string>((v) => typeof v === 'string' || v instanceof Uint8Array, { error: 'expected the PKCS12 keystore as a Buffer (fs.readFileSync(\'client.p12\')) or base64 text' })
    .optional()
    .describe('samsa: a PKCS12 keystore inline (a Buffer, or base64 text) for mutual TLS, with ssl.keystore.password; instead of ssl.keystore.location (KafkaJS: ssl.pfx).'),
  'ssl.keystore.location': optionalStr().describe('Path of the client certificate and key, for mutual TLS: one PEM file with both, or a PKCS12 keystore.'),
  'ssl.keystore.type': optionalStr().describe('PEM or PKCS12; read from the file when not set. JKS is refused with the keytool command that converts it.'),
  'ssl.keystore.password': optionalStr().describe('Password of a PKCS12 keystore.'),
  'ssl.key.password': optionalStr().describe('Password of an encrypted PEM private key (for PKCS12: must equal ssl.keystore.password when set).'),
  'enable.ssl.certificate.verification': bool(true).describe('librdkafka: false accepts any broker certificate (no chain or host name check; KafkaJS: ssl.rejectUnauthorized=false). For tests only.'),
  'ssl.enabled.protocols': str('TLSv1.2,TLSv1.3').describe('TLS versions offered; the lowest and highest listed bound the handshake.'),
  'ssl.cipher.suites': optionalStr().describe('Cipher suites offered, comma-separated: Java\'s IANA names (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256) or OpenSSL\'s (default: Node\'s).'),
  'ssl.protocol': oneOf(['TLSv1.3', 'TLSv1.2', 'TLS'] as const, 'TLSv1.3').describe('Accepted for Java configs; ssl.enabled.protocols decides the versions.'),
  'sasl.mechanism': oneOf(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER', 'AWS_MSK_IAM'] as const, 'PLAIN').describe('SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or AWS_MSK_IAM.'),
  'sasl.jaas.config': optionalStr().describe('Java JAAS line: username="..." password="..." (PLAIN, SCRAM); clientId="..." clientSecret="..." scope="..." extension_NAME="..." (OAUTHBEARER); samsa reads these options from it.'),
  'sasl.oauthbearer.token.provider': z
    .custom<OAuthBearerTokenProvider>((v) => typeof v === 'function', { error: 'expected a function returning { value, lifetimeMs?, principalName?, extensions? } or a promise of it' })
    .optional()
    .describe('samsa: OAUTHBEARER token source, a function () => { value, lifetimeMs (expiry, ms since the epoch), principalName?, extensions? } or a promise of it (Java: sasl.login.callback.handler.class).'),
  'sasl.oauthbearer.token.endpoint.url': optionalStr().describe('OAUTHBEARER: the OAuth/OIDC token endpoint for the client-credentials flow (KIP-768).'),
  'sasl.oauthbearer.client.credentials.client.id': optionalStr().describe('OAUTHBEARER: client id for the token endpoint (or clientId="..." in sasl.jaas.config).'),
  'sasl.oauthbearer.client.credentials.client.secret': optionalStr().describe('OAUTHBEARER: client secret for the token endpoint (or clientSecret="..." in sasl.jaas.config).'),
  'sasl.oauthbearer.scope': optionalStr().describe('OAUTHBEARER: scope requested from the token endpoint (or scope="..." in sasl.jaas.config).'),
  'sasl.oauthbearer.sub.claim.name': str('sub').describe('OAUTHBEARER: the JWT claim that names the principal.'),
  'sasl.login.refresh.window.factor': num(0.8, 0.5, 1).describe('OAUTHBEARER: a token is replaced after this fraction of its life (plus jitter).'),
  'sasl.login.refresh.window.jitter': num(0.05, 0, 0.25).describe('OAUTHBEARER: random fraction of a token\'s life added to the refresh point.'),
  'sasl.login.refresh.min.period.seconds': int(60, 0, 900).describe('OAUTHBEARER: a token is kept at least this long when it lives long enough.'),
  'sasl.login.refresh.buffer.seconds': int(300, 0, 3600).describe('OAUTHBEARER: a token is replaced at least this long before it expires when it lives long enough.'),
  'sasl.login.read.timeout.ms': z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number({ error: 'expected an integer >= 1' }).int().min(1)).optional().describe('OAUTHBEARER: how long a token request (provider or endpoint) may take (default: request.timeout.ms).'),
  'sasl.aws.access.key.id': optionalStr().describe('samsa: AWS_MSK_IAM access key id (default: AWS_ACCESS_KEY_ID).'),
  'sasl.aws.secret.access.key': optionalStr().describe('samsa: AWS_MSK_IAM secret access key (default: AWS_SECRET_ACCESS_KEY).'),
  'sasl.aws.session.token': optionalStr().describe('samsa: AWS_MSK_IAM session token of temporary credentials (default: AWS_SESSION_TOKEN).'),
  'sasl.aws.region': optionalStr().describe('samsa: AWS_MSK_IAM and MSK OAUTHBEARER signing region (default: from the broker host name, then AWS_REGION).'),
  'sasl.aws.profile': optionalStr().describe('samsa: AWS profile for the AWS SDK\'s default credential chain (or awsProfileName="..." in sasl.jaas.config; needs @aws-sdk/credential-providers).'),
  'sasl.login.callback.handler.class': optionalStr().describe('OAUTHBEARER: Java\'s token source class. samsa knows Kafka\'s OAuthBearerLoginCallbackHandler (the OIDC client-credentials flow, also without this key) and software.amazon.msk.auth.iam.IAMOAuthBearerLoginCallbackHandler (MSK IAM, signed with the sasl.aws.* credentials); other sources: sasl.oauthbearer.token.provider.'),
  'sasl.aws.credentials.provider': z
    .custom<AwsCredentialsProvider>((v) => typeof v === 'function', { error: 'expected a function returning { accessKeyId, secretAccessKey, sessionToken? } or a promise of it' })
    .optional()
    .describe('samsa: AWS_MSK_IAM credentials source, a function () => { accessKeyId, secretAccessKey, sessionToken? } or a promise of it (e.g. fromNodeProviderChain() of @aws-sdk/credential-providers).'),
  'sasl.username': optionalStr().describe('samsa: SASL username (alternative to sasl.jaas.config).'),
  'sasl.password': optionalStr().describe('samsa: SASL password (alternative to sasl.jaas.config).'),
  'allow.auto.create.topics': bool(true).describe('Let metadata requests create missing topics where the broker allows it.'),
  'opentelemetry.tracing': z
    .union([z.literal('auto'), z.boolean()], { error: 'expected "auto", true or false' })
    .default('auto')
    .describe('samsa: OpenTelemetry spans of the producer and consumers (messaging semantic conventions, W3C trace context in record headers; docs/observability.md). "auto": on when @opentelemetry/api is installed and a tracer provider is registered (or opentelemetry.tracer.provider is set) when the client is created; true: on with the global provider; false: off.'),
  'opentelemetry.tracer.provider': z
    .custom<OtelProvider<'getTracer'>>((v) => isProvider(v, 'getTracer'), { error: 'expected an OpenTelemetry TracerProvider: an object with getTracer(name, version)' })
    .optional()
    .describe('samsa: the TracerProvider spans go to (default: the global one of @opentelemetry/api).'),
  'opentelemetry.metrics': bool(false).describe('samsa: export metrics() as OpenTelemetry observable instruments (kafka.producer.record_send_rate, ...; docs/observability.md) through the global MeterProvider or opentelemetry.meter.provider.'),
  'opentelemetry.meter.provider': z
    .custom<OtelProvider<'getMeter'>>((v) => isProvider(v, 'getMeter'), { error: 'expected an OpenTelemetry MeterProvider: an object with getMeter(name, version)' })
    .optional()
    .describe('samsa: the MeterProvider metrics are exported to; setting it exports them (opentelemetry.metrics true).'),
  'logger': z
    .custom<Logger>(isLogger, { error: 'expected a logger: an object with debug, info, warn and error functions, each (message, fields?)' })
    .optional()
    .describe('samsa: an object { debug, info, warn, error }, each (message, fields?), that receives rebalances, retries, fencing, connection loss and config warnings; secrets are redacted. Default: the debug package under samsa:* (DEBUG=samsa:*).'),
} as const

/** An OpenTelemetry TracerProvider or MeterProvider, structurally (samsa's types do not need @opentelemetry/api). */
export type OtelProvider<M extends 'getTracer' | 'getMeter'> = { [K in M]: (name: string, version?: string) => unknown }

function isProvider(v: unknown, method: string): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function'
}

export const commonSchema = z.strictObject(commonShape)
export type CommonConfig = z.output<typeof commonSchema>
