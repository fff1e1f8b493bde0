import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './fileLock';
import { fsyncDir, JOURNAL_FILE, PREVIOUS_JOURNAL_FILE, readJournalGen } from './journal';
import { PackedFile, PackedWriter, packedSegmentName, type PackKey } from './packedSegment';
import { listSegmentFiles, nextMovedSegment, SEGMENTS_DIR, SegmentFiles } from './segments';
import type { RecordStore } from './store';

/**
 * Bounded disk for the record's payloads. Every journal generation is kept as a segment, so without this the segments
 * hold every payload ever written — archived ones and those recorded twice included — uncompressed. Packing copies
 * the lines the database still refers to into a new compressed segment (packedSegment.ts), points the rows at it,
 * and, once snapshots that refer only to the new places are on disk, removes what nothing refers to any more.
 * All of it under the snapshot lease (withSnapshotLease): no other process rotates the journal or writes a snapshot
 * meanwhile. Others keep appending to the live journal generation, which is never packed.
 */

/** A packed segment is packed again once less than this share of its bytes is still referred to (archived since). */
const REPACK_LIVE_SHARE = 0.5;

/** Highest segment number handed out (meta): a removed packed segment's number is never reused. */
const META_SEGMENTS_NEXT = 'segments_next';

export interface PackResult {
  /** Payload lines copied into new packed segments. */
  lines: number;
  /** Their raw bytes, and the bytes the packed files take. */
  rawBytes: number;
  packedBytes: number;
  files: string[];
  /** Lines that could not be read from their segment: their rows keep pointing there (the file is kept). */
  unreadable: number;
}

/** Called at each step of a compaction, so tests can stop the process there and see what a crash leaves. */
export type StepHook = (step: string) => void;

/** Journal generations that are files in the record's folder now: never packed or removed (tails and replay read them). */
export function liveGenerations(store: RecordStore): Set<number> {
  const live = new Set<number>([store.journalGeneration()]);
  for (const f of [JOURNAL_FILE, PREVIOUS_JOURNAL_FILE]) {
    const gen = readJournalGen(join(store.dir, f));
    if (gen > 0) live.add(gen);
  }
  return live;
}

/** Raw bytes of the lines a packed segment holds; 0 when it is not one or cannot be read. */
function packedRawBytes(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    return new PackedFile(path, fd).rawBytes();
  } catch {
    return 0;
  } finally {
    closeSync(fd);
  }
}

/** Segments whose referenced lines are worth copying: older journal generations, moved payloads, mostly dead packs. */
function sourcesToPack(store: RecordStore): number[] {
  const live = liveGenerations(store);
  const out: number[] = [];
  for (const [segValue, liveBytes] of store.db.exec('SELECT seg, sum(len + 1) FROM events WHERE seg IS NOT NULL GROUP BY seg')[0]?.values ?? []) {
      const seg = Number(segValue);
      if (seg > 0) {
        if (!live.has(seg)) out.push(seg);
        continue;
      }
      const raw = packedRawBytes(join(store.dir, SEGMENTS_DIR, packedSegmentName(-seg)));
      // moved-k (plain lines) or an unreadable pack is copied (what cannot be read stays where it is).
      if (raw === 0 || Number(liveBytes) < raw * REPACK_LIVE_SHARE) out.push(seg);
    }
  return out;
}

/**
 * Copies every payload line the database refers to in `sources` (sourcesToPack) into new packed segments, ordered by
 * session, time and id, synced and in place before any row changes; then points the rows at them (in memory: the
 * caller snapshots). Call inside withSnapshotLease.
 */
export function packPayloads(store: RecordStore, onStep: StepHook = () => {}): PackResult {
  const result: PackResult = { lines: 0, rawBytes: 0, packedBytes: 0, files: [], unreadable: 0 };
  const sources = sourcesToPack(store);
  if (sources.length === 0) return result;
  const inSources = `seg IN (${sources.map(() => '?').join(',')})`;
  const sessions = (store.db.exec(`SELECT DISTINCT session_id FROM events WHERE ${inSources}`, sources)[0]?.values ?? [])
    .map((r) => (r[0] === null ? null : String(r[0])))
    .sort((a, b) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0));
  let k = Math.max(nextMovedSegment(store.dir), Number(store.meta(META_SEGMENTS_NEXT) ?? 0));
  let writer: PackedWriter | undefined;
  // Where each copied row goes: seq, segment, offset, length, four numbers a row.
  const moves: number[] = [];
  const written: PackedWriter[] = [];
  const files = new SegmentFiles(store.dir);
  // Two statements: `session_id = ?` can use the index on sessions' events; `IS ?` could not.
  const ofSession = store.db.prepare(`SELECT seq, id, at, seg, off, len FROM events WHERE session_id = ? AND ${inSources}`);
  const ofNone = store.db.prepare(`SELECT seq, id, at, seg, off, len FROM events WHERE session_id IS NULL AND ${inSources}`);
  try {
    for (const session of sessions) {
      const select = session === null ? ofNone : ofSession;
      select.bind(session === null ? sources : [session, ...sources]);
      const rows: { seq: number; key: PackKey; seg: number; off: number; len: number }[] = [];
      while (select.step()) {
        const [seq, id, at, seg, off, len] = select.get();
        rows.push({ seq: Number(seq), key: [session ?? '', Number(at), String(id)], seg: Number(seg), off: Number(off), len: Number(len) });
      }
      select.reset();
      rows.sort((a, b) => (a.key[1] - b.key[1]) || (a.key[2] < b.key[2] ? -1 : a.key[2] > b.key[2] ? 1 : 0));
      for (const r of rows) {
        const got = files.line({ seg: r.seg, off: r.off, len: r.len });
        const mark = `{"id":${JSON.stringify(r.key[2])},`;
        let bytes = got.kind === 'line' && got.bytes.subarray(0, 200).toString('utf8').startsWith(mark) ? got.bytes : undefined;
        // Not where the row says (a file set aside or removed): a pack may hold it; else the row stays as it is.
        bytes ??= files.find(r.key, r.key[2]);
        if (!bytes) {
          result.unreadable++;
          continue;
        }
        if (!writer || writer.full) {
          if (writer) written.push(finish(writer));
          writer = new PackedWriter(join(store.dir, SEGMENTS_DIR, packedSegmentName(k)));
          k++;
        }
        const at = writer.add(bytes, r.key);
        moves.push(r.seq, -(k - 1), at.off, at.len);
        if (result.lines === 0) onStep('packing');
        result.lines++;
        result.rawBytes += r.len + 1;
      }
    }
    if (writer) written.push(finish(writer));
    writer = undefined;
  } catch (err) {
    writer?.abort();
    for (const w of written) rmSync(w.path, { force: true });
    throw err;
  } finally {
    ofSession.free();
    ofNone.free();
    files.close();
  }
  fsyncDir(join(store.dir, SEGMENTS_DIR));
  onStep('packed');
  store.db.exec('BEGIN');
  try {
    const update = store.db.prepare('UPDATE events SET seg = ?, off = ?, len = ? WHERE seq = ?');
    try {
      for (let i = 0; i < moves.length; i += 4) update.run([moves[i + 1] as number, moves[i + 2] as number, moves[i + 3] as number, moves[i] as number]);
    } finally {
      update.free();
    }
    store.setMeta(META_SEGMENTS_NEXT, String(k));
    store.db.exec('COMMIT');
  } catch (err) {
    store.db.exec('ROLLBACK');
    throw err;
  }
  result.files = written.map((w) => w.path);
  result.packedBytes = written.reduce((n, w) => n + w.bytes, 0);
  onStep('rows');
  return result;
}

function finish(w: PackedWriter): PackedWriter {
  w.finish();
  return w;
}

/**
 * Removes segment files that nothing refers to: not the database (which the snapshots just written hold), not a live
 * journal generation. Call inside withSnapshotLease, after those snapshots. Also packing's leftovers from a process
 * that died. Returns the files removed and their bytes.
 */
export function removeUnreferencedSegments(store: RecordStore, onStep: StepHook = () => {}): { files: string[]; bytes: number } {
  const referenced = new Set<number>(liveGenerations(store));
  for (const [seg] of store.db.exec('SELECT DISTINCT seg FROM events WHERE seg IS NOT NULL')[0]?.values ?? []) referenced.add(Number(seg));
  const dir = join(store.dir, SEGMENTS_DIR);
  const removed: string[] = [];
  let bytes = 0;
  for (const f of listSegmentFiles(store.dir)) {
    const remove = f.kind === 'writing' ? f.n !== process.pid && !isAlive(f.n) : !referenced.has(f.kind === 'journal' ? f.n : -f.n);
    if (!remove) continue;
    const path = join(dir, f.name);
    try {
      const st = statSync(path);
      // A journal generation is also journal.prev.jsonl while live (a second name): only the last name frees bytes.
      if (st.nlink <= 1) bytes += st.size;
      rmSync(path);
      removed.push(path);
      onStep('removed');
    } catch {
      /* gone already */
    }
  }
  if (removed.length) fsyncDir(dir);
  return { files: removed, bytes };
}

/** Bytes of segment files that a compaction would pack: journal generations no longer live and moved payloads. */
export function unpackedSegmentBytes(store: RecordStore): number {
  const live = liveGenerations(store);
  let total = 0;
  for (const f of listSegmentFiles(store.dir)) {
    if (f.kind === 'packed' || f.kind === 'writing' || (f.kind === 'journal' && live.has(f.n))) continue;
    try {
      total += statSync(join(store.dir, SEGMENTS_DIR, f.name)).size;
    } catch {
      /* removed meanwhile */
    }
  }
  return total;
}
