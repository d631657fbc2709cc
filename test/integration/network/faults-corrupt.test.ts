// The fault tests (faults.test.ts) with corrupt bytes in 30% of the broker's
// response bodies, in their own file: a JoinGroup answer lost before a member
// learns its id stalls the group for session.timeout.ms (see the case), and the
// runner gives each file 180 s. SAMSA_FAULTS_SCALE=1 (by hand) adds the
// 100,000-record case (run it with --test-timeout=600000); FAULTS_DUMP and
// FAULTS_SEED as in faults.test.ts.
import { faultCases, SCALED, type Case } from './fault-cases.js'

const cases: Case[] = [
  {
    name: 'corrupt bytes in 30% of response bodies',
    records: 30_000,
    faults: { corruptRate: 0.3, corruptBits: 3 },
    produceMs: 6000,
    injected: (s) => s.corrupted,
    // A JoinGroup answer lost before a member learns the id the broker gave it (MEMBER_ID_REQUIRED, KIP-394)
    // leaves a pending member on the broker that holds every join of the group until session.timeout.ms
    // (10 s here; Java's client meets the same). At 30% that happens in about 1 run in 5, sometimes more than
    // once in a row: under load the group read nothing within 60 s. A normal run takes about 20 s.
    deadlineMs: 75000,
    // CI on 013e968 (Kafka 4.4.0 phase, seed 1842795545): all 30,000 acknowledged in 23 s, but the group read
    // only 4,777 within 75 s (no errors). Reproduced with a resolver that answers names slowly: corrupt answers
    // named brokers at hosts such as "127.0.(.1" or "1270.0.1", and each connection there waited for the
    // look-up up to socket.connection.setup.timeout.ms, with the coordinator or the partitions' leader behind
    // it. Broker addresses are now checked and confirmed (src/cluster/addresses.ts); this case runs with
    // such a resolver (20 s per look-up), and no name may be looked up at all.
    slowDnsMs: 20000,
  },
  {
    name: 'corrupt bytes in 30% of response bodies, 100,000 records (SAMSA_FAULTS_SCALE)',
    records: 100_000,
    faults: { corruptRate: 0.3, corruptBits: 3 },
    produceMs: 20000,
    injected: (s) => s.corrupted,
    skip: SCALED ? false : 'set SAMSA_FAULTS_SCALE=1 to run it (minutes; not in CI)',
    slowDnsMs: 20000,
    deadlineMs: 300000,
  },
]

faultCases(cases)
