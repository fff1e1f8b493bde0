import type { RecordStore } from './store';

/** The database's size when last compacted, kept in its meta table. */
const META_COMPACTED = 'compacted_bytes';

/** Below this a database is small enough that its slack does not matter. */
const COMPACT_MIN_BYTES = 16 << 20;

export const databaseBytes = (store: RecordStore): number =>
  Number(store.db.exec('PRAGMA page_count')[0]?.values[0]?.[0] ?? 0) * Number(store.db.exec('PRAGMA page_size')[0]?.values[0]?.[0] ?? 0);

/**
 * Worth compacting: pages filled out of order (every table here is keyed by text ids) hold ~15% slack, and all of
 * it sits in the memory of every window. Never compacted yet, or grown by a quarter since.
 */
export function compactionDue(store: RecordStore, minBytes = COMPACT_MIN_BYTES): boolean {
  const size = databaseBytes(store);
  if (size < minBytes) return false;
  const last = Number(store.meta(META_COMPACTED) ?? 0);
  return !(last > 0) || size > last * 1.25;
}

/**
 * Rewrites the database packed (VACUUM) and snapshots it. Seconds on a large record: run by a process of its own
 * (`flightdeck compact`), never on the extension host's thread. The events and rows are the same; false when another
 * process holds the snapshot lease (nothing written: the next quiet moment tries again).
 */
export function compactRecord(store: RecordStore): { before: number; after: number; snapshot: boolean } {
  const before = databaseBytes(store);
  store.db.exec('VACUUM');
  const after = databaseBytes(store);
  store.db.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [META_COMPACTED, String(after)]);
  return { before, after, snapshot: store.snapshot() };
}
