import { simpleGit, type SimpleGit } from 'simple-git';
import type { Database } from 'sql.js';
import type { NewEvent } from '../record/events';

export interface SessionGit {
  startCommit?: string;
  endCommit?: string;
  commits: string[];
  diffStat: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * What git says about a session's time span: the commit HEAD's branch was at when it started, the
 * commits made while it ran, the one it ended on, and the diff stat between them. Read from history,
 * so it works for sessions imported long after they ran as well as for live ones.
 */
export async function sessionGit(git: SimpleGit, startedAt: number, endedAt: number, branch?: string): Promise<SessionGit> {
  const ref = branch && (await refExists(git, branch)) ? branch : 'HEAD';
  const at = async (time: number): Promise<string | undefined> =>
    (await git.raw(['rev-list', '-1', `--before=${iso(time)}`, ref]).catch(() => '')).trim().slice(0, 12) || undefined;
  const startCommit = await at(startedAt);
  const endCommit = await at(endedAt + 1000);
  const log = await git.raw(['log', '--format=%h %s', `--since=${iso(startedAt)}`, `--until=${iso(endedAt + 1000)}`, ref]).catch(() => '');
  const commits = log.split('\n').filter(Boolean).reverse();
  const diffStat = startCommit && endCommit && startCommit !== endCommit
    ? (await git.raw(['diff', '--shortstat', startCommit, endCommit]).catch(() => '')).trim()
    : '';
  return { startCommit, endCommit, commits, diffStat };
}

/** simple-git resolves quiet failures with empty output, so an answer is judged by what it printed. */
async function refExists(git: SimpleGit, ref: string): Promise<boolean> {
  const out = await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  return out.trim().length > 0;
}

/** Sessions whose git facts are missing or older than their last activity. */
export function sessionsNeedingGit(db: Database, limit = 50): { id: string; startedAt: number; endedAt: number; branch?: string }[] {
  const rows = db.exec(
    `SELECT s.id, s.started_at, (SELECT max(at) FROM events WHERE session_id = s.id) AS last, s.branch, s.git_at
     FROM (SELECT * FROM sessions WHERE started_at IS NOT NULL ORDER BY started_at DESC LIMIT ?) s`,
    [limit],
  )[0]?.values ?? [];
  return rows
    .filter((r) => r[4] === null || Number(r[4]) < Number(r[2] ?? 0))
    .map((r) => ({ id: String(r[0]), startedAt: Number(r[1]), endedAt: Number(r[2] ?? r[1]), branch: r[3] === null ? undefined : String(r[3]) }));
}

/** Git facts for every session that needs them, as events (one per session and last-activity time). */
export async function gitEvents(repoRoot: string, db: Database, limit = 50): Promise<NewEvent[]> {
  const git = simpleGit({ baseDir: repoRoot, maxConcurrentProcesses: 2 });
  const out: NewEvent[] = [];
  for (const s of sessionsNeedingGit(db, limit)) {
    const facts = await sessionGit(git, s.startedAt, s.endedAt, s.branch);
    out.push({ id: `git:${s.id}:${s.endedAt}`, kind: 'session.git', session: s.id, at: s.endedAt, source: 'git', data: { ...facts, upTo: s.endedAt } });
  }
  return out;
}
