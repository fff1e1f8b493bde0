import * as vscode from 'vscode';
import { relative } from 'node:path';
import { decisionEvent, DecisionError, repoRelative } from '../core/capture/decision';
import { activeSession } from '../core/capture/workspaceActivity';
import { readHead } from '../core/record/location';
import { fileHistory, fileHistoryMarkdown, fileKey, type FileKey } from '../core/report/fileHistory';
import { buildMemory } from '../core/report/memory';
import { MemoryBlockError, memoryTarget, writeMemoryBlock } from '../core/report/memoryBlock';
import { gitIdentity } from '../core/review/reviews';
import { openEditorPaths, repoPathOf } from './openFiles';
import type { RecordService } from './recordService';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Record decision, Show file history (as a document, or on the board), Write memory to AGENTS.md. */
export class MemoryCommands {
  /** `showOnBoard` sets the board's file filter to a repository-relative path. */
  constructor(private readonly records: RecordService, private readonly showOnBoard?: (rel: string) => Promise<void>) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.recordDecision', (text?: string, files?: string[]) => this.recordDecision(text, files)),
      vscode.commands.registerCommand('flightdeck.showFileHistory', (uri?: vscode.Uri) => this.showFileHistory(uri)),
      vscode.commands.registerCommand('flightdeck.showFileHistoryOnBoard', (uri?: vscode.Uri) => this.showFileHistoryOnBoard(uri)),
      vscode.commands.registerCommand('flightdeck.writeMemory', (target?: vscode.Uri) => this.writeMemory(target)),
    ];
  }

  /** Asks which files the decision is about: the active editor's file picked, the other open ones offered. */
  private async pickFiles(repoRoot: string): Promise<string[] | undefined> {
    const active = repoPathOf(vscode.window.activeTextEditor?.document.uri, repoRoot);
    const paths = openEditorPaths(repoRoot);
    if (paths.length === 0) return [];
    const picked = await vscode.window.showQuickPick(paths.map((p) => ({ label: p, picked: p === active })), {
      title: 'Flightdeck: which files is the decision about?', canPickMany: true, placeHolder: 'None picked: a decision about the whole repository',
    });
    return picked?.map((p) => p.label);
  }

  /** Records a decision in the current session; returns its event id once it is durable. */
  async recordDecision(given?: string, givenFiles?: string[]): Promise<string | undefined> {
    const live = this.records.writable('Open a folder to record decisions about it.');
    if (!live) return undefined;
    const repoRoot = this.records.location()?.repoRoot;
    const text = typeof given === 'string' ? given : await vscode.window.showInputBox({
      title: 'Flightdeck: Record decision',
      prompt: 'What was decided, and why? The next agent session hears of it.',
      validateInput: (v) => (v.trim() ? undefined : 'A decision needs its text.'),
    });
    if (!text?.trim()) return undefined;
    try {
      const files = givenFiles
        ? repoRoot ? givenFiles.map((f) => repoRelative(repoRoot, f)) : []
        : repoRoot ? await this.pickFiles(repoRoot) : [];
      if (files === undefined) return undefined;
      const store = await live.open();
      const by = repoRoot ? await gitIdentity(repoRoot).catch(() => undefined) : undefined;
      const [event] = store.append([decisionEvent({ text, files, session: activeSession(store.db), by, source: 'vscode' })]);
      void vscode.window.setStatusBarMessage(`$(check) Decision recorded${files.length ? ` about ${files.join(', ')}` : ''}`, 4000);
      return event?.id;
    } catch (err) {
      const why = err instanceof DecisionError ? err.message : message(err);
      void vscode.window.showErrorMessage(`Flightdeck could not record the decision: ${why}`);
      return undefined;
    }
  }

  /** The key of a file of this repository (the active editor's without an argument), or undefined once the user is told why not. */
  private historyTarget(uri?: vscode.Uri): FileKey | undefined {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const repoRoot = this.records.location()?.repoRoot;
    if (!target || target.scheme !== 'file' || !repoRoot || !this.records.get()) {
      void vscode.window.showInformationMessage('Open a file of this repository to see its history in the flight record.');
      return undefined;
    }
    const key = fileKey(repoRoot, target.fsPath);
    if (!key) void vscode.window.showInformationMessage(`${relative(repoRoot, target.fsPath)} is outside this repository; the flight record has no history for it.`);
    return key;
  }

  /** Shows a file's history on the board: its file filter set to the file, the history above its sessions. */
  async showFileHistoryOnBoard(uri?: vscode.Uri): Promise<string | undefined> {
    const key = this.historyTarget(uri);
    if (!key || !this.showOnBoard) return undefined;
    await this.showOnBoard(key.rel);
    return key.rel;
  }

  /** Opens a file's history (the active editor's without an argument) as a readable document. */
  async showFileHistory(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const key = this.historyTarget(uri);
    const live = this.records.get();
    if (!key || !live) return undefined;
    try {
      const store = await live.open();
      const doc = await vscode.workspace.openTextDocument({ content: fileHistoryMarkdown(fileHistory(store.db, key)), language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return doc;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not read the file's history: ${message(err)}`);
      return undefined;
    }
  }

  /** Writes the hand-off between the flightdeck:memory markers of AGENTS.md (or CLAUDE.md when only it exists). */
  async writeMemory(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (this.records.readOnly) {
      void vscode.window.showWarningMessage('Flightdeck writes nothing in an untrusted workspace.');
      return undefined;
    }
    const repoRoot = this.records.location()?.repoRoot;
    const live = this.records.get();
    if (!repoRoot || !live) {
      void vscode.window.showWarningMessage('Open a git repository to write its memory.');
      return undefined;
    }
    const path = target?.fsPath ?? memoryTarget(repoRoot);
    try {
      const store = await live.open();
      const memory = buildMemory(store.db, { branch: readHead(repoRoot).branch }) || 'The flight record holds nothing to hand on yet.';
      const changed = writeMemoryBlock(path, memory);
      const name = relative(repoRoot, path);
      const open = 'Open';
      void vscode.window.showInformationMessage(changed ? `Flightdeck wrote the memory into ${name}, between its flightdeck:memory markers.` : `${name} already holds this memory.`, open)
        .then((c) => (c === open ? vscode.window.showTextDocument(vscode.Uri.file(path)) : undefined));
      return vscode.Uri.file(path);
    } catch (err) {
      const why = err instanceof MemoryBlockError ? err.message : message(err);
      void vscode.window.showErrorMessage(`Flightdeck did not write the memory: ${why}`);
      return undefined;
    }
  }
}
