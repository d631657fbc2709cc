// A program that uses samsa as an application would: the installed package
// (import 'samsa', the built dist/), not the sources. scripts/runtimes/run.sh
// runs it on Node 20/22/24, Bun and Deno against a real broker:
//   <runtime> smoke.mjs <bootstrap>
// Prints one line 'samsa smoke on <runtime>: ok (...)' and exits 0, or
// prints the error and exits 1. It never runs longer than 90 s.
import { Admin, Consumer, Producer, serializers, deserializers } from 'samsa'
import { createRequire } from 'node:module'
/* global setTimeout, clearTimeout -- every runtime it runs on has them */

const bootstrap = process.argv[2] ?? process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const runtime = globalThis.Deno ? `Deno ${globalThis.Deno.version.deno}` : globalThis.Bun ? `Bun ${globalThis.Bun.version}` : `Node ${process.version}`
const guard = setTimeout(() => { console.error(`samsa smoke on ${runtime}: timed out`); process.exit(1) }, 90_000)

async function main () {
  // the CommonJS build loads too
  const cjs = createRequire(import.meta.url)('samsa')
  if (typeof cjs.Producer !== 'function') throw new Error("require('samsa') has no Producer")
  const id = `${Date.now()}-${Math.random().toString(16).slice(2, 8)}`
  const topic = `runtime-smoke-${id}`
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'compression.type': 'gzip', 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  const consumer = new Consumer({
    'bootstrap.servers': bootstrap, 'group.id': `runtime-smoke-g-${id}`, 'auto.offset.reset': 'earliest', 'enable.auto.commit': false,
    'key.deserializer': deserializers.string, 'value.deserializer': deserializers.string
  })
  try {
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }])
    const sent = Array.from({ length: 10 }, (_, i) => `v${i}`)
    await Promise.all(sent.map((value, i) => producer.send({ topic, key: `k${i}`, value })))
    consumer.subscribe([topic])
    const got = []
    const until = Date.now() + 60_000
    while (got.length < sent.length && Date.now() < until) for (const r of await consumer.poll(500)) got.push(r.value)
    if (got.sort().join() !== sent.sort().join()) throw new Error(`consumed ${JSON.stringify(got)}, expected ${JSON.stringify(sent)}`)
    await consumer.commitSync()
    const committed = (await admin.listConsumerGroupOffsets(`runtime-smoke-g-${id}`)).reduce((n, o) => n + o.offset, 0n)
    if (committed !== 10n) throw new Error(`committed offsets add up to ${committed}, expected 10`)
    await admin.deleteTopics([topic])
    console.log(`samsa smoke on ${runtime}: ok (10 records produced with gzip, consumed in a group, committed)`)
  } finally {
    await consumer.close()
    await producer.close()
    await admin.close()
  }
}

main().then(() => { clearTimeout(guard) }, (err) => {
  console.error(`samsa smoke on ${runtime}: FAILED: ${err && err.stack ? err.stack : err}`)
  process.exit(1)
})
