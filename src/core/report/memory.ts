// The hand-off to the next session: what the record knows that a fresh agent does not, most useful first, capped.
import type { Database, SqlValue } from 'sql.js';
import { isAbsolute, relative, sep } from 'node:path';
import { redactText } from '../capture/redact';
import { shortCommit } from './flightTrail';

export const DEFAULT_MEMORY_CHARS = 4_000;

const rows = (db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];
const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const day = (v: SqlValue | number | undefined): string => (v === null || v === undefined ? '?' : new Date(Number(v)).toISOString().slice(0, 10));
const oneLine = (t: string, max: number): string => {
  const l = t.replace(/\s+/g, ' ').trim();
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
};
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const inList = (n: number): string => Array(n).fill('?').join(',');

export interface MemoryOptions {
  /** The branch the next session works on; without it, every branch's sessions. */
  branch?: string;
  maxChars?: number;
  now?: number;
}

interface Section {
  title: string;
  lines: string[];
}

/** Paths as a reader of the repository writes them. */
function relativeTo(root: string): (p: string) => string {
  return (p) => {
    const r = root ? relative(root, p) : p;
    return (r && !r.startsWith('..') && !isAbsolute(r) ? r : p).split(sep).join('/');
  };
}

interface SessionRow {
  id: string;
  intent: string;
  startedAt: number;
  endCommit: string;
  branch: string;
  root: string;
  /** A teammate's session (team sync); empty: this machine's. */
  author: string;
}

function recentSessions(db: Database, branch: string | undefined, limit: number): SessionRow[] {
  return rows(
    db,
    `SELECT id, intent, coalesce(started_at, 0), end_commit, branch, coalesce(repo, cwd, ''), author FROM sessions
     ${branch === undefined ? '' : 'WHERE branch = ?'} ORDER BY coalesce(started_at, 0) DESC LIMIT ?`,
    branch === undefined ? [limit] : [branch, limit],
  ).map((r) => ({ id: s(r[0]), intent: s(r[1]), startedAt: Number(r[2]), endCommit: s(r[3]), branch: s(r[4]), root: s(r[5]), author: s(r[6]) }));
}

function openConcerns(db: Database): Section {
  const lines: string[] = [];
  for (const r of rows(db, `SELECT id, subject, status, concerns FROM reviews WHERE status IN ('pending', 'concerns', 'failed') ORDER BY opened_at DESC LIMIT 6`)) {
    let concerns: { file?: unknown; line?: unknown; severity?: unknown; title?: unknown }[] = [];
    try {
      concerns = JSON.parse(s(r[3]) || '[]') as typeof concerns;
    } catch {
      concerns = [];
    }
    const status = s(r[2]);
    const head = `- review ${s(r[0])} (${oneLine(s(r[1]), 100)}): ${status === 'pending' ? 'waiting for its verdict' : status === 'failed' ? 'the review itself failed; re-run it' : plural(concerns.length, 'open concern')}`;
    const detail = concerns.slice(0, 3).map((c) => `${String(c.file ?? '')}${typeof c.line === 'number' ? `:${c.line}` : ''} [${String(c.severity ?? '')}] ${oneLine(String(c.title ?? ''), 120)}`);
    lines.push(detail.length ? `${head}: ${detail.join('; ')}` : head);
  }
  return { title: 'Open review concerns (settle these before shipping)', lines };
}

function decisions(db: Database): Section {
  const lines = rows(
    db,
    `SELECT d.text, coalesce(d.by, d.author), d.at, (SELECT group_concat(path, ', ') FROM decision_files f WHERE f.event_id = d.event_id)
     FROM decisions d ORDER BY d.at DESC LIMIT 8`,
  ).map((r) => `- ${day(r[2])}${r[3] ? ` [${s(r[3])}]` : ''}: ${oneLine(s(r[0]), 240)}${r[1] ? ` (${s(r[1])})` : ''}`);
  return { title: 'Decisions (keep to them, or record a new one: flightdeck decide "…")', lines };
}

/** Checks that failed and later passed (with what changed in between), and checks still failing, across the sessions. */
function brokeAndFixed(db: Database, sessions: SessionRow[]): Section {
  if (sessions.length === 0) return { title: '', lines: [] };
  const byId = new Map(sessions.map((x) => [x.id, x]));
  const checks = rows(
    db,
    `SELECT session_id, command, passed, exit_code, commit_sha, at FROM checks WHERE session_id IN (${inList(sessions.length)}) ORDER BY at, event_id`,
    sessions.map((x) => x.id),
  );
  const open = new Map<string, { session: string; count: number; exit: string; commit: string; at: number }>();
  const fixed: { at: number; line: string }[] = [];
  for (const r of checks) {
    const command = s(r[1]);
    const failure = open.get(command);
    if (Number(r[2]) === 0) {
      if (failure) failure.count++;
      else open.set(command, { session: s(r[0]), count: 1, exit: s(r[3]) || '?', commit: s(r[4]), at: Number(r[5]) });
      continue;
    }
    if (!failure) continue;
    open.delete(command);
    const session = s(r[0]);
    const rel = relativeTo(byId.get(session)?.root ?? '');
    // What the agent changed between the first failure and the pass: how it was fixed.
    const changed = rows(
      db,
      `SELECT DISTINCT path FROM files WHERE session_id IN (?, ?) AND action <> 'read' AND last_at >= ? AND last_at <= ? LIMIT 6`,
      [failure.session, session, failure.at, Number(r[5])],
    ).map((p) => rel(s(p[0])));
    const where = failure.commit ? ` at ${shortCommit(failure.commit)}` : '';
    fixed.push({
      at: Number(r[5]),
      line: `- \`${oneLine(command, 120)}\` failed${failure.count > 1 ? ` ${failure.count}×` : ''} (exit ${failure.exit})${where}, passed again ${day(r[5])}${
        r[4] ? ` at ${shortCommit(s(r[4]))}` : ''}${changed.length ? ` after changes to ${changed.join(', ')}` : ''}`,
    });
  }
  const still = [...open.entries()].sort((a, b) => b[1].at - a[1].at).map(([command, f]) =>
    `- still failing: \`${oneLine(command, 120)}\` (exit ${f.exit}${f.commit ? ` at ${shortCommit(f.commit)}` : ''}, ${day(f.at)}, session ${f.session.slice(0, 8)})`);
  const fixes = fixed.sort((a, b) => b.at - a.at).map((f) => f.line);
  const lines = [...still.slice(0, 4), ...fixes.slice(0, 4)];
  const more = still.length + fixes.length - lines.length;
  if (more > 0) lines.push(`- … ${more} more (${Math.max(0, still.length - 4)} still failing): \`flightdeck memory --max-chars 20000\``);
  return { title: 'What broke, and how it was fixed', lines };
}

function sessionLines(db: Database, sessions: SessionRow[], branch: string | undefined): Section {
  const lines = sessions.slice(0, 8).map((x) => {
    const [c] = rows(
      db,
      `SELECT (SELECT count(DISTINCT path) FROM files WHERE session_id = ?1 AND action <> 'read'),
              (SELECT count(*) FROM checks WHERE session_id = ?1 AND passed = 1),
              (SELECT count(*) FROM checks WHERE session_id = ?1 AND passed = 0),
              (SELECT passed FROM checks WHERE session_id = ?1 ORDER BY at DESC LIMIT 1),
              (SELECT count(*) FROM reviews WHERE session_id = ?1 AND status IN ('pending', 'concerns', 'failed'))`,
      [x.id],
    );
    const outcome = [
      plural(Number(c?.[0] ?? 0), 'file') + ' changed',
      Number(c?.[1] ?? 0) + Number(c?.[2] ?? 0) === 0 ? 'no checks run' : `checks ${Number(c?.[1] ?? 0)} passed, ${Number(c?.[2] ?? 0)} failed${c?.[3] === 0 ? ' (the last one failed)' : ''}`,
      Number(c?.[4] ?? 0) ? plural(Number(c?.[4]), 'open review') : '',
      x.endCommit ? `ended at ${shortCommit(x.endCommit)}` : '',
    ].filter(Boolean).join(', ');
    return `- ${day(x.startedAt)} ${x.id.slice(0, 8)}${branch === undefined && x.branch ? ` on ${x.branch}` : ''} "${oneLine(x.intent, 140) || 'no stated intent'}"${x.author ? ` by ${x.author}` : ''}: ${outcome}`;
  });
  return { title: branch === undefined ? 'Recent sessions' : `Recent sessions on ${branch}`, lines };
}

/** The files the latest sessions changed, each with the rest of its history: other sessions, decisions. */
function touchedFiles(db: Database, sessions: SessionRow[]): Section {
  const latest = sessions.slice(0, 3);
  if (latest.length === 0) return { title: '', lines: [] };
  const files = rows(
    db,
    `SELECT path, session_id FROM files WHERE session_id IN (${inList(latest.length)}) AND action <> 'read' GROUP BY path ORDER BY max(last_at) DESC LIMIT 8`,
    latest.map((x) => x.id),
  );
  const lines: string[] = [];
  for (const f of files) {
    const path = s(f[0]);
    const session = latest.find((x) => x.id === s(f[1]));
    const rel = relativeTo(session?.root ?? '')(path);
    const [other] = rows(
      db,
      `SELECT count(DISTINCT f.session_id), (SELECT intent FROM sessions WHERE id = (
          SELECT session_id FROM files WHERE path IN (?, ?) AND action <> 'read' AND session_id NOT IN (${inList(latest.length)}) ORDER BY last_at DESC LIMIT 1))
       FROM files f WHERE f.path IN (?, ?) AND f.action <> 'read' AND f.session_id NOT IN (${inList(latest.length)})`,
      [path, rel, ...latest.map((x) => x.id), path, rel, ...latest.map((x) => x.id)],
    );
    const about = rows(db, `SELECT d.text FROM decision_files df JOIN decisions d ON d.event_id = df.event_id WHERE df.path = ? ORDER BY d.at DESC LIMIT 2`, [rel]).map((r) => `"${oneLine(s(r[0]), 100)}"`);
    const earlier = Number(other?.[0] ?? 0);
    const parts = [
      earlier ? `changed in ${plural(earlier, 'earlier session')}${other?.[1] ? ` (latest: "${oneLine(s(other[1]), 80)}")` : ''}` : 'no earlier sessions',
      about.length ? `decisions: ${about.join('; ')}` : '',
    ].filter(Boolean);
    lines.push(`- ${rel}: ${parts.join('; ')}`);
  }
  return { title: 'History of the files the latest changes touch', lines };
}

const FOOTER_ROOM = 90;

/** Sections in order, line by line, until the cap: what matters most is never crowded out by what matters less. */
function capped(head: string, sections: Section[], maxChars: number): string {
  let out = head;
  let left = 0;
  for (const sec of sections) {
    let opened = false;
    for (const raw of sec.lines) {
      const line = redactText(raw);
      const add = (opened ? '' : `\n## ${sec.title}\n`) + line + '\n';
      if (out.length + add.length + FOOTER_ROOM > maxChars) {
        left++;
        continue;
      }
      out += add;
      opened = true;
    }
  }
  if (left > 0) {
    const footer = `\n(${plural(left, 'more line')} left out to stay short: \`flightdeck memory --max-chars 20000\` shows them.)\n`;
    if (out.length + footer.length <= maxChars) out += footer;
  }
  return out.length > maxChars ? out.slice(0, maxChars) : out;
}

/**
 * The memory for the next session on `branch`, built from the (redacted) record and redacted again line by line:
 * open review concerns, decisions, what broke and how it was fixed, the branch's recent sessions and their outcome,
 * the history of the files they touched. Empty when the record knows nothing worth handing on.
 */
export function buildMemory(db: Database, options: MemoryOptions = {}): string {
  const maxChars = Math.max(200, options.maxChars ?? DEFAULT_MEMORY_CHARS);
  const sessions = recentSessions(db, options.branch, 20);
  const sections = [openConcerns(db), decisions(db), brokeAndFixed(db, sessions), sessionLines(db, sessions, options.branch), touchedFiles(db, sessions)];
  if (sections.every((x) => x.lines.length === 0)) return '';
  const head = `# Flightdeck memory${options.branch ? ` for branch ${options.branch}` : ''}\n` +
    `What the flight record of this repository knows from earlier sessions (secrets redacted), most useful first, as of ${new Date(options.now ?? Date.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC.\n`;
  return capped(redactText(head), sections.filter((x) => x.lines.length > 0), maxChars);
}

/** The branches whose next session gets its own memory: the ones with the most recent sessions. */
export function recentBranches(db: Database, limit: number): string[] {
  return rows(db, `SELECT branch FROM sessions WHERE branch IS NOT NULL AND branch <> '' GROUP BY branch ORDER BY max(coalesce(started_at, 0)) DESC LIMIT ?`, [limit]).map((r) => s(r[0]));
}
