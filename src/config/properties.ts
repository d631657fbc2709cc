/**
 * Java client `.properties` files as samsa configs, for `Producer.fromProperties`,
 * `Consumer.fromProperties` and `Admin.fromProperties`.
 *
 * The text is read with Java's `.properties` rules (`#`/`!` comments, `=`, `:`
 * or blanks between key and value, `\` line continuations and escapes). Keys
 * that Java's clients accept but that mean nothing to samsa are dropped with a
 * warning saying what samsa does instead; every other key goes to the
 * client's constructor, so a misspelt key still fails with the did-you-mean
 * ConfigError and values are validated as usual.
 */
import fs from 'node:fs'
import { ConfigError } from '../errors.js'
import { Log } from '../logger.js'
import { adminSchema } from './admin.js'
import { consumerSchema } from './consumer.js'
import { producerSchema } from './producer.js'

/** Parses `.properties` text into key/value strings (later keys win, as in Java). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    // an odd number of trailing backslashes continues the line
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '')
    }
    let k = 0
    while (k < line.length && !/[=: \t\f]/.test(line[k]!)) k += line[k] === '\\' ? 2 : 1
    const key = unescape(line.slice(0, k))
    let rest = line.slice(k).replace(/^[ \t\f]*/, '')
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '')
    out[key] = unescape(rest)
  }
  return out
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16))
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c
  })
}

const JAVA_PARTITIONERS = new Set([
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
  'org.apache.kafka.clients.producer.UniformStickyPartitioner',
  'org.apache.kafka.clients.producer.RoundRobinPartitioner',
])

/** Keys of Java's clients that samsa accepts from a file and ignores, with what it does instead. */
const JAVA_ONLY: Record<string, string> = {
  'interceptor.classes': 'samsa runs no Java interceptors; use the logger option or the diagnostics_channel hooks',
  'send.buffer.bytes': 'socket buffer sizes are left to the operating system',
  'receive.buffer.bytes': 'socket buffer sizes are left to the operating system',
  'client.dns.lookup': "host names are resolved by Node's resolver",
  'metric.reporters': 'samsa has no JMX metric reporters',
  'metrics.num.samples': 'samsa has no JMX metrics',
  'metrics.sample.window.ms': 'samsa has no JMX metrics',
  'metrics.recording.level': 'samsa has no JMX metrics',
  'auto.include.jmx.reporter': 'samsa has no JMX metric reporters',
  'sasl.client.callback.handler.class': 'samsa signs AWS_MSK_IAM itself (what software.amazon.msk.auth.iam.IAMClientCallbackHandler does) and runs no other Java handler',
  'partitioner.class': "samsa partitions as Java's built-in partitioner does (murmur2 of the key, sticky batches without a key)",
}

export type PropertiesClient = 'producer' | 'consumer' | 'admin'

const KEYS: Record<PropertiesClient, ReadonlySet<string>> = {
  producer: new Set(Object.keys(producerSchema.shape)),
  consumer: new Set(Object.keys(consumerSchema.shape)),
  admin: new Set(Object.keys(adminSchema.shape)),
}

/**
 * Reads `source` (a file path, or the text itself when it has a line break or
 * an `=`) and returns the config for `client`, `overrides` applied last.
 */
export function configFromProperties(source: string, client: PropertiesClient, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  if (typeof source !== 'string') throw new ConfigError(`${client}.fromProperties expects a file path or .properties text, got ${typeof source}`)
  let text: string
  if (fs.existsSync(source) && fs.statSync(source).isFile()) {
    text = fs.readFileSync(source, 'utf8')
  } else if (/[\n=]/.test(source)) {
    text = source
  } else {
    throw new ConfigError(`${client}.fromProperties: no such file "${source}" (pass a path to a Java .properties file, or its text)`)
  }
  const props = parseProperties(text)
  const config: Record<string, unknown> = {}
  const log = Log.forClient(overrides, `samsa:${client}`)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'partitioner.class' && !JAVA_PARTITIONERS.has(value)) {
      throw new ConfigError(`${client} config "partitioner.class" = ${JSON.stringify(value)}: a Java class samsa cannot run; ` +
        `leave it out (samsa partitions as Java's DefaultPartitioner) or pass a partitioner function in code`, { context: { key } })
    }
    const instead = JAVA_ONLY[key]
    if (instead !== undefined) {
      log.warn(`config "${key}" from the properties file is ignored: ${instead}`, { key })
      continue
    }
    // one file for several clients (as Confluent's and MSK's are): Java warns and ignores the others' keys
    const owners = (Object.keys(KEYS) as PropertiesClient[]).filter((c) => KEYS[c].has(key))
    if (!KEYS[client].has(key) && owners.length > 0) {
      log.warn(`config "${key}" from the properties file is a ${owners.join('/')} setting; the ${client} ignores it`, { key })
      continue
    }
    config[key] = value
  }
  return { ...config, ...overrides }
}
