/**
 * In-memory window stores: one task's windows of a windowed aggregation (or
 * one side of a KStream–KStream join), logged to a changelog with Kafka
 * Streams' key bytes `[key][window start: 8 bytes][sequence number: 4 bytes]`
 * and restored from it. Windows are kept for `retentionMs` of stream time:
 * a window starting at or before `observedStreamTime - retentionMs` is
 * dropped (and so is a put for it), as Kafka Streams' in-memory window store.
 */
import { SerializationError } from '../errors.js'
import type { KeyValue } from './kstream.js'
import { deserializeNow, serializeNow } from './serde.js'
import type { ChangeLogger, StateStore, StoreDefinition } from './store.js'
import { joinWindowedBytes, splitWindowedBytes, type Windowed } from './windows.js'

/** What interactive queries may do with a window store. */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key`'s window starting at `windowStart`. */
  fetch(key: K, windowStart: number): V | undefined
  /** `key`'s windows whose start is in `[timeFrom, timeTo]`, oldest first: `[windowStart, value]`. */
  fetch(key: K, timeFrom: number, timeTo: number): IterableIterator<KeyValue<number, V>>
  /** Every key's windows whose start is in `[timeFrom, timeTo]`, oldest first. */
  fetchAll(timeFrom: number, timeTo: number): IterableIterator<KeyValue<Windowed<K>, V>>
  /** Every window kept, oldest first. */
  all(): IterableIterator<KeyValue<Windowed<K>, V>>
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V> {
  readonly name: string
  /** Sets (value null: deletes) `key`'s window starting at `windowStart`; with duplicates retained, adds one more value. */
  put(key: K, value: V | null, windowStart: number): void
}

interface Entry<K, V> {
  key: K
  keyBytes: Buffer | null
  start: number
  seq: number
  value: V
}

export interface WindowStoreOptions {
  /** How long (in stream time) a window is kept: size + grace for aggregations. */
  retentionMs: number
  /** The windows' size: the end of the `Windowed` keys the store's queries return (0 for join stores). */
  windowSizeMs: number
  /** Join stores keep every record of a key and time (Kafka Streams' retainDuplicates). */
  retainDuplicates?: boolean
}

const idOf = (bytes: Buffer | null) => (bytes === null ? '' : bytes.toString('latin1'))

export class InMemoryWindowStore<K, V> implements WindowStore<K, V>, StateStore {
  /** Window start → entry id (key bytes, plus the sequence number with duplicates) → entry. */
  private readonly starts = new Map<number, Map<string, Entry<K, V>>>()
  private lowestStart = Number.POSITIVE_INFINITY
  private seq = 0
  /** The largest window start put or restored. */
  private observedStreamTime = -1
  /** The stream time of the processor writing this store (kept here because the store is per task); restored from the changelog's timestamps. */
  streamTime = -1

  constructor(
    private readonly def: StoreDefinition<K, V>,
    private readonly changelog: string,
    private readonly logger: ChangeLogger | undefined,
    private readonly options: WindowStoreOptions,
  ) {}

  get retentionMs(): number {
    return this.options.retentionMs
  }

  private get retainDuplicates(): boolean {
    return this.options.retainDuplicates === true
  }

  get name(): string {
    return this.def.name
  }

  put(key: K, value: V | null, windowStart: number): void {
    const keyBytes = serializeNow(this.def.keySerde, this.changelog, key, `the keys of store "${this.def.name}"`)
    const seq = this.retainDuplicates ? (this.seq = (this.seq + 1) | 0) : 0
    this.apply(key, keyBytes, windowStart, seq, value)
    if (this.logger) {
      const valueBytes = value === null || value === undefined ? null : serializeNow(this.def.valueSerde, this.changelog, value, `the values of store "${this.def.name}"`)
      this.logger(storeKeyBytes(keyBytes, windowStart, seq), valueBytes)
    }
  }

  fetch(key: K, windowStart: number): V | undefined
  fetch(key: K, timeFrom: number, timeTo: number): IterableIterator<KeyValue<number, V>>
  fetch(key: K, timeFrom: number, timeTo?: number): V | undefined | IterableIterator<KeyValue<number, V>> {
    const id = idOf(serializeNow(this.def.keySerde, this.changelog, key, `the keys of store "${this.def.name}"`))
    if (timeTo === undefined) {
      if (this.expired(timeFrom)) return undefined
      const bucket = this.starts.get(timeFrom)
      return this.retainDuplicates ? [...(bucket?.values() ?? [])].find((e) => idOf(e.keyBytes) === id)?.value : bucket?.get(id)?.value
    }
    return this.range(timeFrom, timeTo, id)
  }

  *fetchAll(timeFrom: number, timeTo: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const e of this.entries(timeFrom, timeTo)) yield [{ key: e.key, window: { start: e.start, end: e.start + this.options.windowSizeMs } }, e.value]
  }

  all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
  }

  /** The records of `key` (all of them when duplicates are retained) with a window start in `[timeFrom, timeTo]`. */
  *fetchValues(key: K, timeFrom: number, timeTo: number): IterableIterator<KeyValue<number, V>> {
    yield* this.range(timeFrom, timeTo, idOf(serializeNow(this.def.keySerde, this.changelog, key, `the keys of store "${this.def.name}"`)))
  }

  approximateNumEntries(): number {
    let n = 0
    for (const bucket of this.starts.values()) n += bucket.size
    return n
  }

  /** Applies one changelog record (restoration: nothing is logged). */
  restore(key: Buffer | null, value: Buffer | null, timestamp?: number): void {
    if (key === null) throw new SerializationError(`changelog "${this.changelog}" of window store "${this.def.name}" holds a record without a key`)
    const { key: keyBytes, times } = splitWindowedBytes(Buffer.from(key), 1, 4)
    const seq = key.readInt32BE(key.length - 4)
    if (this.retainDuplicates && seq > this.seq) this.seq = seq // new puts must not reuse a restored record's key
    if (timestamp !== undefined && timestamp > this.streamTime) this.streamTime = timestamp
    const k = deserializeNow(this.def.keySerde, this.changelog, keyBytes, `the keys of store "${this.def.name}"`)
    const v = value === null ? null : deserializeNow(this.def.valueSerde, this.changelog, Buffer.from(value), `the values of store "${this.def.name}"`)
    this.apply(k, keyBytes, times[0]!, seq, v)
  }

  private *range(timeFrom: number, timeTo: number, id: string): IterableIterator<KeyValue<number, V>> {
    for (const e of this.entries(timeFrom, timeTo)) if (idOf(e.keyBytes) === id) yield [e.start, e.value]
  }

  private *entries(timeFrom: number, timeTo: number): IterableIterator<Entry<K, V>> {
    const starts = [...this.starts.keys()].filter((s) => s >= timeFrom && s <= timeTo && !this.expired(s)).sort((a, b) => a - b)
    for (const s of starts) yield* [...this.starts.get(s)!.values()]
  }

  private expired(windowStart: number): boolean {
    return windowStart <= this.observedStreamTime - this.options.retentionMs
  }

  private apply(key: K, keyBytes: Buffer | null, start: number, seq: number, value: V | null): void {
    if (start > this.observedStreamTime) this.observedStreamTime = start
    this.evict()
    if (this.expired(start)) return
    const id = this.retainDuplicates ? `${idOf(keyBytes)}\u0000${seq}` : idOf(keyBytes)
    let bucket = this.starts.get(start)
    if (value === null || value === undefined) {
      bucket?.delete(id)
      if (bucket?.size === 0) this.starts.delete(start)
      return
    }
    if (!bucket) this.starts.set(start, (bucket = new Map()))
    bucket.set(id, { key, keyBytes, start, seq, value })
    if (start < this.lowestStart) this.lowestStart = start
  }

  /** Drops the windows past retention (only scans when the oldest one is). */
  private evict(): void {
    if (!this.expired(this.lowestStart)) return
    this.lowestStart = Number.POSITIVE_INFINITY
    for (const start of [...this.starts.keys()]) {
      if (this.expired(start)) this.starts.delete(start)
      else if (start < this.lowestStart) this.lowestStart = start
    }
  }
}

/** Kafka Streams' window store key: `[key][start: 8][seqnum: 4]`. */
function storeKeyBytes(keyBytes: Buffer | null, start: number, seq: number): Buffer {
  const s = Buffer.allocUnsafe(4)
  s.writeInt32BE(seq, 0)
  return joinWindowedBytes(keyBytes, [start], s)
}

/** One window store name over every local partition's store: what `streams.store(name, QueryableStoreTypes.windowStore())` returns. */
export class CompositeReadOnlyWindowStore<K, V> implements ReadOnlyWindowStore<K, V> {
  constructor(private readonly parts: () => ReadOnlyWindowStore<K, V>[]) {}

  fetch(key: K, windowStart: number): V | undefined
  fetch(key: K, timeFrom: number, timeTo: number): IterableIterator<KeyValue<number, V>>
  fetch(key: K, timeFrom: number, timeTo?: number): V | undefined | IterableIterator<KeyValue<number, V>> {
    if (timeTo === undefined) {
      for (const part of this.parts()) {
        const v = part.fetch(key, timeFrom)
        if (v !== undefined) return v
      }
      return undefined
    }
    const parts = this.parts()
    return (function* () {
      for (const part of parts) yield* part.fetch(key, timeFrom, timeTo)
    })()
  }

  *fetchAll(timeFrom: number, timeTo: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const part of this.parts()) yield* part.fetchAll(timeFrom, timeTo)
  }

  *all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const part of this.parts()) yield* part.all()
  }
}
