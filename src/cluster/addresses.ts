/**
 * Broker addresses as brokers advertise them (Metadata, FindCoordinator), and
 * which of them the client believes.
 *
 * Kafka frames carry no checksum, so a response damaged on the way can name a
 * broker at an address no broker has ("127.0.(.1", "12.0.0.1"). Connecting
 * there costs more than a retry: a resolver that does not know the name may
 * take the whole connection set-up timeout to say so, and the broker's
 * partitions (or the group's coordinator) wait for it. So:
 *
 * - `implausibleAddress(host, port)` says why an address cannot be a broker's:
 *   characters no host name or IP literal has, an empty label, a dotted name
 *   of numbers only that is not an IPv4 address, a port outside 1..65535. A
 *   response naming one is corrupt (callers fail it retriably).
 * - `unconfirmedAddresses(known, answer)` lists the brokers whose address in
 *   `answer` is new (a node not known before) or differs from `known`; the
 *   cluster believes such an address only when the next answer repeats it
 *   (cluster.ts, `doRefresh`). Brokers seldom move, so this costs one more
 *   Metadata request when the client starts and when a broker really moved.
 *
 * Host names with underscores (container names) are accepted, as the Java
 * client accepts them.
 */
import net from 'node:net'
import type { BrokerInfo } from './metadata.js'

/** What a broker address may consist of: host-name characters, IPv6 literals (with a zone), brackets. */
const ADDRESS_CHARS = /^[A-Za-z0-9._\-:%[\]]+$/

/** Why `host:port` cannot be a broker's address, or undefined when it can. */
export function implausibleAddress(host: string, port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${port} is outside 1-65535`
  if (host.length === 0) return 'the host is empty'
  if (host.length > 253) return `the host is ${host.length} characters long (at most 253)`
  if (!ADDRESS_CHARS.test(host)) return `host ${JSON.stringify(host)} has characters no host name or IP address has`
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (net.isIP(bare) !== 0) return undefined
  if (host.includes(':') || host.includes('[') || host.includes(']') || host.includes('%')) return `host ${JSON.stringify(host)} is not a valid IPv6 address`
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.')
  if (labels.some((l) => l.length === 0 || l.length > 63)) return `host ${JSON.stringify(host)} has an empty or over-long label`
  if (labels.every((l) => /^[0-9]+$/.test(l))) return `host ${JSON.stringify(host)} is numbers only but not an IPv4 address`
  return undefined
}

/** `host:port` of a broker. */
export function addressOf(b: { host: string; port: number }): string {
  return `${b.host}:${b.port}`
}

/** Node ids whose address in `answer` is not the one in `known` (new nodes included). */
export function unconfirmedAddresses(known: ReadonlyMap<number, BrokerInfo>, answer: ReadonlyMap<number, BrokerInfo>): number[] {
  const out: number[] = []
  for (const [id, b] of answer) {
    const k = known.get(id)
    if (k === undefined || k.host !== b.host || k.port !== b.port) out.push(id)
  }
  return out
}
