// The Java tools have no fixed-rate end-to-end latency test (EndToEndLatency
// keeps one record in flight), so this cell is not measured.
import { runDriver, Unavailable } from '../../lib/driver.js'

await runDriver(async () => {
  throw new Unavailable('Kafka\'s tools have no fixed-rate end-to-end latency test')
})
