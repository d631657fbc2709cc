/**
 * Names the Kafka release a broker most likely runs, from the API version
 * ranges it advertised in ApiVersions, for error messages such as
 * "this broker (Kafka 2.8-ish) does not support ConsumerGroupHeartbeat".
 *
 * Each known release is identified by the highest versions of a few APIs
 * that it was the first (of the releases samsa is tested against) to
 * offer; the tables were read from real brokers of those releases. A broker
 * between two known releases is named after the older one, hence "-ish".
 */

interface ReleaseSignature {
  release: string
  /** api key -> the lowest maxVersion a broker of this release advertises */
  atLeast: Record<number, number>
}

// api keys: 0 Produce, 1 Fetch, 2 ListOffsets, 3 Metadata, 24 AddPartitionsToTxn, 60 DescribeCluster
const SIGNATURES: readonly ReleaseSignature[] = [
  { release: '4.4', atLeast: { 0: 13, 1: 18, 2: 11 } },
  { release: '4.0', atLeast: { 0: 12, 2: 10, 3: 13 } },
  { release: '3.9', atLeast: { 0: 11, 1: 17, 2: 9 } },
  { release: '3.6', atLeast: { 1: 15, 2: 8, 24: 4 } },
  { release: '3.3', atLeast: { 1: 13, 2: 7, 3: 12 } },
  { release: '2.8', atLeast: { 1: 12, 60: 0 } },
]

/** The release name, e.g. 'Kafka 2.8-ish', or 'Kafka older than 2.8'. Empty table: 'Kafka (release unknown)'. */
export function brokerRelease(versions: ReadonlyMap<number, { maxVersion: number }>): string {
  if (versions.size === 0) return 'Kafka (release unknown)'
  for (const { release, atLeast } of SIGNATURES) {
    const matches = Object.entries(atLeast).every(([key, min]) => (versions.get(Number(key))?.maxVersion ?? -1) >= min)
    if (matches) return `Kafka ${release}-ish`
  }
  return `Kafka older than ${SIGNATURES[SIGNATURES.length - 1]!.release}`
}
