import * as vscode from 'vscode';
import { BackgroundSync } from '../core/team/background';
import { TeamSync, type SyncResult } from '../core/team/sync';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';

const EVERY_MS = 5 * 60_000;
const QUIET_MS = 15_000;
const FIRST_AFTER_MS = 30_000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One line a person reads: what was shared, what came in. */
export function describeSync(r: SyncResult): string {
  const team = r.teammates.map((t) => `${t.author} (${t.sessions} sessions)`).join(', ');
  const unread = r.unreadArchives.length ? `; could not read archive ${r.unreadArchives.join(', ')} (its events were not shared)` : '';
  return `shared ${r.pushed} of your events, imported ${r.imported}${team ? `; team: ${team}` : ''}${unread}`;
}

/**
 * `Flightdeck: Sync team record`, and the background sync when this project turned on flightdeck.team.sync (in its
 * workspace settings: a user-wide value does not count, so nothing leaves a project that did not opt in).
 */
export class TeamSyncCommands extends Disposable {
  private background: BackgroundSync | undefined;
  private readonly item: vscode.StatusBarItem;
  private lastError = '';
  /** The latest outcome (the integration test reads it). */
  last: { result?: SyncResult; error?: string; at: number } | undefined;

  constructor(private readonly records: RecordService) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('flightdeck.teamSync', vscode.StatusBarAlignment.Left, 49));
    this.item.name = 'Flightdeck: Team record';
    this.item.command = 'flightdeck.syncTeamRecord';
    this._register({ dispose: () => this.background?.dispose() });
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flightdeck.team')) this.configure();
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.configure()));
    this._register(records.onDidChange(() => this.background?.noteActivity()));
  }

  register(): vscode.Disposable[] {
    return [vscode.commands.registerCommand('flightdeck.syncTeamRecord', () => this.syncCommand())];
  }

  /** Starts or stops the background sync as the setting and the workspace's trust say. */
  configure(): void {
    const on = this.enabled() && vscode.workspace.isTrusted;
    if (on && !this.background) {
      this.background = new BackgroundSync(() => this.run(), {
        everyMs: EVERY_MS, quietMs: QUIET_MS, firstAfterMs: FIRST_AFTER_MS,
        onResult: (r) => this.succeeded(r),
        onError: (err) => this.failed(err, false),
      });
      this.background.start();
      this.show('$(cloud) Team', 'Flightdeck keeps this project\'s team record in sync in the background.');
    } else if (!on && this.background) {
      this.background.dispose();
      this.background = undefined;
      this.item.hide();
    }
  }

  /** Whether this project (its workspace or folder settings) turned sync on. */
  enabled(): boolean {
    const v = vscode.workspace.getConfiguration('flightdeck').inspect<boolean>('team.sync');
    return (v?.workspaceFolderValue ?? v?.workspaceValue) === true;
  }

  private remote(): string {
    return vscode.workspace.getConfiguration('flightdeck').get<string>('team.remote', 'origin').trim() || 'origin';
  }

  private async run(): Promise<SyncResult> {
    const live = this.records.get();
    const repoRoot = this.records.location()?.repoRoot;
    if (!live || !repoRoot) throw new Error('the team record needs a folder inside a git repository');
    const store = await live.open();
    return new TeamSync(store, repoRoot, this.remote()).run();
  }

  /** The command: asks first unless the project turned sync on, says what happened either way. */
  async syncCommand(): Promise<SyncResult | undefined> {
    if (this.records.readOnly) {
      void vscode.window.showWarningMessage('Flightdeck shares nothing from an untrusted workspace. Trust the workspace to sync the team record.');
      return undefined;
    }
    if (!this.enabled()) {
      const once = 'Sync once';
      const keep = 'Sync and keep in sync';
      const pick = await vscode.window.showInformationMessage(
        `Share this project's flight record with your team through "${this.remote()}"?`,
        {
          modal: true,
          detail: 'Your events, redacted as flightdeck log shows them, are pushed to refs/flightdeck/records/<your git email>, and your teammates\' are imported. Nothing is shared unless you do this or turn on flightdeck.team.sync for this project.',
        },
        once, keep,
      );
      if (pick === undefined) return undefined;
      if (pick === keep) await vscode.workspace.getConfiguration('flightdeck').update('team.sync', true, vscode.ConfigurationTarget.Workspace);
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Flightdeck: syncing the team record' },
        () => this.background?.syncNow() ?? this.run(),
      );
      this.succeeded(result);
      void vscode.window.setStatusBarMessage(`$(check) Team record: ${describeSync(result)}`, 6000);
      return result;
    } catch (err) {
      this.failed(err, true);
      return undefined;
    }
  }

  private succeeded(result: SyncResult): void {
    this.last = { result, at: Date.now() };
    this.lastError = '';
    if (this.background) this.show('$(cloud) Team', `Team record synced ${new Date().toLocaleTimeString()}: ${describeSync(result)}`);
  }

  /** A remote that rejects or cannot be reached is said once (and stays in the status bar), never in a loop. */
  private failed(err: unknown, asked: boolean): void {
    const why = message(err);
    this.last = { error: why, at: Date.now() };
    if (this.background) this.show('$(cloud-offline) Team', `Team record not synced: ${why}. Work goes on; it is tried again later.`, true);
    if (asked || why !== this.lastError) void vscode.window.showWarningMessage(`Flightdeck could not sync the team record: ${why}`);
    this.lastError = why;
  }

  private show(text: string, tooltip: string, error = false): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
