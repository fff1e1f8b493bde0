import * as vscode from 'vscode';
import type { ImportSummary } from '../core/capture/claudeImport';
import { recordGitFacts } from '../core/capture/gitHistory';
import { agentOf, type CaptureAgent } from '../core/capture/agents';
import { codexSessionsDir } from '../core/capture/codex/home';
import { TranscriptTailer } from '../core/capture/transcriptTailer';
import { claudeProjectsDir, cwdMatcher, workspaceRoots } from '../core/capture/workspace';
import { Disposable } from './disposable';
import { join } from 'node:path';
import { checkRules, settingsClassifier } from './settings';
import type { RecordService } from './recordService';
import type { ImportStatus } from '../protocol';
import type { RecordStore } from '../core/record/store';

/** One agent's capture in the window: its settings, its command, how its folder is found. */
export interface CaptureKind {
  agent: CaptureAgent;
  /** The setting (under flightdeck.) that turns it on. */
  enabledSetting: string;
  /** Its session files' folder, from the settings or the agent's default. */
  dir(): string;
  command: string;
}

const setting = (key: string): string => vscode.workspace.getConfiguration('flightdeck').get<string>(key, '');

export const CLAUDE_CAPTURE: CaptureKind = {
  agent: agentOf('claude') as CaptureAgent,
  enabledSetting: 'capture.claudeTranscripts',
  dir: () => setting('capture.claudeProjectsDir') || claudeProjectsDir(),
  command: 'flightdeck.importClaude',
};

export const CODEX_CAPTURE: CaptureKind = {
  agent: agentOf('codex') as CaptureAgent,
  enabledSetting: 'capture.codexSessions',
  // flightdeck.capture.codexHome names Codex's home; its rollouts are in sessions/ below it.
  dir: () => (setting('capture.codexHome') ? join(setting('capture.codexHome'), 'sessions') : codexSessionsDir()),
  command: 'flightdeck.importCodex',
};

/** Follows this workspace's sessions of one agent (Claude Code unless told) into the record while the window is open. */
export class TranscriptCapture extends Disposable {
  private tailer: TranscriptTailer | undefined;
  private isDisposed = false;
  /** Set once the first import (of the history) is over, done or failed. */
  private firstImportOver = false;
  private progress: ImportStatus | undefined;
  private progressFiredAt = 0;
  private readonly importChanged = this._register(new vscode.EventEmitter<void>());
  /** Fires when an import is coming, progresses (at most a few times a second) or ends. */
  readonly onDidChangeImport = this.importChanged.event;

  constructor(
    private readonly records: RecordService,
    private readonly kind: CaptureKind = CLAUDE_CAPTURE,
  ) {
    super();
    this._register({ dispose: () => this.tailer?.dispose() });
    this._register({ dispose: () => clearTimeout(this.enrichTimer) });
    this._register(records.onDidChange(() => this.restartIfMoved()));
    this._register(vscode.commands.registerCommand(kind.command, () => this.importNow()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.start()));
    this._register({ dispose: () => (this.isDisposed = true) });
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration('flightdeck').get<boolean>(this.kind.enabledSetting, true);
  }

  /**
   * The import coming or under way, if any. From activation on, before capture starts (it waits for the
   * window to settle), a first import that will run is reported as pending.
   */
  importStatus(): ImportStatus | undefined {
    if (this.progress) return this.progress;
    if (this.firstImportOver || this.isDisposed || !this.enabled() || this.records.readOnly || !this.records.location()?.repoRoot) return undefined;
    return { phase: 'pending', doneBytes: 0, totalBytes: 0, filesDone: 0, files: 0, sessions: 0 };
  }

  private reportProgress(next: ImportStatus | undefined): void {
    this.progress = next;
    const now = Date.now();
    // Progress arrives after every chunk and file: a few updates a second are plenty for the board.
    if (next && now - this.progressFiredAt < 250) return;
    this.progressFiredAt = now;
    this.importChanged.fire();
  }

  private projectsDir(): string {
    return this.kind.dir();
  }

  private starting: Promise<ImportSummary | undefined> | undefined;

  /** Starts following (once, however often called); the first run imports the history. */
  start(): Promise<ImportSummary | undefined> {
    if (this.tailer) return Promise.resolve(undefined);
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
      if (!this.firstImportOver) {
        this.firstImportOver = true; // imported, or nothing to import here: either way none is coming
        this.importChanged.fire();
      }
    });
    return this.starting;
  }

  private async doStart(): Promise<ImportSummary | undefined> {
    if (this.isDisposed || !this.enabled() || this.records.readOnly) return undefined;
    const where = this.records.location();
    const live = this.records.get();
    if (!where?.repoRoot || !live) return undefined;
    await live.open();
    if (this.isDisposed) return undefined;
    const repoRoot = where.repoRoot;
    const roots = workspaceRoots(repoRoot);
    this.tailer = new TranscriptTailer(() => live.current, {
      projectsDir: this.projectsDir(),
      accept: cwdMatcher(roots),
      folders: this.kind.agent.folders?.(roots),
      roots,
      format: this.kind.agent.format,
      watchDirs: this.kind.agent.watchDirs,
      classify: settingsClassifier,
      // A large history is parsed in a worker beside the extension host's thread; the rules go as data.
      worker: { script: join(__dirname, 'import-worker.js'), roots, rules: checkRules() },
      // A first import of a long history archives what the record keeps unloaded as it goes (keepLoadedDays).
      checkpoint: () => live.importCheckpoint(),
    }, () => this.enrichSoon(repoRoot, 15_000));
    this.enrichSoon(repoRoot, 500);
    const summary = await this.importNow();
    this.tailer?.start();
    return summary;
  }

  /** Imports now, showing progress in the window when it takes a while. */
  async importNow(): Promise<ImportSummary | undefined> {
    if (!this.tailer) return this.start();
    const tailer = this.tailer;
    // The import appends through the store it starts with: the record is not opened again meanwhile.
    const hold = this.records.get()?.hold();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Flightdeck: importing ${this.kind.agent.name} sessions` },
      async (progress) => {
        let shown = 0;
        this.reportProgress({ phase: 'running', doneBytes: 0, totalBytes: 0, filesDone: 0, files: 0, sessions: 0 });
        try {
          return await tailer.run((done, total, found) => {
            this.reportProgress({ phase: 'running', doneBytes: done, totalBytes: total, ...found });
            const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
            if (pct > shown) progress.report({ message: `${pct}%`, increment: pct - shown });
            shown = pct;
          });
        } finally {
          hold?.dispose();
          this.reportProgress(undefined);
        }
      },
    );
  }

  private enrichTimer: NodeJS.Timeout | undefined;

  /** Adds what git says about changed sessions (start and end commit, commits, diff stat), after a quiet spell. */
  private enrichSoon(repoRoot: string, delayMs: number): void {
    clearTimeout(this.enrichTimer);
    this.enrichTimer = setTimeout(() => {
      // The newest sessions first, so the ones people look at get their facts in a moment. The store is asked for
      // each time: the record may be opened again (in a fresh sql.js instance) while git runs.
      const current = (): RecordStore | undefined => this.records.get()?.current;
      // In small steps with pauses (a record with no facts yet has thousands of sessions): the board paints and
      // answers meanwhile, and a large pass shows its progress in the status bar.
      const shown = new GitFactsProgress();
      void (async () => {
        await recordGitFacts(repoRoot, current, { limit: 3 });
        await recordGitFacts(repoRoot, current, { onProgress: (done, total) => shown.report(done, total) });
      })()
        .catch(() => undefined)
        .finally(() => shown.end());
    }, delayMs);
  }

  private restartIfMoved(): void {
    // The record was reset (trust granted, folders changed): follow the new one.
    if (this.tailer && !this.records.get()?.current) {
      this.tailer.dispose();
      this.tailer = undefined;
      void this.start();
    }
  }
}

/** The progress of a long git-facts pass in the window's status bar (shown only when there are many sessions). */
class GitFactsProgress {
  private progress: vscode.Progress<{ message?: string }> | undefined;
  private resolve: (() => void) | undefined;
  private started = false;
  private ended = false;

  report(done: number, total: number): void {
    if (total < 500) return;
    if (!this.started) {
      this.started = true;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Flightdeck: git facts' }, (progress) => {
        this.progress = progress;
        // Ended before the window asked for the task: nothing to wait for.
        return this.ended ? Promise.resolve() : new Promise<void>((resolve) => (this.resolve = resolve));
      });
    }
    this.progress?.report({ message: `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} sessions` });
    if (done >= total) this.end();
  }

  end(): void {
    this.ended = true;
    this.resolve?.();
    this.resolve = undefined;
  }
}
