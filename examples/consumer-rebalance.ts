// A consumer with a rebalance listener (Java's ConsumerRebalanceListener
// example). It commits in the background every few seconds, and — the point of
// the listener — also right before its partitions move to another member, so
// the next owner starts exactly where this one stopped: no record is
// processed twice across a rebalance.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/consumer-rebalance.ts [topic] [member-name]
//
// Start it twice with the same topic (in two terminals) and watch the
// partitions split between the members; stop one (Ctrl-C) and watch the
// other take them all back.
//
// With DEMO=1 it stops once it has seen no record for IDLE_POLLS polls
// (default 5).
import { Consumer, WakeupError, type TopicPartition, type TopicPartitionOffset } from '../src/index.js'

const topic = process.argv[2] ?? 'samsa-demo'
const name = process.argv[3] ?? `member-${process.pid}`
const demo = process.env.DEMO === '1'
const idlePolls = Number(process.env.IDLE_POLLS ?? 5)

const consumer = new Consumer({
  'bootstrap.servers': process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092',
  'group.id': process.env.GROUP ?? `rebalance-demo-${topic}`,
  'client.id': name,
  'enable.auto.commit': false,
  'auto.offset.reset': 'earliest',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})

/** The next offset to read of each partition this member has processed records of, not yet committed. */
const processed = new Map<string, TopicPartitionOffset>()
const show = (tps: TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort().join(', ') || '(none)'

async function commitProcessed(tps?: TopicPartition[]): Promise<void> {
  const keys = tps ? tps.map((tp) => `${tp.topic}-${tp.partition}`) : [...processed.keys()]
  const offsets = keys.flatMap((k) => processed.get(k) ?? [])
  if (offsets.length === 0) return
  await consumer.commitSync(offsets)
  for (const k of keys) processed.delete(k)
  console.log(`${name} committed ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(', ')}`)
}

consumer.subscribe([topic], {
  // Runs inside poll() before the partitions move: commit what was processed.
  async onPartitionsRevoked(tps) {
    console.log(`${name} revoked: ${show(tps)}`)
    await commitProcessed(tps)
  },
  onPartitionsAssigned(tps) {
    console.log(`${name} assigned: ${show(tps)}; owns now: ${show(consumer.assignment())}`)
  },
  // The member was fenced (e.g. its session expired): too late to commit, someone else owns them.
  onPartitionsLost(tps) {
    console.log(`${name} lost: ${show(tps)}`)
    for (const tp of tps) processed.delete(`${tp.topic}-${tp.partition}`)
  },
})
process.once('SIGINT', () => consumer.wakeup())

const COMMIT_EVERY_MS = 5000
let lastCommit = Date.now()
let idle = 0
try {
  while (!demo || idle < idlePolls) {
    const records = await consumer.poll(1000)
    idle = records.isEmpty ? idle + 1 : 0
    for (const r of records) {
      console.log(`${name} processed ${r.topic}-${r.partition}@${r.offset}: ${r.value}`)
      processed.set(`${r.topic}-${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1n })
    }
    if (Date.now() - lastCommit >= COMMIT_EVERY_MS) {
      await commitProcessed()
      lastCommit = Date.now()
    }
  }
} catch (e) {
  if (!(e instanceof WakeupError)) throw e
} finally {
  // Commit what was processed, then close(): it revokes the partitions
  // through the listener and leaves the group, so the others take over at once.
  await commitProcessed()
  await consumer.close()
  console.log(`${name} closed`)
}
