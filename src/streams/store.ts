/**
 * In-memory key-value stores. A store holds one task's share of a table
 * (the keys of one partition); every change is also written to the store's
 * changelog topic (partition = the task's partition), from which the store
 * is rebuilt when its task starts on this or another instance.
 */
import { deserializeNow, serializeNow, type Serde } from './serde.js'

/** What interactive queries may do with a store. */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined
  /** Every entry (in no particular order). */
  all(): IterableIterator<[K, V]>
  approximateNumEntries(): number
}

export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {
  readonly name: string
  put(key: K, value: V | null): void
  delete(key: K): V | undefined
}

/** What every store of a task is: named, and rebuilt from its changelog records (`timestamp`: the record's). */
export interface StateStore {
  readonly name: string
  restore(key: Buffer | null, value: Buffer | null, timestamp?: number): void
}

/** What a store is: its name, its serdes and whether it is logged to a changelog topic. */
export interface StoreDefinition<K = unknown, V = unknown> {
  name: string
  keySerde: Serde<K>
  valueSerde: Serde<V>
  logged: boolean
  /** What interactive queries see (default 'keyValue'). */
  kind?: 'keyValue' | 'window' | 'session'
  /** Makes the task's store (default: an {@link InMemoryKeyValueStore}). */
  create?: (changelog: string, logger: ChangeLogger | undefined) => StateStore
  /** Topic configs of the changelog beyond `cleanup.policy=compact` (window stores: compact,delete and a retention). */
  changelogConfigs?: Record<string, string>
}

/** The changelog topic of a store: `<application.id>-<store>-changelog`, as in Kafka Streams. */
export function changelogTopic(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`
}

/** Writes one change (value null: deleted) of a store to its changelog. */
export type ChangeLogger = (key: Buffer | null, value: Buffer | null) => void

export class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V>, StateStore {
  /** Serialized key (as a binary string) → the entry. */
  private readonly entries = new Map<string, [K, V]>()

  constructor(
    private readonly def: StoreDefinition<K, V>,
    private readonly changelog: string,
    private readonly logger: ChangeLogger | undefined,
  ) {}

  get name(): string {
    return this.def.name
  }

  get(key: K): V | undefined {
    return this.entries.get(this.id(key))?.[1]
  }

  put(key: K, value: V | null): void {
    const bytes = serializeNow(this.def.keySerde, this.changelog, key, `the keys of store "${this.def.name}"`)
    const id = bytes === null ? '' : bytes.toString('latin1')
    if (value === null || value === undefined) this.entries.delete(id)
    else this.entries.set(id, [key, value])
    if (this.logger) {
      const valueBytes = value === null || value === undefined ? null : serializeNow(this.def.valueSerde, this.changelog, value, `the values of store "${this.def.name}"`)
      this.logger(bytes, valueBytes)
    }
  }

  delete(key: K): V | undefined {
    const old = this.get(key)
    this.put(key, null)
    return old
  }

  *all(): IterableIterator<[K, V]> {
    for (const [key, value] of this.entries.values()) yield [key, value]
  }

  approximateNumEntries(): number {
    return this.entries.size
  }

  /** Applies one changelog record (restoration: nothing is logged). */
  restore(key: Buffer | null, value: Buffer | null): void {
    const id = key === null ? '' : key.toString('latin1')
    if (value === null) {
      this.entries.delete(id)
      return
    }
    const k = deserializeNow(this.def.keySerde, this.changelog, key === null ? null : Buffer.from(key), `the keys of store "${this.def.name}"`)
    const v = deserializeNow(this.def.valueSerde, this.changelog, Buffer.from(value), `the values of store "${this.def.name}"`)
    this.entries.set(id, [k, v])
  }

  private id(key: K): string {
    const bytes = serializeNow(this.def.keySerde, this.changelog, key, `the keys of store "${this.def.name}"`)
    return bytes === null ? '' : bytes.toString('latin1')
  }
}

/** One store name over every local partition's store: what `streams.store(name)` returns. */
export class CompositeReadOnlyStore<K, V> implements ReadOnlyKeyValueStore<K, V> {
  constructor(private readonly parts: () => ReadOnlyKeyValueStore<K, V>[]) {}

  get(key: K): V | undefined {
    for (const part of this.parts()) {
      const v = part.get(key)
      if (v !== undefined) return v
    }
    return undefined
  }

  *all(): IterableIterator<[K, V]> {
    for (const part of this.parts()) yield* part.all()
  }

  approximateNumEntries(): number {
    return this.parts().reduce((n, p) => n + p.approximateNumEntries(), 0)
  }
}
