/**
 * KafkaJS's instrumentation events: `client.on(client.events.X, listener)`
 * returns a function that removes the listener.
 *
 * Contract: an unknown event name throws KafkaJSNonRetriableError naming the
 * valid ones. Events are `{ id, type, timestamp, payload }`. A listener that
 * throws or rejects is logged at ERROR and never breaks the client. Events
 * without listeners cost nothing.
 */
import { EventEmitter } from 'node:events'
import { KafkaJSNonRetriableError } from './errors.js'
import type { InstrumentationEvent, Logger } from './types.js'
import type { ConnectionObserver } from '../network/diagnostics.js'
import { CONNECTION_LISTENERS } from '../metrics/network.js'

/** What samsa's Producer, Consumer and Admin share: their connection listeners. */
export interface Observable {
  [CONNECTION_LISTENERS](): ConnectionObserver[]
}

type RequestEventNames = { REQUEST: string; REQUEST_TIMEOUT: string; REQUEST_QUEUE_SIZE: string }

let nextId = 0

/** KafkaJS's names (src/protocol/requests/apiKeys.js) where they differ from Kafka's. */
const KAFKAJS_API_NAMES: Record<string, string> = { FindCoordinator: 'GroupCoordinator', ElectLeaders: 'ElectPreferredLeaders' }
const apiName = (api: string): string => KAFKAJS_API_NAMES[api] ?? api

export class Instrumentation<Names extends Record<string, string>> {
  private readonly emitter = new EventEmitter()
  private readonly valid: Set<string>

  constructor(readonly events: Names, private readonly prefix: string, private readonly logger: Logger) {
    this.valid = new Set(Object.values(events))
  }

  on(eventName: string, listener: (event: InstrumentationEvent<any>) => void): () => void { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!this.valid.has(eventName)) {
      throw new KafkaJSNonRetriableError(`Event name should be one of ${Object.keys(this.events).map((k) => `${this.prefix}.events.${k}`).join(', ')}`)
    }
    const wrapped = (event: InstrumentationEvent<unknown>) => {
      try {
        Promise.resolve(listener(event)).catch((e: unknown) => this.failed(eventName, e))
      } catch (e) {
        this.failed(eventName, e)
      }
    }
    this.emitter.on(eventName, wrapped)
    return () => {
      this.emitter.removeListener(eventName, wrapped)
    }
  }

  /** Whether `eventName` has listeners (so a payload is worth building). */
  has(eventName: string): boolean {
    return this.emitter.listenerCount(eventName) > 0
  }

  /**
   * The connection listener that turns a client's requests into KafkaJS's
   * REQUEST, REQUEST_TIMEOUT and REQUEST_QUEUE_SIZE events (KafkaJS's payload
   * fields and API names; samsa writes requests at once, so `createdAt` is
   * `sentAt` and `pendingDuration` 0).
   */
  requestEvents(names: RequestEventNames, clientId: string): ConnectionObserver {
    const noop = (): void => undefined
    return {
      connected: noop,
      closed: noop,
      sent: (conn, _api, _bytes, inFlight) => {
        if (this.has(names.REQUEST_QUEUE_SIZE)) this.emit(names.REQUEST_QUEUE_SIZE, { broker: conn.address, clientId, queueSize: inFlight })
      },
      received: (conn, api, bytes, latencyMs, r) => {
        if (!this.has(names.REQUEST)) return
        this.emit(names.REQUEST, {
          broker: conn.address, clientId, correlationId: r.correlationId, size: r.size, createdAt: r.sentAt, sentAt: r.sentAt,
          pendingDuration: 0, duration: latencyMs, apiName: apiName(api), apiKey: r.apiKey, apiVersion: r.version,
        })
      },
      timedOut: (conn, api, _timeoutMs, r) => {
        if (!this.has(names.REQUEST_TIMEOUT)) return
        this.emit(names.REQUEST_TIMEOUT, {
          broker: conn.address, clientId, correlationId: r.correlationId, createdAt: r.sentAt, sentAt: r.sentAt,
          pendingDuration: 0, apiName: apiName(api), apiKey: r.apiKey, apiVersion: r.version,
        })
      },
    }
  }

  /** Sends the requests of `client` (a samsa Producer, Consumer or Admin) to this client's REQUEST* events. */
  observe(client: Observable, names: RequestEventNames, clientId: string): void {
    client[CONNECTION_LISTENERS]().push(this.requestEvents(names, clientId))
  }

  emit(eventName: string, payload: unknown = null): void {
    if (this.emitter.listenerCount(eventName) === 0) return
    const event: InstrumentationEvent<unknown> = { id: String(nextId++), type: eventName, timestamp: Date.now(), payload }
    this.emitter.emit(eventName, event)
  }

  private failed(eventName: string, e: unknown): void {
    this.logger.error(`Failed to execute listener: ${(e as Error)?.message ?? String(e)}`, { eventName, stack: (e as Error)?.stack })
  }
}

export const PRODUCER_EVENTS = {
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
} as const

export const ADMIN_EVENTS = {
  CONNECT: 'admin.connect',
  DISCONNECT: 'admin.disconnect',
  REQUEST: 'admin.network.request',
  REQUEST_TIMEOUT: 'admin.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'admin.network.request_queue_size',
} as const

export const CONSUMER_EVENTS = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
} as const
