// examples/prometheus.ts serves samsa's metrics() to Prometheus: scraped while
// its known load runs, the consumer's lag is above 0 before it has read the
// records and 0 after, and the producer's send rate and totals moved.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { startExample } from './run-example.js'

const RECORDS = 300

/** The value of the sample `name{...}` whose labels include every one of `labels`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return undefined
}

test('examples/prometheus.ts: /metrics shows the lag before consuming, 0 after, and the producer\'s send rate', { timeout: 120_000 }, async () => {
  const topic = uniqueName('prometheus')
  const run = startExample('examples/prometheus.ts', [topic, '0', String(RECORDS)])
  try {
    await run.waitFor((lines) => lines.some((l) => l.startsWith('metrics on ')), 'the endpoint')
    const url = run.lines().find((l) => l.startsWith('metrics on '))!.slice('metrics on '.length)
    const scrape = async () => {
      const res = await fetch(url)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
      return res.text()
    }
    const partition = { client_id: 'prometheus-consumer', topic, partition: '0' }
    let text = ''
    let lag: number | undefined
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      text = await scrape()
      lag = sample(text, 'kafka_consumer_fetch_manager_metrics_records_lag', partition)
      if (lag !== undefined && lag > 0) break
    }
    assert.ok(lag !== undefined && lag > 0 && lag <= RECORDS, `a partition lag above 0 while the records wait (last: ${lag})`)
    const lagMax = sample(text, 'kafka_consumer_fetch_manager_metrics_records_lag_max', { client_id: 'prometheus-consumer', topic, partition: '0' })
    assert.ok(lagMax !== undefined && lagMax >= lag, `records-lag-max ${lagMax} is at least the lag ${lag}`)
    const producer = { client_id: 'prometheus-producer' }
    assert.ok(sample(text, 'kafka_producer_metrics_record_send_rate', producer)! > 0, 'record-send-rate above 0')
    assert.equal(sample(text, 'kafka_producer_metrics_record_send_total', producer), RECORDS)
    assert.ok(sample(text, 'kafka_producer_metrics_outgoing_byte_rate', producer)! > 0, 'outgoing-byte-rate above 0')
    assert.ok(sample(text, 'kafka_producer_metrics_connection_count', producer)! >= 1)

    await run.waitFor((lines) => lines.includes(`consumed ${RECORDS}`), 'every record consumed', 60_000)
    text = await scrape()
    assert.equal(sample(text, 'kafka_consumer_fetch_manager_metrics_records_lag', partition), 0, 'no lag once read')
    assert.equal(sample(text, 'kafka_consumer_fetch_manager_metrics_records_consumed_total', { client_id: 'prometheus-consumer' }), RECORDS)
  } finally {
    run.child.kill('SIGTERM')
  }
  const { code, stderr } = await run.exited
  assert.equal(code, 0, stderr)
  assert.equal(run.lines().at(-1), 'closed')
})
