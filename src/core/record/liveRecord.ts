import { watch, type FSWatcher } from 'node:fs';
import { archiveQuietSessions } from './archive';
import { ArchiveAsItGoes } from './archiveAsItGoes';
import { collectGarbage } from './collectGarbage';
import { compactionDue } from './compact';
import { IDLE_SNAPSHOT_BYTES, RecordStore, type StoreOptions } from './store';

export interface LiveRecordOptions extends StoreOptions {
  /** How often to look for other writers' events when the record's folder cannot be watched. */
  pollMs?: number;
  /** The same while it is watched: file events bring other writers' events, the poll only what they missed. */
  watchedPollMs?: number;
  /** After this long without a new event, a journal tail of idleSnapshotBytes or more is snapshotted. */
  idleSnapshotMs?: number;
  idleSnapshotBytes?: number;
  /** Called with each store this record opens (a reopen makes a new one): files kept beside the record attach here. */
  onOpen?: (store: RecordStore) => void;
  /**
   * Sessions quiet for longer than this are archived out of memory at quiet moments (archive.ts): still listed,
   * opened from their archive. Off when absent or 0.
   */
  archiveQuietAfterMs?: number;
  /** See REOPEN_AFTER_WASM_GROWTH (tests set it lower). */
  reopenAfterWasmGrowth?: number;
  /**
   * Compacts the record in another process (`flightdeck compact`, seconds on a large record); resolves true once a
   * packed snapshot is written. Asked after a snapshot when compactionDue; the record is then opened again from it.
   */
  compact?: () => Promise<boolean>;
  /** The smallest database worth compacting (tests set it lower; see compact.ts). */
  compactMinBytes?: number;
}

/** After a compaction that did not happen (another process held the lease, an error), the next try waits this long. */
const COMPACT_RETRY_MS = 3_600_000;

/** How long one quiet moment may spend archiving (files started before it ends are finished). */
const ARCHIVE_PAUSE_MS = 300;

/** During an import, between two looks for sessions to archive (each a pause of at most ARCHIVE_PAUSE_MS). */
const IMPORT_ARCHIVE_EVERY_EVENTS = 10_000;

/** Between two looks for sessions to archive: they become due slowly. */
const ARCHIVE_EVERY_MS = 3_600_000;

/**
 * sql.js's WASM memory grows to the peak of whatever ran (a large batch of events, an archive pass) and never shrinks:
 * once it is this much above what the open left, the record is opened again, after a snapshot, in a fresh instance.
 */
export const REOPEN_AFTER_WASM_GROWTH = 8 << 20;

/** How long the record must be quiet before a journal tail worth it (IDLE_SNAPSHOT_BYTES) is snapshotted. */
export const IDLE_SNAPSHOT_MS = 5_000;

/**
 * A record kept current while a long-lived process (the extension) runs: opened on first use,
 * then following every other writer's appends within a second, snapshotting when due.
 */
export class LiveRecord {
  private opening: Promise<RecordStore> | undefined;
  private store: RecordStore | undefined;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();
  private disposed = false;
  private snapshotScheduled = false;
  /** When sessions were last looked at for archiving (Date.now()); 0: not yet. */
  private archivedAt = 0;

  constructor(
    readonly dir: string,
    private readonly options: LiveRecordOptions = {},
  ) {}

  /** When open() was first called (performance.now()). */
  openedAt: number | undefined;

  /** Opens the record (loads the WASM, the snapshot, the journal) once; later calls share it. */
  open(): Promise<RecordStore> {
    this.openedAt ??= performance.now();
    this.opening ??= this.openStore().then((store) => {
      if (this.disposed) {
        store.close();
        throw new Error('the record was closed while it opened');
      }
      this.adopt(store);
      this.follow();
      this.collectSoon(); // the snapshot as read from disk, copied into sql.js
      return store;
    });
    return this.opening;
  }

  /** Its own sql.js instance, so that a store opened again gives back the memory the previous one grew to. */
  private openStore(): Promise<RecordStore> {
    return RecordStore.open(this.dir, { ownSqlJs: true, ...this.options });
  }

  private adopt(store: RecordStore): void {
    this.store = store;
    this.options.onOpen?.(store);
    store.onDidChange(() => {
      this.fire();
      this.snapshotWhenIdle();
    });
    this.snapshotWhenIdle(); // what the last window left unsnapshotted
  }

  get current(): RecordStore | undefined {
    return this.store;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Reads what other processes appended; cheap when nothing was. */
  refresh(): void {
    const store = this.store;
    if (!store || this.disposed) return;
    try {
      // Compacted by another process: this database's rows may name removed segments, so load the compacted one.
      if (store.compactedElsewhere()) return this.reopen();
      store.catchUp();
      if (store.stale) return this.reopen();
      if (store.snapshotDue()) this.scheduleSnapshot();
    } catch {
      // A transient read failure (a rotation in progress); the next poll retries.
    }
  }

  /** Another process moved the journal past events we never read: load its snapshot instead. */
  private reopen(): void {
    const old = this.store;
    this.store = undefined;
    this.opening = undefined;
    this.watcher?.close();
    clearInterval(this.poll);
    old?.close();
    void this.open().then(
      () => this.fire(),
      () => undefined,
    );
  }

  /**
   * Right after a snapshot (so the open replays next to nothing): a store whose sql.js memory grew well past what
   * its open needed is replaced by the same record opened in a fresh instance; the old memory goes with the old store.
   */
  private reopenIfGrown(old: RecordStore): boolean {
    if (this.disposed || this.reopening || this.store !== old || old.stale) return false;
    if (old.wasmBytes() - old.openedWasmBytes < (this.options.reopenAfterWasmGrowth ?? REOPEN_AFTER_WASM_GROWTH)) return false;
    this.reopenFresh(old);
    return true;
  }

  private compactingSince = 0;
  private compactFailedAt = 0;
  /** How many compactions another process wrote for this record (compactIfDue). */
  compacted = 0;

  /** At a quiet moment after a snapshot: a database due for compaction is packed by another process, then opened again. */
  private compactIfDue(store: RecordStore): boolean {
    const compact = this.options.compact;
    if (!compact || this.options.readOnly || this.disposed || this.reopening || this.compactingSince || this.store !== store) return false;
    if (Date.now() - this.compactFailedAt < COMPACT_RETRY_MS || !compactionDue(store, this.options.compactMinBytes)) return false;
    this.compactingSince = Date.now();
    void compact()
      .catch(() => false)
      .then((done) => {
        this.compactingSince = 0;
        if (!done) this.compactFailedAt = Date.now();
        else {
          this.compacted++;
          if (this.store === store) this.reopenFresh(store);
        }
      });
    return true;
  }

  /** The same record opened in a fresh sql.js instance replaces `old`, which serves until then. */
  private reopenFresh(old: RecordStore): void {
    if (this.disposed || this.reopening || this.store !== old) return;
    // The old store serves until the new one is open (it reads every event the journal holds, ours included).
    this.reopening = true;
    void this.openStore().then(
      (store) => {
        this.reopening = false;
        if (this.disposed || this.store !== old) return store.close();
        this.opening = Promise.resolve(store);
        this.adopt(store);
        try {
          old.close();
        } catch {
          // Its snapshot at close failed: the journal holds every event, and the new store has read them.
        }
        this.reopened++;
        this.fire();
        this.collectSoon();
      },
      () => {
        this.reopening = false; // the old store goes on; the next snapshot tries again
      },
    );
  }

  private collecting: NodeJS.Timeout | undefined;

  /**
   * A full collection once the work in hand is done: what an open, a snapshot or a reopen left dead (images the size
   * of the database) goes back to the system now, not whenever V8 next collects. Only where the store has its own
   * sql.js instance (a long-lived process; a test sets ownSqlJs false to leave collections to V8).
   */
  private collectSoon(): void {
    if (this.collecting || this.options.ownSqlJs === false) return;
    this.collecting = setTimeout(() => {
      this.collecting = undefined;
      if (!this.disposed) collectGarbage();
    }, 200);
    this.collecting.unref();
  }

  private importArchiving: ArchiveAsItGoes | undefined;

  /**
   * Between the batches of a long import (a first run on a year of history): sessions quiet for longer than the record
   * keeps loaded are archived as it goes, a short pause at a time, so the window's memory holds about that window.
   */
  importCheckpoint(): void {
    const store = this.disposed ? undefined : this.store;
    const quiet = this.options.archiveQuietAfterMs ?? 0;
    if (!store || quiet <= 0 || this.options.readOnly) return;
    if (this.importArchiving?.store !== store) {
      this.importArchiving?.dispose();
      this.importArchiving = new ArchiveAsItGoes(store, quiet, { maxMs: ARCHIVE_PAUSE_MS, everyEvents: IMPORT_ARCHIVE_EVERY_EVENTS });
    }
    this.importArchiving.checkpoint();
  }

  private holds = 0;

  /** While held (a long task keeps the current store and appends through it), the record is not opened again for memory's sake. */
  hold(): { dispose(): void } {
    this.holds++;
    let held = true;
    return {
      dispose: () => {
        if (held) this.holds--;
        held = false;
      },
    };
  }

  private reopening = false;
  /** How many times the record was opened again in a fresh sql.js instance (reopenIfGrown). */
  reopened = 0;

  /** Resolves once no snapshot is being written in the background. */
  settled(): Promise<void> {
    return this.store?.snapshotWritten() ?? Promise.resolve();
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    clearInterval(this.poll);
    clearTimeout(this.pending);
    clearTimeout(this.idle);
    clearTimeout(this.collecting);
    this.listeners.clear();
    this.importArchiving?.dispose();
    this.importArchiving = undefined;
    this.store?.close();
    this.store = undefined;
  }

  private fire(): void {
    for (const l of this.listeners) l();
  }

  private follow(): void {
    try {
      // File events make other writers' events visible in milliseconds; the poll covers file
      // systems where watching does not work.
      const watcher = watch(this.dir, { persistent: false }, () => this.refreshSoon());
      this.watcher = watcher;
      watcher.on('error', () => {
        watcher.close();
        if (this.watcher !== watcher) return;
        // File events stopped: the poll alone keeps other writers' events coming within a second.
        this.watcher = undefined;
        clearInterval(this.poll);
        this.poll = setInterval(() => this.refresh(), this.options.pollMs ?? 500);
        this.poll.unref();
      });
    } catch {
      this.watcher = undefined;
    }
    // An idle window wakes up rarely: twice a second only where file events do not work.
    const every = this.watcher ? this.options.watchedPollMs ?? 5_000 : this.options.pollMs ?? 500;
    this.poll = setInterval(() => this.refresh(), every);
    this.poll.unref();
  }

  private refreshSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, 20);
    this.pending.unref();
  }

  private idle: NodeJS.Timeout | undefined;

  /** (Re)starts the quiet-spell timer: each new event puts the idle snapshot off. */
  private snapshotWhenIdle(): void {
    if (this.options.readOnly || this.disposed) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.archiveIfDue() || this.idleSnapshotDue()) this.scheduleSnapshot(true);
      else if (this.store && this.holds === 0) this.compactIfDue(this.store); // a quiet moment with nothing to snapshot
    }, this.options.idleSnapshotMs ?? IDLE_SNAPSHOT_MS);
    this.idle.unref();
  }

  /**
   * At a quiet moment, archive files for a few hundred milliseconds at most (a first run on a long history spreads
   * over several quiet moments); true when it archived something, so a snapshot of the smaller database follows.
   */
  private archiveIfDue(): boolean {
    const store = this.disposed ? undefined : this.store;
    const quiet = this.options.archiveQuietAfterMs ?? 0;
    if (!store || quiet <= 0 || this.options.readOnly || Date.now() - this.archivedAt < ARCHIVE_EVERY_MS) return false;
    let archived = 0;
    try {
      archived = archiveQuietSessions(store, quiet, { maxMs: ARCHIVE_PAUSE_MS }).events;
    } catch {
      // A full disk, a payload that could not be read: the next look retries, nothing was taken out.
    }
    // More may be due: look again at the next quiet moment, else in an hour.
    if (archived === 0) this.archivedAt = Date.now();
    else this.snapshotWhenIdle();
    return archived > 0;
  }

  private idleSnapshotDue(): boolean {
    const store = this.disposed ? undefined : this.store;
    return store?.idleSnapshotDue(this.options.idleSnapshotBytes ?? IDLE_SNAPSHOT_BYTES) ?? false;
  }

  private scheduleSnapshot(idle = false): void {
    if (this.options.readOnly || this.snapshotScheduled) return;
    this.snapshotScheduled = true;
    // Off the path of whatever triggered it: a snapshot exports and writes the whole database.
    setTimeout(() => {
      // Failures are retried at the next catch-up that finds a snapshot due (or the next quiet spell).
      const written = (async () => {
        const store = this.disposed ? undefined : this.store;
        if (store?.snapshotDue() || (idle && this.idleSnapshotDue())) {
          const written = await store?.snapshotInBackground();
          // Opened again only at a quiet moment and when nothing holds the store (an import appends through it).
          const quiet = idle && this.holds === 0;
          if (written && store && !(quiet && (this.reopenIfGrown(store) || this.compactIfDue(store)))) this.collectSoon();
        }
      })();
      void written.catch(() => undefined).finally(() => {
        this.snapshotScheduled = false;
      });
    }, 1000).unref();
  }
}
