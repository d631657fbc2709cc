// Where the integration tests find Kafka. `npm test` (scripts/test.ts) starts
// a broker unless KAFKA_BOOTSTRAP is set, and exports KAFKA_BOOTSTRAP and
// KAFKA_VERSION to the test processes.

import crypto from 'node:crypto'

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092'
export const DEFAULT_KAFKA_VERSION = '4.4.0'

// Comma-separated host:port list, e.g. '127.0.0.1:9092' or '127.0.0.1:9092,127.0.0.1:9093'.
export function bootstrapServers (): string {
  return process.env.KAFKA_BOOTSTRAP || DEFAULT_BOOTSTRAP
}

// The bootstrap list split into host/port pairs.
export function brokerAddresses (): Array<{ host: string, port: number }> {
  return bootstrapServers().split(',').map((entry) => {
    const s = entry.trim()
    const colon = s.lastIndexOf(':')
    const host = s.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
    return { host, port: Number(s.slice(colon + 1)) }
  })
}

let counter = 0

// A topic/group/transactional id nobody else uses: tests may run concurrently
// against the same broker, and a broker outlives many runs.
// Only [a-zA-Z0-9._-] (legal in topic names), at most 249 characters.
export function uniqueName (prefix = 'samsa'): string {
  counter += 1
  const clean = prefix.replace(/[^a-zA-Z0-9._-]/g, '-')
  return `${clean}-${process.pid}-${counter}-${crypto.randomBytes(4).toString('hex')}`.slice(0, 249)
}

// The broker's Kafka release as the harness started it (KAFKA_VERSION), e.g. '4.4.0' or '3.9.1'.
export function kafkaVersion (): string {
  return process.env.KAFKA_VERSION || DEFAULT_KAFKA_VERSION
}

// true when the broker's release is at least `version`, e.g. kafkaVersionAtLeast('4.0').
export function kafkaVersionAtLeast (version: string): boolean {
  const have = kafkaVersion().split('.').map((p) => parseInt(p, 10) || 0)
  const want = version.split('.').map((p) => parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const a = have[i] ?? 0
    const b = want[i] ?? 0
    if (a !== b) return a > b
  }
  return true
}

// KIP-848 (the 'consumer' group protocol) is generally available from Kafka 4.0.
// The test cluster also enables the 3.9 preview, but tests should not rely on it.
export function supportsConsumerGroupProtocol (): boolean {
  return kafkaVersionAtLeast('4.0')
}

/**
 * The port base of a test file's private cluster: `KAFKA_TEST_PORT_BASE`
 * (default 9400) plus the file's own offset, so that two checkouts or a CI run
 * beside a developer's clusters can move every private cluster at once.
 * Offsets in use: producer/restart 40, producer/failover 80, network/secure
 * 240, consumer/restart 340 (each node takes base + i - 1, and the cluster
 * also listens on +10000, +11000 and +20000 from there).
 */
export function privateClusterPortBase (offset: number): number {
  const env = process.env.KAFKA_TEST_PORT_BASE
  const base = env === undefined || env === '' ? 9400 : Number(env)
  if (!Number.isInteger(base) || base < 1024 || base + offset > 65535 - 20000 - 16) {
    throw new Error(`KAFKA_TEST_PORT_BASE=${env} is not usable (1024..${65535 - 20000 - 16 - 400})`)
  }
  return base + offset
}
