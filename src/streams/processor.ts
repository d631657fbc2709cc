/**
 * The processor graph a topology is made of: nodes that take a record and
 * forward records to their children, run by a task (one per input
 * partition) through the {@link TaskContext} it gives them.
 */
import type { Header } from '../types.js'
import type { Cancellable, PunctuationType, Punctuator } from './punctuator.js'
import type { KeyValueStore } from './store.js'
import type { Serde } from './serde.js'

/** A record inside a topology: a key, a value, the event time and headers of the input record it came from. */
export interface StreamRecord<K, V> {
  key: K
  value: V
  /** Event time: the input record's timestamp (ms), carried to every record made from it. */
  timestamp: number
  headers: Header[]
}

/** A topic named by the user, or an internal one named `<application.id>-<name>` at run time. */
export interface TopicRef {
  name: string
  internal: boolean
}

/** The input record being processed and what a node may use of its task. */
export interface TaskContext {
  readonly applicationId: string
  /** Topic, partition and offset of the input record being processed. */
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  forward(from: Node, record: StreamRecord<unknown, unknown>): void
  /** Counts the record being processed as dropped (Kafka Streams' dropped-records metric) and logs `reason`. */
  recordDropped?(reason: string, details?: Record<string, unknown>): void
  store<K, V>(name: string): KeyValueStore<K, V>
  /** Hands a record to the producer (serialized with `keySerde`/`valueSerde`). */
  send(topic: string, record: StreamRecord<unknown, unknown>, keySerde: Serde<unknown>, valueSerde: Serde<unknown>, partition?: number): void
  /** The real name of a topic reference. */
  topicName(ref: TopicRef): string
  /** The task's id: `<sub-topology>_<partition>`. */
  readonly id: string
  /** The largest timestamp of the records the task has processed (-1 before the first). */
  readonly streamTime: number
  /** Schedules a punctuation in this task (see punctuator.ts); schedules end when the task closes. */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable
  /** Asks the runtime to commit as soon as the current record or punctuation is done. */
  requestCommit(): void
}

/** One node of the graph. */
export interface Node {
  readonly name: string
  readonly children: Node[]
  /** Names of the state stores the node reads or writes (they live in its task). */
  readonly stores: string[]
  process(record: StreamRecord<unknown, unknown>, ctx: TaskContext): void
  /** Called once per task when it starts, after its stores are restored (Processor API nodes). */
  init?(ctx: TaskContext): void
  /** Called once per task when it closes. */
  close?(ctx: TaskContext): void
}

/** A node whose work is a function of the record; it forwards what it makes through `ctx.forward(this, ...)`. */
export class FnNode implements Node {
  readonly children: Node[] = []
  constructor(
    readonly name: string,
    private readonly fn: (record: StreamRecord<unknown, unknown>, ctx: TaskContext, node: Node) => void,
    readonly stores: string[] = [],
  ) {}

  process(record: StreamRecord<unknown, unknown>, ctx: TaskContext): void {
    this.fn(record, ctx, this)
  }
}

/** Where a source node starts: a topic (or internal topic) and the serdes that read it. */
export class SourceNode implements Node {
  readonly children: Node[] = []
  readonly stores: string[] = []
  constructor(
    readonly name: string,
    readonly topic: TopicRef,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
  ) {}

  process(record: StreamRecord<unknown, unknown>, ctx: TaskContext): void {
    for (const child of this.children) child.process(record, ctx)
  }
}

/** Picks the output topic from the record (Kafka Streams' TopicNameExtractor). */
export type TopicNameExtractor<K, V> = (key: K, value: V, record: StreamRecord<K, V>) => string

/** Writes records to a topic (fixed, internal or chosen per record). */
export class SinkNode implements Node {
  readonly children: Node[] = []
  readonly stores: string[] = []
  constructor(
    readonly name: string,
    readonly topic: TopicRef | TopicNameExtractor<unknown, unknown>,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
  ) {}

  process(record: StreamRecord<unknown, unknown>, ctx: TaskContext): void {
    const topic = typeof this.topic === 'function' ? this.topic(record.key, record.value, record) : ctx.topicName(this.topic)
    ctx.send(topic, record, this.keySerde, this.valueSerde)
  }
}
