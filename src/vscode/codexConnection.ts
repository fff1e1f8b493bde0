import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { codexHookCommand } from '../core/capture/claudeConnect';
import {
  applyCodexConnect, applyCodexDisconnect, codexConfigPath, describeCodexConnect, describeCodexDisconnect, planCodexConnect, planCodexDisconnect,
} from '../core/capture/codex/connect';
import type { ConnectOptions } from './claudeConnection';
import type { RecordService } from './recordService';

/** Codex's config.toml: in the home the capture setting names, else $CODEX_HOME or ~/.codex. */
function configPath(): string {
  const home = vscode.workspace.getConfiguration('flightdeck').get<string>('capture.codexHome', '');
  return home ? join(home, 'config.toml') : codexConfigPath();
}

/** Connect/Disconnect Codex: Flightdeck's block of hooks in Codex's config.toml. */
export class CodexConnection {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly records: RecordService,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.connectCodex', (o?: ConnectOptions) => this.connect(o)),
      vscode.commands.registerCommand('flightdeck.disconnectCodex', (o?: ConnectOptions) => this.disconnect(o)),
    ];
  }

  private commandFor(): (event: string) => string {
    return codexHookCommand(join(this.extensionUri.fsPath, 'dist', 'cli.js'));
  }

  /** Writes the hooks (after showing them); returns the events connected, undefined when nothing was done. */
  async connect(options: ConnectOptions = {}): Promise<readonly string[] | undefined> {
    const location = this.records.location();
    if (!location || this.records.readOnly) {
      void vscode.window.showWarningMessage('Connecting Codex needs a trusted workspace folder.');
      return undefined;
    }
    const path = configPath();
    try {
      let plan = planCodexConnect(path, this.commandFor());
      if (options.confirm !== false && plan.changed) {
        const detail = `${describeCodexConnect(plan, false).join('\n')}\n\nEach hook runs:\n${plan.command}\n` +
          'They are Codex\'s hooks for every folder; they record only into repositories that keep a Flightdeck record. ' +
          'Only the marked block is Flightdeck\'s.';
        const ok = await vscode.window.showInformationMessage('Connect Codex to Flightdeck?', { modal: true, detail }, 'Connect');
        if (ok !== 'Connect') return undefined;
        // Read again: the file may have changed while the dialog was open.
        plan = planCodexConnect(path, this.commandFor());
      }
      applyCodexConnect(plan);
      // The hooks record only where a record folder exists: this workspace's.
      mkdirSync(location.dir, { recursive: true });
      void vscode.window.showInformationMessage(describeCodexConnect(plan).join(' '));
      return plan.events;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not connect Codex: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * After an update the extension lives in a new folder: rewrites Flightdeck's block (only it) when its command
   * changed, so the hooks do not run a CLI that is gone. Codex then asks to trust the changed hooks again.
   */
  refreshInstalledHooks(): void {
    if (this.records.readOnly) return;
    try {
      const plan = planCodexConnect(configPath(), this.commandFor());
      if (plan.had && plan.changed) applyCodexConnect(plan);
    } catch {
      // A config.toml we cannot read is reported when the user connects; never rewritten here.
    }
  }

  async disconnect(options: ConnectOptions = {}): Promise<boolean | undefined> {
    const path = configPath();
    try {
      if (!planCodexDisconnect(path).changed) return false;
      if (options.confirm !== false) {
        const ok = await vscode.window.showInformationMessage('Disconnect Codex from Flightdeck?', {
          modal: true, detail: `Removes only Flightdeck's marked block of hooks from ${path}.`,
        }, 'Disconnect');
        if (ok !== 'Disconnect') return undefined;
      }
      const now = planCodexDisconnect(path);
      applyCodexDisconnect(now);
      void vscode.window.setStatusBarMessage(`$(debug-disconnect) ${describeCodexDisconnect(now)}`, 6000);
      return now.changed;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not disconnect Codex: ${(err as Error).message}`);
      return undefined;
    }
  }
}
