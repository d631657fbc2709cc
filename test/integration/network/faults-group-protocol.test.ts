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
    // 3 of 4 runs pass. Open: a corrupt member epoch in a heartbeat answer fences the member, and
    // while it rejoins a corrupt member id can be taken; one run did not finish within its deadline.
    todo: 'in some runs the KIP-848 group does not finish: a corrupt epoch fences a member, and its rejoin can take a corrupt member id (issue #18)',
    deadlineMs: 25000,
  },
]

faultCases(cases)
