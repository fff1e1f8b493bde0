import { join } from 'node:path';
import * as vscode from 'vscode';
import { GitHooksError, installGitHooks, refreshGitHooks, type InstallResult } from '../core/gates/gitHooks';
import type { CliCommand } from '../core/gates/prePushScript';
import type { RecordService } from './recordService';

/** `Flightdeck: Install git hooks`: the pre-push hook running `flightdeck check-push`, chaining any hook already there. */
export class GitHooksCommand {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly records: RecordService,
  ) {}

  register(): vscode.Disposable[] {
    return [vscode.commands.registerCommand('flightdeck.installGitHooks', () => this.install())];
  }

  /** The runtime running us (Electron as Node inside VS Code) with the bundled CLI, as the Claude Code hooks do. */
  private command(): CliCommand {
    const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
    return { runtime: process.execPath, cli: join(this.extensionUri.fsPath, 'dist', 'cli.js'), env };
  }

  async install(): Promise<InstallResult | undefined> {
    const repoRoot = this.records.location()?.repoRoot;
    if (!repoRoot) {
      void vscode.window.showWarningMessage('Git hooks need a git repository: open one first.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Flightdeck installs no hooks in an untrusted workspace. Trust the workspace first.');
      return undefined;
    }
    try {
      const r = await installGitHooks(repoRoot, this.command());
      const chained = r.chained ? ' The hook that was there is kept and runs first.' : '';
      void vscode.window.showInformationMessage(r.changed ? `Flightdeck installed the pre-push hook (${r.path}).${chained}` : `The Flightdeck pre-push hook is already installed.${chained}`);
      return r;
    } catch (err) {
      const message = err instanceof GitHooksError ? err.message : `could not install the pre-push hook: ${(err as Error).message}`;
      void vscode.window.showErrorMessage(`Flightdeck: ${message}`);
      return undefined;
    }
  }

  /**
   * After an update VS Code or the extension lives in a new folder: rewrites an installed Flightdeck pre-push hook
   * (only one already there, keeping the hook it chains) so that it runs them, and not paths that are gone.
   */
  async refreshInstalledHook(): Promise<void> {
    const repoRoot = this.records.location()?.repoRoot;
    if (!repoRoot || this.records.readOnly) return;
    try {
      await refreshGitHooks(repoRoot, this.command());
    } catch {
      // A hook we cannot rewrite is reported when the user installs; never here.
    }
  }
}
