/**
 * KafkaJS's partitioners: `createPartitioner()` returns a function from
 * `{ topic, partitionMetadata, message }` to a partition number.
 *
 * Both built-ins place a record the same way apart from the hash:
 * - an explicit `message.partition` wins;
 * - a keyed record goes to `toPositive(hash(key)) % partitionCount`, over all
 *   partitions (a key given as a string is hashed as its UTF-8 bytes);
 * - a record without a key goes round-robin over the partitions that have a
 *   leader, one counter per topic starting at a random value (or over all
 *   partitions when none has a leader).
 *
 * `DefaultPartitioner` (KafkaJS 2.x's default, also exported as
 * `JavaCompatiblePartitioner`) hashes with Java's murmur2, so keyed records
 * land where the Java client puts them. `LegacyPartitioner` reproduces
 * KafkaJS 1.x's hash, which differs from Java's for most keys: it runs the
 * 4-byte block loop ceil(length / 4) times (a final partial block is mixed in
 * with its missing bytes as zero, and mixed in again as the tail), and it
 * multiplies in double precision rather than 32-bit integer arithmetic, so
 * products beyond 2^53 lose their low bits before being truncated to 32 bits.
 * Use it to keep the placement of topics written by KafkaJS 1.x programs.
 */
import { randomBytes } from 'node:crypto'
import { murmur2, toPositive } from '../producer/partitioners.js'
import type { DefaultPartitioner as DefaultPartitionerType, ICustomPartitioner, LegacyPartitioner as LegacyPartitionerType } from './types.js'

const SEED = 0x9747b28c
const M = 0x5bd1e995

function keyBytes(key: unknown): Buffer {
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key))
}

/** Java's murmur2 of the key (signed 32-bit), as KafkaJS's DefaultPartitioner computes it. */
export function javaMurmur2(key: Buffer | string): number {
  return murmur2(keyBytes(key))
}

/**
 * KafkaJS 1.x's murmur2 variant (see the file comment): JavaScript number
 * arithmetic with 32-bit truncation only where a bitwise operator applies.
 */
export function legacyMurmur2(key: Buffer | string): number {
  const data = keyBytes(key)
  const length = data.length
  const byte = (i: number) => (i < length ? data[i]! : 0)
  let h = SEED ^ length
  const blocks = Math.ceil(length / 4)
  for (let i = 0; i < blocks; i++) {
    const i4 = i * 4
    let k = byte(i4) + (byte(i4 + 1) << 8) + (byte(i4 + 2) << 16) + (byte(i4 + 3) << 24)
    k *= M
    k ^= k >>> 24
    k *= M
    h *= M
    h ^= k
  }
  const tail = length & ~3
  const rest = length % 4
  if (rest > 0) {
    if (rest === 3) h ^= byte(tail + 2) << 16
    if (rest >= 2) h ^= byte(tail + 1) << 8
    h ^= byte(tail)
    h *= M
  }
  h ^= h >>> 13
  h *= M
  h ^= h >>> 15
  return h
}

function createPartitioner(hash: (key: Buffer | string) => number): ICustomPartitioner {
  return () => {
    const counters = new Map<string, number>()
    return ({ topic, partitionMetadata, message }) => {
      let counter = counters.get(topic)
      if (counter === undefined) counter = randomBytes(4).readUInt32BE(0)
      if (message.partition !== null && message.partition !== undefined) {
        counters.set(topic, counter)
        return message.partition
      }
      const count = partitionMetadata.length
      if (message.key !== null && message.key !== undefined) {
        counters.set(topic, counter)
        return toPositive(hash(message.key)) % count
      }
      counter++
      counters.set(topic, counter)
      const available = partitionMetadata.filter((p) => p.leader >= 0)
      if (available.length > 0) return available[toPositive(counter) % available.length]!.partitionId
      return toPositive(counter) % count
    }
  }
}

const DefaultPartitioner: DefaultPartitionerType = createPartitioner(javaMurmur2)
const LegacyPartitioner: LegacyPartitionerType = createPartitioner(legacyMurmur2)

export const Partitioners: {
  DefaultPartitioner: DefaultPartitionerType
  LegacyPartitioner: LegacyPartitionerType
  /** @deprecated KafkaJS renamed it DefaultPartitioner (the default since 2.0.0). */
  JavaCompatiblePartitioner: DefaultPartitionerType
} = {
  DefaultPartitioner,
  LegacyPartitioner,
  JavaCompatiblePartitioner: DefaultPartitioner,
}
