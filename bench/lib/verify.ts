/**
 * Whether a run's records check out (issue 10: verification binds). A run that
 * does not check out fails; a cell with such a run quotes no figures.
 */
import type { DriverReport, Role } from './job.js'

/**
 * Why the run fails verification, or '' when it passes.
 * - producer: the topic's end offsets (`brokerHolds`, summed) must hold every
 *   acknowledged record plus the warm-up records sent before the timed window;
 * - consumer: `count` distinct records by (partition, offset), no offset skipped.
 */
export function verifyRun (role: Role, report: DriverReport, count: number, brokerHolds?: number): string {
  if (role === 'producer' || role === 'avro-producer') {
    const expected = report.records + (report.warmupRecords ?? 0)
    if (brokerHolds === undefined) return 'the broker\'s end offsets could not be read'
    if (brokerHolds < expected) return `the broker holds only ${brokerHolds} of ${expected} acknowledged records`
    return ''
  }
  if ((role === 'consumer' || role === 'share' || role === 'avro-consumer') && report.distinct !== undefined) {
    if (report.distinct < count || (report.gaps ?? 0) > 0) {
      return `${report.distinct} distinct of ${count} records, ${report.duplicates ?? 0} duplicates, ${report.gaps ?? 0} offsets skipped`
    }
  }
  return ''
}
