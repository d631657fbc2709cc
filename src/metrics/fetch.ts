/**
 * What the consumer's and the share consumer's metrics share: the
 * fetch-manager sensors (Java's `fetch-latency`, `fetch`, `fetch-size`,
 * `fetch-throttle-time`, `bytes-consumed`, `records-consumed`) under the
 * group each client names, and the `*-seconds-ago` reading of a timestamp.
 */
import type { Metrics, Sensor } from './registry.js'

export interface FetchSensors {
  latency: Sensor
  size: Sensor
  throttle: Sensor
  bytes: Sensor
  records: Sensor
}

/**
 * Registers the fetch sensors in `group`. `prefix` keeps sensor names apart
 * when both kinds of consumer share a registry ('' or 'share-'); `request` is
 * the request's name in the descriptions ('fetch' or 'share fetch').
 */
export function fetchSensors(metrics: Metrics, group: string, tags: Record<string, string>, prefix: string, request: string): FetchSensors {
  return {
    latency: metrics.sensor(`${prefix}fetch-latency`, (s) => s.avgMax(group, 'fetch-latency', `time taken for a ${request} request`, tags).meter(group, 'fetch', `${request} requests`, tags, true)),
    size: metrics.sensor(`${prefix}fetch-size`, (s) => s.avgMax(group, 'fetch-size', 'number of bytes fetched per request', tags)),
    throttle: metrics.sensor(`${prefix}fetch-throttle-time`, (s) => s.avgMax(group, 'fetch-throttle-time', 'throttle time in ms', tags)),
    bytes: metrics.sensor(`${prefix}bytes-fetched`, (s) => s.meter(group, 'bytes-consumed', 'bytes consumed', tags)),
    records: metrics.sensor(`${prefix}records-fetched`, (s) => s.meter(group, 'records-consumed', 'records consumed', tags)),
  }
}

/** Seconds since `at` (epoch ms), or -1 when it never happened (`at` <= 0). */
export function secondsAgo(at: number): number {
  return at <= 0 ? -1 : (Date.now() - at) / 1000
}
