import * as vscode from 'vscode';
import { riskTooltip } from '../core/review/concernView';
import { Disposable } from './disposable';
import type { ReviewDiagnostics } from './reviewDiagnostics';
import type { RiskState } from './riskState';

/** A badge on risky files in the explorer: "R" for a risky change, "!" for one with open concerns; the tooltip says which. */
export class RiskDecorations extends Disposable implements vscode.FileDecorationProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri[]>());
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(private readonly risk: RiskState, private readonly diagnostics: ReviewDiagnostics) {
    super();
    this._register(risk.onDidChange((uris) => this.changed.fire(uris)));
    this._register(diagnostics.onDidChange((uris) => this.changed.fire(uris)));
  }

  register(): vscode.Disposable {
    return vscode.window.registerFileDecorationProvider(this);
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const categories = this.risk.riskOf(uri)?.categories ?? [];
    const concerns = this.diagnostics.concernsAt(uri).length;
    if (!categories.length && !concerns) return undefined;
    const enforce = this.risk.policy()?.policy.mode === 'enforce';
    const tooltip = riskTooltip(categories, concerns, enforce ? 'enforce' : 'advisory');
    if (concerns) return new vscode.FileDecoration('!', tooltip, new vscode.ThemeColor(enforce ? 'list.errorForeground' : 'list.warningForeground'));
    // No colour: a risky file is normal work; only a concern asks for attention.
    return new vscode.FileDecoration('R', tooltip);
  }
}
