/**
 * How many bytes to ask for a partition in its next Fetch (`partition_max_bytes`).
 *
 * A broker cuts a partition's answer at `max.partition.fetch.bytes` wherever
 * that falls, so the answer usually ends in the head of a batch that did not
 * fit; the consumer drops it and fetches it again next time. With batches a
 * little over half the limit (1 MiB records under a 2 MiB limit) that tail is
 * half of every answer: received, copied by the kernel, held in memory, and
 * read from the log by the broker for nothing.
 *
 * Contract: the tail tells the size of the next batch (its first 12 bytes are
 * the base offset and the batch length). When that batch is more than half of
 * `limit`, no second batch of its size fits behind it, so the next fetch asks
 * for exactly that batch plus the 12 bytes that tell the size of the one after
 * it — never more than `limit`, and only for the offset the hint was made for
 * ({@link FetchSizeHint.offset}; a seek or reset falls back to `limit`). A
 * wrong hint (the log changed, or the tail was corrupt) costs one fetch: the
 * answer's own tail gives the next hint. Smaller batches keep `limit`. The
 * price: smaller batches behind a large one, which would have filled the
 * rest of the limit, come with the next fetch instead.
 */

/** Bytes of a batch's base offset and length, the prefix that tells its size. */
export const BATCH_SIZE_PREFIX = 12
/** The smallest v2 batch: its header. */
const MIN_BATCH = 61

export interface FetchSizeHint {
  /** The fetch offset the hint is for (the offset after the last whole batch received). */
  offset: bigint
  /** What to ask for at that offset. */
  bytes: number
}

/**
 * The hint after a partition's answer `records`, whose whole batches take its
 * first `complete` bytes and end before `nextOffset`; undefined to ask for
 * `limit`.
 */
export function fetchSizeHint(records: Buffer, complete: number, nextOffset: bigint, limit: number): FetchSizeHint | undefined {
  if (records.length - complete < BATCH_SIZE_PREFIX) return undefined
  const next = BATCH_SIZE_PREFIX + records.readInt32BE(complete + 8)
  if (next < MIN_BATCH || next * 2 <= limit) return undefined
  const bytes = next + BATCH_SIZE_PREFIX
  return bytes <= limit ? { offset: nextOffset, bytes } : undefined
}

/** `partition_max_bytes` for a fetch at `fetchOffset`. */
export function fetchBytes(hint: FetchSizeHint | undefined, fetchOffset: bigint, limit: number): number {
  return hint !== undefined && hint.offset === fetchOffset ? hint.bytes : limit
}
