// The classic protocol's heartbeat (src/consumer/group/classic.ts) answered FENCED_INSTANCE_ID, which
// is fatal: believed only when the next heartbeat repeats it, and never for a member without
// group.instance.id (no broker fences such a member this way). FakeKafka behind a FaultProxy that
// writes the code into the first heartbeat answers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, KafkaError } from '../../../src/index.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { HeartbeatApi, encodeHeartbeatResponse } from '../../../src/protocol/messages/heartbeat.js'
import { fakeWithFourRecords } from './fake-topic.js'
import { FaultProxy, editFirst } from '../../helpers/fault-proxy.js'

/**
 * Polls while the first `times` heartbeat answers say FENCED_INSTANCE_ID, until the four records are
 * read and those answers came, and 1 s more (or a poll threw four times); returns what polls threw.
 */
async function readThroughFences(times: number, instanceId: string | undefined): Promise<unknown[]> {
  const { fake, bootstrap } = await fakeWithFourRecords()
  const { edit, edited } = editFirst(HeartbeatApi, encodeHeartbeatResponse, times, (res) => { res.errorCode = ErrorCode.FENCED_INSTANCE_ID })
  const proxy = await FaultProxy.start({ bootstrap, edit })
  const consumer = new Consumer({
    'bootstrap.servers': proxy.bootstrap, 'group.id': 'g', 'auto.offset.reset': 'earliest', 'retry.backoff.ms': 20, 'heartbeat.interval.ms': 50,
    ...(instanceId === undefined ? {} : { 'group.instance.id': instanceId }),
  })
  const thrown: unknown[] = []
  try {
    consumer.subscribe(['t'])
    const values: string[] = []
    const until = Date.now() + 15000
    let quietUntil = Infinity
    while (Date.now() < quietUntil) {
      assert.ok(Date.now() < until, `read ${values.length} of 4 records and saw ${edited()} of ${times} damaged heartbeats within 15 s`)
      try {
        for (const r of await consumer.poll(100)) values.push(r.value!.toString())
      } catch (e) {
        thrown.push(e)
        if (thrown.length > 3) break
      }
      if (quietUntil === Infinity && values.length === 4 && edited() === times) quietUntil = Date.now() + 1000
    }
    // (a believed fence may come before every record is read)
    if (thrown.length === 0) assert.deepEqual(values.sort(), ['v0', 'v1', 'v2', 'v3'])
  } finally {
    await consumer.close()
    await proxy.close()
    await fake.close()
  }
  return thrown
}

test('one heartbeat answer FENCED_INSTANCE_ID fails nothing: the static member goes on reading', async () => {
  assert.deepEqual(await readThroughFences(1, 'member-1'), [])
})

test('two heartbeat answers FENCED_INSTANCE_ID in a row: poll throws the fence', async () => {
  const thrown = await readThroughFences(2, 'member-1')
  assert.ok(thrown.length >= 1, 'poll threw')
  assert.ok(thrown.every((e) => e instanceof KafkaError && e.type === 'FENCED_INSTANCE_ID'), thrown.map(String).join('; '))
})

test('FENCED_INSTANCE_ID for a member without group.instance.id is never believed', async () => {
  assert.deepEqual(await readThroughFences(3, undefined), [])
})
