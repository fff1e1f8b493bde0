// The board's file filter, answered with history: the one file it names (exact path, or the only file it matches)
// and that file's history as one timeline, newest first; or, when it matches several files, which ones.
import type { Database, SqlValue } from 'sql.js';
import { isAbsolute } from 'node:path';
import { HISTORY_CANDIDATES, type BoardFileHistory, type FileHistoryEntry } from '../../protocol';
import { fileHistory, fileKey, type FileHistory, type FileKey } from './fileHistory';

const rows = (db: Database, sql: string, params: SqlValue[]): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];
/** `%text%` for LIKE, with the user's own `%`, `_` and `\` taken literally. */
const contains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const inList = (n: number): string => Array(n).fill('?').join(',');

/** The filter as a repository-relative path: trimmed, `/`-separated, no leading `./`; an absolute path inside the repository made relative. */
export function normalizeFileFilter(repoRoot: string, filter: string): string {
  const f = filter.trim();
  if (isAbsolute(f)) return fileKey(repoRoot, f)?.rel ?? f.replace(/\\/g, '/');
  return f.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/**
 * The files a filter matches (repository-relative, most recent first): files sessions changed, decisions name and
 * reviews looked at, whose relative path contains the filter. Reads alone are no history.
 */
export function matchingFiles(db: Database, repoRoot: string, filter: string): string[] {
  const wanted = normalizeFileFilter(repoRoot, filter);
  if (!wanted) return [];
  // Sessions' files are stored as the OS writes them; decisions' are `/`-separated.
  const osStyle = process.platform === 'win32' ? wanted.replace(/\//g, '\\') : wanted;
  const found = rows(
    db,
    `SELECT path, max(last_at) FROM files WHERE path LIKE ? ESCAPE '\\' AND action <> 'read' GROUP BY path
     UNION ALL
     SELECT df.path, max(d.at) FROM decision_files df JOIN decisions d ON d.event_id = df.event_id WHERE df.path LIKE ? ESCAPE '\\' GROUP BY df.path
     UNION ALL
     SELECT p, max(at) FROM (SELECT json_extract(j.value, '$.path') AS p, r.opened_at AS at
       FROM reviews r, json_each(CASE WHEN json_valid(r.files) THEN r.files ELSE '[]' END) j) WHERE p LIKE ? ESCAPE '\\' GROUP BY p`,
    [contains(osStyle), contains(wanted), contains(wanted)],
  );
  const latest = new Map<string, number>();
  for (const [path, at] of found) {
    const rel = fileKey(repoRoot, String(path))?.rel;
    // The repository's own folder name in an absolute path is no match: "repo" must not name every file.
    if (!rel || !rel.includes(wanted)) continue;
    latest.set(rel, Math.max(latest.get(rel) ?? 0, Number(at ?? 0)));
  }
  return [...latest.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([rel]) => rel);
}

/** The file a filter names: typed exactly (it wins over longer paths containing it), or the only one it matches. */
export function resolveFileFilter(db: Database, repoRoot: string, filter: string): { path?: string; candidates: string[] } {
  const candidates = matchingFiles(db, repoRoot, filter);
  const wanted = normalizeFileFilter(repoRoot, filter);
  if (candidates.includes(wanted)) return { path: wanted, candidates: [] };
  if (candidates.length === 1) return { path: candidates[0], candidates: [] };
  return { candidates };
}

/** A file's history as one timeline, newest first; undated entries last. */
export function historyEntries(h: FileHistory, authors: ReadonlyMap<string, string> = new Map()): FileHistoryEntry[] {
  const entries: FileHistoryEntry[] = [
    ...h.sessions.map((s): FileHistoryEntry => ({
      kind: 'session', id: s.id, at: s.startedAt, intent: s.intent, agent: s.agent, branch: s.branch, change: s.change,
      ...(authors.has(s.id) ? { author: authors.get(s.id) } : {}),
      failures: s.failures.map((f) => ({ command: f.command, exitCode: f.exitCode, commit: f.commit, fixed: f.fixedAt !== undefined })),
      reverts: s.reverts,
    })),
    ...h.decisions.map((d): FileHistoryEntry => ({ kind: 'decision', id: d.id, at: d.at, text: d.text, by: d.by, session: d.session })),
    ...h.reviews.map((r): FileHistoryEntry => ({ kind: 'review', id: r.id, at: r.openedAt, status: r.status, subject: r.subject, concerns: r.concerns })),
    ...h.overrides.map((o): FileHistoryEntry => ({ kind: 'override', at: o.at, reviewId: o.reviewId, gate: o.gate, reason: o.reason, by: o.by })),
  ];
  // Stable: at the same moment, sessions, then decisions, reviews, overrides.
  return entries.sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
}

/** Failed check runs in every session that changed the file, listed or not. */
function failedRuns(db: Database, key: FileKey): number {
  const [r] = rows(
    db,
    `SELECT count(*) FROM checks c WHERE c.passed = 0 AND c.session_id IN
       (SELECT DISTINCT session_id FROM files WHERE path IN (${inList(key.paths.length)}) AND action <> 'read')`,
    key.paths,
  );
  return Number(r?.[0] ?? 0);
}

/** The file filter's answer: the named file's history (its first `limit` entries and the counts of all), or the files it could mean. */
export function boardFileHistory(db: Database, repoRoot: string, filter: string, limit: number): BoardFileHistory {
  const { path, candidates } = resolveFileFilter(db, repoRoot, filter);
  const empty = { sessions: 0, decisions: 0, reviews: 0, overrides: 0, failures: 0 };
  const base = { filter, limit, candidates: candidates.slice(0, HISTORY_CANDIDATES), moreCandidates: Math.max(0, candidates.length - HISTORY_CANDIDATES) };
  const key = path === undefined ? undefined : fileKey(repoRoot, path);
  if (!key) return { ...base, entries: [], total: 0, counts: empty };
  // At most `limit` sessions can be among the newest `limit` entries.
  const h = fileHistory(db, key, limit);
  const ids = h.sessions.map((s) => s.id);
  const authors = new Map(rows(db, `SELECT id, author FROM sessions WHERE author IS NOT NULL AND id IN (${inList(ids.length)})`, ids).map((r) => [String(r[0]), String(r[1])]));
  const all = historyEntries(h, authors);
  const counts = { sessions: h.sessions.length + h.moreSessions, decisions: h.decisions.length, reviews: h.reviews.length, overrides: h.overrides.length, failures: failedRuns(db, key) };
  return { ...base, path: key.rel, entries: all.slice(0, limit), total: counts.sessions + counts.decisions + counts.reviews + counts.overrides, counts };
}
