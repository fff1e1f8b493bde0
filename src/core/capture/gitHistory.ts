import { runGit } from '../git';
import type { Database, SqlValue } from 'sql.js';
import type { NewEvent } from '../record/events';
import type { RecordStore } from '../record/store';

export interface SessionGit {
  startCommit?: string;
  endCommit?: string;
  commits: string[];
  diffStat: string;
  /** The commit each check without one ran on (by its command's id), read from history at the check's time. */
  checkCommits: Record<string, string>;
}

/** A session whose git facts are wanted, with the times of its checks that name no commit. */
export interface SessionSpan {
  id: string;
  startedAt: number;
  endedAt: number;
  branch?: string;
  checks: { commandId: string; at: number }[];
}

/** How much history one read takes in: enough for years of a busy repository, bounded for a giant one. */
const MAX_COMMITS = 50_000;


interface Commit {
  sha: string;
  parents: string[];
  /** Committer time in ms: what `--before`/`--since` compare. */
  at: number;
  subject: string;
}

/** The history of every ref asked about, read by one `git log`. */
class History {
  private readonly bySha = new Map<string, Commit>();
  private readonly reachable = new Map<string, Commit[]>();

  constructor(text: string, private readonly tips: Map<string, string>) {
    for (const line of text.split('\n')) {
      const [sha, parents, time, ...subject] = line.split('\x1f');
      if (!sha || time === undefined) continue;
      this.bySha.set(sha, { sha, parents: parents ? parents.split(' ') : [], at: Number(time) * 1000, subject: subject.join('\x1f') });
    }
  }

  /** The commits of `ref`, newest first by commit time, as `git rev-list` walks them. */
  commitsOf(ref: string): Commit[] {
    let list = this.reachable.get(ref);
    if (list) return list;
    list = [];
    const seen = new Set<string>();
    const stack = [this.tips.get(ref) ?? ''];
    while (stack.length) {
      const c = this.bySha.get(stack.pop() as string);
      if (!c || seen.has(c.sha)) continue;
      seen.add(c.sha);
      list.push(c);
      stack.push(...c.parents);
    }
    list.sort((a, b) => b.at - a.at);
    this.reachable.set(ref, list);
    return list;
  }

  /** The commit `ref` was at, at `time`: the newest reachable commit made at or before it. */
  at(ref: string, time: number): string | undefined {
    const list = this.commitsOf(ref);
    return list[firstAtOrBefore(list, time)]?.sha;
  }

  /** Commits made on `ref` between two times, oldest first, as "sha subject". */
  between(ref: string, from: number, to: number): string[] {
    const list = this.commitsOf(ref);
    const out: string[] = [];
    for (let i = firstAtOrBefore(list, to); i < list.length && (list[i] as Commit).at >= from; i++) {
      const c = list[i] as Commit;
      out.push(`${c.sha} ${c.subject}`);
    }
    return out.reverse();
  }
}

/** In a list sorted newest first, the index of the first commit made at or before `time` (binary search). */
function firstAtOrBefore(list: readonly Commit[], time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Commit).at > time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What git says about sessions' time spans: the commit their branch was at when each started, the
 * commits made while it ran, the one it ended on, the diff stat between them and the commit each
 * check ran on. Read from history, so it works for sessions imported long after they ran as well as
 * for live ones. Three git processes whatever the number of sessions and branches.
 */
export async function sessionsGit(repoRoot: string, spans: readonly SessionSpan[]): Promise<Map<string, SessionGit>> {
  const out = new Map<string, SessionGit>();
  if (spans.length === 0) return out;
  const tips = new Map<string, string>();
  const refs = await runGit(repoRoot, ['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads']);
  for (const line of refs.split('\n')) {
    const [sha, name] = line.split(' ');
    if (sha && name) tips.set(name, sha);
  }
  const head = (await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  if (head) tips.set('HEAD', head);
  const refOf = (s: SessionSpan): string => (s.branch && tips.has(s.branch) ? s.branch : 'HEAD');
  const wanted = [...new Set(spans.map(refOf))].map((r) => tips.get(r)).filter((sha): sha is string => !!sha);
  if (wanted.length === 0) return out;
  const log = await runGit(repoRoot, ['log', `--max-count=${MAX_COMMITS}`, '--format=%H%x1f%P%x1f%ct%x1f%s', ...new Set(wanted), '--']);
  const history = new History(log, tips);

  const pairs: [end: string, start: string][] = [];
  for (const s of spans) {
    const ref = refOf(s);
    const startCommit = history.at(ref, s.startedAt);
    const endCommit = history.at(ref, s.endedAt + 1000);
    const checkCommits: Record<string, string> = {};
    for (const c of s.checks) {
      const sha = history.at(ref, c.at);
      if (sha) checkCommits[c.commandId] = sha;
    }
    out.set(s.id, { startCommit, endCommit, commits: history.between(ref, s.startedAt, s.endedAt + 1000), diffStat: '', checkCommits });
    if (startCommit && endCommit && startCommit !== endCommit) pairs.push([endCommit, startCommit]);
  }
  // One diff-tree reads every pair from stdin ("END START" diffs START..END); --always echoes each pair, even an empty diff.
  const unique = [...new Map(pairs.map((p) => [p.join(' '), p])).values()];
  const stats = new Map<string, string>();
  if (unique.length) {
    const text = await runGit(repoRoot, ['diff-tree', '--stdin', '--always', '--shortstat'], unique.map((p) => p.join(' ')).join('\n') + '\n');
    let i = -1;
    for (const line of text.split('\n')) {
      if (/^[0-9a-f]{40,64}$/.test(line)) i++;
      else if (line.trim() && unique[i]) stats.set(unique[i]!.join(' '), line.trim());
    }
  }
  for (const git of out.values()) {
    if (git.startCommit && git.endCommit) git.diffStat = stats.get(`${git.endCommit} ${git.startCommit}`) ?? '';
  }
  return out;
}

/** Sessions whose git facts are missing or older than their last activity, newest first; a teammate's (team sync) bring their own. */
export function sessionsNeedingGit(db: Database, limit = 100_000): SessionSpan[] {
  return pageNeedingGit(db, limit, 0).spans;
}

/** sessionsNeedingGit over `limit` sessions from `offset` (newest first); `scanned` below `limit` means the last page. */
function pageNeedingGit(db: Database, limit: number, offset: number): { spans: SessionSpan[]; scanned: number } {
  const rows = db.exec(
    `SELECT s.id, s.started_at, nullif(max(coalesce((SELECT max(at) FROM events WHERE session_id = s.id), 0), coalesce(s.last_at, 0)), 0) AS last, s.branch, s.git_at
     FROM (SELECT * FROM sessions WHERE started_at IS NOT NULL AND author IS NULL ORDER BY started_at DESC LIMIT ? OFFSET ?) s`,
    [limit, offset],
  )[0]?.values ?? [];
  return { spans: spansOf(db, rows), scanned: rows.length };
}

function spansOf(db: Database, rows: SqlValue[][]): SessionSpan[] {
  const spans = rows
    .filter((r) => r[4] === null || Number(r[4]) < Number(r[2] ?? 0))
    .map((r): SessionSpan => ({ id: String(r[0]), startedAt: Number(r[1]), endedAt: Number(r[2] ?? r[1]), branch: r[3] === null ? undefined : String(r[3]), checks: [] }));
  if (spans.length === 0) return spans;
  const byId = new Map(spans.map((s) => [s.id, s]));
  const checks = db.exec(
    `SELECT session_id, substr(event_id, 7), at FROM checks WHERE commit_sha IS NULL AND event_id LIKE 'check:%'
       AND session_id IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(spans.map((s) => s.id))],
  )[0]?.values ?? [];
  for (const [session, commandId, at] of checks) byId.get(String(session))?.checks.push({ commandId: String(commandId), at: Number(at) });
  return spans;
}

/** Git facts for every session that needs them, as events (one per session and last-activity time). */
export async function gitEvents(repoRoot: string, db: Database, limit?: number): Promise<NewEvent[]> {
  const spans = sessionsNeedingGit(db, limit);
  return factsAsEvents(spans, await sessionsGit(repoRoot, spans));
}

export interface GitFactsSteps {
  /** At most this many sessions (newest first); all when absent. */
  limit?: number;
  /** Sessions looked at a step, and events recorded in the first step: each step a short hold of the thread. */
  sessionsPerStep?: number;
  eventsPerStep?: number;
  /** How long a step of recording may take: later steps are sized by how long the last one took. */
  stepMs?: number;
  /** Between steps: gives the thread back (the extension host paints the board and answers meanwhile). */
  pause?: () => Promise<void>;
  /** Sessions whose facts are recorded so far, of those that need them. */
  onProgress?: (done: number, total: number) => void;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * gitEvents recorded in small steps with a pause between them, for a long-lived process: a record with no git facts
 * yet (10k sessions at 1M events) held the extension host's thread for many seconds in one piece. `store` is asked at
 * each step (the record may be opened again meanwhile); stops when there is none. Returns the events recorded.
 */
export async function recordGitFacts(repoRoot: string, store: () => RecordStore | undefined, steps: GitFactsSteps = {}): Promise<number> {
  const perPage = steps.sessionsPerStep ?? 200;
  const perAppend = steps.eventsPerStep ?? 25;
  const pause = steps.pause ?? nextTurn;
  const spans: SessionSpan[] = [];
  for (let offset = 0; ; ) {
    const db = store()?.db;
    if (!db) return 0;
    const want = steps.limit === undefined ? perPage : Math.min(perPage, steps.limit - offset);
    const page = pageNeedingGit(db, want, offset);
    spans.push(...page.spans);
    offset += page.scanned;
    if (page.scanned < want || (steps.limit !== undefined && offset >= steps.limit)) break;
    await pause();
  }
  if (spans.length === 0) return 0;
  const events = factsAsEvents(spans, await sessionsGit(repoRoot, spans));
  let done = 0;
  // Each step sized to take about stepMs, as the last one did: an event's cost depends on the record and the machine.
  for (let size = perAppend; done < events.length; ) {
    await pause();
    const s = store();
    if (!s) break;
    const t = performance.now();
    s.append(events.slice(done, done + size));
    done = Math.min(events.length, done + size);
    steps.onProgress?.(done, events.length);
    const took = performance.now() - t;
    size = Math.max(1, Math.min(perAppend * 10, Math.round((size * (steps.stepMs ?? 50)) / Math.max(1, took))));
  }
  return done;
}

function factsAsEvents(spans: readonly SessionSpan[], facts: Map<string, SessionGit>): NewEvent[] {
  return spans.flatMap((s) => {
    const git = facts.get(s.id) ?? { commits: [], diffStat: '', checkCommits: {} };
    const data: Record<string, unknown> = { ...git, upTo: s.endedAt };
    if (Object.keys(git.checkCommits).length === 0) delete data.checkCommits;
    return [{ id: `git:${s.id}:${s.endedAt}`, kind: 'session.git', session: s.id, at: s.endedAt, source: 'git', data }];
  });
}
