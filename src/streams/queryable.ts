/**
 * What `streams.store(name, type)` returns for each kind of store (Kafka
 * Streams' QueryableStoreTypes): a read-only view over the stores of the
 * partitions this instance runs.
 */
import { CompositeReadOnlySessionStore, type ReadOnlySessionStore } from './session-store.js'
import { CompositeReadOnlyStore, type ReadOnlyKeyValueStore } from './store.js'
import { CompositeReadOnlyWindowStore, type ReadOnlyWindowStore } from './window-store.js'

/** A kind of store and the view `streams.store()` makes of its local parts. */
export interface QueryableStoreType<S> {
  readonly kind: 'keyValue' | 'window' | 'session'
  /** @internal */
  view(parts: () => unknown[]): S
}

export const QueryableStoreTypes = {
  keyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    return { kind: 'keyValue', view: (parts) => new CompositeReadOnlyStore<K, V>(parts as () => ReadOnlyKeyValueStore<K, V>[]) }
  },
  /** The store of a windowed aggregation (`windowedBy(TimeWindows...)`). */
  windowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> {
    return { kind: 'window', view: (parts) => new CompositeReadOnlyWindowStore<K, V>(parts as () => ReadOnlyWindowStore<K, V>[]) }
  },
  /** The store of a session-windowed aggregation (`windowedBy(SessionWindows...)`). */
  sessionStore<K, V>(): QueryableStoreType<ReadOnlySessionStore<K, V>> {
    return { kind: 'session', view: (parts) => new CompositeReadOnlySessionStore<K, V>(parts as () => ReadOnlySessionStore<K, V>[]) }
  },
}
