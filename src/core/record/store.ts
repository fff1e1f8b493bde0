import { closeSync, fsyncSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { EventApplier } from './apply';
import { ArchivedIds } from './archive';
import { describeFsError, RecordError } from './errors';
import { completeEvent, type NewEvent, type RecordEvent } from './events';
import { FileLock } from './fileLock';
import {
  type AppendedSpan, dataViews, encodeJournalLines, fsyncDir, JOURNAL_FILE, journalLineHead, JournalTail, JournalWriter, type JournalDamage,
  type WriteIo,
} from './journal';
import {
  isSlimKind, movedSegmentName, nextMovedSegment, PayloadReader, registerPayloads, SEGMENTS_DIR, slimData, type PayloadLocation,
  type SegmentDamage,
} from './segments';
import { migrate } from './schema';
import {
  inodeOf, keepDamagedLine, moveAside, PREVIOUS_SNAPSHOT_FILE, readSettledSnapshot, removeAbandonedSnapshotFiles, SNAPSHOT_FILE,
  snapshotLease, SWAP_SNAPSHOT_FILE, writeSnapshot, writeSnapshotInBackground,
} from './snapshot';
import { loadSqlJs } from './sqlite';
import { META_COMPACTION_EPOCH, readCompactionEpoch } from './compactionEpoch';
import { sessionsKeeper } from './recentSessions';

/** What opening the record found: the user is told about anything but a clean open. */
export interface OpenReport {
  snapshot: 'none' | 'current' | 'previous';
  movedAside: string[];
  damagedLines: number;
  unterminatedTail: boolean;
  possiblyMissing?: string;
  replayed: number;
  /** Segments that could not give back a payload when asked (found as the record is read, not only at open). */
  damagedSegments?: SegmentDamage[];
  /** Event payloads moved out of the database into a segment at this open (a record from before segments). */
  movedPayloads?: number;
}

export interface StoreOptions {
  /** Open without writing anything: no folder, journal or snapshot is created or changed. */
  readOnly?: boolean;
  /** Take a snapshot once this many journal bytes follow the last one. */
  snapshotEveryBytes?: number;
  io?: WriteIo;
  /**
   * A sql.js instance of the store's own, not the process's shared one: its memory (grown to the peak of what this
   * store did) goes back to the system once the store is closed and dropped. For long-lived processes (LiveRecord).
   */
  ownSqlJs?: boolean;
  /** Progress of moving an older record's payloads out of the database (once, at its first open): done of total. */
  onMoveProgress?: (done: number, total: number) => void;
  /** Called at open once the snapshot is read, before the journal after it is replayed (tests act between the two). */
  onSnapshotRead?: () => void;
}

/** Events moved out of the database a batch: one transaction and one write each. */
const MOVE_BATCH = 5_000;

/** Where each line of an append landed: lines end in newlines, one an event, in order. */
function lineLocations(body: Buffer, span: AppendedSpan, count: number): (PayloadLocation | undefined)[] {
  const out = new Array<PayloadLocation | undefined>(count);
  let start = 0;
  for (let i = 0; i < count; i++) {
    const nl = body.indexOf(10, start);
    if (nl < 0) break;
    out[i] = { seg: span.gen, off: span.start + start, len: nl - start };
    start = nl + 1;
  }
  return out;
}

/**
 * Opening replays the journal written since the last snapshot (about 2,700 events a MB, and a reopen after
 * a large import waited seconds for it): at a quiet moment (the window idle, a command ending) a tail this
 * large is worth a snapshot, so the next open replays a few hundred events at most.
 */
export const IDLE_SNAPSHOT_BYTES = 128 << 10;

/** Reads of the record at open, when other processes keep writing snapshots under it (see open()). */
const OPEN_ATTEMPTS = 5;

/** Which current snapshot is on disk: a new one is another file, or the older file written over (a new time). */
function snapshotStamp(dir: string): string {
  try {
    const st = statSync(join(dir, SNAPSHOT_FILE));
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return '';
  }
}

const META_GEN = 'journal_gen';
const META_OFFSET = 'journal_offset';
const META_SNAPSHOT_AT = 'snapshot_at';

/** The bundles' sql.js (patched in esbuild.mjs) hands out the database file's own bytes. */
type WithFileBytes = Database & { fileBytes?: () => Uint8Array };

/**
 * The database file as a snapshot image: the bytes sql.js holds, without db.export()'s copy of the whole database
 * (a third of an import's peak memory). Valid until the next write: write it out before the database changes.
 * Every change is committed before it is read (an open transaction throws here, as export() would).
 */
export function fileImage(db: Database): Uint8Array {
  const fileBytes = (db as WithFileBytes).fileBytes;
  if (typeof fileBytes !== 'function') return db.export();
  // Throws "cannot start a transaction within a transaction" while one is open (its pages may not be in the file yet).
  db.exec('BEGIN; COMMIT');
  return fileBytes.call(db);
}

/** Events made ready elsewhere: their journal lines, and each one's data as UTF-8 JSON (views into anything). */
export interface PreparedEvents {
  journal: Buffer;
  data: readonly Uint8Array[];
}

function writeMeta(db: Database, key: string, value: string): void {
  db.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
}

/**
 * The flight record of one repository: an in-memory sql.js database kept current from an
 * append-only journal that any number of processes write to, and snapshotted by one at a time.
 */
export class RecordStore {
  readonly report: OpenReport;
  private readonly writer: JournalWriter;
  private readonly tail: JournalTail;
  private readonly applier: EventApplier;
  private readonly lease: FileLock;
  private readonly listeners = new Set<(added: number) => void>();
  private readonly advanceListeners = new Set<(applied: readonly RecordEvent[], rotated: boolean) => void>();
  private eventsSinceSnapshot = 0;
  /** How many of the events given to the last append() were new to the record. */
  lastAppendAdded = 0;
  /** Set when events were read but could not be applied: this copy must not be snapshotted. */
  private broken: Error | undefined;
  /** Set when the journal moved on past events this process never saw: reopen to load them. */
  stale = false;
  private closed = false;
  /** Bytes of the WASM memory of the sql.js instance holding the database (shared with others unless ownSqlJs). */
  wasmBytes: () => number = () => 0;
  /** The same once the record was open: what grows beyond it was a peak of some work, kept until the instance goes. */
  openedWasmBytes = 0;
  /** A snapshot being written in the background. */
  private writing: Promise<boolean> | undefined;

  private constructor(
    readonly dir: string,
    readonly db: Database,
    private readonly options: StoreOptions,
    report: OpenReport,
    tail: JournalTail,
  ) {
    this.report = report;
    this.tail = tail;
    this.writer = new JournalWriter(dir, options.io);
    this.applier = new EventApplier(db, new ArchivedIds(dir, () => this.db).of);
    this.lease = snapshotLease(dir);
    const payloads = new PayloadReader(dir, options.readOnly);
    report.damagedSegments = payloads.damaged;
    registerPayloads(db, payloads);
  }

  static async open(dir: string, options: StoreOptions = {}): Promise<RecordStore> {
    if (!options.readOnly) {
      try {
        mkdirSync(dir, { recursive: true });
        // Probe writability now, so a read-only place fails here with a clear message.
        closeSync(openSync(join(dir, '.writable'), 'w'));
      } catch (err) {
        throw describeFsError('create the record in', dir, err);
      }
    }
    if (!options.readOnly) removeAbandonedSnapshotFiles(dir);
    const sqlJs = await loadSqlJs({ fresh: options.ownSqlJs });
    const movedAside: string[] = [];
    for (let attempt = 1; ; attempt++) {
      // Stamped before the snapshot is read: another process may write newer ones (and cut the journal) meanwhile.
      const stamp = snapshotStamp(dir);
      const store = RecordStore.load(dir, options, sqlJs, movedAside);
      // Another process snapshotted and cut the journal twice between our reading the snapshot and its journal: the
      // events between are in its newer snapshot, not in any journal file. Read again rather than keep a copy without them.
      if (store.report.possiblyMissing && attempt < OPEN_ATTEMPTS && snapshotStamp(dir) !== stamp) {
        store.discard();
        continue;
      }
      store.movePayloadsOut();
      store.wasmBytes = sqlJs.memoryBytes;
      store.openedWasmBytes = sqlJs.memoryBytes();
      if (!options.readOnly) {
        // sessions.json: `flightdeck risk` finds the active session's starting commit without opening the database.
        const keep = sessionsKeeper(store);
        keep([], true);
        store.onDidAdvance(keep);
      }
      return store;
    }
  }

  /** The newest snapshot there is (damaged ones set aside, into `movedAside`) with the journal after it replayed. */
  private static load(dir: string, options: StoreOptions, sqlJs: Awaited<ReturnType<typeof loadSqlJs>>, movedAside: string[]): RecordStore {
    const SQL = sqlJs.SQL;
    const report: OpenReport = { snapshot: 'none', movedAside, damagedLines: 0, unterminatedTail: false, replayed: 0 };

    // Before the snapshot is read: a compaction that ends after this makes the database loaded here stale (compactedSince).
    const epochAtOpen = readCompactionEpoch(dir);
    let db: Database | undefined;
    const candidates = [[SNAPSHOT_FILE, 'current'], [PREVIOUS_SNAPSHOT_FILE, 'previous'], [SWAP_SNAPSHOT_FILE, 'previous']] as const;
    for (const [file, which] of candidates) {
      const path = join(dir, file);
      const ino = inodeOf(path);
      try {
        const image = readSettledSnapshot(dir, file);
        if (!image) continue;
        const candidate = new SQL.Database(image);
        try {
          migrate(candidate);
          candidate.exec('SELECT count(*) FROM meta');
        } catch (err) {
          candidate.close();
          throw err;
        }
        db = candidate;
        report.snapshot = which;
        break;
      } catch (err) {
        if (err instanceof RecordError) throw err;
        // Damaged: set it aside (never overwrite it with an empty record) and try the next one. Not while
        // another process holds the snapshot lease: the file may be the one it is still writing.
        const reason = (err as Error).message;
        const moved = options.readOnly || snapshotLease(dir).heldByAnother() ? undefined : moveAside(dir, file, ino);
        report.movedAside.push(moved ? `${moved} (${reason})` : `${path} (damaged: ${reason})`);
      }
    }
    if (!db) {
      db = new SQL.Database();
      migrate(db);
    }

    // Older than a compaction that ended before this open (a damaged snapshot replaced by an older one, or none): the
    // best there is, and not stale.
    if (Number(db.exec(`SELECT value FROM meta WHERE key = '${META_COMPACTION_EPOCH}'`)[0]?.values[0]?.[0] ?? 0) < epochAtOpen) {
      writeMeta(db, META_COMPACTION_EPOCH, String(epochAtOpen));
    }
    options.onSnapshotRead?.();
    const tail = new JournalTail(dir);
    const store = new RecordStore(dir, db, options, report, tail);
    store.replayAtOpen();
    return store;
  }

  /** Closes a copy that must never be snapshotted (it missed events): open() reads the record again. */
  private discard(): void {
    this.stale = true;
    this.close();
  }

  /**
   * Records events durably, then applies them; returns them once their journal line is on disk.
   * `prepared` says the events are complete and encoded already (by the import worker): their journal
   * lines, and each event's data as UTF-8 JSON.
   */
  append(events: readonly NewEvent[], prepared?: PreparedEvents): RecordEvent[] {
    this.assertWritable();
    const ready = prepared !== undefined && prepared.data.length === events.length;
    const complete = ready ? (events as RecordEvent[]) : events.map(completeEvent);
    let encoded: PreparedEvents;
    if (ready) encoded = prepared;
    else {
      const lines = encodeJournalLines(complete);
      encoded = { journal: lines.journal, data: dataViews(lines) };
    }
    const span = this.writer.appendLines(encoded.journal);
    if (span && this.tail.canSkipOwnAppend(span)) {
      this.lastAppendAdded = this.applyNew(complete, encoded.data, lineLocations(encoded.journal, span, complete.length));
      this.tail.offset = span.end; // only once applied: a failed apply must not be skipped by a snapshot
      this.advanced(complete, false);
    } else {
      // Another writer came in between: read everything, then count which of ours were new by their place.
      const lastSeq = Number(this.db.exec('SELECT coalesce(max(seq), 0) FROM events')[0]?.values[0]?.[0] ?? 0);
      this.catchUp();
      const mine = new Set(complete.map((e) => e.id));
      const added = this.db.exec('SELECT id FROM events WHERE seq > ?', [lastSeq])[0]?.values ?? [];
      this.lastAppendAdded = added.filter(([id]) => mine.has(String(id))).length;
    }
    return complete;
  }

  /** Applies whatever other processes appended since the last look; returns how many were new. */
  catchUp(): number {
    if (this.closed) return 0;
    const batch: RecordEvent[] = [];
    const at: PayloadLocation[] = [];
    this.tail.read((e, loc) => {
      batch.push(e);
      at.push(loc);
    }, this.onDamage);
    const added = this.applyNew(batch, undefined, at);
    this.advanced(batch, false);
    return added;
  }

  /** Where in the journal the database stands: everything up to `offset` of generation `gen` is applied, nothing after. */
  position(): { gen: number; offset: number } {
    return { gen: this.tail.gen, offset: this.tail.offset };
  }

  /**
   * Called each time the database moves forward in the journal, with the events read (some may have been known)
   * and whether the journal was rotated; the database then stands exactly at position().
   */
  onDidAdvance(listener: (applied: readonly RecordEvent[], rotated: boolean) => void): { dispose(): void } {
    this.advanceListeners.add(listener);
    return { dispose: () => this.advanceListeners.delete(listener) };
  }

  private advanced(applied: readonly RecordEvent[], rotated: boolean): void {
    if (this.broken || (applied.length === 0 && !rotated)) return;
    for (const l of this.advanceListeners) l(applied, rotated);
  }

  private applyNew(events: RecordEvent[], dataJson?: readonly Uint8Array[], at?: readonly (PayloadLocation | undefined)[]): number {
    let added: number;
    try {
      added = this.applier.apply(events, dataJson, at);
    } catch (err) {
      // The journal position may have moved past these events; a snapshot now would lose them.
      this.broken = err as Error;
      throw new RecordError(`could not apply journal events to the record: ${(err as Error).message}; reopen the record`, 'EAPPLY');
    }
    this.eventsSinceSnapshot += added;
    if (added > 0) for (const l of this.listeners) l(added);
    return added;
  }

  onDidChange(listener: (added: number) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Bytes of journal written since the last snapshot. */
  journalBytes(): number {
    return this.tail.size();
  }

  journalGeneration(): number {
    return this.tail.gen;
  }

  get pendingSnapshotEvents(): number {
    return this.eventsSinceSnapshot;
  }

  snapshotDue(): boolean {
    return this.journalBytes() > (this.options.snapshotEveryBytes ?? 8 << 20);
  }

  snapshotIfDue(): boolean {
    return !this.options.readOnly && this.snapshotDue() && this.snapshot();
  }

  /** At a quiet moment a smaller tail is worth a snapshot too (see IDLE_SNAPSHOT_BYTES). */
  idleSnapshotDue(minBytes = IDLE_SNAPSHOT_BYTES): boolean {
    return !this.options.readOnly && this.eventsSinceSnapshot > 0 && this.journalBytes() >= minBytes;
  }

  /** Writes a snapshot and compacts the journal behind it, if this process can take the lease. */
  snapshot(): boolean {
    if (!this.takeSnapshotLease()) return false;
    try {
      const at = this.exportForSnapshot();
      writeSnapshot(this.dir, at.image);
      this.afterSnapshot(at);
      return true;
    } finally {
      this.lease.release();
    }
  }

  /**
   * Runs `fn` holding the snapshot lease, caught up with the journal: no other process snapshots, rotates the journal,
   * moves or packs payloads meanwhile. Undefined (fn not run) when another process holds the lease.
   */
  withSnapshotLease<T>(fn: () => T): T | undefined {
    if (!this.takeSnapshotLease()) return undefined;
    try {
      this.catchUp();
      return fn();
    } finally {
      this.lease.release();
    }
  }

  /**
   * A snapshot, inside withSnapshotLease. Two copies make the previous snapshot the same image as the current one:
   * after a compaction, so that no older, larger snapshot still refers to the segments it removes.
   */
  snapshotHeld(copies: 1 | 2 = 1, onStep: (step: string) => void = () => {}): void {
    const at = this.exportForSnapshot();
    for (let i = 0; i < copies; i++) {
      writeSnapshot(this.dir, at.image);
      onStep(`snapshot ${i + 1}`);
    }
    this.afterSnapshot(at);
    onStep('rotated');
  }

  /**
   * snapshot() with the file written and synced off this thread, so only the export holds it (at 1M
   * events about half the time). Appends go on meanwhile; the journal is cut where the exported image ends.
   */
  async snapshotInBackground(): Promise<boolean> {
    if (!this.takeSnapshotLease()) return false;
    const writing = (async () => {
      try {
        // A copy: appends go on meanwhile and would change the file's bytes under the write.
        const at = this.exportForSnapshot();
        at.image = at.image.slice();
        await writeSnapshotInBackground(this.dir, at.image);
        // Closed meanwhile: the snapshot is in place; the journal is cut at the next snapshot.
        if (!this.closed) this.afterSnapshot(at);
        return true;
      } finally {
        this.lease.release();
      }
    })();
    this.writing = writing;
    return writing.finally(() => {
      if (this.writing === writing) this.writing = undefined;
    });
  }

  /** Resolves once no snapshot is being written in the background (wait for it before the process exits). */
  async snapshotWritten(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  private takeSnapshotLease(): boolean {
    this.assertWritable();
    if (this.broken || this.stale || !this.lease.tryAcquire()) return false;
    if (this.compactedSince()) {
      this.lease.release();
      return false;
    }
    return true;
  }

  /** Whether another process compacted the record since this database was loaded (then it is stale: reopen). */
  compactedElsewhere(): boolean {
    return this.stale || this.compactedSince();
  }

  /**
   * Whether another process compacted the record since this database was loaded: its rows may name segments that
   * compaction removed, so a snapshot of it would refer to them (and a compaction by it would remove the packed ones).
   * Asked holding the lease (compactions hold it too).
   */
  private compactedSince(): boolean {
    if (readCompactionEpoch(this.dir) <= Number(this.meta(META_COMPACTION_EPOCH) ?? 0)) return false;
    this.stale = true;
    return true;
  }

  /** The database as a snapshot image, holding where in the journal it stands. */
  private exportForSnapshot(): { gen: number; offset: number; events: number; image: Uint8Array } {
    this.catchUp();
    const gen = this.tail.gen;
    const offset = this.tail.offset;
    this.setMeta(META_GEN, String(gen));
    this.setMeta(META_OFFSET, String(offset));
    this.setMeta(META_SNAPSHOT_AT, String(Date.now()));
    return { gen, offset, events: this.eventsSinceSnapshot, image: fileImage(this.db) };
  }

  private afterSnapshot(at: { gen: number; offset: number; events: number }): void {
    const rotated = at.gen > 0 && this.writer.rotate(at.gen, at.offset);
    this.eventsSinceSnapshot = Math.max(0, this.eventsSinceSnapshot - at.events); // those recorded since still count
    this.catchUp();
    if (rotated) this.advanced([], true);
  }

  meta(key: string): string | undefined {
    const stmt = this.db.prepare('SELECT value FROM meta WHERE key = ?');
    try {
      stmt.bind([key]);
      return stmt.step() ? String(stmt.get()[0]) : undefined;
    } finally {
      stmt.free();
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      if (!this.options.readOnly && !this.broken && this.eventsSinceSnapshot > 0 && this.snapshotDue()) this.snapshot();
    } finally {
      this.closed = true;
      this.listeners.clear();
      this.advanceListeners.clear();
      this.writer.close();
      this.tail.close();
      this.applier.free();
      this.db.close();
    }
  }

  /** Sets one of the record's own values (snapshot position, compaction state), kept with the next snapshot. */
  setMeta(key: string, value: string): void {
    writeMeta(this.db, key, value);
  }

  private assertWritable(): void {
    if (this.closed) throw new RecordError('the record is closed');
    if (this.options.readOnly) throw new RecordError('the record is open read-only');
  }

  private readonly onDamage = (d: JournalDamage): void => {
    this.report.damagedLines++;
    if (!this.options.readOnly) {
      try {
        keepDamagedLine(this.dir, d.gen, d.offset, d.text);
      } catch {
        // Keeping a copy is a courtesy; the journal itself still holds the line.
      }
    }
  };

  /**
   * A record from before segments holds every payload in its database: once, by whoever holds the snapshot lease,
   * the bulky ones are written to a new segment (synced), the rows keep a summary and where the line is, and a
   * snapshot of the smaller database is written. Until that snapshot is on disk the old one still holds everything.
   */
  private movePayloadsOut(): void {
    if (this.options.readOnly || this.broken || this.stale || this.meta('payloads_inline') !== '1') return;
    if (!this.lease.tryAcquire()) return; // another process is snapshotting: the next open moves them
    if (this.compactedSince()) return this.lease.release();
    try {
      const kinds = this.db.exec('SELECT DISTINCT kind FROM events')[0]?.values.map((r) => String(r[0])).filter(isSlimKind) ?? [];
      const inKinds = `kind IN (${kinds.map(() => '?').join(',') || "''"})`;
      const total = Number(this.db.exec(`SELECT count(*) FROM events WHERE seg IS NULL AND ${inKinds}`, kinds)[0]?.values[0]?.[0] ?? 0);
      if (total > 0) this.report.movedPayloads = this.movePayloads(kinds, inKinds, total);
      this.db.run(`DELETE FROM meta WHERE key = 'payloads_inline'`);
      // The pages the payloads held are free only once the database is rewritten.
      if (total > 0) this.db.exec('PRAGMA auto_vacuum = INCREMENTAL; VACUUM');
      const at = this.exportForSnapshot();
      writeSnapshot(this.dir, at.image);
      this.afterSnapshot(at);
    } finally {
      this.lease.release();
    }
  }

  private movePayloads(kinds: string[], inKinds: string, total: number): number {
    const segments = join(this.dir, SEGMENTS_DIR);
    mkdirSync(segments, { recursive: true });
    const k = nextMovedSegment(this.dir);
    const path = join(segments, movedSegmentName(k));
    const fd = openSync(path, 'wx');
    let done = 0;
    try {
      let offset = 0;
      let lastSeq = 0;
      const select = this.db.prepare(
        `SELECT seq, id, kind, at, session_id, source, data FROM events WHERE seq > ? AND seg IS NULL AND ${inKinds} ORDER BY seq LIMIT ${MOVE_BATCH}`,
      );
      const update = this.db.prepare('UPDATE events SET data = ?, seg = ?, off = ?, len = ? WHERE seq = ?');
      try {
        for (;;) {
          select.bind([lastSeq, ...kinds]);
          const rows: { seq: number; e: RecordEvent; json: string }[] = [];
          while (select.step()) {
            const [seq, id, kind, at, session, source, data] = select.get();
            const e: RecordEvent = { id: String(id), kind: String(kind), at: Number(at), data: {} };
            if (session !== null) e.session = String(session);
            if (source !== null) e.source = String(source);
            rows.push({ seq: Number(seq), e, json: String(data) });
          }
          select.reset();
          if (rows.length === 0) break;
          const lines = rows.map((r) => `${journalLineHead(r.e)}${r.json}}`);
          const body = Buffer.from(lines.join('\n') + '\n', 'utf8');
          let written = 0;
          while (written < body.length) written += writeSync(fd, body, written, body.length - written, offset + written);
          this.db.exec('BEGIN');
          let at = offset;
          for (let i = 0; i < rows.length; i++) {
            const r = rows[i] as { seq: number; e: RecordEvent; json: string };
            const len = Buffer.byteLength(lines[i] as string);
            let data: Record<string, unknown> = {};
            try {
              data = JSON.parse(r.json) as Record<string, unknown>;
            } catch {
              /* a summary of nothing; the segment holds the text as it was */
            }
            update.run([slimData(r.e.kind, data), -k, at, len, r.seq]);
            at += len + 1;
          }
          this.db.exec('COMMIT');
          offset += body.length;
          lastSeq = (rows[rows.length - 1] as { seq: number }).seq;
          done += rows.length;
          this.options.onMoveProgress?.(done, total);
        }
      } finally {
        select.free();
        update.free();
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(segments);
    return done;
  }

  /** Replays what the snapshot does not hold; the tail finds it in the current or previous journal. */
  private replayAtOpen(): void {
    const batch: RecordEvent[] = [];
    const at: PayloadLocation[] = [];
    this.tail.start(Number(this.meta(META_GEN) ?? 0), Number(this.meta(META_OFFSET) ?? 0));
    this.tail.onGap = (what) => {
      this.report.possiblyMissing ??= what;
    };
    this.tail.read((e, loc) => {
      batch.push(e);
      at.push(loc);
    }, this.onDamage);
    // From now on a gap means another process rotated twice while we looked away: reopen to recover.
    this.tail.onGap = () => {
      this.stale = true;
    };
    this.report.replayed = this.applyNew(batch, undefined, at);
    this.eventsSinceSnapshot = this.report.replayed;
    try {
      this.report.unterminatedTail = statSync(join(this.dir, JOURNAL_FILE)).size > this.tail.offset;
    } catch {
      this.report.unterminatedTail = false;
    }
  }

}
