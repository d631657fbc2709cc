// What the schema-registry interop tests (confluent-js-interop, json-protobuf-interop, python-interop)
// share: the schemas and values both peers write and read, and samsa's side of
// reading a topic back through a registry deserializer.
import { Consumer } from '../../../src/index.js'
import { bootstrapServers } from '../../helpers/kafka.js'

/** The .proto both peers use (Confluent's JS peer builds an equal FileDescriptorProto, the Python peer its descriptor). */
export const ORDER_PROTO = `syntax = "proto3";
package dev.samsa.interop;
message Order {
  int64 id = 1;
  string item = 2;
  Status status = 3;
  repeated Line lines = 4;
  message Line { string sku = 1; int32 qty = 2; }
}
enum Status { NEW = 0; PAID = 1; }
`
/** One compatible version ahead: a field added. */
export const ORDER_PROTO_V2 = ORDER_PROTO.replace('  repeated Line lines = 4;\n', '  repeated Line lines = 4;\n  string note = 5;\n')

export const orders = [
  { id: '12345678901234', item: 'pen', status: 'PAID', lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: -1 }] },
  { id: '-9000000000000000001', item: 'héllo', status: 'NEW', lines: [] },
]

export const jsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#', title: 'Shipment', type: 'object',
  properties: { id: { type: 'integer' }, to: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, weight: { type: ['number', 'null'] } },
  required: ['id', 'to'],
}
/** One compatible version ahead (BACKWARD): an optional property added. */
export const jsonSchemaV2 = { ...jsonSchema, properties: { ...jsonSchema.properties, priority: { type: 'string', enum: ['low', 'high'] } } }

export const shipments = [
  { id: 1, to: 'Oslo', tags: ['fragile'], weight: 2.5 },
  { id: 2, to: 'Zürich', tags: [], weight: null },
]

/** Reads `n` values of partition 0 of `topic` from the start through samsa's Consumer and `deserializer`. */
export async function samsaConsume(topic: string, deserializer: unknown, n: number): Promise<unknown[]> {
  const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'auto.offset.reset': 'earliest', 'value.deserializer': deserializer as never })
  const got: unknown[] = []
  try {
    c.assign([{ topic, partition: 0 }])
    for (let i = 0; i < 60 && got.length < n; i++) for (const r of await c.poll(1000)) got.push(r.value)
  } finally {
    await c.close()
  }
  return got
}
