// The application under test: one step of an at-least-once alerting loop.
// It reads CPU readings, forwards those above a threshold as alerts keyed by
// host, and commits the input only after every alert was acknowledged.
//
// It is written against the calls it uses of samsa's Producer and Consumer,
// so a test can hand it samsa/testing's MockProducer and MockConsumer, and
// production code the real clients (see alerts.test.ts beside it, and
// docs/testing-your-app.md).
import type { Consumer, Producer } from '../../src/index.js'

export interface Reading { host: string; cpu: number }

export type AlertConsumer = Pick<Consumer<Buffer, string>, 'poll' | 'commitSync'>
export type AlertProducer = Pick<Producer<string, string>, 'send' | 'flush'>

/** Polls once, sends an alert per reading over `threshold`, then commits. Returns the alerts sent. */
export async function forwardAlerts(consumer: AlertConsumer, producer: AlertProducer, alertTopic: string, threshold = 80): Promise<number> {
  const records = await consumer.poll(1000)
  const sends: Promise<unknown>[] = []
  for (const record of records) {
    if (record.value === null) continue
    const reading = JSON.parse(record.value) as Reading
    if (reading.cpu <= threshold) continue
    sends.push(producer.send({ topic: alertTopic, key: reading.host, value: `cpu ${reading.cpu}% on ${reading.host}` }))
  }
  // A failed send rejects here, before the commit: the input is read again (at-least-once).
  await Promise.all(sends)
  await consumer.commitSync()
  return sends.length
}
