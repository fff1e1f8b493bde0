import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { locateRecord } from '../core/record/location';
import { LiveRecord } from '../core/record/liveRecord';
import { DEFAULT_KEEP_LOADED_DAYS } from '../core/record/archiveAsItGoes';
import { keepGateState } from '../core/gates/stateWriter';
import { keepMemory, type MemoryKeeper } from '../core/report/memoryWriter';
import { Disposable } from './disposable';
import { memoryLog } from '../core/memoryLog';
import { setFileGrowth } from '../core/record/sqlite';

/**
 * The workspace's flight record as the extension sees it. Nothing is opened at activation: the
 * record (and sql.js's WASM) loads when a view or command first asks for it.
 */
export class RecordService extends Disposable {
  private live: LiveRecord | undefined;
  private memory: MemoryKeeper | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    // The window keeps the record in memory for hours: the database file grows in small steps, not 64 MB ones.
    setFileGrowth('lean');
    this._register({ dispose: () => {
      this.memory?.dispose();
      this.live?.dispose();
    } });
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reset()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()));
  }

  /** The record's folder: under the git common dir of the first folder, else the workspace storage. */
  location(): { dir: string; repoRoot?: string } | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    return locateRecord(folder.uri.fsPath, this.context.storageUri?.fsPath);
  }

  get readOnly(): boolean {
    return !vscode.workspace.isTrusted;
  }

  /** The record to write to, or undefined after telling the user why not (untrusted, or no folder: `noFolder`). */
  writable(noFolder: string): LiveRecord | undefined {
    if (this.readOnly) {
      void vscode.window.showWarningMessage('Flightdeck records nothing in an untrusted workspace. Trust the workspace to record.');
      return undefined;
    }
    const live = this.get();
    if (!live) void vscode.window.showWarningMessage(noFolder);
    return live;
  }

  /** The live record, opened on first call; undefined without a local workspace folder. */
  get(): LiveRecord | undefined {
    if (this.live) return this.live;
    const where = this.location();
    if (!where) return undefined;
    // The gates' state beside the record, for the Claude Code hook and git's pre-push hook (VS Code may close).
    // And the hand-off for the next agent session, which the SessionStart hook reads (written after a quiet second).
    const days = vscode.workspace.getConfiguration('flightdeck').get<number>('record.keepLoadedDays', DEFAULT_KEEP_LOADED_DAYS);
    const live = new LiveRecord(where.dir, {
      readOnly: this.readOnly,
      onOpen: (store) => {
        memoryLog('record open');
        if (this.readOnly) return;
        keepGateState(store);
        this.memory?.dispose();
        this.memory = keepMemory(store, { delayMs: 1000 });
      },
      archiveQuietAfterMs: days > 0 ? days * 86_400_000 : 0,
      compact: where.repoRoot && !this.readOnly ? () => this.compactInProcess(where.repoRoot as string) : undefined,
    });
    live.onDidChange(() => this.changed.fire());
    this.live = live;
    return live;
  }

  /** `flightdeck compact` in a process of its own: its seconds of VACUUM and its memory stay out of the extension host. */
  private compactInProcess(repoRoot: string): Promise<boolean> {
    const cli = join(this.context.extensionUri.fsPath, 'dist', 'cli.js');
    const env = { ...process.env, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [cli, 'compact', '--repo', repoRoot], { env, timeout: 600_000 }, (err) => resolve(!err));
      child.unref();
    });
  }

  /** Resolves once the record writes no snapshot in the background (awaited when VS Code shuts down). */
  settled(): Promise<void> {
    return this.live?.settled() ?? Promise.resolve();
  }

  private reset(): void {
    this.memory?.dispose();
    this.memory = undefined;
    this.live?.dispose();
    this.live = undefined;
    this.changed.fire();
  }
}
