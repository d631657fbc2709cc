/**
 * Connection metrics, as Java's Selector reports them in the
 * `<client>-metrics` group (connection-count, request-rate,
 * incoming-byte-rate, ...) and per broker in `<client>-node-metrics`
 * (tag node-id "node-<id>").
 */
import type { Connection } from '../network/connection.js'
import type { ConnectionObserver, RequestInfo } from '../network/diagnostics.js'
import type { Metrics, Sensor } from './registry.js'

/** The method of Producer, Consumer and Admin that returns their connection listeners (the KafkaJS facade's REQUEST events). */
export const CONNECTION_LISTENERS: unique symbol = Symbol.for('samsa.connectionListeners')

interface NodeSensors {
  out: Sensor
  in: Sensor
  /** Made at the node's first response, as before any caching. */
  latency: Sensor | undefined
}

export class NetworkMetrics implements ConnectionObserver {
  private readonly group: string
  private readonly nodeGroup: string
  private open = 0
  private readonly created: Sensor
  private readonly closes: Sensor
  private readonly requests: Sensor
  private readonly responses: Sensor
  private readonly outgoing: Sensor
  private readonly incoming: Sensor
  private readonly io: Sensor
  /** Others told of the same events (the KafkaJS facade's instrumentation events). */
  readonly listeners: ConnectionObserver[] = []
  private readonly nodes = new Map<number, NodeSensors>()

  constructor(private readonly metrics: Metrics, prefix: string, private readonly clientId: string) {
    this.group = `${prefix}-metrics`
    this.nodeGroup = `${prefix}-node-metrics`
    const tags = { 'client-id': clientId }
    const g = this.group
    metrics.gauge('connection-count', g, 'The current number of active connections.', tags, () => this.open)
    this.created = metrics.sensor('connections-created', (s) => s.meter(g, 'connection-creation', 'new connections established', tags, true))
    this.closes = metrics.sensor('connections-closed', (s) => s.meter(g, 'connection-close', 'connections closed', tags, true))
    this.requests = metrics.sensor('bytes-sent', (s) => s.meter(g, 'request', 'requests sent', tags, true).meter(g, 'outgoing-byte', 'outgoing bytes sent to all servers', tags).avgMax(g, 'request-size', 'size of requests sent', tags))
    this.responses = metrics.sensor('bytes-received', (s) => s.meter(g, 'response', 'responses received', tags, true).meter(g, 'incoming-byte', 'bytes read off all sockets', tags))
    this.io = metrics.sensor('io', (s) => s.meter(g, 'network-io', 'network operations (reads or writes) on all connections', tags, true))
    this.outgoing = this.requests
    this.incoming = this.responses
  }

  /**
   * The per-broker sensors, made on a node's first request and kept by node
   * id (the registry never removes them): a request records into them
   * without building their names again.
   */
  private node(conn: Connection): NodeSensors {
    const id = conn.options.nodeId
    let sensors = this.nodes.get(id)
    if (sensors === undefined) {
      const tags = { 'client-id': this.clientId, 'node-id': `node-${id}` }
      const g = this.nodeGroup
      sensors = {
        out: this.metrics.sensor(`node-${id}.bytes-sent`, (s) => s.meter(g, 'request', 'requests sent', tags, true).meter(g, 'outgoing-byte', 'outgoing bytes', tags).avgMax(g, 'request-size', 'size of requests sent', tags)),
        in: this.metrics.sensor(`node-${id}.bytes-received`, (s) => s.meter(g, 'response', 'responses received', tags, true).meter(g, 'incoming-byte', 'incoming bytes', tags)),
        latency: undefined,
      }
      this.nodes.set(id, sensors)
    }
    return sensors
  }

  connected(conn: Connection): void {
    this.open++
    this.created.record()
    for (const l of this.listeners) l.connected(conn)
  }

  closed(conn: Connection): void {
    this.open--
    this.closes.record()
    for (const l of this.listeners) l.closed(conn)
  }

  sent(conn: Connection, api: string, bytes: number, inFlight: number): void {
    const now = Date.now()
    this.outgoing.record(bytes, now)
    this.io.record(1, now)
    this.node(conn).out.record(bytes, now)
    for (const l of this.listeners) l.sent(conn, api, bytes, inFlight)
  }

  received(conn: Connection, api: string, bytes: number, latencyMs: number, request: RequestInfo): void {
    const now = Date.now()
    this.incoming.record(bytes, now)
    this.io.record(1, now)
    // As Java's, a connection opened to a bootstrap address keeps node id -1 ("node--1").
    const node = this.node(conn)
    node.in.record(bytes, now)
    node.latency ??= this.metrics.sensor(`node-${conn.options.nodeId}.latency`, (s) =>
      s.avgMax(this.nodeGroup, 'request-latency', 'request latency in ms', { 'client-id': this.clientId, 'node-id': `node-${conn.options.nodeId}` }))
    node.latency.record(latencyMs, now)
    for (const l of this.listeners) l.received(conn, api, bytes, latencyMs, request)
  }

  timedOut(conn: Connection, api: string, timeoutMs: number, request: RequestInfo): void {
    for (const l of this.listeners) l.timedOut(conn, api, timeoutMs, request)
  }
}
