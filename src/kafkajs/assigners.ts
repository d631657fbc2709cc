/**
 * KafkaJS's `PartitionAssigners` and `AssignerProtocol`.
 *
 * samsa's consumer assigns partitions itself with Java's assignors, so a
 * KafkaJS partition assigner here is a name: `PartitionAssigners.roundRobin`
 * (KafkaJS's default) selects samsa's `kafkajs-roundrobin` assignor, which
 * speaks KafkaJS's RoundRobinAssigner protocol (name, metadata, assignment)
 * so KafkaJS and samsa consumers can share a group; `range` and
 * `cooperativeSticky` are samsa additions. A custom assigner function (one
 * not from this module) is refused when the consumer is created, with a
 * KafkaJSNonRetriableError, because samsa cannot run it.
 *
 * `AssignerProtocol` encodes and decodes the consumer protocol's member
 * metadata (subscription) and member assignment exactly as KafkaJS does
 * (version 0 layout, empty user data by default), e.g. for decoding
 * `describeGroups()` results.
 */
import type { AssignorName } from '../config/consumer.js'
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../protocol/messages/consumer-protocol-assignment.js'
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'
import { KafkaJSNonRetriableError, KafkaJSNotImplemented } from './errors.js'
import type { Assigner, ISerializer, MemberAssignment, MemberMetadata, PartitionAssigner } from './types.js'

const EMPTY = Buffer.alloc(0)

function withVersion(version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.int16(version)
  body(w)
  return Buffer.from(w.finish())
}

export const AssignerProtocol: { MemberMetadata: ISerializer<MemberMetadata>; MemberAssignment: ISerializer<MemberAssignment> } = {
  MemberMetadata: {
    encode: ({ version, topics, userData }) =>
      withVersion(version, (w) => encodeConsumerProtocolSubscription(w, { topics, userData: userData ?? EMPTY }, 0)),
    decode(buffer) {
      if (buffer.length < 2) return null
      const r = new Reader(buffer)
      const version = r.int16()
      const s = decodeConsumerProtocolSubscription(r, Math.min(Math.max(version, 0), 3))
      return { version, topics: s.topics, userData: s.userData ?? EMPTY }
    },
  },
  MemberAssignment: {
    encode: ({ version, assignment, userData }) =>
      withVersion(version, (w) =>
        encodeConsumerProtocolAssignment(w, {
          assignedPartitions: Object.keys(assignment).map((topic) => ({ topic, partitions: assignment[topic]! })),
          userData: userData ?? EMPTY,
        }, 0),
      ),
    decode(buffer) {
      if (buffer.length < 2) return null
      const r = new Reader(buffer)
      const version = r.int16()
      const a = decodeConsumerProtocolAssignment(r, Math.min(Math.max(version, 0), 3))
      const assignment: Record<string, number[]> = {}
      for (const t of a.assignedPartitions) assignment[t.topic] = t.partitions
      return { version, assignment, userData: a.userData ?? EMPTY }
    },
  },
}

const SAMSA_ASSIGNOR = Symbol('samsa.assignor')

function builtIn(name: string, assignor: AssignorName): PartitionAssigner {
  const create: PartitionAssigner = () => {
    const assigner: Assigner = {
      name,
      version: 0,
      assign: async () => {
        throw new KafkaJSNotImplemented(`${name}.assign(): samsa assigns partitions inside its consumer ("${assignor}" assignor)`)
      },
      protocol: ({ topics }) => ({ name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: EMPTY }) }),
    }
    return assigner
  }
  Object.defineProperty(create, SAMSA_ASSIGNOR, { value: assignor })
  return create
}

export const PartitionAssigners: {
  roundRobin: PartitionAssigner
  /** samsa: Java's RangeAssignor. */
  range: PartitionAssigner
  /** samsa: Java's CooperativeStickyAssignor (incremental rebalances). */
  cooperativeSticky: PartitionAssigner
} = {
  roundRobin: builtIn('RoundRobinAssigner', 'kafkajs-roundrobin'),
  range: builtIn('RangeAssigner', 'range'),
  cooperativeSticky: builtIn('CooperativeStickyAssigner', 'cooperative-sticky'),
}

/** samsa's assignor names for a consumer's `partitionAssigners` (default: round robin, as KafkaJS). */
export function assignorNames(assigners: PartitionAssigner[] | undefined): AssignorName[] {
  if (assigners === undefined || assigners === null) return ['kafkajs-roundrobin']
  if (!Array.isArray(assigners) || assigners.length === 0) {
    throw new KafkaJSNonRetriableError('partitionAssigners must be a non-empty array, e.g. [PartitionAssigners.roundRobin]')
  }
  const names: AssignorName[] = []
  for (const a of assigners) {
    const name = typeof a === 'function' ? (a as unknown as Record<symbol, AssignorName | undefined>)[SAMSA_ASSIGNOR] : undefined
    if (name === undefined) {
      throw new KafkaJSNonRetriableError('custom partition assigners are not supported by samsa: use PartitionAssigners.roundRobin, .range or .cooperativeSticky')
    }
    if (!names.includes(name)) names.push(name)
  }
  return names
}
