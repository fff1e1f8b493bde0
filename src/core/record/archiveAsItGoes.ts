import { archiveQuietSessions, type ArchiveResult } from './archive';
import type { RecordStore } from './store';

/** flightdeck.record.keepLoadedDays's default, and `flightdeck ingest --keep-loaded-days`'s. */
export const DEFAULT_KEEP_LOADED_DAYS = 30;

/** Events recorded between two looks: a look is a pass over the events still loaded (about the window's). */
export const ARCHIVE_EVERY_EVENTS = 50_000;

export interface ArchiveAsItGoesOptions {
  everyEvents?: number;
  /** The time sessions are quiet against (now unless said: a bench's history ends on a day of its own). */
  now?: () => number;
  /** No new file once a look has taken this long (the extension host's thread); the rest waits for the next batch. */
  maxMs?: number;
}

/**
 * A bulk import (a year of history at once) archives as it goes what the extension archives at its next quiet
 * moment anyway (flightdeck.record.keepLoadedDays): sessions quiet for longer than `quietMs`, looked for every
 * `everyEvents` events recorded. The database in memory then holds about that window instead of the whole
 * history, and so does the import's peak. Same files, same `archive.recorded` events as archiveQuietSessions.
 */
export class ArchiveAsItGoes {
  readonly result: ArchiveResult = { files: [], sessions: 0, events: 0 };
  /** Why archiving stopped (a full disk...): the import goes on, keeping everything loaded. */
  failure: Error | undefined;
  private recorded = 0;
  /** A look stopped by maxMs may have left some due: the next checkpoint looks again. */
  private moreDue = false;
  private readonly counting: { dispose(): void };

  constructor(
    readonly store: RecordStore,
    private readonly quietMs: number,
    private readonly options: ArchiveAsItGoesOptions = {},
  ) {
    this.counting = store.onDidChange((added) => {
      this.recorded += added;
    });
  }

  /** Between appends, never from inside one: archives what is due once enough was recorded since the last look. */
  checkpoint(): void {
    if (this.quietMs <= 0 || this.failure) return;
    if (!this.moreDue && this.recorded < (this.options.everyEvents ?? ARCHIVE_EVERY_EVENTS)) return;
    this.recorded = 0;
    try {
      const r = archiveQuietSessions(this.store, this.quietMs, { now: this.options.now?.(), maxMs: this.options.maxMs });
      this.moreDue = this.options.maxMs !== undefined && r.files.length > 0;
      this.result.files.push(...r.files);
      this.result.sessions += r.sessions;
      this.result.events += r.events;
    } catch (err) {
      // Nothing is taken out of the database before its file is on disk: what failed is still loaded.
      this.failure = err as Error;
    }
  }

  dispose(): void {
    this.counting.dispose();
  }
}
