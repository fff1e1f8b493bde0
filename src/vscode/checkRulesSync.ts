import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CHECK_RULES_FILE, writeCheckRules } from '../core/capture/checkRules';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';
import { checkRules } from './settings';

/**
 * Keeps `flightdeck.checks.rules` beside the record, so `flightdeck hook` classifies checks as the extension does.
 * Worktrees share one record, so windows with different workspace rules share the last one written.
 */
export class CheckRulesSync extends Disposable {
  constructor(private readonly records: RecordService) {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flightdeck.checks.rules')) this.sync();
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.sync()));
    // The record may now live elsewhere (RecordService follows the first folder).
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.sync()));
  }

  /** Returns whether the file was (re)written. */
  sync(): boolean {
    const where = this.records.location();
    if (!where || this.records.readOnly) return false;
    const rules = checkRules();
    // No rules and no file: nothing to say, and no reason to create the record's folder.
    if ((!Array.isArray(rules) || rules.length === 0) && !existsSync(join(where.dir, CHECK_RULES_FILE))) return false;
    try {
      mkdirSync(where.dir, { recursive: true });
      return writeCheckRules(where.dir, rules);
    } catch {
      return false; // A read-only record folder: hooks keep the built-in rules.
    }
  }
}
