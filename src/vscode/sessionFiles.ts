import { isAbsolute, join, relative } from 'node:path';
import { simpleGit } from 'simple-git';
import * as vscode from 'vscode';
import { buildTrail } from '../core/report/trail';
import { trailToMarkdown } from '../core/report/trailMarkdown';
import type { SessionActions } from './boardView';
import type { RecordService } from './recordService';

const SCHEME = 'flightdeck-git';

/** A file as it was at a commit, read with git: the left side of "diff against the starting commit". */
class CommitContent implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { repo, commit, path } = JSON.parse(uri.query) as { repo: string; commit: string; path: string };
    // A file the session created did not exist at the starting commit: its "before" is empty.
    return simpleGit({ baseDir: repo }).show([`${commit}:${path}`]).catch(() => '');
  }
}

/** Opens a session's files, and their diffs against the session's starting commit. */
export class SessionFiles implements SessionActions {
  constructor(
    private readonly records: RecordService,
    private readonly showSession: (id: string) => void,
  ) {}

  register(): vscode.Disposable[] {
    return [vscode.workspace.registerTextDocumentContentProvider(SCHEME, new CommitContent())];
  }

  showMarkdown(id: string): void {
    this.showSession(id);
  }

  async copyMarkdown(id: string): Promise<void> {
    const store = await this.records.get()?.open();
    const trail = store ? buildTrail(store.db, id) : undefined;
    if (!trail) return;
    await vscode.env.clipboard.writeText(trailToMarkdown(trail));
    void vscode.window.setStatusBarMessage('$(clippy) Flight record copied as Markdown', 3000);
  }

  async openFile(sessionId: string, path: string, diff: boolean): Promise<void> {
    const store = await this.records.get()?.open();
    const trail = store ? buildTrail(store.db, sessionId) : undefined;
    const root = this.records.location()?.repoRoot;
    if (!trail || !root) return;
    const abs = isAbsolute(path) ? path : join(trail.repo || root, path);
    const rel = relative(root, abs);
    // The record may hold any path; only files of this repository are opened from it.
    if (rel.startsWith('..') || isAbsolute(rel)) {
      void vscode.window.showWarningMessage(`${path} is outside this repository; Flightdeck does not open it.`);
      return;
    }
    const file = vscode.Uri.file(abs);
    if (!diff) {
      await vscode.window.showTextDocument(file, { preview: true }).then(undefined, () =>
        vscode.window.showWarningMessage(`${rel} no longer exists in the working tree.`),
      );
      return;
    }
    if (!trail.startCommit) {
      void vscode.window.showInformationMessage('The starting commit of this session is not known, so there is nothing to diff against.');
      return;
    }
    const before = vscode.Uri.from({ scheme: SCHEME, path: `/${rel}`, query: JSON.stringify({ repo: root, commit: trail.startCommit, path: rel.replace(/\\/g, '/') }) });
    await vscode.commands.executeCommand('vscode.diff', before, file, `${rel} (since ${trail.startCommit.slice(0, 8)})`);
  }
}
