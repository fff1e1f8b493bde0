import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { policyInForce, POLICY_FILE } from '../core/risk/load';
import type { PolicyState } from '../core/risk/types';
import { Disposable } from './disposable';
import type { RiskState } from './riskState';

/**
 * A broken `.flightdeck/policy.json` as an error on its line and column, saying which policy holds meanwhile. The
 * JSON schema catches shapes; this catches what only Flightdeck knows (a pattern that does not compile, a glob…).
 */
export class PolicyProblems extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('flightdeck-policy'));
  private told: string | undefined;

  constructor(risk: RiskState) {
    super();
    this._register(risk.onDidReadPolicy((state) => this.show(state)));
  }

  private show(state: PolicyState): void {
    this.collection.clear();
    const error = state.error;
    if (!error) {
      this.told = undefined;
      return;
    }
    const uri = vscode.Uri.file(state.path);
    const at = new vscode.Range(Math.max(0, error.line - 1), Math.max(0, error.column - 1), Math.max(0, error.line - 1), 10_000);
    const d = new vscode.Diagnostic(at, `${error.message} (${policyInForce(state)})`, vscode.DiagnosticSeverity.Error);
    d.source = 'Flightdeck policy';
    this.collection.set(uri, [d]);
    // Told once per problem, and not while the file is being edited: its squiggle says it there.
    const key = `${error.line}:${error.column}:${error.message}`;
    if (key === this.told) return;
    this.told = key;
    if (vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath) return;
    const text = `Flightdeck: ${POLICY_FILE}:${error.line}:${error.column}: ${error.message} (${policyInForce(state)}).`;
    if (!existsSync(state.path)) return void vscode.window.showWarningMessage(text); // gone: nothing to open
    void vscode.window.showWarningMessage(text, 'Open policy').then((pick) => {
      if (pick) void vscode.window.showTextDocument(uri, { selection: at.with({ end: at.start }) });
    });
  }
}
