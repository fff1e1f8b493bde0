import type { Database } from 'sql.js';
import * as vscode from 'vscode';
import { boardSessions } from '../core/report/boardState';
import { buildTrail } from '../core/report/trail';
import { trailToMarkdown } from '../core/report/trailMarkdown';
import { renderDashboard } from '../core/report/dashboard';
import { loadPolicy } from '../core/risk/load';
import { basename } from 'node:path';
import { formatVerify, verifyRecord } from '../core/report/verify';
import type { BoardAction } from '../protocol';
import { redactText } from '../core/capture/redact';
import type { RecordService } from './recordService';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The Flightdeck commands of the palette and the board. */
export class RecordCommands {
  constructor(private readonly records: RecordService) {}

  register(refreshBoard: () => void): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.recordNote', (text?: string) => this.recordNote(text)),
      vscode.commands.registerCommand('flightdeck.verifyRecord', () => this.verify()),
      vscode.commands.registerCommand('flightdeck.revealRecord', () => this.reveal()),
      vscode.commands.registerCommand('flightdeck.refreshBoard', refreshBoard),
      vscode.commands.registerCommand('flightdeck.showSession', (id?: string) => this.showSession(id)),
      vscode.commands.registerCommand('flightdeck.exportRecord', (id?: string, target?: vscode.Uri) => this.exportRecord(id, target)),
      vscode.commands.registerCommand('flightdeck.openDashboard', (target?: vscode.Uri) => this.openDashboard(target)),
    ];
  }

  /** Opens a session's flight record as Markdown; without an id, asks which session. */
  async showSession(id?: string): Promise<vscode.TextDocument | undefined> {
    const live = this.records.get();
    if (!live) return undefined;
    try {
      const store = await live.open();
      const which = id ?? (await this.pickSession(store.db));
      if (!which) return undefined;
      const trail = buildTrail(store.db, which);
      if (!trail) {
        void vscode.window.showWarningMessage(`No session ${which} in the record.`);
        return undefined;
      }
      const doc = await vscode.workspace.openTextDocument({ content: trailToMarkdown(trail), language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not open the session: ${message(err)}`);
      return undefined;
    }
  }

  private async pickSession(db: Database): Promise<string | undefined> {
    const picks = boardSessions(db, { limit: 50 }).map((s) => ({
      label: s.intent || '(no stated intent)',
      description: [s.agent, s.branch, s.startedAt ? new Date(s.startedAt).toLocaleString() : ''].filter(Boolean).join(' · '),
      detail: s.id,
      id: s.id,
    }));
    if (picks.length === 0) {
      void vscode.window.showInformationMessage('No sessions recorded yet. Connect Claude Code or run an agent in this folder.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(picks, { title: 'Flightdeck: which session?', matchOnDetail: true }))?.id;
  }

  /** Saves one session's flight record as Markdown (the same text as `flightdeck show`). */
  async exportRecord(id?: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const store = await this.records.get()?.open();
    if (!store) return undefined;
    const sessionId = id ?? (await this.pickSession(store.db));
    const trail = sessionId ? buildTrail(store.db, sessionId) : undefined;
    if (!trail) return undefined;
    const where = this.records.location();
    const uri = target ?? (await vscode.window.showSaveDialog({
      title: 'Flightdeck: Export flight record',
      defaultUri: where?.repoRoot ? vscode.Uri.file(`${where.repoRoot}/flight-record-${trail.id.slice(0, 8)}.md`) : undefined,
      filters: { Markdown: ['md'] },
    }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(trailToMarkdown(trail)));
    void vscode.window.setStatusBarMessage(`$(check) Flight record saved to ${uri.fsPath}`, 4000);
    return uri;
  }

  /** Writes the read-only HTML dashboard and opens it in a browser where one is at hand. */
  async openDashboard(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const store = await this.records.get()?.open();
    const where = this.records.location();
    if (!store || !where) return undefined;
    const uri = target ?? (await vscode.window.showSaveDialog({
      title: 'Flightdeck: Save the dashboard',
      defaultUri: vscode.Uri.file(`${where.repoRoot ?? where.dir}/flightdeck-dashboard.html`),
      filters: { HTML: ['html'] },
    }));
    if (!uri) return undefined;
    const policy = where.repoRoot ? loadPolicy(where.repoRoot, { recordDir: where.dir, persist: false }).policy : undefined;
    const html = renderDashboard(store.db, { title: `Flight record of ${basename(where.repoRoot ?? where.dir)}`, policy });
    await vscode.workspace.fs.writeFile(uri, Buffer.from(html));
    if (!target && vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined) await vscode.env.openExternal(uri);
    else if (!target) void vscode.window.showInformationMessage(`Dashboard saved to ${uri.fsPath}; it opens in any browser, offline.`);
    return uri;
  }

  run(action: Exclude<BoardAction, 'refresh'>): void {
    void vscode.commands.executeCommand(`flightdeck.${action}`);
  }

  /** Returns the note's event id once it is durable, or undefined when nothing was recorded. */
  async recordNote(given?: string): Promise<string | undefined> {
    const live = this.records.writable('Open a folder to record a flight record for it.');
    if (!live) return undefined;
    const text =
      typeof given === 'string'
        ? given
        : await vscode.window.showInputBox({
            title: 'Flightdeck: Record a note',
            prompt: 'What should the flight record remember?',
            validateInput: (v) => (v.trim() ? undefined : 'A note needs some text.'),
          });
    if (!text?.trim()) return undefined;
    try {
      const store = await live.open();
      const [event] = store.append([{ kind: 'note', source: 'vscode', data: { text: redactText(text.trim()) } }]); // secrets redacted before stored
      void vscode.window.setStatusBarMessage('$(check) Noted in the flight record', 3000);
      return event?.id;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not record the note: ${message(err)}`);
      return undefined;
    }
  }

  async verify(): Promise<string | undefined> {
    const where = this.records.location();
    if (!where) {
      void vscode.window.showWarningMessage('Open a folder first: the record belongs to a workspace.');
      return undefined;
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Flightdeck: verifying the flight record…' },
        () => verifyRecord(where.dir, this.records.readOnly),
      );
      const text = formatVerify(result);
      const show = result.damaged ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(result.damaged ? 'The flight record had damage; what could be recovered was.' : 'The flight record is intact.', {
        modal: false,
        detail: text,
      });
      this.records.get()?.refresh();
      return text;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not verify the record: ${message(err)}`);
      return undefined;
    }
  }

  async reveal(): Promise<void> {
    const where = this.records.location();
    if (!where) return;
    const uri = vscode.Uri.file(where.dir);
    if (vscode.env.remoteName === undefined && vscode.env.uiKind === vscode.UIKind.Desktop) {
      await vscode.commands.executeCommand('revealFileInOS', uri);
      return;
    }
    const copy = 'Copy path';
    if ((await vscode.window.showInformationMessage(`The flight record is in ${where.dir}`, copy)) === copy) {
      await vscode.env.clipboard.writeText(where.dir);
    }
  }
}
