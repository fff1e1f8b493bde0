import * as vscode from 'vscode';
import { activeSession, terminalCommandEvent } from '../core/capture/workspaceActivity';
import { headCommit } from '../core/record/location';
import { Disposable } from './disposable';
import { settingsClassifier } from './settings';
import type { RecordService } from './recordService';

/** Records commands run in integrated terminals, with exit codes, through shell integration. */
export class TerminalWatcher extends Disposable {
  private readonly started = new WeakMap<vscode.TerminalShellExecution, number>();
  private hinted = false;

  constructor(private readonly records: RecordService) {
    super();
    this._register(vscode.window.onDidStartTerminalShellExecution((e) => this.started.set(e.execution, Date.now())));
    this._register(vscode.window.onDidEndTerminalShellExecution((e) => void this.record(e)));
    this._register(vscode.window.onDidOpenTerminal((t) => this.hintLater(t)));
  }

  private async record(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const live = this.records.get();
    if (!live || this.records.readOnly) return;
    const endedAt = Date.now();
    const repoRoot = this.records.location()?.repoRoot;
    try {
      const store = await live.open();
      store.append([
        terminalCommandEvent({
          commandLine: e.execution.commandLine.value,
          cwd: e.execution.cwd?.fsPath,
          exitCode: e.exitCode,
          startedAt: this.started.get(e.execution) ?? endedAt,
          endedAt,
          terminal: e.terminal.name,
          session: activeSession(store.db, endedAt),
          commit: repoRoot ? headCommit(repoRoot) : undefined,
        }, settingsClassifier),
      ]);
    } catch {
      // A command we could not record is not worth an error dialog in the middle of someone's work.
    }
  }

  /** Without shell integration a terminal's commands are invisible: say so once, not silently. */
  private hintLater(terminal: vscode.Terminal): void {
    const timer = setTimeout(() => {
      if (this.hinted || terminal.shellIntegration || terminal.exitStatus || this.records.readOnly) return;
      this.hinted = true;
      void vscode.window.showInformationMessage(
        `Flightdeck cannot see the commands run in terminal "${terminal.name}": shell integration is not active there ` +
          '(see the setting terminal.integrated.shellIntegration.enabled). Commands run by Claude Code are recorded anyway.',
      );
    }, 10_000);
    this._register({ dispose: () => clearTimeout(timer) });
  }
}
