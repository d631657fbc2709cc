/**
 * Whether a run's records check out (issue 10: verification binds). A run that
 * does not check out fails; a cell with such a run quotes no figures.
 */
import type { DriverReport, Role } from './job.js'

/** What a producer held at buffer.memory may use beyond it (issue 10): client RSS < buffer.memory + this, MiB. */
export const RSS_HEADROOM_MB = 80

/** The RSS a producer held at `bufferMemory` bytes may add to its process, in the unit of DriverReport.rssMb (MiB). */
export function rssLimitMb (bufferMemory: number): number {
  return bufferMemory / 2 ** 20 + RSS_HEADROOM_MB
}

/**
 * What the client added to its process's resident set at the peak: peak RSS
 * minus the RSS the process had before the client's module was loaded (Node
 * itself and the driver, about 41 MiB on Node 20, which no client controls).
 * A report without that figure (the JVM's) is charged its whole peak.
 */
export function clientRssMb (report: Pick<DriverReport, 'rssMb' | 'runtimeRssMb'>): number {
  return report.rssMb - (report.runtimeRssMb ?? 0)
}

/**
 * Why the run fails verification, or '' when it passes.
 * - producer: the topics' end offsets (`brokerHolds`, summed over every
 *   partition of every topic) must hold every acknowledged record plus the
 *   warm-up records sent before the timed window; held at `bufferMemory`
 *   (bytes), the RSS it added to its process (clientRssMb) must stay under
 *   rssLimitMb(bufferMemory);
 * - consumer (and group): `count` distinct records by (topic, partition,
 *   offset), no offset skipped.
 */
export function verifyRun (role: Role, report: DriverReport, count: number, brokerHolds?: number, bufferMemory?: number): string {
  if (role === 'producer' || role === 'avro-producer') {
    const expected = report.records + (report.warmupRecords ?? 0)
    if (brokerHolds === undefined) return 'the broker\'s end offsets could not be read'
    if (brokerHolds < expected) return `the broker holds only ${brokerHolds} of ${expected} acknowledged records`
    if (bufferMemory !== undefined && !(clientRssMb(report) < rssLimitMb(bufferMemory))) {
      return `the client added ${clientRssMb(report).toFixed(0)} MiB to its process's RSS (peak ${report.rssMb.toFixed(0)} MiB), not under buffer.memory + ${RSS_HEADROOM_MB} MiB (${rssLimitMb(bufferMemory).toFixed(0)} MiB)`
    }
    return ''
  }
  if ((role === 'consumer' || role === 'share' || role === 'avro-consumer' || role === 'group') && report.distinct !== undefined) {
    if (report.distinct < count || (report.gaps ?? 0) > 0) {
      return `${report.distinct} distinct of ${count} records, ${report.duplicates ?? 0} duplicates, ${report.gaps ?? 0} offsets skipped`
    }
  }
  return ''
}
