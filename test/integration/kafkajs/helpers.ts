// Shared set-up for the samsa/kafkajs integration tests.
import { Kafka, logLevel, type Admin, type KafkaConfig } from '../../../src/kafkajs/index.js'
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
