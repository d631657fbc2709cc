// The classic protocol's SyncGroup (src/consumer/group/classic.ts) when its assignment bytes do not
// decode: a corrupt response (frames carry no checksum), so the member joins again; it is never a
// fatal error. FakeKafka behind a FaultProxy that damages the first SyncGroup answers on demand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer } from '../../../src/index.js'
import { SyncGroupApi, encodeSyncGroupResponse } from '../../../src/protocol/messages/sync-group.js'
import { fakeWithFourRecords } from './fake-topic.js'
import { FaultProxy, editFirst } from '../../helpers/fault-proxy.js'

test('SyncGroup answers whose assignment does not decode, twice in a row: the member joins again and reads', async () => {
  const { fake, bootstrap } = await fakeWithFourRecords()

  // A consumer-protocol assignment (version 3, one topic) whose topic name claims 535 bytes: what a
  // CI run under 30% corrupted responses met, as "string needs 535 bytes at offset 8, only 43 remain".
  const garbage = Buffer.from([0, 3, 0, 0, 0, 1, 0x02, 0x17, 0x74])
  const { edit, edited } = editFirst(SyncGroupApi, encodeSyncGroupResponse, 2, (res) => { res.assignment = garbage })
  const proxy = await FaultProxy.start({ bootstrap, edit })
  const consumer = new Consumer({ 'bootstrap.servers': proxy.bootstrap, 'group.id': 'g', 'auto.offset.reset': 'earliest', 'retry.backoff.ms': 20 })
  try {
    consumer.subscribe(['t'])
    const values: string[] = []
    const until = Date.now() + 15000
    while (values.length < 4) {
      assert.ok(Date.now() < until, `read ${values.length} of 4 records within 15 s`)
      for (const r of await consumer.poll(200)) values.push(r.value!.toString())
    }
    assert.deepEqual(values.sort(), ['v0', 'v1', 'v2', 'v3'])
    assert.equal(edited(), 2, 'two SyncGroup answers were damaged')
    assert.deepEqual(consumer.assignment().map((tp) => tp.partition).sort(), [0, 1])
  } finally {
    await consumer.close()
    await proxy.close()
    await fake.close()
  }
})
