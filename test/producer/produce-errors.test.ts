// judgeProduceError: which partition error codes of a Produce response are
// believed at once, and which only when the batch's next attempt repeats them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { brokerError } from '../../src/errors.js'
import { ErrorCode } from '../../src/protocol/errors.js'
import { judgeProduceError } from '../../src/producer/produce-errors.js'
import type { ProducerBatch } from '../../src/producer/batch.js'

const batch = () => ({ unconfirmedErrorCode: undefined }) as unknown as ProducerBatch

for (const code of [ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.UNKNOWN_PRODUCER_ID, ErrorCode.MESSAGE_TOO_LARGE]) {
  test(`code ${code}: retried once as a suspect answer, believed when the next attempt repeats it`, () => {
    const b = batch()
    const first = judgeProduceError(b, code, brokerError(code, {}))
    assert.equal(first.kind, 'suspect')
    assert.equal(first.kind === 'suspect' && first.error.retriable, true)
    assert.deepEqual(judgeProduceError(b, code, brokerError(code, {})), { kind: 'answer' })
  })
}

test('DUPLICATE_SEQUENCE_NUMBER and retriable codes are answers at once', () => {
  assert.deepEqual(judgeProduceError(batch(), ErrorCode.DUPLICATE_SEQUENCE_NUMBER, brokerError(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, {})), { kind: 'answer' })
  assert.deepEqual(judgeProduceError(batch(), ErrorCode.NOT_LEADER_OR_FOLLOWER, brokerError(ErrorCode.NOT_LEADER_OR_FOLLOWER, {})), { kind: 'answer' })
})

test('a code no broker answers Produce with is a corrupt response, never believed', () => {
  const b = batch()
  for (let i = 0; i < 2; i++) {
    const v = judgeProduceError(b, ErrorCode.INVALID_FETCH_SIZE, brokerError(ErrorCode.INVALID_FETCH_SIZE, {}))
    assert.equal(v.kind === 'suspect' && v.error.type, 'CORRUPT_RESPONSE')
  }
})
