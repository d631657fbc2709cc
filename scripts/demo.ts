// npm run demo: starts a local broker (unless KAFKA_BOOTSTRAP names one),
// shows the cluster through Admin, creates a topic, runs the producer and
// consumer examples where they exist, and stops what it started.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { REPO_ROOT, releaseCluster, startCluster } from './kafka/cluster.js'
import { Admin } from '../src/index.js'

async function main(): Promise<void> {
  let bootstrap = process.env.KAFKA_BOOTSTRAP
  let leased = false
  if (!bootstrap) {
    console.log('Starting a local Kafka broker (first run fetches Apache Kafka from Maven Central)...')
    const info = await startCluster({ nodes: 1, owner: 'harness', lease: true, reuseAny: true, log: (m) => console.log(`  ${m}`) })
    bootstrap = info.bootstrap
    leased = true
    console.log(`Kafka ${info.version} is up at ${bootstrap}\n`)
  }
  try {
    const admin = new Admin({ 'bootstrap.servers': bootstrap, 'client.id': 'samsa-demo' })
    try {
      const cluster = await admin.describeCluster()
      console.log(`Cluster ${cluster.clusterId}, controller ${cluster.controller}`)
      for (const b of cluster.brokers) console.log(`  broker ${b.nodeId} at ${b.host}:${b.port}`)
      const topic = 'samsa-demo'
      if (!(await admin.listTopics()).includes(topic)) {
        await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1 }])
        console.log(`Created topic ${topic}`)
      }
      const [d] = await admin.describeTopics([topic])
      console.log(`Topic ${d!.name} (id ${d!.topicId}), ${d!.partitions.length} partitions:`)
      for (const p of d!.partitions) console.log(`  partition ${p.partition}: leader ${p.leader}, replicas [${p.replicas}], isr [${p.isr}]`)
      const ends = await admin.listOffsets(d!.partitions.map((p) => ({ topic, partition: p.partition, timestamp: 'latest' as const })))
      console.log(`End offsets: ${ends.map((o) => `${o.partition}=${o.offset}`).join(', ')}`)
      console.log(`Topics: ${(await admin.listTopics()).join(', ')}\n`)
    } finally {
      await admin.close()
    }
    for (const example of ['producer.ts', 'consumer.ts']) {
      const file = path.join(REPO_ROOT, 'examples', example)
      if (!fs.existsSync(file)) continue
      console.log(`--- examples/${example}`)
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
        stdio: 'inherit',
        env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap, DEMO: '1' },
        timeout: 120000,
      })
      if (r.status !== 0) throw new Error(`examples/${example} failed (exit ${r.status ?? r.signal})`)
    }
  } finally {
    if (leased) {
      await releaseCluster({ log: () => {} })
      console.log('Stopped the local broker.')
    }
  }
}

main().catch((e: Error) => {
  console.error(`demo failed: ${e.message}`)
  process.exitCode = 1
})
