/**
 * The client's metrics, named and computed as the Java client's
 * (org.apache.kafka.common.metrics): a metric is a name, a group, a
 * description and tags (client-id, topic, partition, node-id); its value comes
 * from a stat over time windows (`metrics.sample.window.ms` ×
 * `metrics.num.samples`) or from a gauge read when asked.
 *
 * Recording is a few additions per batch, request or poll (never per record),
 * and nothing is computed until `metrics()` is called.
 */

/** A metric's identity, as Java's MetricName. */
export interface MetricName {
  name: string
  group: string
  description: string
  tags: Readonly<Record<string, string>>
}

/** One metric and its value now. */
export interface Metric {
  metricName: MetricName
  value: number
}

export interface MetricConfig {
  /** metrics.sample.window.ms */
  windowMs: number
  /** metrics.num.samples */
  samples: number
}

/** What a sensor feeds: `record` per value, `measure` when read. */
interface Stat {
  record(value: number, now: number): void
  measure(now: number): number
}

interface Sample {
  start: number
  count: number
  sum: number
  max: number
}

/** Values over `samples` rolling windows of `windowMs` (Java's SampledStat). */
class Sampled {
  private readonly ring: Sample[] = []
  private current = 0
  constructor(private readonly config: MetricConfig) {}

  record(value: number, now: number): void {
    let s = this.ring[this.current]
    if (s === undefined) {
      s = { start: now, count: 0, sum: 0, max: -Infinity }
      this.ring[this.current] = s
    } else if (now - s.start >= this.config.windowMs) {
      this.current = (this.current + 1) % this.config.samples
      s = this.ring[this.current]
      if (s === undefined) this.ring[this.current] = s = { start: now, count: 0, sum: 0, max: -Infinity }
      else { s.start = now; s.count = 0; s.sum = 0; s.max = -Infinity }
    }
    s.count++
    s.sum += value
    if (value > s.max) s.max = value
  }

  /** The samples still inside the windows (older ones are reset, as Java's purgeObsoleteSamples). */
  live(now: number): Sample[] {
    const horizon = this.config.samples * this.config.windowMs
    const out: Sample[] = []
    for (const s of this.ring) {
      if (now - s.start >= horizon) { s.count = 0; s.sum = 0; s.max = -Infinity; continue }
      out.push(s)
    }
    return out
  }

  oldestStart(now: number): number {
    let oldest = now
    for (const s of this.live(now)) if (s.start < oldest) oldest = s.start
    return oldest
  }
}

/** Mean of the recorded values in the windows; NaN when none (Java's Avg). */
export class Avg implements Stat {
  private readonly s: Sampled
  constructor(config: MetricConfig) { this.s = new Sampled(config) }
  record(value: number, now: number): void { this.s.record(value, now) }
  measure(now: number): number {
    let count = 0
    let sum = 0
    for (const x of this.s.live(now)) { count += x.count; sum += x.sum }
    return count === 0 ? NaN : sum / count
  }
}

/** Largest recorded value in the windows; NaN when none (Java's Max). */
export class Max implements Stat {
  private readonly s: Sampled
  constructor(config: MetricConfig) { this.s = new Sampled(config) }
  record(value: number, now: number): void { this.s.record(value, now) }
  measure(now: number): number {
    let max = -Infinity
    let any = false
    for (const x of this.s.live(now)) if (x.count > 0) { any = true; if (x.max > max) max = x.max }
    return any ? max : NaN
  }
}

/**
 * Per second, over the windows (Java's Rate): the sum of the values (or their
 * count, `counting`) divided by the time covered, which is never taken as less
 * than `samples - 1` whole windows, so a burst does not read as a huge rate.
 */
export class Rate implements Stat {
  private readonly s: Sampled
  constructor(private readonly config: MetricConfig, private readonly counting = false, private readonly unitSeconds = 1) { this.s = new Sampled(config) }
  record(value: number, now: number): void { this.s.record(value, now) }
  measure(now: number): number {
    let total = 0
    for (const x of this.s.live(now)) total += this.counting ? x.count : x.sum
    const elapsed = Math.max(now - this.s.oldestStart(now), (this.config.samples - 1) * this.config.windowMs, 1)
    return total / (elapsed / 1000 / this.unitSeconds)
  }
}

/** The sum of every value ever recorded (Java's CumulativeSum), or their count (CumulativeCount). */
export class Total implements Stat {
  private value = 0
  constructor(private readonly counting = false) {}
  record(value: number): void { this.value += this.counting ? 1 : value }
  measure(): number { return this.value }
}

/** The last recorded value; NaN before the first (Java's Value). */
export class Last implements Stat {
  private value = NaN
  record(value: number): void { this.value = value }
  measure(): number { return this.value }
}

/** Records values into its stats (Java's Sensor). */
export class Sensor {
  private readonly stats: Stat[] = []
  constructor(private readonly registry: Metrics) {}

  record(value = 1, now = Date.now()): void {
    for (const s of this.stats) s.record(value, now)
  }

  add(name: MetricName, stat: Stat): this {
    this.stats.push(stat)
    this.registry.register(name, (now) => stat.measure(now))
    return this
  }

  /** Java's Meter: `<base>-rate` and `<base>-total`, per second and cumulative. */
  meter(group: string, base: string, what: string, tags: Readonly<Record<string, string>>, counting = false): this {
    const cfg = this.registry.config
    this.add({ name: `${base}-rate`, group, description: `The number of ${what} per second`, tags }, new Rate(cfg, counting))
    return this.add({ name: `${base}-total`, group, description: `The total number of ${what}`, tags }, new Total(counting))
  }

  avgMax(group: string, base: string, what: string, tags: Readonly<Record<string, string>>): this {
    const cfg = this.registry.config
    this.add({ name: `${base}-avg`, group, description: `The average ${what}`, tags }, new Avg(cfg))
    return this.add({ name: `${base}-max`, group, description: `The maximum ${what}`, tags }, new Max(cfg))
  }
}

function keyOf(name: string, group: string, tags: Readonly<Record<string, string>>): string {
  let k = `${group}:${name}`
  for (const t of Object.keys(tags).sort()) k += `,${t}=${tags[t]}`
  return k
}

interface Entry {
  metricName: MetricName
  read: (now: number) => number
}

/** The metrics of one client. */
export class Metrics {
  private readonly entries = new Map<string, Entry>()
  private readonly sensors = new Map<string, Sensor>()

  constructor(readonly config: MetricConfig) {}

  /** The sensor named `key`, made (with `init` adding its stats) on first use. */
  sensor(key: string, init: (s: Sensor) => void): Sensor {
    let s = this.sensors.get(key)
    if (s === undefined) {
      s = new Sensor(this)
      this.sensors.set(key, s)
      init(s)
    }
    return s
  }

  register(metricName: MetricName, read: (now: number) => number): void {
    this.entries.set(keyOf(metricName.name, metricName.group, metricName.tags), { metricName, read })
  }

  avg(): Avg {
    return new Avg(this.config)
  }

  max(): Max {
    return new Max(this.config)
  }

  total(counting = false): Total {
    return new Total(counting)
  }

  /** Per second, or per `unitSeconds` (3600: per hour). */
  rate(counting = false, unitSeconds = 1): Rate {
    return new Rate(this.config, counting, unitSeconds)
  }

  /** A metric read when asked (Java's Gauge). */
  gauge(name: string, group: string, description: string, tags: Readonly<Record<string, string>>, read: () => number): void {
    this.register({ name, group, description, tags }, read)
  }

  /** Drops the metrics (and sensors) whose tags include every tag of `tags` (a partition no longer assigned). */
  removeWhere(tags: Readonly<Record<string, string>>, sensorPrefix: string): void {
    const match = (t: Readonly<Record<string, string>>) => Object.keys(tags).every((k) => t[k] === tags[k])
    for (const [k, e] of this.entries) if (match(e.metricName.tags)) this.entries.delete(k)
    for (const k of this.sensors.keys()) if (k.startsWith(sensorPrefix)) this.sensors.delete(k)
  }

  /** Every metric and its value now. */
  list(now = Date.now()): Metric[] {
    const out: Metric[] = []
    for (const e of this.entries.values()) out.push({ metricName: e.metricName, value: e.read(now) })
    return out
  }

  /** One metric's value now, by name (and group and tags when several share the name); undefined when absent. */
  value(name: string, options: { group?: string; tags?: Readonly<Record<string, string>> } = {}): number | undefined {
    const now = Date.now()
    for (const e of this.entries.values()) {
      const m = e.metricName
      if (m.name !== name || (options.group !== undefined && m.group !== options.group)) continue
      const want = options.tags
      if (want !== undefined && Object.keys(want).some((k) => m.tags[k] !== want[k])) continue
      return e.read(now)
    }
    return undefined
  }
}
