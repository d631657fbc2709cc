// @kafkats/client: job.consumers group consumers in this one process, runBatch
// each; what a member owns follows its partitionsAssigned / partitionsRevoked /
// partitionsLost events.
import { GroupCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { KafkaClient } = await importPeer('@kafkats/client')
  const members = job.consumers ?? 8
  const counter = new GroupCounter(job.count, members, job.partitions * job.topics.length)  // joinMs counts from here
  const client = new KafkaClient({ clientId: 'bench', brokers: [job.bootstrap], logLevel: 'error' })
  await client.connect()
  const consumers = Array.from({ length: members }, (_, i) => {
    const consumer = client.consumer({
      groupId: job.groupId,
      autoOffsetReset: 'earliest',
      isolationLevel: 'read_uncommitted',
      minBytes: 1,
      maxWaitMs: 500,
      maxBytesPerPartition: 1024 * 1024
    })
    const owned = new Set<string>()
    const key = (tp: { topic: string, partition: number }): string => `${tp.topic}:${tp.partition}`
    consumer.on('partitionsAssigned', (tps: any[]) => { for (const tp of tps) owned.add(key(tp)); counter.owns(i, owned.size) })
    const drop = (tps: any[]): void => { for (const tp of tps) owned.delete(key(tp)); counter.owns(i, owned.size) }
    consumer.on('partitionsRevoked', drop)
    consumer.on('partitionsLost', drop)
    const running = consumer.runBatch(job.topics, async (messages: any[]) => {
      let bytes = 0
      for (const m of messages) {
        bytes += m.value ? m.value.length : 0
        counter.see(m.partition, m.offset, m.topic)
      }
      counter.add(messages.length, bytes)
    })
    running.catch((err: unknown) => { process.stderr.write(`runBatch: ${String(err)}\n`) })
    return { consumer, running }
  })
  await counter.finished()
  return {
    report: consumed(counter, meter, `${members} consumers, runBatch`),
    close: async () => {
      for (const c of consumers) c.consumer.stop()
      await Promise.all(consumers.map((c) => c.running.catch(() => {})))
      await client.disconnect()
    }
  }
})
