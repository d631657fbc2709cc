import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { startExample } from './run-example.js'

const spanRe = /^span "([^"]+)" kind=(\d) trace=(\w+) id=(\w+) parent=(\S+)$/

test('examples/opentelemetry.ts: each record\'s process span is a child of its send span, in the checkout\'s trace',
  { skip: process.env.SAMSA_EXAMPLE_RUNTIME !== undefined && 'needs the OpenTelemetry SDK beside the installed package' }, async () => {
    const topic = uniqueName('otel-example')
    const run = startExample('examples/opentelemetry.ts', [topic], { GROUP: uniqueName('otel-example') })
    const { code, stderr } = await run.exited
    assert.equal(code, 0, stderr + run.stdout())
    const spans = run.lines().map((l) => spanRe.exec(l)).filter((m) => m !== null).map(([, name, kind, traceId, id, parent]) => ({ name, kind, traceId, id, parent }))
    const checkout = spans.find((s) => s.name === 'checkout')!
    const sends = spans.filter((s) => s.name === `send ${topic}`)
    const processes = spans.filter((s) => s.name === `process ${topic}`)
    const ships = spans.filter((s) => s.name === 'ship')
    assert.equal(sends.length, 3, run.stdout())
    assert.equal(processes.length, 3)
    for (const s of sends) assert.deepEqual([s.traceId, s.parent, s.kind], [checkout.traceId, checkout.id, '3' /* PRODUCER */])
    for (const p of processes) {
      assert.equal(p.traceId, checkout.traceId)
      assert.ok(sends.some((s) => s.id === p.parent), 'a process span\'s parent is a send span')
      assert.equal(p.kind, '4' /* CONSUMER */)
    }
    assert.deepEqual(ships.map((s) => s.parent).sort(), processes.map((p) => p.id).sort())
    assert.equal(run.lines().filter((l) => /^handled order-\d \(traceparent 00-\w{32}-\w{16}-01\)$/.test(l)).length, 3)
  })
