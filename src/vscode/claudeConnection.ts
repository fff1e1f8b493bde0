import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  applyConnect, applyDisconnect, claudeSettingsPath, cliHookCommand, describeConnect, describeDisconnect, planConnect, planDisconnect, planRefresh,
} from '../core/capture/claudeConnect';
import { probeClaude } from '../core/capture/claudeProbe';
import type { RecordService } from './recordService';

export interface ConnectOptions {
  /** Skip the confirmation (tests, and callers that already asked). */
  confirm?: boolean;
}

/** Connect/Disconnect Claude Code: Flightdeck's hooks in the workspace's `.claude/settings.local.json`. */
export class ClaudeConnection {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly records: RecordService,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.connectClaude', (o?: ConnectOptions) => this.connect(o)),
      vscode.commands.registerCommand('flightdeck.disconnectClaude', (o?: ConnectOptions) => this.disconnect(o)),
    ];
  }

  private root(): string | undefined {
    return this.records.location()?.repoRoot ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** The hook command runs the bundled CLI with the runtime running us (Electron as Node on desktop). */
  private commandFor(): (event: string) => string {
    return cliHookCommand(join(this.extensionUri.fsPath, 'dist', 'cli.js'));
  }

  /** Connects the events the installed Claude Code knows; returns them (undefined when nothing was done). */
  async connect(options: ConnectOptions = {}): Promise<string[] | undefined> {
    const root = this.root();
    if (!root || this.records.readOnly) {
      void vscode.window.showWarningMessage('Connecting Claude Code needs a trusted workspace folder.');
      return undefined;
    }
    const path = claudeSettingsPath(root);
    try {
      const claude = await probeClaude();
      let plan = planConnect(path, claude, this.commandFor());
      if (plan.support.events.length === 0) {
        void vscode.window.showWarningMessage(`Flightdeck did not connect Claude Code. ${describeConnect(plan).join(' ')}`);
        return undefined;
      }
      if (options.confirm !== false && plan.changed) {
        const detail = `${describeConnect(plan, false).join('\n')}\n\n(${path} is personal and not committed.) Each hook runs:\n${plan.command}\n` +
          'Everything else in the file stays as it is.';
        const ok = await vscode.window.showInformationMessage('Connect Claude Code to Flightdeck?', { modal: true, detail }, 'Connect');
        if (ok !== 'Connect') return undefined;
        // Read again: the file may have changed while the dialog was open.
        plan = planConnect(path, claude, this.commandFor());
      }
      applyConnect(plan, this.records.location()?.repoRoot);
      const said = describeConnect(plan);
      const show = plan.userUnknown.length || plan.support.assumed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(said.join(' '));
      return plan.support.events;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not connect Claude Code: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * After an update the extension lives in a new folder, and Claude Code may have been updated or replaced
   * by an older one: rewrites Flightdeck's own hooks (only those) when their command or events changed.
   */
  async refreshInstalledHooks(): Promise<void> {
    const root = this.root();
    if (!root || this.records.readOnly) return;
    const path = claudeSettingsPath(root);
    try {
      const plan = planRefresh(path, await probeClaude(), this.commandFor());
      if (plan && plan.support.events.length > 0) applyConnect(plan, undefined);
    } catch {
      // A settings file we cannot read is reported when the user connects; never rewritten here.
    }
  }

  async disconnect(options: ConnectOptions = {}): Promise<string[] | undefined> {
    const root = this.root();
    if (!root) return [];
    const path = claudeSettingsPath(root);
    try {
      const plan = planDisconnect(path);
      if (!plan.changed) return [];
      if (options.confirm !== false) {
        const ok = await vscode.window.showInformationMessage('Disconnect Claude Code from Flightdeck?', {
          modal: true,
          detail: `Removes only Flightdeck's hooks (${plan.removed.join(', ')}) from ${path}.`,
        }, 'Disconnect');
        if (ok !== 'Disconnect') return undefined;
      }
      const now = planDisconnect(path);
      applyDisconnect(now);
      void vscode.window.setStatusBarMessage(`$(debug-disconnect) ${describeDisconnect(now)}`, 6000);
      return now.removed;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not disconnect Claude Code: ${(err as Error).message}`);
      return undefined;
    }
  }
}
