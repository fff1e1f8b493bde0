import * as vscode from 'vscode';
import type { ReviewDiagnostics } from './reviewDiagnostics';

/** Quick fixes on a concern's diagnostic: override its review with a reason, or review the change again. */
export class ReviewCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ReviewDiagnostics) {}

  register(): vscode.Disposable {
    return vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, { providedCodeActionKinds: ReviewCodeActions.kinds });
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!vscode.workspace.isTrusted) return [];
    const placed = this.diagnostics.concernsAt(document.uri);
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (!d.source?.startsWith('Flightdeck')) continue;
      // The diagnostics given back are copies: the concern is found again by its line and text.
      const concern = placed.find((c) => c.line === d.range.start.line && c.message === d.message);
      if (!concern) continue;
      const override = new vscode.CodeAction('Override with reason…', vscode.CodeActionKind.QuickFix);
      override.command = { command: 'flightdeck.overrideGate', title: 'Override with reason…', arguments: [{ reviewId: concern.reviewId }] };
      override.diagnostics = [d];
      const again = new vscode.CodeAction('Re-review', vscode.CodeActionKind.QuickFix);
      again.command = { command: 'flightdeck.requestReview', title: 'Re-review' };
      again.diagnostics = [d];
      actions.push(override, again);
    }
    return actions;
  }
}
