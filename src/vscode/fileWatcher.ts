import * as vscode from 'vscode';
import { activeSession, fileChangeEvents, isIgnoredPath, type FileChange } from '../core/capture/workspaceActivity';
import { newEventId } from '../core/record/events';
import { Disposable } from './disposable';
import { newFolderFiles } from './newFolderFiles';
import { excludedFiles } from './settings';
import type { RecordService } from './recordService';

/** The id is fixed when the change is seen: a retried batch whose lines did reach the journal is not recorded twice. */
type PendingChange = { id: string; path: string; change: FileChange; at: number };

/** A batch that could not be recorded is kept and tried again; past this, the oldest changes give way. */
const MAX_PENDING = 20_000;
/** About two minutes of backing off; a record that refuses that long is broken, and says so elsewhere. */
const MAX_ATTEMPTS = 9;
/** A folder listed this recently already covers the folders created inside it (mkdir -p a/b/c). */
const SCAN_COVERS_MS = 2_000;

/** Records files created, changed and deleted on disk by anyone, in batches. */
export class FileWatcher extends Disposable {
  private pending: PendingChange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** New folders listed lately, and (once listed) the folders each listing read. */
  private recentScans: { path: string; at: number; read: Promise<Set<string>> }[] = [];
  /** Compiled once, and again when the setting changes: a branch switch sends thousands of events. */
  private excluded = excludedFiles();

  constructor(private readonly records: RecordService) {
    super();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*')));
    this._register(watcher.onDidCreate((u) => void this.created(u)));
    this._register(watcher.onDidChange((u) => this.queue(u, 'modified')));
    this._register(watcher.onDidDelete((u) => this.queue(u, 'deleted')));
    this._register({ dispose: () => clearTimeout(this.timer) });
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flightdeck.capture.excludeFiles')) this.excluded = excludedFiles();
    }));
  }

  private skipped(uri: vscode.Uri): boolean {
    if (uri.scheme !== 'file' || isIgnoredPath(uri.fsPath)) return true;
    const rel = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
    return this.excluded.some((r) => r.test(rel));
  }

  /** A new folder stands for the files in it: those are what a session changed. */
  private async created(uri: vscode.Uri): Promise<void> {
    if (this.skipped(uri) || this.records.readOnly) return;
    const at = Date.now();
    let type = vscode.FileType.File;
    try {
      type = (await vscode.workspace.fs.stat(uri)).type;
    } catch {
      // Gone already: the creation still happened.
    }
    if (type !== vscode.FileType.Directory) return this.push(uri, 'created', at);
    this.recentScans = this.recentScans.filter((s) => at - s.at < SCAN_COVERS_MS);
    const sep = uri.fsPath.includes('\\') ? '\\' : '/';
    // Covered only if that listing read this folder: one made after it (mkdir a; then mkdir a/b) is listed itself.
    const above = this.recentScans.filter((s) => uri.fsPath === s.path || uri.fsPath.startsWith(s.path + sep));
    for (const scan of above) if ((await scan.read).has(uri.fsPath)) return;
    const listing = newFolderFiles(uri, (u) => this.skipped(u));
    this.recentScans.push({ path: uri.fsPath, at, read: listing.then((l) => l.folders, () => new Set<string>()) });
    const { files, truncated } = await listing;
    // Both already checked: the folder above, its files by the listing.
    for (const file of files) this.push(file, 'created', at);
    if (truncated || files.length === 0) this.push(uri, 'created', at);
  }

  private queue(uri: vscode.Uri, change: FileChange): void {
    if (!this.skipped(uri) && !this.records.readOnly) this.push(uri, change, Date.now());
  }

  private push(uri: vscode.Uri, change: FileChange, at: number): void {
    this.pending.push({ id: newEventId(at), path: uri.fsPath, change, at });
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    // Saves come in bursts (format on save, a branch switch): one append for the lot.
    this.timer ??= setTimeout(() => void this.flush(), 300);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const changes = this.pending;
    this.pending = [];
    const live = this.records.get();
    if (!live || changes.length === 0) return;
    try {
      const store = await live.open();
      store.append(fileChangeEvents(changes, activeSession(store.db)));
      this.failures = 0;
    } catch {
      // The record is busy or unwritable for now: keep the batch and try again, backing off to half a minute.
      this.failures++;
      if (this.failures >= MAX_ATTEMPTS) {
        this.failures = 0;
        return;
      }
      this.pending = [...changes, ...this.pending];
      this.timer ??= setTimeout(() => void this.flush(), Math.min(30_000, 300 * 2 ** this.failures));
    }
  }
}
