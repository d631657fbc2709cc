/**
 * Logging: the one module every part of samsa logs through.
 *
 * Contract:
 * - A client's `logger` option (`{ debug, info, warn, error }`, each
 *   `(message, fields?)`) receives what the engine has to say; without it
 *   the sink is the `debug` package under `samsa:*` namespaces (enable with
 *   `DEBUG=samsa:*`), with the level in front of non-debug lines.
 * - Levels: `error` — the client cannot go on as asked (a fatal producer
 *   error); `warn` — something the user should act on or know (fencing, lost
 *   partitions, connection lost, config warnings, a listener that threw);
 *   `info` — rebalances (partitions assigned and revoked), reconnections,
 *   retries of user data; `debug` — everything else.
 * - Every entry carries `namespace` (e.g. `samsa:consumer:group`) in its fields.
 * - Secrets never reach a sink: field values whose key names a secret
 *   (password, secret, token, jaas, credentials, private key, ...) become
 *   `'[redacted]'` at any depth, and the client's own secret config values
 *   (`sasl.password`, the password in `sasl.jaas.config`, `ssl.key.password`,
 *   `ssl.keystore.key`, ...) are cut out of every message and string field.
 *   Errors in fields are reduced to their name, type, code and message.
 * - A logger that throws never breaks the client: the entry is dropped.
 */
import createDebug, { type Debugger } from 'debug'

export type LogFields = Record<string, unknown>

/** What the `logger` option takes: pino, winston, console-like objects fit. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

/** True for an object with the four logging functions. */
export function isLogger(v: unknown): v is Logger {
  return v !== null && (typeof v === 'object' || typeof v === 'function') &&
    LEVELS.every((l) => typeof (v as Record<string, unknown>)[l] === 'function')
}

/** Key names whose values are never logged. */
export const SECRET_KEY = /pass(word|phrase)?$|password|secret|token|jaas|credential|private.?key|keystore\.key$|keystore\.pkcs12$|api.?key|authorization/i

const REDACTED = '[redacted]'

/** The secret values of a config: what its secret keys hold, and the password inside a JAAS line. */
export function secretsOf(config: Record<string, unknown>): string[] {
  const out = new Set<string>()
  for (const [k, v] of Object.entries(config)) {
    if (typeof v !== 'string' || v === '' || !SECRET_KEY.test(k)) continue
    out.add(v)
    if (/jaas/i.test(k)) {
      for (const m of v.matchAll(/password\s*=\s*"([^"]*)"/g)) if (m[1]) out.add(m[1])
    }
  }
  // Longest first, so a secret containing another is cut out whole.
  return [...out].sort((a, b) => b.length - a.length)
}

const sinks = new Map<string, Debugger>()

function debugSink(namespace: string): Debugger {
  let d = sinks.get(namespace)
  if (d === undefined) {
    d = createDebug(namespace)
    sinks.set(namespace, d)
  }
  return d
}

interface Root {
  logger: Logger | undefined
  secrets: readonly string[]
}

/** A client's logger for one namespace. Create with {@link Log.forClient}, narrow with `child`. */
export class Log {
  private constructor(private readonly root: Root, readonly namespace: string) {}

  /**
   * The root logger of a client, from its parsed config: the `logger` option
   * (or the `debug` package) and the config's secret values to scrub.
   */
  static forClient(config: object, namespace = 'samsa'): Log {
    const c = config as Record<string, unknown>
    const logger = isLogger(c.logger) ? c.logger : undefined
    return new Log({ logger, secrets: secretsOf(c) }, namespace)
  }

  /** Logs to the `debug` package only, for code that has no client (tools, tests). */
  static standalone(namespace: string): Log {
    return new Log({ logger: undefined, secrets: [] }, namespace)
  }

  /** `owner`'s client logger narrowed to `sub`; the debug package when the owner has none (tests' stand-ins). */
  static of(owner: { readonly log?: Log } | undefined, sub: string): Log {
    return (owner?.log ?? Log.standalone('samsa')).child(sub)
  }

  /** The logger for `samsa:<this namespace>:<sub>`. */
  child(sub: string): Log {
    return new Log(this.root, `${this.namespace}:${sub}`)
  }

  /** False when nothing would be written at debug level (skip building costly messages). */
  get debugEnabled(): boolean {
    return this.root.logger !== undefined || debugSink(this.namespace).enabled
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields)
  }

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields)
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields)
  }

  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields)
  }

  private write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    const { logger, secrets } = this.root
    if (logger === undefined) {
      const d = debugSink(this.namespace)
      if (!d.enabled) return
      const clean = fields === undefined ? undefined : (redact(fields, secrets, 0) as LogFields)
      const text = scrub(String(message), secrets) + (clean === undefined ? '' : formatFields(clean))
      d(level === 'debug' ? '%s' : `${level.toUpperCase()} %s`, text)
      return
    }
    const out = { ...(fields === undefined ? {} : (redact(fields, secrets, 0) as LogFields)), namespace: this.namespace }
    try {
      logger[level](scrub(String(message), secrets), out)
    } catch {
      // a broken logger must not break the client
    }
  }
}

/** Cuts the secret values out of `s`. */
export function scrub(s: string, secrets: readonly string[]): string {
  for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join(REDACTED)
  return s
}

/** A copy of `v` safe to log: secret keys redacted, secret values cut out, errors and buffers summarised. */
export function redact(v: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof v === 'string') return scrub(v, secrets)
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? '[function]' : v
  if (depth > 5) return '[object]'
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `[${v.byteLength} bytes]`
  if (v instanceof Error) {
    const e = v as Error & { type?: unknown; code?: unknown }
    return {
      name: e.name,
      message: scrub(String(e.message), secrets),
      ...(typeof e.type === 'string' ? { type: e.type } : {}),
      ...(e.code !== undefined ? { code: e.code } : {}),
    }
  }
  if (Array.isArray(v)) return v.map((x) => redact(x, secrets, depth + 1))
  if (v instanceof Map) return redact(Object.fromEntries(v), secrets, depth)
  if (v instanceof Set) return redact([...v], secrets, depth)
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(x, secrets, depth + 1)
  return out
}

function formatFields(fields: LogFields): string {
  let s = ''
  for (const [k, v] of Object.entries(fields)) {
    const text = typeof v === 'string' ? (/\s|=/.test(v) ? JSON.stringify(v) : v)
      : typeof v === 'bigint' ? String(v)
        : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x))
    s += ` ${k}=${text}`
  }
  return s
}
