// A corrupt response or a broken connection costs a retry, never the client
// (issue #18). A FaultProxy (test/helpers/fault-proxy.ts) sits between the
// clients and the real broker and injects one kind of fault per test; the
// workload (test/fixtures/fault-workload.ts, in its own process) runs an
// idempotent acks=all producer, a two-member consumer group committing after
// each poll and an Admin call loop through it. For every kind:
// - every acknowledged record is in the log exactly once and was read back
//   by the group; every record sent is acknowledged (no fault here outlasts
//   delivery.timeout.ms, and none is a genuine non-retriable refusal);
// - no corrupted record reaches the application;
// - no uncaught exception or unhandled rejection;
// - while the broker is unreachable, the client's CPU stays low (no hot loop);
// - every client closes and the process exits by itself.
//
// The 30% corruption cases are in faults-corrupt.test.ts, the KIP-848 case in
// faults-group-protocol.test.ts: the runner gives each file 180 s (scripts/test.ts).
// The default counts keep the file within about a minute against one broker
// (CI runs the suite twice); FAULT_SCALE=10 (by hand) multiplies the record
// counts, and FAULTS_DUMP=/tmp/x writes each case's
// workload output (DEBUG=samsa:* logs included) to /tmp/x-<case>.log;
// FAULTS_SEED=<seed> (printed in each case's log line) replays a run's fault choices.
import { faultCases, REQUEST_TIMEOUT_MS, type Case } from './fault-cases.js'

const cases: Case[] = [
  {
    name: 'corrupt bytes in 10% of responses, frame header included',
    records: 5_000,
    faults: { corruptRate: 0.1, corruptBits: 2, corruptHeader: true },
    produceMs: 4000,
    injected: (s) => s.corrupted,
    // A normal run takes about 5 s; a stalled one must not use up the file's time.
    deadlineMs: 25000,
    // A resolver that answers names after 20 s: no host out of a corrupt answer may be looked up.
    slowDnsMs: 20000,
  },
  {
    name: 'truncate 5% of responses',
    records: 5_000,
    faults: { truncateRate: 0.05 },
    produceMs: 4000,
    injected: (s) => s.truncated,
  },
  {
    name: 'drop every connection after 0.5-1.5 s',
    records: 5_000,
    faults: { dropEveryMs: [500, 1500] },
    produceMs: 5000,
    injected: (s) => s.dropped,
  },
  {
    name: 'delay 3% of responses beyond request.timeout.ms',
    records: 5_000,
    faults: { delayMs: REQUEST_TIMEOUT_MS + 1000, delayRate: 0.03 },
    produceMs: 5000,
    injected: (s) => s.delayed,
  },
  {
    name: 'black-hole the broker for 6 s (accept, never answer)',
    records: 5_000,
    window: { afterMs: 2000, forMs: 6000, faults: { blackhole: true } },
    produceMs: 6000,
    injected: (s) => s.blackholed,
  },
  {
    name: 'refuse connections for 6 s',
    records: 5_000,
    window: { afterMs: 2000, forMs: 6000, faults: { refuse: true } },
    produceMs: 6000,
    injected: (s) => s.refuseWindows,
  },
]

faultCases(cases)
