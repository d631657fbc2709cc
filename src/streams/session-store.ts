/**
 * In-memory session stores: one task's sessions of a session-windowed
 * aggregation, logged to a changelog with Kafka Streams' key bytes
 * `[key][session end: 8 bytes][session start: 8 bytes]` and restored from
 * it. A session ending at or before `observedStreamTime - retentionMs` is
 * dropped (and so is a put for it), as Kafka Streams' in-memory session store.
 */
import { SerializationError } from '../errors.js'
import type { KeyValue } from './kstream.js'
import { deserializeNow, serializeNow } from './serde.js'
import type { ChangeLogger, StateStore, StoreDefinition } from './store.js'
import { joinWindowedBytes, splitWindowedBytes, type Windowed } from './windows.js'

/** What interactive queries may do with a session store. */
export interface ReadOnlySessionStore<K, V> {
  /** Every session of `key`, oldest first. */
  fetch(key: K): IterableIterator<KeyValue<Windowed<K>, V>>
  /** The sessions of `key` ending at or after `earliestSessionEndTime` and starting at or before `latestSessionStartTime`. */
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): IterableIterator<KeyValue<Windowed<K>, V>>
  /** The value of `key`'s session `[start, end]`. */
  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined
}

export interface SessionStore<K, V> extends ReadOnlySessionStore<K, V> {
  readonly name: string
  put(session: Windowed<K>, value: V): void
  remove(session: Windowed<K>): void
}

interface Session<K, V> {
  key: K
  start: number
  end: number
  value: V
}

export class InMemorySessionStore<K, V> implements SessionStore<K, V>, StateStore {
  /** Key bytes → `${end}:${start}` → session. */
  private readonly sessions = new Map<string, Map<string, Session<K, V>>>()
  /** The largest session end put or restored. */
  private observedStreamTime = -1
  private lowestEnd = Number.POSITIVE_INFINITY
  /** The stream time of the processor writing this store (kept here because the store is per task); restored from the changelog's timestamps. */
  streamTime = -1

  constructor(
    private readonly def: StoreDefinition<K, V>,
    private readonly changelog: string,
    private readonly logger: ChangeLogger | undefined,
    readonly retentionMs: number,
  ) {}

  get name(): string {
    return this.def.name
  }

  put(session: Windowed<K>, value: V | null): void {
    const keyBytes = this.keyBytes(session.key)
    this.apply(session.key, keyBytes, session.window.start, session.window.end, value)
    if (this.logger) {
      const valueBytes = value === null || value === undefined ? null : serializeNow(this.def.valueSerde, this.changelog, value, `the values of store "${this.def.name}"`)
      this.logger(joinWindowedBytes(keyBytes, [session.window.end, session.window.start]), valueBytes)
    }
  }

  remove(session: Windowed<K>): void {
    this.put(session, null)
  }

  fetch(key: K): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
  }

  *findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    const found = [...(this.sessions.get(idOf(this.keyBytes(key)))?.values() ?? [])]
      .filter((s) => s.end >= earliestSessionEndTime && s.start <= latestSessionStartTime && !this.expired(s.end))
      .sort((a, b) => a.end - b.end || a.start - b.start)
    for (const s of found) yield [{ key: s.key, window: { start: s.start, end: s.end } }, s.value]
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined {
    if (this.expired(sessionEnd)) return undefined
    return this.sessions.get(idOf(this.keyBytes(key)))?.get(`${sessionEnd}:${sessionStart}`)?.value
  }

  approximateNumEntries(): number {
    let n = 0
    for (const m of this.sessions.values()) n += m.size
    return n
  }

  /** Applies one changelog record (restoration: nothing is logged). */
  restore(key: Buffer | null, value: Buffer | null, timestamp?: number): void {
    if (key === null) throw new SerializationError(`changelog "${this.changelog}" of session store "${this.def.name}" holds a record without a key`)
    const { key: keyBytes, times } = splitWindowedBytes(Buffer.from(key), 2)
    if (timestamp !== undefined && timestamp > this.streamTime) this.streamTime = timestamp
    const k = deserializeNow(this.def.keySerde, this.changelog, keyBytes, `the keys of store "${this.def.name}"`)
    const v = value === null ? null : deserializeNow(this.def.valueSerde, this.changelog, Buffer.from(value), `the values of store "${this.def.name}"`)
    this.apply(k, keyBytes, times[1]!, times[0]!, v)
  }

  private keyBytes(key: K): Buffer | null {
    return serializeNow(this.def.keySerde, this.changelog, key, `the keys of store "${this.def.name}"`)
  }

  private expired(end: number): boolean {
    return end <= this.observedStreamTime - this.retentionMs
  }

  private apply(key: K, keyBytes: Buffer | null, start: number, end: number, value: V | null): void {
    if (end > this.observedStreamTime) this.observedStreamTime = end
    const id = idOf(keyBytes)
    let mine = this.sessions.get(id)
    if (value === null || value === undefined) {
      mine?.delete(`${end}:${start}`)
      if (mine?.size === 0) this.sessions.delete(id)
      return
    }
    if (this.expired(end)) return
    if (!mine) this.sessions.set(id, (mine = new Map()))
    mine.set(`${end}:${start}`, { key, start, end, value })
    if (end < this.lowestEnd) this.lowestEnd = end
    this.evict()
  }

  /** Drops the sessions past retention (only scans when the oldest one is). */
  private evict(): void {
    if (!this.expired(this.lowestEnd)) return
    this.lowestEnd = Number.POSITIVE_INFINITY
    for (const [id, mine] of this.sessions) {
      for (const [k, s] of mine) {
        if (this.expired(s.end)) mine.delete(k)
        else if (s.end < this.lowestEnd) this.lowestEnd = s.end
      }
      if (mine.size === 0) this.sessions.delete(id)
    }
  }
}

const idOf = (bytes: Buffer | null) => (bytes === null ? '' : bytes.toString('latin1'))

/** One session store name over every local partition's store: what `streams.store(name, QueryableStoreTypes.sessionStore())` returns. */
export class CompositeReadOnlySessionStore<K, V> implements ReadOnlySessionStore<K, V> {
  constructor(private readonly parts: () => ReadOnlySessionStore<K, V>[]) {}

  *fetch(key: K): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const part of this.parts()) yield* part.fetch(key)
  }

  *findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const part of this.parts()) yield* part.findSessions(key, earliestSessionEndTime, latestSessionStartTime)
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined {
    for (const part of this.parts()) {
      const v = part.fetchSession(key, sessionStart, sessionEnd)
      if (v !== undefined) return v
    }
    return undefined
  }
}
