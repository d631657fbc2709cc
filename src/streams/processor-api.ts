/**
 * The Processor API: user code that sees each record, keeps state in named
 * stores, forwards any number of records and schedules punctuations
 * (Kafka Streams' `Processor` / `ProcessorContext`, `KStream.process()`).
 *
 * `stream.process(supplier, ...storeNames)` adds a {@link ProcessorNode};
 * each task calls the supplier once for its own processor instance, calls
 * `init(context)` after its stores are restored and `close()` when the task
 * closes (rebalance, `streams.close()`).
 */
import type { GraphBuilder } from './builder.js'
import { TopologyError } from './errors.js'
import type { Node, StreamRecord, TaskContext } from './processor.js'
import type { Cancellable, PunctuationType, Punctuator } from './punctuator.js'
import type { KeyValueStore } from './store.js'
import type { Header } from '../types.js'

/** Where the record being processed comes from. */
export interface RecordMetadata {
  topic: string
  partition: number
  offset: bigint
}

/** A record to forward: timestamp and headers default to those of the record being processed (in a punctuator: the punctuation time, no headers). */
export interface ForwardRecord<K, V> {
  key: K
  value: V
  timestamp?: number
  headers?: Header[]
}

/** What a processor may do in its task. */
export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly applicationId: string
  /** `<sub-topology>_<partition>`. */
  readonly taskId: string
  /** The input record being processed; undefined inside a punctuator. */
  recordMetadata(): RecordMetadata | undefined
  /** The largest timestamp of the records the task has processed (-1 before the first). */
  currentStreamTimeMs(): number
  currentSystemTimeMs(): number
  /** Hands a record to the nodes downstream of this processor (synchronously). */
  forward(record: ForwardRecord<KOut, VOut>): void
  /** Asks for a commit as soon as possible (after the current record or punctuation). */
  commit(): void
  /** A state store connected to this processor (`process(supplier, 'name')`). */
  getStateStore<K, V>(name: string): KeyValueStore<K, V>
  /**
   * Calls `punctuator` every `intervalMs` of stream time (advanced by the
   * records' timestamps) or of wall-clock time, inside the task. Call it in
   * `init()` (or later); the schedule ends with `cancel()` or when the task closes.
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable
}

/** A processor: one instance per task. */
export interface Processor<KIn, VIn, KOut = unknown, VOut = unknown> {
  init?(context: ProcessorContext<KOut, VOut>): void
  process(record: StreamRecord<KIn, VIn>): void
  close?(): void
}

/** Makes a new processor for each task (Kafka Streams' ProcessorSupplier); must not return the same instance twice. */
export type ProcessorSupplier<KIn, VIn, KOut = unknown, VOut = unknown> = () => Processor<KIn, VIn, KOut, VOut>

interface Running {
  processor: Processor<unknown, unknown>
  /** The record in progress, or the punctuation's time and no headers (`punctuation`: no metadata). */
  current: { timestamp: number; headers: Header[]; punctuation: boolean } | undefined
}

/** The graph node of `process()`: one processor instance per task. */
export class ProcessorNode implements Node {
  readonly children: Node[] = []
  private readonly running = new Map<TaskContext, Running>()
  private readonly made = new WeakSet<object>()

  constructor(
    readonly name: string,
    private readonly supplier: ProcessorSupplier<unknown, unknown>,
    readonly stores: string[],
  ) {}

  init(ctx: TaskContext): void {
    const processor = this.supplier()
    if (!processor || typeof processor.process !== 'function') throw new TopologyError(`process() ${this.name}: the supplier must return a processor (an object with process(record)), got ${String(processor)}`)
    if (this.made.has(processor)) throw new TopologyError(`process() ${this.name}: the supplier returned an instance it returned before; it must return a new processor per call (each task has its own)`)
    this.made.add(processor)
    const run: Running = { processor, current: undefined }
    this.running.set(ctx, run)
    processor.init?.(this.context(ctx, run))
  }

  process(record: StreamRecord<unknown, unknown>, ctx: TaskContext): void {
    const run = this.running.get(ctx)
    if (!run) throw new TopologyError(`process() ${this.name}: no processor was initialized for task ${ctx.id}`)
    const outer = run.current
    run.current = { timestamp: record.timestamp, headers: record.headers, punctuation: false }
    try {
      run.processor.process(record)
    } finally {
      run.current = outer
    }
  }

  close(ctx: TaskContext): void {
    const run = this.running.get(ctx)
    this.running.delete(ctx)
    run?.processor.close?.()
  }

  private context(ctx: TaskContext, run: Running): ProcessorContext {
    const connected = this.stores
    return {
      applicationId: ctx.applicationId,
      taskId: ctx.id,
      recordMetadata: () => (run.current && !run.current.punctuation ? { topic: ctx.topic, partition: ctx.partition, offset: ctx.offset } : undefined),
      currentStreamTimeMs: () => ctx.streamTime,
      currentSystemTimeMs: () => Date.now(),
      forward: (r) => {
        const timestamp = r.timestamp ?? run.current?.timestamp ?? Date.now()
        ctx.forward(this, { key: r.key, value: r.value, timestamp, headers: r.headers ?? run.current?.headers ?? [] })
      },
      commit: () => ctx.requestCommit(),
      getStateStore: <K, V>(name: string) => {
        if (!connected.includes(name)) throw new TopologyError(`getStateStore("${name}"): the store is not connected to processor ${this.name}; connected: ${connected.map((n) => `"${n}"`).join(', ') || 'none'} (pass its name to process(supplier, ...storeNames))`)
        return ctx.store<K, V>(name)
      },
      schedule: (intervalMs, type, punctuator) => ctx.schedule(intervalMs, type, (time) => {
        const outer = run.current
        run.current = { timestamp: time, headers: [], punctuation: true }
        try {
          punctuator(time)
        } finally {
          run.current = outer
        }
      }),
    }
  }
}

/** Adds a ProcessorNode under `parent`, connected to `storeNames` (each must already be in the topology). */
export function processorNode(graph: GraphBuilder, parent: Node, supplier: ProcessorSupplier<never, never, unknown, unknown>, storeNames: string[]): Node {
  if (typeof supplier !== 'function') throw new TopologyError('process(): expected a supplier function that returns a new processor per call')
  for (const name of storeNames) {
    if (!graph.topology.stores.has(name)) throw new TopologyError(`process(): no state store named "${name}": add it with builder.addStateStore({ name, keySerde, valueSerde }) first`)
  }
  return graph.add(new ProcessorNode(graph.name('KSTREAM-PROCESSOR'), supplier as ProcessorSupplier<unknown, unknown>, storeNames), parent)
}
