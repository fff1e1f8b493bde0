import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { hookCommand, parseSettings, withFlightdeckHooks, withoutFlightdeckHooks } from '../core/capture/claudeSettings';
import type { RecordService } from './recordService';

export interface ConnectOptions {
  /** Skip the confirmation (tests, and callers that already asked). */
  confirm?: boolean;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
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

  private settingsPath(): string | undefined {
    const root = this.records.location()?.repoRoot ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return root ? join(root, '.claude', 'settings.local.json') : undefined;
  }

  /** The hook command runs the bundled CLI with the runtime running us (Electron as Node on desktop). */
  private command(event: string): string {
    const cli = join(this.extensionUri.fsPath, 'dist', 'cli.js');
    const env: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
    return hookCommand(process.execPath, cli, event, env);
  }

  async connect(options: ConnectOptions = {}): Promise<string[] | undefined> {
    const path = this.settingsPath();
    if (!path || this.records.readOnly) {
      void vscode.window.showWarningMessage('Connecting Claude Code needs a trusted workspace folder.');
      return undefined;
    }
    try {
      const change = withFlightdeckHooks(parseSettings(readText(path), path), (e) => this.command(e));
      if (options.confirm !== false) {
        const detail = `Adds hooks for ${change.added.join(', ')} to ${path} (personal, not committed). ` +
          `Each runs:\n${this.command('<event>')}\nEverything else in the file stays as it is.`;
        const ok = await vscode.window.showInformationMessage('Connect Claude Code to Flightdeck?', { modal: true, detail }, 'Connect');
        if (ok !== 'Connect') return undefined;
      }
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(change.settings, null, 2) + '\n');
      void vscode.window.setStatusBarMessage('$(plug) Claude Code is connected to Flightdeck', 4000);
      return change.added;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not connect Claude Code: ${(err as Error).message}`);
      return undefined;
    }
  }

  async disconnect(options: ConnectOptions = {}): Promise<string[] | undefined> {
    const path = this.settingsPath();
    const text = path ? readText(path) : undefined;
    if (!path || text === undefined) return [];
    try {
      const change = withoutFlightdeckHooks(parseSettings(text, path));
      if (change.removed.length === 0) return [];
      if (options.confirm !== false) {
        const ok = await vscode.window.showInformationMessage('Disconnect Claude Code from Flightdeck?', {
          modal: true,
          detail: `Removes only Flightdeck's hooks (${change.removed.join(', ')}) from ${path}.`,
        }, 'Disconnect');
        if (ok !== 'Disconnect') return undefined;
      }
      writeFileSync(path, JSON.stringify(change.settings, null, 2) + '\n');
      return change.removed;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not disconnect Claude Code: ${(err as Error).message}`);
      return undefined;
    }
  }
}
