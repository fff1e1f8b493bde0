import assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'flightdeck.flightdeck';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the launcher opens a folder');
  return folder.uri.fsPath;
}
