// Admin calls that answer item by item, when one answer gives an item a non-retriable error the broker
// never gave (frames carry no checksum): the item is asked again, and the error is the result only when
// the next answer repeats it (cluster/confirm.ts). A real broker behind a FaultProxy that writes the
// error into the first answers on demand. (describeConfigs: test/admin/configs.test.ts, FakeKafka.)
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError } from '../../../src/index.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { AlterClientQuotasApi, encodeAlterClientQuotasResponse } from '../../../src/protocol/messages/alter-client-quotas.js'
import { FaultProxy, editFirst } from '../../helpers/fault-proxy.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

const direct = new Admin({ 'bootstrap.servers': bootstrapServers() })
after(() => direct.close())

/** An Admin through a proxy that gives every entity of the first `times` AlterClientQuotas answers POLICY_VIOLATION. */
async function withDamagedQuotaAnswers(times: number, fn: (admin: Admin) => Promise<void>): Promise<number> {
  const { edit, edited } = editFirst(AlterClientQuotasApi, encodeAlterClientQuotasResponse, times, (res) => {
    for (const e of res.entries) e.errorCode = ErrorCode.POLICY_VIOLATION
  })
  const proxy = await FaultProxy.start({ bootstrap: bootstrapServers(), edit })
  const admin = new Admin({ 'bootstrap.servers': proxy.bootstrap, 'retry.backoff.ms': 50 })
  try {
    await fn(admin)
  } finally {
    await admin.close()
    await proxy.close()
  }
  return edited()
}

test('alterClientQuotas: one answer giving the entity POLICY_VIOLATION is asked again, and the quota is set', async () => {
  const user = uniqueName('quota-user')
  const damaged = await withDamagedQuotaAnswers(1, async (admin) => {
    await admin.alterClientQuotas([{ entity: { user }, ops: [{ key: 'producer_byte_rate', value: 4096 }] }])
  })
  assert.equal(damaged, 1)
  try {
    const until = Date.now() + 10000
    let found: unknown
    while (Date.now() < until) {
      found = (await direct.describeClientQuotas([{ entityType: 'user', match: user }]))[0]?.values
      if (found !== undefined) break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.deepEqual(found, { producer_byte_rate: 4096 })
  } finally {
    await direct.alterClientQuotas([{ entity: { user }, ops: [{ key: 'producer_byte_rate', value: null }] }])
  }
})

test('alterClientQuotas: the same error in two answers in a row is the result, naming the entity', async () => {
  const user = uniqueName('quota-user')
  await withDamagedQuotaAnswers(2, async (admin) => {
    await assert.rejects(
      admin.alterClientQuotas([{ entity: { user }, ops: [{ key: 'producer_byte_rate', value: 4096 }] }], { validateOnly: true }),
      (e: unknown) => e instanceof KafkaError && e.type === 'POLICY_VIOLATION' && e.message.includes(user),
    )
  })
})
