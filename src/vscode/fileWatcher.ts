import * as vscode from 'vscode';
import { activeSession, fileChangeEvents, isIgnoredPath, type FileChange } from '../core/capture/workspaceActivity';
import { Disposable } from './disposable';
import { excludedFiles } from './settings';
import type { RecordService } from './recordService';

/** Records files created, changed and deleted on disk by anyone, in batches. */
export class FileWatcher extends Disposable {
  private pending: { path: string; change: FileChange; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Compiled once, and again when the setting changes: a branch switch sends thousands of events. */
  private excluded = excludedFiles();

  constructor(private readonly records: RecordService) {
    super();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*')));
    this._register(watcher.onDidCreate((u) => this.queue(u, 'created')));
    this._register(watcher.onDidChange((u) => this.queue(u, 'modified')));
    this._register(watcher.onDidDelete((u) => this.queue(u, 'deleted')));
    this._register({ dispose: () => clearTimeout(this.timer) });
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flightdeck.capture.excludeFiles')) this.excluded = excludedFiles();
    }));
  }

  private queue(uri: vscode.Uri, change: FileChange): void {
    if (uri.scheme !== 'file' || isIgnoredPath(uri.fsPath) || this.records.readOnly) return;
    const rel = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
    if (this.excluded.some((r) => r.test(rel))) return;
    this.pending.push({ path: uri.fsPath, change, at: Date.now() });
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
    } catch {
      // Not worth interrupting anyone; the next change is tried again.
    }
  }
}
