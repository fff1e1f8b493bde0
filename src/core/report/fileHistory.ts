// A file's history from the record: the sessions that changed it and why, the decisions about it, the checks that
// failed and the reverts in those sessions, and the reviews and overrides that named it.
import type { Database, SqlValue } from 'sql.js';
import { isAbsolute, join, relative, sep } from 'node:path';
import { shortCommit } from './flightTrail';

const rows = (db: Database, sql: string, params: SqlValue[]): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];
const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const num = (v: SqlValue | undefined): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** The ways the record names one file: sessions' files by absolute path (as the agent wrote them), decisions and reviews repository-relative. */
export interface FileKey {
  /** Repository-relative, `/`-separated. */
  rel: string;
  /** The paths the files table may hold for it. */
  paths: string[];
}

/** The key of `path` (absolute, or relative to the repository) in `repoRoot`; undefined outside it. */
export function fileKey(repoRoot: string, path: string): FileKey | undefined {
  const abs = isAbsolute(path) ? path : join(repoRoot, path);
  const r = relative(repoRoot, abs);
  if (r === '' || r.startsWith('..') || isAbsolute(r)) return undefined;
  const rel = r.split(sep).join('/');
  return { rel, paths: [...new Set([abs, rel, r])] };
}

const inList = (n: number): string => Array(n).fill('?').join(',');

/** How much history a file has, for a CodeLens: two indexed lookups, nothing else. */
export function fileHistoryCount(db: Database, key: FileKey): { sessions: number; decisions: number } {
  const [r] = rows(
    db,
    `SELECT (SELECT count(DISTINCT session_id) FROM files WHERE path IN (${inList(key.paths.length)}) AND action <> 'read'),
            (SELECT count(*) FROM decision_files WHERE path = ?)`,
    [...key.paths, key.rel],
  );
  return { sessions: Number(r?.[0] ?? 0), decisions: Number(r?.[1] ?? 0) };
}

export interface FileFailure {
  command: string;
  exitCode?: number;
  commit: string;
  at: number;
  /** The same command passed later in the session: what broke was fixed there. */
  fixedAt?: number;
}

export interface FileSession {
  id: string;
  intent: string;
  agent: string;
  branch: string;
  startedAt?: number;
  change: string;
  failures: FileFailure[];
  /** Reverts in the session: `git revert`, `git restore`/`checkout --` of the file, commits named "Revert …". */
  reverts: string[];
}

export interface FileDecision {
  id: string;
  text: string;
  by: string;
  at: number;
  session?: string;
}

export interface FileReview {
  id: string;
  status: string;
  subject: string;
  openedAt?: number;
  concerns: { line?: number; severity: string; title: string }[];
}

export interface FileOverride {
  reviewId: string;
  gate: string;
  reason: string;
  by: string;
  at: number;
}

export interface FileHistory {
  path: string;
  sessions: FileSession[];
  /** Sessions beyond the ones listed. */
  moreSessions: number;
  decisions: FileDecision[];
  reviews: FileReview[];
  overrides: FileOverride[];
}

const REVERT_COMMAND = /\bgit\s+(?:-C\s+\S+\s+)?(revert|restore|checkout\s+(?:\S+\s+)?--|reset\s+--hard)/;

function parseJson<T>(v: SqlValue | undefined, fallback: T): T {
  try {
    return v === null || v === undefined ? fallback : (JSON.parse(String(v)) as T);
  } catch {
    return fallback;
  }
}

/** The sessions that changed the file, newest first (at most `limit`), and how many there are in all. */
function sessionsOf(db: Database, key: FileKey, limit: number): { ids: { id: string; change: string }[]; total: number } {
  const found = rows(
    db,
    `SELECT f.session_id, CASE WHEN max(f.action = 'deleted') THEN 'deleted' WHEN max(f.action = 'created') THEN 'created' ELSE 'modified' END,
       coalesce((SELECT started_at FROM sessions WHERE id = f.session_id), max(f.last_at)) AS t
     FROM files f WHERE f.path IN (${inList(key.paths.length)}) AND f.action <> 'read' GROUP BY f.session_id ORDER BY t DESC`,
    key.paths,
  );
  return { ids: found.slice(0, limit).map((r) => ({ id: s(r[0]), change: s(r[1]) })), total: found.length };
}

/** The file's whole history, newest first: `limit` sessions with their failures and reverts, decisions, reviews and overrides. */
export function fileHistory(db: Database, key: FileKey, limit = 30): FileHistory {
  const { ids, total } = sessionsOf(db, key, limit);
  const base = key.rel.split('/').pop() ?? key.rel;
  const sessions: FileSession[] = ids.map(({ id, change }) => {
    const [row] = rows(db, 'SELECT intent, agent, branch, started_at, commits FROM sessions WHERE id = ?', [id]);
    const failures = rows(
      db,
      `SELECT c.command, c.exit_code, c.commit_sha, c.at,
         (SELECT min(p.at) FROM checks p WHERE p.session_id = c.session_id AND p.command = c.command AND p.passed = 1 AND p.at > c.at)
       FROM checks c WHERE c.session_id = ? AND c.passed = 0 ORDER BY c.at`,
      [id],
    ).map((r): FileFailure => ({ command: s(r[0]), exitCode: num(r[1]), commit: s(r[2]), at: Number(r[3]), fixedAt: num(r[4]) }));
    const reverts = rows(db, `SELECT command FROM commands WHERE session_id = ? AND command LIKE '%git%' ORDER BY started_at`, [id])
      .map((r) => s(r[0]))
      .filter((c) => {
        const m = REVERT_COMMAND.exec(c);
        // A revert of commits may touch any file; a restore or checkout counts when it names this one.
        return m !== null && (m[1] === 'revert' || m[1]?.startsWith('reset') === true || c.includes(base));
      });
    for (const c of parseJson<unknown[]>(row?.[4], [])) {
      if (typeof c === 'string' && /^\S+\s+Revert\b/.test(c)) reverts.push(`commit ${shortCommit(c.split(' ')[0] ?? '')} ${c.slice(c.indexOf(' ') + 1)}`);
    }
    return { id, intent: s(row?.[0]), agent: s(row?.[1]), branch: s(row?.[2]), startedAt: num(row?.[3]), change, failures, reverts };
  });
  const decisions = rows(
    db,
    `SELECT d.event_id, d.text, d.by, d.at, d.session_id FROM decision_files df JOIN decisions d ON d.event_id = df.event_id
     WHERE df.path = ? ORDER BY d.at DESC`,
    [key.rel],
  ).map((r): FileDecision => ({ id: s(r[0]), text: s(r[1]), by: s(r[2]), at: Number(r[3]), session: s(r[4]) || undefined }));
  // Reviews are few beside events: their files are read as JSON, no index needed.
  const reviews = rows(
    db,
    `SELECT r.id, r.status, r.subject, r.opened_at, r.concerns FROM reviews r
     WHERE EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(r.files) THEN r.files ELSE '[]' END) j WHERE json_extract(j.value, '$.path') = ?)
     ORDER BY r.opened_at DESC`,
    [key.rel],
  ).map((r): FileReview => ({
    id: s(r[0]), status: s(r[1]), subject: s(r[2]), openedAt: num(r[3]),
    concerns: parseJson<{ file?: unknown; line?: unknown; severity?: unknown; title?: unknown }[]>(r[4], [])
      .filter((c) => c.file === undefined || c.file === key.rel)
      .map((c) => ({ line: typeof c.line === 'number' ? c.line : undefined, severity: String(c.severity ?? ''), title: String(c.title ?? '') })),
  }));
  const reviewIds = reviews.map((r) => r.id);
  const overrides = rows(
    db,
    `SELECT coalesce(review_id, ''), coalesce(gate, ''), reason, by, at FROM approvals WHERE kind = 'override'
       AND (review_id IN (${inList(reviewIds.length)}) OR subject LIKE ? ESCAPE '\\') ORDER BY at DESC`,
    [...reviewIds, `%${key.rel.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
  ).map((r): FileOverride => ({ reviewId: s(r[0]), gate: s(r[1]), reason: s(r[2]), by: s(r[3]), at: Number(r[4]) }));
  return { path: key.rel, sessions, moreSessions: Math.max(0, total - sessions.length), decisions, reviews, overrides };
}

const day = (ms: number | undefined): string => (ms === undefined ? '?' : new Date(ms).toISOString().slice(0, 10));
const oneLine = (t: string, max = 160): string => {
  const l = t.replace(/\s+/g, ' ').trim();
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
};

export function describeFailure(f: FileFailure): string {
  const where = f.commit ? ` at ${shortCommit(f.commit)}` : '';
  return `\`${f.command}\` failed (exit ${f.exitCode ?? '?'})${where}${f.fixedAt !== undefined ? ', passed again later in the session' : ', not seen passing after'}`;
}

/** The history as a readable Markdown document. */
export function fileHistoryMarkdown(h: FileHistory): string {
  const out = [`# History of ${h.path}`, ''];
  const empty = !h.sessions.length && !h.decisions.length && !h.reviews.length && !h.overrides.length;
  if (empty) return [...out, 'The flight record holds no history for this file yet.', ''].join('\n');
  if (h.decisions.length) {
    out.push('## Decisions', '');
    for (const d of h.decisions) out.push(`- ${day(d.at)}${d.by ? ` (${d.by})` : ''}: ${oneLine(d.text, 400)}`);
    out.push('');
  }
  if (h.reviews.length || h.overrides.length) {
    out.push('## Reviews and overrides', '');
    for (const r of h.reviews) {
      out.push(`- ${day(r.openedAt)} review ${r.id}: ${r.status} (${oneLine(r.subject)})`);
      for (const c of r.concerns) out.push(`  - [${c.severity}]${c.line !== undefined ? ` line ${c.line}:` : ''} ${oneLine(c.title)}`);
    }
    for (const o of h.overrides) out.push(`- ${day(o.at)} override of ${o.reviewId || `the ${o.gate} gate`} by ${o.by || '?'}: "${oneLine(o.reason)}"`);
    out.push('');
  }
  out.push(`## Sessions that changed it (${h.sessions.length + h.moreSessions})`, '');
  for (const x of h.sessions) {
    out.push(`- ${day(x.startedAt)} ${x.id.slice(0, 8)} ${x.change}${x.branch ? ` on ${x.branch}` : ''}: ${oneLine(x.intent) || '(no stated intent)'}`);
    for (const f of x.failures) out.push(`  - ${describeFailure(f)}`);
    for (const r of x.reverts) out.push(`  - reverted: \`${oneLine(r)}\``);
  }
  if (h.moreSessions) out.push(`- … and ${h.moreSessions} older session${h.moreSessions === 1 ? '' : 's'}`);
  out.push('');
  return out.join('\n');
}
