import { watch, type FSWatcher } from 'node:fs';
import type { RecordStore } from '../record/store';
import { importTranscripts, type ImportOptions, type ImportSummary } from './claudeImport';

/**
 * Follows Claude Code's transcripts live: the first run imports history, later runs read only what
 * was appended (by byte offset). File events trigger a run within milliseconds; a poll covers
 * file systems where watching does not work, and only slowly where it does (a poll lists every
 * transcript of every project). Runs never overlap.
 */
export class TranscriptTailer {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private started = false;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<ImportSummary | undefined> | undefined;
  private again = false;
  private disposed = false;
  /** Files as last read: a poll skips the ones that did not change. */
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly store: () => RecordStore | undefined,
    private readonly options: ImportOptions,
    private readonly onImported: (summary: ImportSummary) => void = () => {},
    private readonly pollMs = 1000,
    /** Behind a working watch, a poll only catches what the watch missed. */
    private readonly watchedPollMs = 10_000,
  ) {}

  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    this.watchFolder();
    this.schedulePoll();
  }

  /** Whether file events drive it (else only the poll does). */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  private watchFolder(): void {
    try {
      const watcher = watch(this.options.projectsDir, { recursive: true, persistent: false }, (_event, name) => {
        if (this.concerns(name)) this.runSoon();
      });
      watcher.on('error', () => {
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
      });
      this.watcher = watcher;
    } catch {
      this.watcher = undefined; // No such folder yet, or no recursive watching here: the poll covers it.
    }
  }

  /** Whether a change there (relative to the projects folder) may be this workspace's: other projects' writes are ignored. */
  private concerns(name: string | Buffer | null): boolean {
    const folders = this.options.folders;
    if (!folders || !name) return true;
    const first = name.toString().split(/[\\/]/)[0] ?? '';
    return first.endsWith('.jsonl') || folders(first); // a transcript beside the project folders is read too
  }

  private schedulePoll(): void {
    this.poll = setTimeout(() => {
      if (!this.watcher) this.watchFolder(); // the folder may exist by now
      void this.run()
        .catch(() => undefined)
        .finally(() => {
          if (!this.disposed) this.schedulePoll();
        });
    }, this.watcher ? this.watchedPollMs : this.pollMs);
    this.poll.unref();
  }

  /** Imports what is new; concurrent calls coalesce into one more run. */
  run(onProgress?: ImportOptions['onProgress']): Promise<ImportSummary | undefined> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let last: ImportSummary | undefined;
      do {
        this.again = false;
        const store = this.store();
        if (!store || this.disposed) return last;
        last = await importTranscripts(store, { ...this.options, seen: this.seen, onProgress });
        if (last.added > 0) this.onImported(last);
      } while (this.again && !this.disposed);
      return last;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    clearTimeout(this.poll);
    clearTimeout(this.soon);
  }

  private runSoon(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.run().catch(() => undefined);
    }, 25);
    this.soon.unref();
  }
}
