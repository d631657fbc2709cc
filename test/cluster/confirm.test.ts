import { test } from 'node:test'
import assert from 'node:assert/strict'
import { agreedAnswers } from '../../src/cluster/confirm.js'

const same = (a: number, b: number) => a === b
const lower = (a: number, b: number) => Math.min(a, b)

test('agreedAnswers: two agreeing answers are taken; a query asked once more only while its answers differ', async () => {
  // Query "b" is answered 8 (a corrupt answer: bit 3 flipped) the first time, then 0.
  const answers: Record<string, number[]> = { a: [5, 5], b: [8, 0, 0] }
  const asked: string[][] = []
  const out = await agreedAnswers(['a', 'b'], async (qs) => {
    asked.push(qs)
    return qs.map((q) => answers[q]!.shift()!)
  }, same, lower)
  assert.deepEqual(out, [5, 0])
  assert.deepEqual(asked, [['a', 'b'], ['a', 'b'], ['b']])
})

test('agreedAnswers: answers that never agree settle on the caller\'s safe side after the rounds', async () => {
  let n = 10
  let calls = 0
  const out = await agreedAnswers(['x'], async () => {
    calls++
    return [n--]
  }, same, lower, 3)
  assert.deepEqual(out, [8])
  assert.equal(calls, 3)
})

test('agreedAnswers: an error of ask is the caller\'s', async () => {
  await assert.rejects(agreedAnswers(['x'], () => Promise.reject(new Error('down')), same, lower), /down/)
})
