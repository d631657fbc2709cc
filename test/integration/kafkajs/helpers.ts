// Shared set-up for the samsa/kafkajs integration tests.
import { after, before } from 'node:test'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Kafka, logLevel, type Admin, type KafkaConfig, type Producer } from '../../../src/kafkajs/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

export { uniqueName }

export function kafka(overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId: 'kafkajs-test', brokers: bootstrapServers().split(','), logLevel: logLevel.NOTHING, ...overrides })
}

export async function createTopic(admin: Admin, numPartitions = 1, prefix = 'kjs'): Promise<string> {
  const topic = uniqueName(prefix)
  await admin.createTopics({ topics: [{ topic, numPartitions }] })
  return topic
}

/** Resolves once `check()` is true; fails after `timeoutMs` naming `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A Kafka client with a connected admin and producer for the whole test file (disconnected after it). */
export function sharedClients(): { client: Kafka; admin: Admin; producer: Producer } {
  const client = kafka()
  const shared = { client, admin: client.admin(), producer: client.producer() }
  before(async () => {
    await shared.admin.connect()
    await shared.producer.connect()
  })
  after(async () => {
    await shared.producer.disconnect()
    await shared.admin.disconnect()
  })
  return shared
}

const KAFKAJS_DIR = join(process.cwd(), '.bench/peers/node_modules/kafkajs')

/** Why tests comparing with real KafkaJS skip (false when it is installed in .bench/peers, as .ci/run does). */
export const noKafkaJS: string | false = !existsSync(join(KAFKAJS_DIR, 'package.json')) && 'KafkaJS is not installed in .bench/peers (.ci/run installs it)'

/** Real KafkaJS 2.x (from .bench/peers), untyped: its API is the facade's. */
export function realKafkaJS(): { Kafka: new (config: object) => Kafka; logLevel: { NOTHING: number } } {
  return createRequire(import.meta.url)(KAFKAJS_DIR) as { Kafka: new (config: object) => Kafka; logLevel: { NOTHING: number } }
}
