/**
 * KafkaJS's logger: `logLevel` and `logCreator` as KafkaJS defines them.
 *
 * Contract: a log call below the logger's level does nothing. Each entry
 * handed to the log function is `{ namespace, level, label, log: { timestamp,
 * logger: 'kafkajs', message, ...extra } }`. `KAFKAJS_LOG_LEVEL` (NOTHING,
 * ERROR, WARN, INFO, DEBUG) overrides the configured level, as in KafkaJS.
 * The default log creator prints one JSON line per entry to the console.
 * A log function that throws never breaks the client: the error is dropped.
 * Entries never carry secrets (no config values are logged).
 * The engine's own entries (rebalances, retries, fencing, connection loss)
 * reach the same log function through {@link engineLogger}, under KafkaJS's
 * namespaces and levels.
 */
import type { Logger as SamsaLogger, LogFields } from '../logger.js'
import { logLevel, type LogEntry, type Logger, type logCreator } from './types.js'

const LABELS: [label: string, level: logLevel][] = [
  ['ERROR', logLevel.ERROR],
  ['WARN', logLevel.WARN],
  ['INFO', logLevel.INFO],
  ['DEBUG', logLevel.DEBUG],
]

function fromEnvironment(level: logLevel): logLevel {
  const name = (process.env.KAFKAJS_LOG_LEVEL ?? '').toUpperCase()
  const found = (logLevel as unknown as Record<string, logLevel | undefined>)[name]
  return typeof found === 'number' ? found : level
}

/** KafkaJS's default log creator: a JSON line per entry on the console. */
export const consoleLogCreator: logCreator = () => ({ namespace, level, label, log }) => {
  const prefix = namespace ? `[${namespace}] ` : ''
  const line = JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}` })
  if (level === logLevel.ERROR) console.error(line)
  else if (level === logLevel.WARN) console.warn(line)
  else if (level === logLevel.INFO) console.info(line)
  else if (level === logLevel.DEBUG) console.log(line)
}

export function createLogger(options: { level?: logLevel; logCreator?: logCreator } = {}): Logger {
  let rootLevel = fromEnvironment(options.level ?? logLevel.INFO)
  const write = (options.logCreator ?? consoleLogCreator)(rootLevel)

  const make = (namespace: string, ownLevel: logLevel | undefined): Logger => {
    const current = () => ownLevel ?? rootLevel
    const at = (label: string, level: logLevel) => (message: string, extra: object = {}) => {
      if (level > current()) return
      const entry: LogEntry = {
        namespace,
        level,
        label,
        log: { timestamp: new Date().toISOString(), logger: 'kafkajs', message, ...extra },
      }
      try {
        write(entry)
      } catch {
        // a broken log function must not break the client
      }
    }
    const fns = Object.fromEntries(LABELS.map(([label, level]) => [label.toLowerCase(), at(label, level)])) as Pick<Logger, 'info' | 'error' | 'warn' | 'debug'>
    return {
      ...fns,
      namespace: (ns: string, level?: logLevel) => make(ns, level === undefined || level === null ? undefined : fromEnvironment(level)),
      setLogLevel: (level: logLevel) => {
        rootLevel = level
      },
    }
  }
  return make('', undefined)
}

/** KafkaJS's namespace for a samsa one: what a KafkaJS user would filter on. */
function kafkaJSNamespace(samsa: unknown): string {
  const ns = typeof samsa === 'string' ? samsa : ''
  if (ns.startsWith('samsa:network')) return 'Connection'
  if (ns.startsWith('samsa:consumer')) return 'Consumer'
  if (ns.startsWith('samsa:producer')) return 'Producer'
  if (ns.startsWith('samsa:admin')) return 'Admin'
  return 'Cluster'
}

/**
 * The samsa `logger` option for the clients of one `Kafka`: engine entries go
 * to `root` (the logger built from logLevel and logCreator), so they are
 * filtered by KafkaJS's level and reach the user's logCreator. samsa's
 * namespace travels as the entry's `samsaNamespace`.
 */
export function engineLogger(root: Logger): SamsaLogger {
  const byNamespace = new Map<string, Logger>()
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    const { namespace, ...rest } = fields ?? {}
    const name = kafkaJSNamespace(namespace)
    let logger = byNamespace.get(name)
    if (logger === undefined) {
      logger = root.namespace(name)
      byNamespace.set(name, logger)
    }
    logger[level](message, namespace === undefined ? rest : { ...rest, samsaNamespace: namespace })
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
