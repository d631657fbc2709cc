// A JoinGroup answer lost while the broker stops answering (a black hole: connections stay up,
// nothing comes back), then the broker answers again. The broker may hold a JoinGroup up to the
// rebalance timeout, so its own timeout is max.poll.interval.ms + 5 s; without a liveness check the
// member would wait that long (5 minutes at the defaults) for an answer that never comes. The
// connection's probe (src/network/connection.ts, `watch`) asks the broker over another connection
// every request.timeout.ms and closes the held connection when that goes unanswered, so the member
// joins again once the broker answers. FakeKafka behind a FaultProxy; a CI run of the fault tests
// stalled this way (issue 18's black-hole case).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer } from '../../../src/index.js'
import { JoinGroupApi } from '../../../src/protocol/messages/join-group.js'
import { fakeWithFourRecords } from './fake-topic.js'
import { FaultProxy } from '../../helpers/fault-proxy.js'

test('a JoinGroup answer lost in a 3 s black hole: the member joins and reads soon after, not after max.poll.interval.ms', async () => {
  const { fake, bootstrap } = await fakeWithFourRecords()

  let lostAt = 0
  let blackHoleUntil = 0
  let timer: NodeJS.Timeout | undefined
  const proxy: FaultProxy = await FaultProxy.start({
    bootstrap,
    edit: (apiKey) => {
      if (apiKey !== JoinGroupApi.apiKey || lostAt > 0) return undefined
      // This answer is swallowed and, from now on for 3 s, every other one too.
      lostAt = Date.now()
      blackHoleUntil = lostAt + 3000
      void proxy.set({ blackhole: true })
      timer = setTimeout(() => void proxy.set({ blackhole: false }), 3000)
      return Buffer.alloc(0)
    },
  })
  const consumer = new Consumer({
    'bootstrap.servers': proxy.bootstrap,
    'group.id': 'g',
    'auto.offset.reset': 'earliest',
    'request.timeout.ms': 1500,
    'retry.backoff.ms': 50,
  })
  try {
    consumer.subscribe(['t'])
    const values: string[] = []
    const until = Date.now() + 20000
    while (values.length < 4) {
      assert.ok(Date.now() < until, `read ${values.length} of 4 records within 20 s (a JoinGroup answer lost ${lostAt > 0 ? Date.now() - lostAt : '?'} ms ago)`)
      for (const r of await consumer.poll(200)) values.push(r.value!.toString())
    }
    assert.ok(lostAt > 0, 'a JoinGroup answer was lost')
    assert.ok(proxy.stats.blackholed > 0, 'answers were held back in the black hole')
    assert.deepEqual(values.sort(), ['v0', 'v1', 'v2', 'v3'])
    // Detection takes one request.timeout.ms to start the probe and one for it to time out.
    const after = Date.now() - blackHoleUntil
    assert.ok(after < 10000, `records read ${after} ms after the black hole ended`)
  } finally {
    clearTimeout(timer)
    await consumer.close()
    await proxy.close()
    await fake.close()
  }
})
