// The logging module: redaction, the logger option's validation, sinks that
// throw, the KafkaJS bridge; and the shared abort helper's listener hygiene.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { Admin, ConfigError, Consumer, Producer, AbortError, KafkaError } from '../../src/index.js'
import { Log, redact, secretsOf } from '../../src/logger.js'
import { abortable, onAbort, sleep } from '../../src/util/abort.js'
import { engineLogger, createLogger } from '../../src/kafkajs/logger.js'
import { logLevel, type LogEntry } from '../../src/kafkajs/types.js'

function capture() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = []
  const logger = {
    debug: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'debug', message, fields }),
    info: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => lines.push({ level: 'error', message, fields }),
  }
  return { lines, logger }
}

test('secret keys are redacted at any depth, secret values cut out of messages and strings', () => {
  const secret = 'hunter2-very-secret'
  const config = {
    'bootstrap.servers': 'b:9092',
    'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${secret}";`,
    'ssl.key.password': 'kp-secret',
    'ssl.keystore.key': '-----BEGIN PRIVATE KEY-----abc',
  }
  assert.ok(secretsOf(config).includes(secret), 'the password inside the JAAS line is a secret')
  const { lines, logger } = capture()
  const log = Log.forClient({ ...config, logger }).child('test')
  log.warn(`cannot log in with ${secret}`, {
    config,
    nested: { deeper: [{ password: 'p', token: 't', ok: `value ${secret}` }] },
    error: new KafkaError(`failed: ${secret}`, { type: 'X', code: 1 }),
    buf: Buffer.from(secret),
  })
  assert.equal(lines.length, 1)
  const text = JSON.stringify(lines)
  for (const s of [secret, 'kp-secret', 'BEGIN PRIVATE KEY', '"p"', '"t"']) assert.ok(!text.includes(s), `${s} leaked: ${text}`)
  assert.equal(lines[0]!.level, 'warn')
  assert.equal(lines[0]!.message, 'cannot log in with [redacted]')
  assert.equal(lines[0]!.fields!.namespace, 'samsa:test')
  assert.deepEqual(lines[0]!.fields!.error, { name: 'KafkaError', message: 'failed: [redacted]', type: 'X', code: 1 })
  assert.equal((lines[0]!.fields!.config as Record<string, unknown>)['bootstrap.servers'], 'b:9092')
  assert.deepEqual(redact({ a: { 'sasl.password': 'x', b: 2 } }, [], 0), { a: { 'sasl.password': '[redacted]', b: 2 } })
})

test('a logger that throws never breaks the client; the logger option is validated', () => {
  const throwing = { debug() { throw new Error('x') }, info() { throw new Error('x') }, warn() { throw new Error('x') }, error() { throw new Error('x') } }
  Log.forClient({ logger: throwing }).warn('still fine')
  for (const make of [
    (logger: unknown) => new Producer({ 'bootstrap.servers': 'b:9092', logger } as never),
    (logger: unknown) => new Consumer({ 'bootstrap.servers': 'b:9092', logger } as never),
    (logger: unknown) => new Admin({ 'bootstrap.servers': 'b:9092', logger } as never),
  ]) {
    assert.throws(() => make({ info() {} }), (e: unknown) => e instanceof ConfigError && /"logger"/.test(e.message) && /debug, info, warn and error/.test(e.message))
    assert.throws(() => make('console'), ConfigError)
  }
  const { logger } = capture()
  const p = new Producer({ 'bootstrap.servers': 'b:9092', logger })
  void p.close()
  // A class instance (methods on the prototype, `this` inside) is kept as given, not copied.
  class MyLogger {
    seen: string[] = []
    debug(m: string) { this.seen.push(m) }
    info(m: string) { this.seen.push(m) }
    warn(m: string) { this.seen.push(m) }
    error(m: string) { this.seen.push(m) }
  }
  const mine = new MyLogger()
  const a = new Admin({ 'bootstrap.servers': 'b:9092', logger: mine })
  assert.equal(a.config.logger, mine)
  Log.forClient(a.config).info('hello')
  assert.deepEqual(mine.seen, ['hello'])
  void a.close()
})

test('KafkaJS: engine entries reach the logCreator under KafkaJS namespaces and levels', () => {
  const entries: LogEntry[] = []
  const root = createLogger({ level: logLevel.INFO, logCreator: () => (e) => entries.push(e) })
  const log = Log.forClient({ logger: engineLogger(root), 'sasl.password': 'pw-123' })
  log.child('consumer:group').info('partitions assigned: t-0', { groupId: 'g' })
  log.child('network').warn('connection to b:9092 lost with pw-123')
  log.child('producer').debug('below INFO: dropped')
  assert.deepEqual(entries.map((e) => [e.namespace, e.label, e.log.message]), [
    ['Consumer', 'INFO', 'partitions assigned: t-0'],
    ['Connection', 'WARN', 'connection to b:9092 lost with [redacted]'],
  ])
  assert.equal((entries[0]!.log as Record<string, unknown>).groupId, 'g')
  assert.equal((entries[0]!.log as Record<string, unknown>).samsaNamespace, 'samsa:consumer:group')
})

test('abort helper: AbortError with the reason as cause; one listener per signal, removed when calls settle', async () => {
  const ac = new AbortController()
  const calls = Array.from({ length: 50 }, () => abortable(ac.signal, () => sleep(5)))
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1, 'one listener however many calls wait')
  await Promise.all(calls)
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0)

  const reason = new Error('why')
  const pending = abortable(ac.signal, () => new Promise<void>(() => undefined))
  const remove = onAbort(ac.signal, () => undefined)
  ac.abort(reason)
  const err = await pending.then(() => undefined, (e: unknown) => e as AbortError)
  assert.ok(err instanceof AbortError && err instanceof KafkaError)
  assert.equal(err.name, 'AbortError')
  assert.equal(err.type, 'ABORTED')
  assert.equal(err.retriable, false)
  assert.equal(err.cause, reason)
  remove()
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0)
  let started = false
  await assert.rejects(abortable(AbortSignal.abort(), async () => { started = true }), { name: 'AbortError' })
  assert.equal(started, false, 'a pre-aborted signal starts nothing')
})
