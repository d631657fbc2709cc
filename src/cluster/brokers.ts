/**
 * BrokerPool: the connections of one client, keyed by broker and purpose.
 *
 * Contract:
 * - `get(node)` returns a ready connection to that broker, connecting on first
 *   use. Concurrent callers share one connection attempt.
 * - After a failed attempt, the next attempt to the same address waits
 *   `reconnect.backoff.ms`, doubling per failure up to
 *   `reconnect.backoff.max.ms`, with ±20% jitter (as the Java client).
 * - After an authentication failure (TLS or SASL: `AuthenticationError`,
 *   never retriable), the address gets no new attempt, for any purpose, for
 *   `reconnect.backoff.max.ms`; meanwhile `get()` fails at once with that
 *   same error (as Java's NetworkClient does), so callers that keep asking
 *   cannot cause a reconnect storm.
 * - A purpose (`'default'`, `'coordinator'`, `'fetch'`, ...) gives a separate
 *   socket to the same broker. Kafka answers one connection's requests in
 *   order, so a long-polling Fetch must not sit in front of a Heartbeat.
 * - `close()` closes every connection and makes later `get()` calls fail.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { AuthenticationError, ConnectionError, KafkaError } from '../errors.js'
import { Connection, type ConnectionOptions } from '../network/connection.js'
import { Log } from '../logger.js'
import { MetadataApi } from '../protocol/messages/metadata.js'

export interface BrokerAddress {
  nodeId: number
  host: string
  port: number
}

export type ConnectionSettings = Omit<ConnectionOptions, 'host' | 'port' | 'nodeId' | 'onClose' | 'log'> & {
  /** The client's logger; connections log under its `network` child. */
  log?: Log
  reconnectBackoffMs: number
  reconnectBackoffMaxMs: number
  connectionsMaxIdleMs: number
}

interface Slot {
  conn: Connection | undefined
  connecting: Promise<Connection> | undefined
  failures: number
  nextAttemptAt: number
}

export class BrokerPool {
  private readonly settings: ConnectionSettings
  private readonly slots = new Map<string, Slot>()
  /** Connections still connecting (not in a slot yet): close() must end them too. */
  private readonly opening = new Set<Connection>()
  /** Authentication failures by address ("host:port"), reported without connecting until `until`. */
  private readonly authFailures = new Map<string, { error: AuthenticationError; until: number }>()
  /** Per broker address: API version ranges found missing once (see ConnectionOptions.unsupportedSeen). */
  private readonly unsupportedSeen = new Map<string, Set<string>>()
  private closed = false
  private idleTimer: NodeJS.Timeout | undefined

  private readonly log: Log

  constructor(settings: ConnectionSettings) {
    this.settings = settings
    this.log = (settings.log ?? Log.standalone('samsa')).child('network')
    if (settings.connectionsMaxIdleMs > 0) {
      const every = Math.max(1000, Math.min(settings.connectionsMaxIdleMs, 60000))
      this.idleTimer = setInterval(() => this.reapIdle(), every)
      this.idleTimer.unref()
    }
  }

  /** A ready connection to `broker` for `purpose`. */
  async get(broker: BrokerAddress, purpose = 'default'): Promise<Connection> {
    if (this.closed) throw new ConnectionError('client is closed', { retriable: false })
    const address = `${broker.host}:${broker.port}`
    const key = `${address}/${purpose}`
    let slot = this.slots.get(key)
    if (!slot) {
      slot = { conn: undefined, connecting: undefined, failures: 0, nextAttemptAt: 0 }
      this.slots.set(key, slot)
    }
    if (slot.conn && slot.conn.isReady) return slot.conn
    if (slot.connecting) return slot.connecting
    const auth = this.authFailures.get(address)
    if (auth !== undefined) {
      if (Date.now() < auth.until) throw auth.error
      this.authFailures.delete(address)
    }
    const s = slot
    s.connecting = this.open(s, broker, purpose).finally(() => {
      s.connecting = undefined
    })
    return s.connecting
  }

  /**
   * Asks `broker` for its metadata without topics over another purpose's
   * connection than `purpose` (connecting if needed): the liveness check of
   * a long-held request (Connection's `probe`). Rejects when the broker does
   * not answer within request.timeout.ms.
   */
  private async probe(broker: BrokerAddress, purpose: string): Promise<void> {
    const conn = await this.get(broker, purpose === 'default' ? 'probe' : 'default')
    await conn.request(MetadataApi, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  }

  /** The connection to `broker` for `purpose` when one is open and ready now (never connects). */
  ready(broker: { host: string; port: number }, purpose = 'default'): Connection | undefined {
    const conn = this.slots.get(`${broker.host}:${broker.port}/${purpose}`)?.conn
    return conn !== undefined && conn.isReady ? conn : undefined
  }

  private async open(slot: Slot, broker: BrokerAddress, purpose: string): Promise<Connection> {
    const wait = slot.nextAttemptAt - Date.now()
    if (wait > 0) await sleep(wait)
    if (this.closed) throw new ConnectionError('client is closed', { retriable: false })
    const conn = new Connection({
      ...this.settings,
      log: this.log,
      host: broker.host,
      port: broker.port,
      nodeId: broker.nodeId,
      unsupportedSeen: this.seenFor(broker),
      probe: () => this.probe(broker, purpose),
      onClose: (c) => {
        if (slot.conn === c) slot.conn = undefined
      },
    })
    this.opening.add(conn)
    try {
      await conn.connect()
    } catch (e) {
      conn.destroy()
      slot.failures++
      // Java logs every failed attempt; once per outage is enough to see it, the rest is debug.
      const message = `cannot connect to ${broker.host}:${broker.port}: ${(e as Error).message}`
      const fields = { broker: `${broker.host}:${broker.port}`, nodeId: broker.nodeId, attempt: slot.failures }
      if (slot.failures === 1) this.log.warn(message, fields)
      else this.log.debug(message, fields)
      if (e instanceof AuthenticationError) {
        this.authFailures.set(`${broker.host}:${broker.port}`, { error: e, until: Date.now() + this.settings.reconnectBackoffMaxMs })
      } else {
        const base = Math.min(this.settings.reconnectBackoffMaxMs, this.settings.reconnectBackoffMs * 2 ** (slot.failures - 1))
        slot.nextAttemptAt = Date.now() + base * (0.8 + Math.random() * 0.4)
      }
      throw e instanceof KafkaError ? e : new ConnectionError(`cannot connect to ${broker.host}:${broker.port}: ${(e as Error).message}`, { cause: e })
    } finally {
      this.opening.delete(conn)
    }
    if (this.closed) {
      conn.destroy()
      throw new ConnectionError('client is closed', { retriable: false })
    }
    if (slot.failures > 0) this.log.info(`reconnected to ${broker.host}:${broker.port} after ${slot.failures} failed attempt(s)`, { broker: `${broker.host}:${broker.port}`, nodeId: broker.nodeId })
    slot.failures = 0
    slot.nextAttemptAt = 0
    slot.conn = conn
    return conn
  }

  private seenFor(broker: BrokerAddress): Set<string> {
    const key = `${broker.host}:${broker.port}`
    let seen = this.unsupportedSeen.get(key)
    if (!seen) this.unsupportedSeen.set(key, (seen = new Set()))
    return seen
  }

  /** Closes the connections to one broker (all purposes), e.g. after it failed. */
  disconnect(broker: { host: string; port: number }): void {
    const prefix = `${broker.host}:${broker.port}/`
    for (const [key, slot] of this.slots) {
      if (key.startsWith(prefix)) slot.conn?.close()
    }
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.settings.connectionsMaxIdleMs
    for (const slot of this.slots.values()) {
      const c = slot.conn
      if (c && c.inFlight === 0 && c.lastUsed < cutoff) {
        this.log.debug(`closing idle connection to ${c.address}`, { broker: c.address })
        c.close()
      }
    }
  }

  close(): void {
    this.closed = true
    if (this.idleTimer) clearInterval(this.idleTimer)
    for (const slot of this.slots.values()) slot.conn?.close()
    this.slots.clear()
    for (const conn of this.opening) conn.destroy(new ConnectionError('client is closed', { retriable: false }))
    this.opening.clear()
  }
}
