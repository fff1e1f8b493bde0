import * as vscode from 'vscode';
import { fileHistoryCount, fileKey } from '../core/report/fileHistory';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';

const SETTING = 'flightdeck.fileHistory.codeLens';
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A line at the top of a file the record has history for. Per file one indexed lookup, cached until the record
 * changes; files outside the repository are not looked up, and a file without history gets no lens.
 */
export class FileHistoryLens extends Disposable implements vscode.CodeLensProvider {
  private readonly cache = new Map<string, { sessions: number; decisions: number }>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly records: RecordService) {
    super();
    // A live session changes the record many times a second: the lenses follow within a second.
    this._register(records.onDidChange(() => {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.cache.clear();
        this.changed.fire();
      }, 1000);
    }));
    this._register({ dispose: () => clearTimeout(this.timer) });
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING) && this.changed.fire()));
  }

  register(): vscode.Disposable {
    return vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this);
  }

  /** The counts shown for a file, or undefined when it has no history or is not the repository's. */
  async counts(uri: vscode.Uri): Promise<{ sessions: number; decisions: number } | undefined> {
    const repoRoot = this.records.location()?.repoRoot;
    const key = repoRoot ? fileKey(repoRoot, uri.fsPath) : undefined;
    const live = this.records.get();
    if (!key || !live) return undefined;
    let c = this.cache.get(key.rel);
    if (!c) {
      const store = await live.open();
      c = fileHistoryCount(store.db, key);
      this.cache.set(key.rel, c);
    }
    return c.sessions || c.decisions ? c : undefined;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration().get<boolean>(SETTING, true)) return [];
    const c = await this.counts(document.uri).catch(() => undefined);
    if (!c) return [];
    const parts = [c.sessions ? `changed in ${plural(c.sessions, 'agent session')}` : '', c.decisions ? plural(c.decisions, 'decision') : ''].filter(Boolean);
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: `$(history) Flightdeck: ${parts.join(' · ')}`,
        tooltip: 'The sessions that changed this file and why, decisions about it, failed checks, reverts, reviews and overrides',
        command: 'flightdeck.showFileHistory',
        arguments: [document.uri],
      }),
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: 'Show on board',
        tooltip: 'Filter the Flightdeck board to this file: its history as a timeline above the sessions that touched it',
        command: 'flightdeck.showFileHistoryOnBoard',
        arguments: [document.uri],
      }),
    ];
  }
}
