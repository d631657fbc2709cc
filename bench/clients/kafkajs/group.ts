// KafkaJS 2.2.4: job.consumers group consumers in this one process, eachBatch
// each; what a member owns comes from its GROUP_JOIN event (memberAssignment).
import { GroupCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'
import { eachBatch, fetchSettings } from './batch.js'

await runDriver(async (job, meter) => {
  const { Kafka, logLevel } = await importPeer('kafkajs')
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const members = job.consumers ?? 8
  const counter = new GroupCounter(job.count, members, job.partitions * job.topics.length)  // joinMs counts from here
  const consumers = await Promise.all(Array.from({ length: members }, async (_, i) => {
    const consumer = kafka.consumer({ groupId: job.groupId, ...fetchSettings(job) })
    consumer.on(consumer.events.GROUP_JOIN, (e: any) => {
      const owned = Object.values(e.payload.memberAssignment as Record<string, number[]>).reduce((n, ps) => n + ps.length, 0)
      counter.owns(i, owned)
    })
    await consumer.connect()
    await consumer.subscribe({ topics: job.topics, fromBeginning: true })
    await consumer.run({ eachBatchAutoResolve: true, eachBatch: eachBatch(counter) })
    return consumer
  }))
  await counter.finished()
  return { report: consumed(counter, meter, `${members} consumers, eachBatch`), close: () => Promise.all(consumers.map((c: any) => c.disconnect())) }
})
