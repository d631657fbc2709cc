/** Records the Java drivers handle first, in the same JVM, before the timed (steady-state) window: a quarter of the count. */
export const warmupOf = (count: number): number => count > 1 ? Math.floor(count / 4) : 0
