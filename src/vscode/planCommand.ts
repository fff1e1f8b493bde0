import type { Database } from 'sql.js';
import * as vscode from 'vscode';
import { DecisionError, repoRelative } from '../core/capture/decision';
import { PlanError, userPlanEvent } from '../core/capture/userPlan';
import { activeSession } from '../core/capture/workspaceActivity';
import { git } from '../core/git';
import { gitIdentity } from '../core/review/reviews';
import { openEditorPaths } from './openFiles';
import type { RecordService } from './recordService';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Paths `git status --porcelain -z` lists: the working tree's changes, repository-relative (a rename's new name). */
async function changedFiles(repoRoot: string): Promise<string[]> {
  const r = await git(repoRoot, ['status', '--porcelain', '-z', '--untracked-files=all'], { timeoutMs: 5_000 }).catch(() => undefined);
  if (!r || r.code !== 0) return [];
  const out: string[] = [];
  const parts = r.stdout.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i] as string;
    if (entry.length < 4) continue;
    out.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the old name follows
  }
  return out;
}

/**
 * Flightdeck: Record plan… — the user's plan for the active session (or a given one; with none active, one picked from
 * the recent ones), held against it ahead of the agent's.
 */
export class PlanCommand {
  constructor(private readonly records: RecordService) {}

  register(): vscode.Disposable[] {
    return [vscode.commands.registerCommand('flightdeck.recordPlan', (text?: string, files?: string[], session?: string) => this.recordPlan(text, files, session))];
  }


  /** Which files the plan covers: the working tree's changes and the open editors offered, none picked. */
  private async pickFiles(repoRoot: string): Promise<string[] | undefined> {
    const changed = await changedFiles(repoRoot);
    const paths = [...new Set([...changed, ...openEditorPaths(repoRoot)])];
    if (paths.length === 0) return [];
    const picked = await vscode.window.showQuickPick(
      paths.map((p) => ({ label: p, description: changed.includes(p) ? 'changed' : 'open' })),
      { title: 'Flightdeck: which files does the plan cover?', canPickMany: true, placeHolder: 'None picked: the plan names its files in its text' },
    );
    return picked?.map((p) => p.label);
  }

  /** Without an active session: which of this clone's recent sessions the plan is for (a teammate's is not ours to plan). */
  private async pickSession(db: Database): Promise<string | undefined> {
    const recent = db.exec(
      `SELECT id, coalesce(intent, ''), coalesce(started_at, 0) FROM sessions WHERE author IS NULL ORDER BY coalesce(started_at, 0) DESC LIMIT 20`,
    )[0]?.values ?? [];
    if (recent.length === 0) {
      void vscode.window.showWarningMessage('The record holds no agent session yet: start one, then record its plan.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      recent.map(([id, intent, at]) => ({
        label: String(intent).slice(0, 120) || String(id), description: String(id).slice(0, 8), detail: Number(at) ? new Date(Number(at)).toLocaleString() : undefined, id: String(id),
      })),
      { title: 'Flightdeck: which session is the plan for? (none is active now)', placeHolder: 'Type to find a session by its intent' },
    );
    return picked?.id;
  }

  /** Records the plan; returns its event id once it is durable. */
  async recordPlan(given?: string, givenFiles?: string[], givenSession?: string): Promise<string | undefined> {
    const live = this.records.writable('Open a folder to record a plan for its sessions.');
    if (!live) return undefined;
    const repoRoot = this.records.location()?.repoRoot;
    try {
      const store = await live.open();
      const session = givenSession ?? activeSession(store.db) ?? (await this.pickSession(store.db));
      if (!session) return undefined;
      const text = typeof given === 'string' ? given : await vscode.window.showInputBox({
        title: 'Flightdeck: Record plan',
        prompt: `Your plan for session ${session.slice(0, 8)}: what it is to do and the files it may change. The plan check holds the session against it.`,
        validateInput: (v) => (v.trim() ? undefined : 'A plan needs its text.'),
      });
      if (!text?.trim()) return undefined;
      const files = givenFiles
        ? repoRoot ? givenFiles.map((f) => repoRelative(repoRoot, f)) : []
        : repoRoot ? await this.pickFiles(repoRoot) : [];
      if (files === undefined) return undefined;
      const by = repoRoot ? await gitIdentity(repoRoot).catch(() => undefined) : undefined;
      const [event] = store.append([userPlanEvent({ text, files, session, by, source: 'vscode' })]);
      void vscode.window.setStatusBarMessage(`$(check) Plan recorded for session ${session.slice(0, 8)}${files.length ? `, covering ${files.join(', ')}` : ''}`, 4000);
      return event?.id;
    } catch (err) {
      const why = err instanceof DecisionError || err instanceof PlanError ? err.message : message(err);
      void vscode.window.showErrorMessage(`Flightdeck could not record the plan: ${why}`);
      return undefined;
    }
  }
}
