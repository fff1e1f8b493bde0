import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { RecordStore } from '../record/store';
import { importTranscripts, type ImportOptions, type ImportSummary } from './claudeImport';

/** A tail's options: an import's, and for a date tree (Codex) the folders worth watching now. */
export interface TailOptions extends ImportOptions {
  watchDirs?: (dir: string, now: Date) => string[];
}

/**
 * Follows Claude Code's transcripts live: the first run imports history, later runs read only what
 * was appended (by byte offset). File events trigger a run within milliseconds; a poll covers
 * file systems where watching does not work, and only slowly where it does. Runs never overlap.
 *
 * It watches the projects folder and this workspace's project folders, each on its own, never the whole
 * tree: a recursive watch on Linux is one watch per file of every project (tens of thousands for a heavy
 * user, past the system's limit, then rebuilt on every poll). Subagents' files one level down are
 * found by the poll, or at once by the run their session's next write triggers.
 */
export class TranscriptTailer {
  /** Watched folders: the projects folder, and the project folders `folders` accepts. */
  private readonly watchers = new Map<string, FSWatcher>();
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
    private readonly options: TailOptions,
    private readonly onImported: (summary: ImportSummary) => void = () => {},
    private readonly pollMs = 1000,
    /** Behind a working watch, a poll only catches what the watch missed. */
    private readonly watchedPollMs = 10_000,
  ) {}

  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    this.watchFolders();
    this.schedulePoll();
  }

  /** Whether file events drive it (else only the poll does). */
  get watching(): boolean {
    return this.watchers.has(this.options.projectsDir);
  }

  /** Folders watched now, for tests and diagnostics. */
  get watchedFolders(): number {
    return this.watchers.size;
  }

  private watchFolders(): void {
    const root = this.options.projectsDir;
    if (this.options.watchDirs) {
      // A date tree: a handful of folders (today's and yesterday's); a change in one may be a new day's folder.
      const dirs = this.options.watchDirs(root, new Date());
      for (const [dir, watcher] of this.watchers) {
        if (!dirs.includes(dir)) {
          watcher.close();
          this.watchers.delete(dir);
        }
      }
      for (const dir of dirs) {
        this.watch(dir, (name) => {
          if (name && !name.endsWith('.jsonl')) this.watchFolders();
          this.runSoon();
        });
      }
      return;
    }
    if (!this.watch(root, (name) => this.projectFolderChanged(name))) return; // no such folder yet: the poll retries
    let names: string[] = [];
    try {
      names = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      // Gone again: the root's watch reports it.
    }
    for (const name of names) if (this.concerns(name)) this.watch(join(root, name), () => this.runSoon());
  }

  /** Something changed in the projects folder itself: a project folder came (watch it if it may be ours), or a file beside them. */
  private projectFolderChanged(name: string | null): void {
    if (name && !this.concerns(name)) return; // another project's folder: never watched, never read
    if (name && !name.endsWith('.jsonl')) {
      // Made, removed or made again: a watch on a removed folder hears nothing more, so start afresh.
      const dir = join(this.options.projectsDir, name);
      this.watchers.get(dir)?.close();
      this.watchers.delete(dir);
      this.watch(dir, () => this.runSoon());
    }
    this.runSoon();
  }

  /** Watches one folder (not its subfolders) once; false when it cannot be watched. */
  private watch(dir: string, onChange: (name: string | null) => void): boolean {
    if (this.watchers.has(dir)) return true;
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => onChange(name === null ? null : name.toString()));
      watcher.on('error', () => {
        watcher.close();
        if (this.watchers.get(dir) === watcher) this.watchers.delete(dir);
      });
      this.watchers.set(dir, watcher);
      return true;
    } catch {
      return false; // not there (yet), or not a folder
    }
  }

  /** Whether a project folder (by name) may hold this workspace's sessions: others' writes are ignored. */
  private concerns(name: string): boolean {
    return !this.options.folders || name.endsWith('.jsonl') || this.options.folders(name);
  }

  private schedulePoll(): void {
    this.poll = setTimeout(() => {
      this.watchFolders(); // the folder may exist by now, or a project folder a watch missed
      void this.run()
        .catch(() => undefined)
        .finally(() => {
          if (!this.disposed) this.schedulePoll();
        });
    }, this.watching ? this.watchedPollMs : this.pollMs);
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
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
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
