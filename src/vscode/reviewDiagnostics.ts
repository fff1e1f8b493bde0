import { join } from 'node:path';
import * as vscode from 'vscode';
import { placeConcerns, type PlacedConcern } from '../core/review/concernView';
import { openReviews } from '../core/review/reviewQueries';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';
import type { RiskState } from './riskState';

/**
 * The open reviews' concerns as diagnostics on their lines: a warning in advisory mode, an error in enforce mode.
 * Policy hits alone get no diagnostic: the explorer badge names them, and a squiggle on every matching line would
 * teach people to ignore the ones that matter.
 */
export class ReviewDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('flightdeck'));
  private placed = new Map<string, PlacedConcern[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri[]>());
  /** Files whose concerns changed (for badges). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly records: RecordService, private readonly risk: RiskState) {
    super();
    this._register(records.onDidChange(() => this.refreshSoon()));
    // The policy's mode (advisory or enforce) sets the severity.
    this._register(risk.onDidChange(() => this.refreshSoon()));
    this._register({ dispose: () => clearTimeout(this.timer) });
  }

  /** Concerns placed in a file (by its URI). */
  concernsAt(uri: vscode.Uri): PlacedConcern[] {
    return this.placed.get(uri.toString()) ?? [];
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 100);
  }

  async refresh(): Promise<void> {
    const root = this.risk.repoRoot;
    const store = await this.records.get()?.open().catch(() => undefined);
    if (!root || !store) return;
    const severity = this.risk.policy()?.policy.mode === 'enforce' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    const next = new Map<string, PlacedConcern[]>();
    for (const c of placeConcerns(openReviews(store.db))) {
      const key = vscode.Uri.file(join(root, c.file)).toString();
      next.set(key, [...(next.get(key) ?? []), c]);
    }
    const touched = new Set([...this.placed.keys(), ...next.keys()]);
    this.placed = next;
    this.collection.clear();
    for (const [key, list] of next) {
      this.collection.set(vscode.Uri.parse(key), list.map((c) => {
        const d = new vscode.Diagnostic(new vscode.Range(c.line, 0, c.line, 1000), c.message, severity);
        d.source = c.source;
        d.code = c.code;
        return d;
      }));
    }
    this.changed.fire([...touched].map((k) => vscode.Uri.parse(k)));
  }
}
