// The built-in serializers' edges (no broker): what the bytes serializer, the default, takes and refuses.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SerializationError } from '../../src/errors.js'
import { serializers } from '../../src/serde/serde.js'

test('the bytes serializer sends a Buffer as it is and any view as the bytes it spans', () => {
  const b = Buffer.from('abc')
  assert.equal(serializers.buffer.serialize('t', b, []), b)
  assert.equal(serializers.buffer.serialize('t', null, []), null)
  const backing = new Uint8Array([1, 2, 3, 4, 5])
  const view = serializers.buffer.serialize('t', backing.subarray(1, 4) as Buffer, [])!
  assert.deepEqual([...view], [2, 3, 4])
  assert.equal(view.buffer, backing.buffer, 'no copy')
  const dv = serializers.buffer.serialize('t', new DataView(backing.buffer, 3, 2) as unknown as Buffer, [])!
  assert.deepEqual([...dv], [4, 5])
})

test('the bytes serializer refuses other values with a SerializationError that says what to set', () => {
  for (const [value, given] of [['text', 'a string'], [42, 'a number'], [{ a: 1 }, 'an object'], [[1, 2], 'an array'], [true, 'a boolean']] as const) {
    assert.throws(() => serializers.buffer.serialize('orders', value as unknown as Buffer, []), (e: unknown) =>
      e instanceof SerializationError &&
      e.message === `cannot serialize ${given} for topic "orders": the bytes serializer (the default) takes a Buffer or Uint8Array; set 'key.serializer' or 'value.serializer' (serializers.string, serializers.json, ...) to send other values` &&
      e.context.topic === 'orders')
  }
})
