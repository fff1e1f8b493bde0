import * as vscode from 'vscode';
import { repoRelative } from '../core/capture/decision';

/** The repository-relative path of a file of this repository, if `uri` is one. */
export function repoPathOf(uri: vscode.Uri | undefined, repoRoot: string): string | undefined {
  if (!uri || uri.scheme !== 'file') return undefined;
  try {
    return repoRelative(repoRoot, uri.fsPath);
  } catch {
    return undefined;
  }
}

/** The repository-relative paths of the text editors open in any group, the active one first when there is one. */
export function openEditorPaths(repoRoot: string): string[] {
  const active = repoPathOf(vscode.window.activeTextEditor?.document.uri, repoRoot);
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input instanceof vscode.TabInputText ? repoPathOf(t.input.uri, repoRoot) : undefined));
  return [...new Set([active, ...tabs].filter((p): p is string => p !== undefined))];
}
