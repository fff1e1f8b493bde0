import { statSync } from 'node:fs';
import { join } from 'node:path';
import { META_COMPACTION_EPOCH, readCompactionEpoch, writeCompactionEpoch } from './compactionEpoch';
import { PREVIOUS_JOURNAL_FILE } from './journal';
import { packPayloads, removeUnreferencedSegments, unpackedSegmentBytes, type PackResult, type StepHook } from './packSegments';
import type { RecordStore } from './store';

/** The database's size when last compacted, kept in its meta table. */
const META_COMPACTED = 'compacted_bytes';

/** Bytes of segments the last compaction left unpacked (what it could not read, the generation cut meanwhile). */
const META_UNPACKED_LEFT = 'unpacked_left_bytes';

/** Below this a database is small enough that its slack does not matter. */
const COMPACT_MIN_BYTES = 16 << 20;

/** A previous journal generation larger than this is moved on before packing (see compactRecord). */
const PACK_PREVIOUS_ABOVE = 1 << 20;

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export const databaseBytes = (store: RecordStore): number =>
  Number(store.db.exec('PRAGMA page_count')[0]?.values[0]?.[0] ?? 0) * Number(store.db.exec('PRAGMA page_size')[0]?.values[0]?.[0] ?? 0);

/**
 * Worth compacting: pages filled out of order (every table here is keyed by text ids) hold ~15% slack, and all of
 * it sits in the memory of every window. Never compacted yet, or grown by a quarter since. Or segments not packed
 * yet (older journal generations, uncompressed, dead payloads included) weigh half the database: on disk they would
 * soon be most of the record.
 */
export function compactionDue(store: RecordStore, minBytes = COMPACT_MIN_BYTES): boolean {
  const size = databaseBytes(store);
  // Counted from what the last compaction left unpacked (a damaged file it could not read stays): no compaction in a loop.
  const left = Number(store.meta(META_UNPACKED_LEFT) ?? 0);
  if (unpackedSegmentBytes(store) - left >= Math.max(minBytes, size / 2)) return true;
  if (size < minBytes) return false;
  const last = Number(store.meta(META_COMPACTED) ?? 0);
  return !(last > 0) || size > last * 1.25;
}

export interface CompactResult {
  /** The database's bytes before and after. */
  before: number;
  after: number;
  /** False when another process held the snapshot lease: nothing was changed (the next quiet moment tries again). */
  snapshot: boolean;
  /** Payloads packed into compressed segments. */
  packed?: PackResult;
  /** Segment files removed (nothing referred to them any more), and the bytes that freed. */
  removed?: { files: string[]; bytes: number };
}

/**
 * Compacts the record: payloads still referred to are packed into compressed segments (packSegments.ts), the database
 * is rewritten packed (VACUUM) and snapshotted twice (the previous snapshot is the compacted one too), then segments
 * nothing refers to are removed. Seconds on a large record: run by a process of its own (`flightdeck compact`), never
 * on the extension host's thread. All under the snapshot lease. A crash at any step leaves a record that opens with
 * every event: files are removed only once both snapshots on disk refer to their replacements.
 */
export function compactRecord(store: RecordStore, onStep: StepHook = () => {}): CompactResult {
  const before = databaseBytes(store);
  const done = store.withSnapshotLease(() => {
    // The previous journal generation is live (tails read it) and so not packed: a snapshot first moves it on, when
    // it holds much (a large import's last generation), so that its payloads are packed now, not at the next compaction.
    if (fileBytes(join(store.dir, PREVIOUS_JOURNAL_FILE)) > PACK_PREVIOUS_ABOVE) {
      store.snapshotHeld(1);
      onStep('moved on');
    }
    const packed = packPayloads(store, onStep);
    store.db.exec('VACUUM');
    onStep('vacuumed');
    const after = databaseBytes(store);
    store.setMeta(META_COMPACTED, String(after));
    // Databases loaded before this one stop snapshotting once the file says so (compactionEpoch.ts).
    const epoch = Math.max(readCompactionEpoch(store.dir), Number(store.meta(META_COMPACTION_EPOCH) ?? 0)) + 1;
    store.setMeta(META_COMPACTION_EPOCH, String(epoch));
    store.snapshotHeld(2, onStep);
    writeCompactionEpoch(store.dir, epoch);
    onStep('epoch');
    const removed = removeUnreferencedSegments(store, onStep);
    // Kept in memory only: the next snapshot carries it (a crash before that means one compaction more, nothing lost).
    store.setMeta(META_UNPACKED_LEFT, String(unpackedSegmentBytes(store)));
    return { after, packed, removed };
  });
  if (!done) return { before, after: before, snapshot: false };
  return { before, after: done.after, snapshot: true, packed: done.packed, removed: done.removed };
}
