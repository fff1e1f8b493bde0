import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { flightdeckCommands, hookCommand, parseSettings, withFlightdeckHooks, withoutFlightdeckHooks } from '../core/capture/claudeSettings';
import { HOOK_EVENTS } from '../core/capture/hook';
import { gitCommonDir } from '../core/record/location';
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

/** Writes the whole file or nothing (temp file, then rename): a crash never leaves half a settings file. */
function writeSettings(path: string, settings: object): void {
  mkdirSync(dirname(path), { recursive: true });
  const staging = `${path}.flightdeck-${process.pid}`;
  writeFileSync(staging, JSON.stringify(settings, null, 2) + '\n');
  renameSync(staging, path);
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
      let change = withFlightdeckHooks(parseSettings(readText(path), path), (e) => this.command(e));
      if (options.confirm !== false) {
        const detail = `Adds hooks for ${change.added.join(', ')} to ${path} (personal, not committed). ` +
          `Each runs:\n${this.command('<event>')}\nEverything else in the file stays as it is.`;
        const ok = await vscode.window.showInformationMessage('Connect Claude Code to Flightdeck?', { modal: true, detail }, 'Connect');
        if (ok !== 'Connect') return undefined;
        // Read again: the file may have changed while the dialog was open.
        change = withFlightdeckHooks(parseSettings(readText(path), path), (e) => this.command(e));
      }
      writeSettings(path, change.settings);
      this.keepOutOfGit(path);
      void vscode.window.setStatusBarMessage('$(plug) Claude Code is connected to Flightdeck', 4000);
      return change.added;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not connect Claude Code: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * Keeps the personal settings file out of commits (it holds absolute paths of this machine):
   * listed in .git/info/exclude unless git already ignores it.
   */
  private keepOutOfGit(path: string): void {
    const root = this.records.location()?.repoRoot;
    if (!root) return;
    try {
      const exclude = join(gitCommonDir(root), 'info', 'exclude');
      const line = '/.claude/settings.local.json';
      const existing = readText(exclude) ?? '';
      if (existing.split('\n').some((l) => l.trim() === line || l.trim() === '.claude/settings.local.json')) return;
      if (relative(root, path).replace(/\\/g, '/') !== '.claude/settings.local.json') return;
      mkdirSync(dirname(exclude), { recursive: true });
      appendFileSync(exclude, `${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`);
    } catch {
      // Not being able to add the exclusion is no reason to fail connecting.
    }
  }

  /**
   * After an update the extension lives in a new folder: hooks installed by an older one point at
   * a CLI that is gone. Rewrites Flightdeck's own hooks (only those) when their command changed.
   */
  refreshInstalledHooks(): void {
    const path = this.settingsPath();
    const text = path ? readText(path) : undefined;
    if (!path || text === undefined || this.records.readOnly || !text.includes('flightdeck-hook')) return;
    try {
      const current = parseSettings(text, path);
      const installed = new Set(flightdeckCommands(current));
      if (HOOK_EVENTS.every((e) => installed.has(this.command(e)))) return;
      writeSettings(path, withFlightdeckHooks(current, (e) => this.command(e)).settings);
    } catch {
      // A settings file we cannot read is reported when the user connects; never rewritten here.
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
      writeSettings(path, withoutFlightdeckHooks(parseSettings(readText(path), path)).settings);
      return change.removed;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not disconnect Claude Code: ${(err as Error).message}`);
      return undefined;
    }
  }
}
