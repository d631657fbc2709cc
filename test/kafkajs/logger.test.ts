import { test } from 'node:test'
import assert from 'node:assert/strict'
import { consoleLogCreator, createLogger } from '../../src/kafkajs/logger.js'
import { logLevel, type LogEntry } from '../../src/kafkajs/index.js'

function capture(level?: logLevel) {
  const entries: LogEntry[] = []
  let createdWith: logLevel | undefined
  const logger = createLogger({
    level,
    logCreator: (l) => {
      createdWith = l
      return (entry) => entries.push(entry)
    },
  })
  return { logger, entries, createdWith: () => createdWith }
}

test('entries below the level are dropped; entries carry KafkaJS fields', () => {
  const { logger, entries, createdWith } = capture(logLevel.WARN)
  assert.equal(createdWith(), logLevel.WARN)
  logger.debug('d')
  logger.info('i')
  logger.warn('w', { extra: 1 })
  logger.error('e')
  assert.deepEqual(entries.map((e) => [e.label, e.level, e.log.message]), [['WARN', logLevel.WARN, 'w'], ['ERROR', logLevel.ERROR, 'e']])
  assert.equal(entries[0]!.log.logger, 'kafkajs')
  assert.equal(entries[0]!.log.extra, 1)
  assert.match(entries[0]!.log.timestamp, /^\d{4}-\d\d-\d\dT/)
  logger.setLogLevel(logLevel.DEBUG)
  logger.debug('now')
  assert.equal(entries.at(-1)!.log.message, 'now')
})

test('the default level is INFO; namespaces carry their own level', () => {
  const { logger, entries } = capture()
  logger.debug('hidden')
  const ns = logger.namespace('Consumer')
  ns.info('shown')
  assert.deepEqual(entries.map((e) => [e.namespace, e.log.message]), [['Consumer', 'shown']])
  logger.namespace('Quiet', logLevel.NOTHING).error('nothing')
  assert.equal(entries.length, 1)
})

test('KAFKAJS_LOG_LEVEL overrides the configured level', () => {
  process.env.KAFKAJS_LOG_LEVEL = 'debug'
  try {
    const { logger, entries } = capture(logLevel.ERROR)
    logger.debug('d')
    assert.equal(entries.length, 1)
  } finally {
    delete process.env.KAFKAJS_LOG_LEVEL
  }
})

test('a log function that throws does not break the caller', () => {
  const logger = createLogger({ logCreator: () => () => { throw new Error('broken sink') } })
  assert.doesNotThrow(() => logger.error('x'))
})

test('the console log creator prints one JSON line with the namespace as a prefix', (t) => {
  const lines: string[] = []
  t.mock.method(console, 'info', (s: string) => lines.push(s))
  consoleLogCreator(logLevel.INFO)({ namespace: 'Producer', level: logLevel.INFO, label: 'INFO', log: { timestamp: 't', message: 'hello', logger: 'kafkajs', n: 1 } })
  assert.deepEqual(JSON.parse(lines[0]!), { level: 'INFO', timestamp: 't', message: '[Producer] hello', logger: 'kafkajs', n: 1 })
})
