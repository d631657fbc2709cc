// @platformatic/kafka (Node 22): job.consumers group consumers in this one
// process, a consume() stream each; what a member owns is its `assignments`,
// read at every 'consumer:group:join'.
import { GroupCounter, consumed, countEach, importPeer, runDriver } from '../../lib/driver.js'
import { consumeOptions } from './options.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await importPeer('@platformatic/kafka')
  const members = job.consumers ?? 8
  const counter = new GroupCounter(job.count, members, job.partitions * job.topics.length)  // joinMs counts from here
  const owned = (assignments: Array<{ partitions: number[] }> | null | undefined): number =>
    (assignments ?? []).reduce((n, a) => n + a.partitions.length, 0)
  const consumers = await Promise.all(Array.from({ length: members }, async (_, i) => {
    const consumer = new Consumer({ clientId: `bench-${i}`, groupId: job.groupId, bootstrapBrokers: [job.bootstrap] })
    consumer.on('consumer:group:join', (payload: any) => { counter.owns(i, owned(payload?.assignments ?? consumer.assignments)) })
    const stream = await consumer.consume(consumeOptions(job))
    stream.on('data', countEach(counter))
    stream.on('error', (err: unknown) => { process.stderr.write(`stream: ${String(err)}\n`) })
    return { consumer, stream }
  }))
  await counter.finished()
  return {
    report: consumed(counter, meter, `${members} consumers, stream 'data' events`),
    close: () => Promise.all(consumers.map(async (c) => { await c.stream.close(); await c.consumer.close(true) }))
  }
})
