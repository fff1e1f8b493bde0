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

/** At most this many matching paths are looked at: a filter like "src" stops there instead of grouping every path. */
export const MATCH_SCAN = 500;

/**
 * The files a filter matches (repository-relative, in path order): files sessions changed, decisions name and reviews
 * looked at, whose relative path contains the filter. Reads alone are no history. `capped`: there may be more.
 */
export function matchingFiles(db: Database, repoRoot: string, filter: string): { files: string[]; capped: boolean } {
  const wanted = normalizeFileFilter(repoRoot, filter);
  if (!wanted) return { files: [], capped: false };
  // Sessions' files are stored as the OS writes them (absolute, mostly); decisions' and reviews' are relative, `/`-separated.
  const win = process.platform === 'win32';
  const osStyle = win ? wanted.replace(/\//g, '\\') : wanted;
  const root = repoRoot.replace(/[\\/]+$/, '') + (win ? '\\' : '/');
  // DISTINCT in path order over the files_by_path index, so LIMIT ends the scan early; no ORDER BY (it would sort them all).
  const changed = rows(
    db,
    `SELECT DISTINCT path FROM files WHERE path LIKE ? ESCAPE '\\' AND action <> 'read'
       -- the repository's own folder in an absolute path is no match: "repo" must not name every file
       AND (CASE WHEN substr(path, 1, ?) = ? THEN substr(path, ?) ELSE path END) LIKE ? ESCAPE '\\' LIMIT ?`,
    [contains(osStyle), root.length, root, root.length + 1, contains(osStyle), MATCH_SCAN],
  );
  const named = rows(
    db,
    `SELECT DISTINCT path FROM decision_files WHERE path LIKE ? ESCAPE '\\'
     UNION
     SELECT p FROM (SELECT json_extract(j.value, '$.path') AS p FROM reviews r, json_each(CASE WHEN json_valid(r.files) THEN r.files ELSE '[]' END) j) WHERE p LIKE ? ESCAPE '\\'
     LIMIT ?`,
    [contains(wanted), contains(wanted), MATCH_SCAN],
  );
  const files = new Set<string>();
  for (const [path] of [...changed, ...named]) {
    const rel = fileKey(repoRoot, String(path))?.rel;
    if (rel && rel.includes(wanted)) files.add(rel);
  }
  const sorted = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const capped = changed.length === MATCH_SCAN || named.length === MATCH_SCAN || sorted.length > MATCH_SCAN;
  return { files: sorted.slice(0, MATCH_SCAN), capped };
}

/** Whether the record holds any history of the file: indexed lookups only (reviews are few). */
function hasHistory(db: Database, key: FileKey): boolean {
  const [r] = rows(
    db,
    `SELECT EXISTS (SELECT 1 FROM files WHERE path IN (${inList(key.paths.length)}) AND action <> 'read')
         OR EXISTS (SELECT 1 FROM decision_files WHERE path = ?)
         OR EXISTS (SELECT 1 FROM reviews r, json_each(CASE WHEN json_valid(r.files) THEN r.files ELSE '[]' END) j WHERE json_extract(j.value, '$.path') = ?)`,
    [...key.paths, key.rel, key.rel],
  );
  return Number(r?.[0] ?? 0) === 1;
}

/** The file a filter names: typed exactly (it wins over longer paths containing it), or the only one it matches. */
export function resolveFileFilter(db: Database, repoRoot: string, filter: string): { path?: string; candidates: string[]; capped: boolean } {
  const wanted = normalizeFileFilter(repoRoot, filter);
  const exact = wanted ? fileKey(repoRoot, wanted) : undefined;
  // An exact path is answered from the indexes, without looking at every path.
  if (exact && hasHistory(db, exact)) return { path: exact.rel, candidates: [], capped: false };
  const { files, capped } = matchingFiles(db, repoRoot, filter);
  if (files.length === 1 && !capped) return { path: files[0], candidates: [], capped };
  return { candidates: files, capped };
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
  const { path, candidates, capped } = resolveFileFilter(db, repoRoot, filter);
  const empty = { sessions: 0, decisions: 0, reviews: 0, overrides: 0, failures: 0 };
  const base = { filter, limit, candidates: candidates.slice(0, HISTORY_CANDIDATES), moreCandidates: Math.max(0, candidates.length - HISTORY_CANDIDATES), candidatesCapped: capped };
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
