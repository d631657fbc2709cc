/**
 * The bounds of Kafka's int32 (Java's `Integer.MIN_VALUE` / `MAX_VALUE`), the
 * type of most numeric configs, epochs, sequence numbers and timeouts on the
 * wire. Shared so no module re-declares them.
 */

/** The largest int32, 2^31 - 1 (Java's `Integer.MAX_VALUE`). */
export const MAX_INT = 2147483647

/** The smallest int32, -2^31 (Java's `Integer.MIN_VALUE`). */
export const MIN_INT = -2147483648
