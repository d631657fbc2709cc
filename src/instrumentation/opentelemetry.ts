/**
 * OpenTelemetry spans of the producer and the consumers, after the messaging
 * semantic conventions for Kafka (docs/observability.md):
 *
 * - `send <topic>` (PRODUCER) per record, from `send()` to its
 *   acknowledgement; its context goes into the record's headers
 *   (`traceparent`, `tracestate`: W3C trace context, through the global
 *   propagator when one is registered, else written by samsa itself), so a
 *   consumer in any language continues the trace.
 * - `poll <topic>` (CLIENT, operation type `receive`) per poll that returns
 *   records, linked to each record's producer span.
 * - `process <topic>` (CONSUMER) around the application's handling of one
 *   record (`consumer.process(record, fn)`), a child of the record's producer
 *   span.
 *
 * `@opentelemetry/api` is an optional peer dependency: it is loaded once,
 * when a client whose `opentelemetry.tracing` is not false is created; when it
 * is absent, or "auto" finds no registered tracer provider, the client holds
 * no tracing object and its hot paths test one undefined field.
 */
import type * as Api from '@opentelemetry/api'
import { tryLoadOptional } from '../protocol/records/optional.js'
import type { KafkaError } from '../errors.js'
import type { Header } from '../types.js'
import type { ConsumerRecord } from '../consumer/records.js'
import type { RecordMetadata } from '../producer/types.js'

/** The options read here (every client's config has them). */
export interface TracingConfig {
  'opentelemetry.tracing': 'auto' | boolean
  'opentelemetry.tracer.provider'?: { getTracer: (name: string, version?: string) => unknown } | undefined
  'client.id': string
}

/** A span started by {@link Tracing} (opaque outside this file). */
export type TraceSpan = object

const TRACEPARENT = 'traceparent'
const TRACESTATE = 'tracestate'
/** The most producer links one poll span carries (the SDK's default span limit). */
const MAX_LINKS = 128

/** The last header named `key`, as text. */
function header(headers: Header[], key: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    const h = headers[i]!
    if (h.key === key) return h.value === null ? undefined : h.value.toString('latin1')
  }
  return undefined
}

const headerGetter: Api.TextMapGetter<Header[]> = {
  get: header,
  keys: (headers) => headers.map((h) => h.key),
}

const headerSetter: Api.TextMapSetter<Header[]> = {
  set(headers, key, value) {
    for (let i = headers.length - 1; i >= 0; i--) if (headers[i]!.key === key) headers.splice(i, 1)
    headers.push({ key, value: Buffer.from(value, 'latin1') })
  },
}

/**
 * Whether @opentelemetry/api (major version 1) has set up its global registry,
 * where `trace.setGlobalTracerProvider` (the SDK's `register()`) keeps the
 * provider: the key the API itself uses, `Symbol.for('opentelemetry.js.api.1')`.
 */
function otelRegistered(): boolean {
  return Object.prototype.hasOwnProperty.call(globalThis, Symbol.for('opentelemetry.js.api.1'))
}

/**
 * One client's tracing, made once when the client is created (undefined when
 * tracing is off), so a record costs a field test when it is off.
 */
export class Tracing {
  private constructor(
    private readonly api: typeof Api,
    private readonly tracer: Api.Tracer,
    private readonly base: Api.Attributes,
    /** The global propagator when one is registered; else samsa writes W3C trace context. */
    private readonly propagator: boolean,
  ) {}

  /** The client's tracing, or undefined when off, when @opentelemetry/api is absent, or ("auto") when no provider is registered. */
  static of(config: TracingConfig, groupId?: string): Tracing | undefined {
    const mode = config['opentelemetry.tracing']
    if (mode === false) return undefined
    const given = config['opentelemetry.tracer.provider'] as Api.TracerProvider | undefined
    // "auto" without a provider given: nothing can be registered while @opentelemetry/api has not
    // put its global registry on globalThis, so the package (tens of ms to load cold) is not loaded.
    if (mode === 'auto' && given === undefined && !otelRegistered()) return undefined
    const api = tryLoadOptional<typeof Api>('@opentelemetry/api')
    if (api === undefined) return undefined
    const provider = given ?? api.trace.getTracerProvider()
    if (given === undefined && mode === 'auto' && provider instanceof api.ProxyTracerProvider && provider.getDelegateTracer('samsa') === undefined) return undefined
    const base: Api.Attributes = { 'messaging.system': 'kafka', 'messaging.client.id': config['client.id'] }
    if (groupId !== undefined) base['messaging.consumer.group.name'] = groupId
    return new Tracing(api, provider.getTracer('samsa'), base, api.propagation.fields().length > 0)
  }

  /** Starts `send <topic>` in the active context; `headers` (the record's own copy) get its trace context. */
  startSend(topic: string, partition: number | null | undefined, rawKey: unknown, tombstone: boolean): TraceSpan {
    const a: Api.Attributes = {
      ...this.base,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
    }
    if (partition !== undefined && partition !== null) a['messaging.destination.partition.id'] = String(partition)
    const key = keyString(rawKey)
    if (key !== undefined) a['messaging.kafka.message.key'] = key
    if (tombstone && key !== undefined) a['messaging.kafka.message.tombstone'] = true
    return this.tracer.startSpan(`send ${topic}`, { kind: this.api.SpanKind.PRODUCER, attributes: a })
  }

  /** Writes `span`'s context into `headers` (replacing trace headers already there); returns them. */
  inject(span: TraceSpan, headers: Header[] | undefined): Header[] {
    const out = headers ?? []
    const api = this.api
    const ctx = api.trace.setSpan(api.context.active(), span as Api.Span)
    if (this.propagator) {
      api.propagation.inject(ctx, out, headerSetter)
    } else {
      const sc = (span as Api.Span).spanContext()
      if (api.isSpanContextValid(sc)) {
        headerSetter.set(out, TRACEPARENT, `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`)
        const state = sc.traceState?.serialize()
        if (state) headerSetter.set(out, TRACESTATE, state)
      }
    }
    return out
  }

  /** Ends a `send` span with the record's metadata or its error. */
  endSend(span: TraceSpan, metadata: RecordMetadata | null, error: KafkaError | null): void {
    const s = span as Api.Span
    if (metadata !== null) {
      s.setAttribute('messaging.destination.partition.id', String(metadata.partition))
      if (metadata.offset >= 0n) s.setAttribute('messaging.kafka.offset', Number(metadata.offset))
    }
    if (error !== null) this.fail(s, error)
    s.end()
  }

  /** The producer's context carried by `headers`, or undefined. */
  extract(headers: Header[]): Api.SpanContext | undefined {
    const api = this.api
    if (this.propagator) {
      const sc = api.trace.getSpanContext(api.propagation.extract(api.ROOT_CONTEXT, headers, headerGetter))
      return sc !== undefined && api.isSpanContextValid(sc) ? sc : undefined
    }
    const parent = header(headers, TRACEPARENT)
    if (parent === undefined) return undefined
    const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/.exec(parent.trim())
    if (m === null || m[1] === 'ff') return undefined
    const sc: Api.SpanContext = { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16) & 1, isRemote: true }
    const state = header(headers, TRACESTATE)
    if (state !== undefined) sc.traceState = api.createTraceState(state)
    return api.isSpanContextValid(sc) ? sc : undefined
  }

  /**
   * Records a `poll` span from `startMs` to now for the records one poll
   * returns, linked to their producers' spans.
   */
  polled(records: Iterable<ConsumerRecord<unknown, unknown>>, count: number, startMs: number): void {
    const links: Api.Link[] = []
    const topics = new Set<string>()
    for (const r of records) {
      topics.add(r.topic)
      if (links.length < MAX_LINKS) {
        const sc = this.extract(r.headers)
        if (sc !== undefined) links.push({ context: sc })
      }
    }
    const topic = topics.size === 1 ? topics.values().next().value as string : undefined
    const a: Api.Attributes = {
      ...this.base,
      'messaging.operation.type': 'receive',
      'messaging.operation.name': 'poll',
      'messaging.batch.message_count': count,
    }
    if (topic !== undefined) a['messaging.destination.name'] = topic
    this.tracer.startSpan(topic === undefined ? 'poll' : `poll ${topic}`, { kind: this.api.SpanKind.CLIENT, attributes: a, links, startTime: startMs }).end()
  }

  /**
   * Runs `fn` in a `process <topic>` span, a child of the record's producer
   * span (or of the active context when the record carries none); the span
   * ends when `fn` returns or its promise settles, with an error status if it
   * threw or rejected.
   */
  process<T>(record: ConsumerRecord<unknown, unknown>, fn: () => T): T {
    const api = this.api
    const sc = this.extract(record.headers)
    const parent = sc === undefined ? api.context.active() : api.trace.setSpanContext(api.context.active(), sc)
    const a: Api.Attributes = {
      ...this.base,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': record.topic,
      'messaging.destination.partition.id': String(record.partition),
      'messaging.kafka.offset': Number(record.offset),
    }
    const key = keyString(record.key)
    if (key !== undefined) a['messaging.kafka.message.key'] = key
    if (record.value === null && key !== undefined) a['messaging.kafka.message.tombstone'] = true
    const span = this.tracer.startSpan(`process ${record.topic}`, { kind: api.SpanKind.CONSUMER, attributes: a }, parent)
    let result: T
    try {
      result = api.context.with(api.trace.setSpan(parent, span), fn)
    } catch (e) {
      this.fail(span, e)
      span.end()
      throw e
    }
    if (result instanceof Promise) {
      return result.then(
        (v: unknown) => { span.end(); return v },
        (e: unknown) => { this.fail(span, e); span.end(); throw e },
      ) as T
    }
    span.end()
    return result
  }

  private fail(span: Api.Span, error: unknown): void {
    const e = error as Partial<KafkaError> | undefined
    const type = typeof e?.type === 'string' ? e.type : (error as object | undefined)?.constructor?.name ?? 'Error'
    span.setAttribute('error.type', type)
    if (error instanceof Error) span.recordException(error)
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
  }
}

/** A key as the semantic conventions want it: strings as they are, bytes as UTF-8, numbers and bigints as text; else none. */
function keyString(key: unknown): string | undefined {
  if (key === null || key === undefined) return undefined
  if (typeof key === 'string') return key
  if (Buffer.isBuffer(key)) return key.toString('utf8')
  if (typeof key === 'number' || typeof key === 'bigint') return String(key)
  return undefined
}
