// The fault tests (faults.test.ts) for a consumer group on the KIP-848
// protocol (group.protocol=consumer, Kafka 4.0+): header and body corruption
// while an idempotent producer, a two-member group and an Admin loop run
// through a FaultProxy. Its own file, so each file stays within about 75 s.
import { kafkaVersion } from '../../helpers/kafka.js'
import { faultCases, type Case } from './fault-cases.js'

const cases: Case[] = [
  {
    name: 'corrupt bytes in 10% of responses, frame header included, group.protocol=consumer (KIP-848)',
    records: 5_000,
    faults: { corruptRate: 0.1, corruptBits: 2, corruptHeader: true },
    produceMs: 4000,
    injected: (s) => s.corrupted,
    groupProtocol: 'consumer',
    skip: Number(kafkaVersion().split('.')[0]) < 4 ? 'group.protocol=consumer needs Kafka 4.0+' : false,
    deadlineMs: 25000,
    // A resolver that answers names after 20 s: no host out of a corrupt answer may be looked up.
    slowDnsMs: 20000,
  },
]

faultCases(cases)
