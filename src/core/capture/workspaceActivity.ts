import type { NewEvent } from '../record/events';
import { defaultClassifier, type CheckClassifier } from './transcript';
import { redactText } from './redact';

export interface TerminalCommand {
  commandLine: string;
  cwd?: string;
  exitCode?: number;
  startedAt: number;
  endedAt: number;
  terminal: string;
  session?: string;
  /** HEAD when the command ended: the tree a check ran on. */
  commit?: string;
}

/** A command run in an integrated terminal (by a person or a terminal agent), as a record event. */
export function terminalCommandEvent(c: TerminalCommand, classify: CheckClassifier = defaultClassifier): NewEvent {
  const check = classify(c.commandLine);
  return {
    kind: 'command.ran',
    at: c.startedAt,
    session: c.session,
    source: 'terminal',
    data: {
      command: redactText(c.commandLine),
      cwd: c.cwd,
      exitCode: c.exitCode,
      outcome: c.exitCode === undefined ? 'unknown' : c.exitCode === 0 ? 'ok' : 'error',
      durationMs: Math.max(0, c.endedAt - c.startedAt),
      terminal: c.terminal,
      ...(check ? { check, commit: c.commit } : {}),
    },
  };
}

export type FileChange = 'created' | 'modified' | 'deleted';

/** Paths never worth a record entry: version control internals, installed dependencies, build output caches. */
const IGNORED = /(^|[\\/])(\.git|node_modules|\.vscode-test|\.next|\.turbo|\.cache|__pycache__|\.venv)([\\/]|$)/;

export function isIgnoredPath(path: string): boolean {
  return IGNORED.test(path);
}

/** Files changed on disk by anyone, attributed to the session that was active, if any. */
export function fileChangeEvents(changes: readonly { id?: string; path: string; change: FileChange; at: number }[], session?: string): NewEvent[] {
  // A new folder is both reported and scanned, so its files can arrive twice in one batch: keep the first.
  const seen = new Set<string>();
  const unique = changes.filter((c) => {
    const key = `${c.change}\0${c.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.map((c) => ({ id: c.id, kind: 'file.changed', at: c.at, session, source: 'files', data: { path: c.path, change: c.change } }));
}

/** The session whose agent was active most recently, if within `windowMs`: where workspace activity belongs (never a teammate's). */
export function activeSession(db: import('sql.js').Database, now = Date.now(), windowMs = 30 * 60_000): string | undefined {
  const rows = db.exec(
    // The newest few first, then their last activity: the subquery must not run for every session.
    `SELECT s.id, (SELECT max(at) FROM events WHERE session_id = s.id) AS last
     FROM (SELECT id FROM sessions WHERE author IS NULL ORDER BY coalesce(started_at, 0) DESC LIMIT 5) s`,
  )[0]?.values ?? [];
  let best: { id: string; last: number } | undefined;
  for (const [id, last] of rows) {
    const t = Number(last ?? 0);
    if (now - t <= windowMs && (!best || t > best.last)) best = { id: String(id), last: t };
  }
  return best?.id;
}
