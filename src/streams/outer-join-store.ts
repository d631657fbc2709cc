/**
 * The shared store of a left or outer KStream–KStream join (Kafka Streams'
 * `KSTREAM-OUTERSHARED-...-store`): the records not joined so far, until
 * their window closes and they are emitted joined with null. Keys are
 * `[timestamp: 8][side: 1 (1 = left)][key]` (Kafka Streams'
 * TimestampedKeyAndJoinSide); a value is every such record of that key,
 * time and side: `[side: 1][count: 4]([length: 4][value])*`.
 */
import { SerializationError } from '../errors.js'
import { deserializeNow, serializeNow, type Serde } from './serde.js'

/** A record not joined yet: its key, timestamp and side. */
export interface TimestampedKeyAndJoinSide<K> {
  timestamp: number
  left: boolean
  key: K
}

/** The values of the records of one {@link TimestampedKeyAndJoinSide}, in arrival order. */
export interface LeftOrRightValues {
  left: boolean
  values: unknown[]
}

export function timestampedKeyAndJoinSideSerde<K>(keySerde: Serde<K>): Serde<TimestampedKeyAndJoinSide<K>> {
  return {
    serializer: {
      serialize(topic: string, data: TimestampedKeyAndJoinSide<K> | null) {
        if (data === null || data === undefined) return null
        const key = serializeNow(keySerde, topic, data.key, 'the keys of an outer join store') ?? Buffer.alloc(0)
        const out = Buffer.allocUnsafe(9 + key.length)
        out.writeBigInt64BE(BigInt(data.timestamp), 0)
        out.writeUInt8(data.left ? 1 : 0, 8)
        key.copy(out, 9)
        return out
      },
    },
    deserializer: {
      deserialize(topic: string, data: Buffer | null) {
        if (data === null || data.length < 9) throw new SerializationError(`an outer join store key needs at least 9 bytes, got ${data?.length ?? 'null'}`, { context: { topic } })
        return { timestamp: Number(data.readBigInt64BE(0)), left: data.readUInt8(8) === 1, key: deserializeNow(keySerde, topic, data.subarray(9), 'the keys of an outer join store') }
      },
    },
  }
}

export function leftOrRightValuesSerde(leftSerde: Serde<unknown>, rightSerde: Serde<unknown>): Serde<LeftOrRightValues> {
  return {
    serializer: {
      serialize(topic: string, data: LeftOrRightValues | null) {
        if (data === null || data === undefined) return null
        const serde = data.left ? leftSerde : rightSerde
        const parts = data.values.map((v) => serializeNow(serde, topic, v, 'the values of an outer join store') ?? Buffer.alloc(0))
        const head = Buffer.allocUnsafe(5)
        head.writeUInt8(data.left ? 1 : 0, 0)
        head.writeInt32BE(parts.length, 1)
        return Buffer.concat([head, ...parts.flatMap((p) => {
          const len = Buffer.allocUnsafe(4)
          len.writeInt32BE(p.length, 0)
          return [len, p]
        })])
      },
    },
    deserializer: {
      deserialize(topic: string, data: Buffer | null) {
        if (data === null || data.length < 5) throw new SerializationError(`an outer join store value needs at least 5 bytes, got ${data?.length ?? 'null'}`, { context: { topic } })
        const left = data.readUInt8(0) === 1
        const serde = left ? leftSerde : rightSerde
        const values: unknown[] = []
        let at = 5
        for (let i = data.readInt32BE(1); i > 0; i--) {
          const len = data.readInt32BE(at)
          values.push(deserializeNow(serde, topic, data.subarray(at + 4, at + 4 + len), 'the values of an outer join store'))
          at += 4 + len
        }
        return { left, values }
      },
    },
  }
}
