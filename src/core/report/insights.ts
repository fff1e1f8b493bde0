// What the trail teaches: across the newest sessions, where the workflow is weak. Five queries whatever the number of
// sessions (no query per session), each bounded by the window of newest sessions, never by the size of the record.
import type { Database, SqlValue } from 'sql.js';
import { RECOVERY_BUCKETS, RETRY_BUCKETS, type BoardInsights } from '../../protocol';
import { boundaryViolations, parseBoundary, type TaskBoundary } from '../capture/task';
import { classifyChanges } from '../risk/classify';
import { DEFAULT_POLICY } from '../risk/policy';
import type { Policy } from '../risk/types';
import { relativeTo } from './trail';

export interface InsightOptions {
  /** How many of the newest sessions to learn from (default 200). */
  window?: number;
  /** The risk policy whose categories files are sorted into (default: the built-in one). */
  policy?: Policy;
  /** How many rows a ranked chart keeps (default 8). */
  top?: number;
}

export const INSIGHT_WINDOW = 200;
/** Sessions whose tokens are drawn one column each. */
const TOKEN_COLUMNS = 30;

const rows = (db: Database, sql: string, params: SqlValue[]): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];
const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const n = (v: SqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
/** Plain code-unit order: the same on every machine, whatever its locale. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The newest sessions, as a CTE every query below starts from. */
const WINDOW = 'w AS (SELECT id, started_at FROM sessions ORDER BY coalesce(started_at, 0) DESC LIMIT ?1)';

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

/** Counts per key, ranked most first (ties by key), the first `top`. */
function ranked<K extends string>(counts: Map<string, number>, top: number, key: K): ({ [P in K]: string } & { sessions: number })[] {
  return [...counts].sort((a, b) => b[1] - a[1] || byText(a[0], b[0])).slice(0, top)
    .map(([k, sessions]) => ({ [key]: k, sessions }) as { [P in K]: string } & { sessions: number });
}

interface Task {
  boundary?: TaskBoundary;
  requiredChecks: string[];
}

function parseTask(data: SqlValue | undefined): Task {
  try {
    const d = JSON.parse(s(data)) as { allow?: unknown; forbid?: unknown; requiredChecks?: unknown };
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
    const boundary = list(d.allow).length || list(d.forbid).length ? { allow: list(d.allow), forbid: list(d.forbid) } : undefined;
    return { boundary, requiredChecks: list(d.requiredChecks) };
  } catch {
    return { requiredChecks: [] };
  }
}

/** Where the workflow is weak, across the newest `window` sessions (the same rules as a session's flight record). */
export function buildInsights(db: Database, options: InsightOptions = {}): BoardInsights {
  const window = Math.max(1, Math.floor(options.window ?? INSIGHT_WINDOW));
  const top = options.top ?? 8;
  const policy = options.policy ?? DEFAULT_POLICY;

  // 1. The sessions: when, where (paths are read relative to it), their boundary, tokens.
  const sessions = rows(db, `SELECT id, intent, started_at, coalesce(repo, cwd), boundary, input_tokens, output_tokens, cache_tokens
    FROM sessions ORDER BY coalesce(started_at, 0) DESC LIMIT ?`, [window]).map((r) => ({
    id: s(r[0]), intent: s(r[1]), startedAt: r[2] === null ? undefined : n(r[2]), root: s(r[3]), boundary: parseBoundary(r[4]),
    input: n(r[5]), output: n(r[6]), cache: n(r[7]),
  }));
  const byId = new Map(sessions.map((x) => [x.id, x]));
  const starts = sessions.map((x) => x.startedAt).filter((x): x is number => x !== undefined);

  // 2. Checks per session and command: runs, failures, re-runs right after a failure, first failure and first green after it.
  const checkRows = rows(db, `WITH ${WINDOW}, c AS (
      SELECT c.session_id AS sid, c.command, c.kind, c.passed, c.at,
        lag(c.passed) OVER (PARTITION BY c.session_id, c.command ORDER BY c.at, c.event_id) AS prev,
        sum(1 - c.passed) OVER (PARTITION BY c.session_id, c.command ORDER BY c.at, c.event_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS failed_before
      FROM checks c JOIN w ON w.id = c.session_id)
    SELECT sid, command, max(kind), count(*), sum(passed = 0), sum(prev = 0), min(CASE WHEN passed = 0 THEN at END),
      min(CASE WHEN passed = 1 AND failed_before > 0 THEN at END), max(at)
    FROM c GROUP BY sid, command`, [window]);

  // 3. Files each session changed, with when it last changed each.
  const fileRows = rows(db, `WITH ${WINDOW}
    SELECT f.session_id, f.path, max(f.last_at) FROM files f JOIN w ON w.id = f.session_id WHERE f.action <> 'read' GROUP BY f.session_id, f.path`, [window]);

  // 4. The task in force when each session started: the last task event before it, if that started a task.
  const taskRows = rows(db, `WITH ${WINDOW}, t AS (
      SELECT kind, at, data, lead(at) OVER (ORDER BY at, seq) AS next_at FROM events WHERE kind IN ('task.started', 'task.ended'))
    SELECT w.id, t.data FROM w JOIN t ON t.kind = 'task.started' AND t.at <= w.started_at AND (t.next_at IS NULL OR t.next_at > w.started_at)`, [window]);

  // 5. Overrides in the span (all of them while the window holds every session).
  const countAll = n(rows(db, 'SELECT count(*) FROM sessions', [])[0]?.[0]);
  const since = countAll > sessions.length && starts.length ? Math.min(...starts) : 0;
  const overrideRows = rows(db, `SELECT reason, by, at FROM approvals WHERE kind = 'override' AND at >= ? ORDER BY at DESC`, [since]);

  // Checks: the most failing commands; retries and recoveries per session.
  const commands = new Map<string, { kind: string; runs: number; failed: number; sessions: number }>();
  const retriesOf = new Map<string, number>();
  const lastRun = new Map<string, Map<string, number>>();
  const recoveries: number[] = [];
  let open = 0;
  for (const r of checkRows) {
    const [sid, command, kind, runs, failed, reruns, firstFail, green, last] = [s(r[0]), s(r[1]), s(r[2]), n(r[3]), n(r[4]), n(r[5]), r[6], r[7], n(r[8])];
    const c = commands.get(command) ?? { kind, runs: 0, failed: 0, sessions: 0 };
    c.runs += runs;
    c.failed += failed;
    c.sessions++;
    commands.set(command, c);
    retriesOf.set(sid, (retriesOf.get(sid) ?? 0) + reruns);
    const kinds = lastRun.get(sid) ?? new Map<string, number>();
    kinds.set(kind, Math.max(kinds.get(kind) ?? 0, last));
    lastRun.set(sid, kinds);
    if (firstFail === null) continue;
    if (green === null) open++;
    else recoveries.push(n(green) - n(firstFail));
  }
  const failingChecks = [...commands].filter(([, c]) => c.failed > 0)
    .sort((a, b) => b[1].failed - a[1].failed || b[1].runs - a[1].runs || byText(a[0], b[0])).slice(0, top)
    .map(([command, c]) => ({ command, ...c }));
  const retryBuckets = RETRY_BUCKETS.map(() => 0);
  for (const count of retriesOf.values()) retryBuckets[Math.min(count, RETRY_BUCKETS.length - 1)]!++;
  const recoveryBuckets = RECOVERY_BUCKETS.map(() => 0);
  for (const ms of recoveries) recoveryBuckets[RECOVERY_BUCKETS.findIndex((b) => ms < b.upTo)]!++;

  // Files: changed paths relative to their session's repository, by sessions; and per session, its last change.
  const changed = new Map<string, { paths: Set<string>; lastAt: number }>();
  for (const r of fileRows) {
    const sid = s(r[0]);
    const rel = relativeTo(byId.get(sid)?.root ?? '')(s(r[1])).replace(/\\/g, '/');
    const entry = changed.get(sid) ?? { paths: new Set<string>(), lastAt: 0 };
    entry.paths.add(rel);
    entry.lastAt = Math.max(entry.lastAt, n(r[2]));
    changed.set(sid, entry);
  }
  const fileSessions = new Map<string, number>();
  for (const { paths } of changed.values()) for (const p of paths) fileSessions.set(p, (fileSessions.get(p) ?? 0) + 1);
  const risky = new Map(classifyChanges(policy, [...fileSessions.keys()].map((path) => ({ path, change: 'modified' as const, added: [] })))
    .map((f) => [f.path, f.categories]));
  const categorySessions = new Map<string, Set<string>>();
  const categoryFiles = new Map<string, Set<string>>();
  for (const [sid, { paths }] of changed) {
    for (const p of paths) {
      for (const id of risky.get(p) ?? []) {
        (categorySessions.get(id) ?? categorySessions.set(id, new Set()).get(id)!).add(sid);
        (categoryFiles.get(id) ?? categoryFiles.set(id, new Set()).get(id)!).add(p);
      }
    }
  }
  const titles = new Map(policy.categories.map((c) => [c.id, c.title]));
  const categories = [...categorySessions].map(([id, ss]) => ({ id, title: titles.get(id) ?? id, sessions: ss.size, files: categoryFiles.get(id)?.size ?? 0 }))
    .sort((a, b) => b.sessions - a.sessions || b.files - a.files || byText(a.id, b.id));

  // Boundaries and required checks, by the task in force (else the session's own boundary), as a flight record says.
  const tasks = new Map(taskRows.map((r) => [s(r[0]), parseTask(r[1])]));
  let bounded = 0;
  let violating = 0;
  const outside = new Map<string, number>();
  const skipped = new Map<string, number>();
  for (const x of sessions) {
    const task = tasks.get(x.id);
    const boundary = task?.boundary ?? x.boundary;
    const change = changed.get(x.id);
    if (boundary) {
      bounded++;
      const files = new Set(boundaryViolations([...(change?.paths ?? [])], boundary).map((v) => v.slice(0, v.lastIndexOf(': '))));
      if (files.size) violating++;
      for (const f of files) outside.set(f, (outside.get(f) ?? 0) + 1);
    }
    if (change && task?.requiredChecks.length) {
      const kinds = lastRun.get(x.id);
      for (const k of new Set(task.requiredChecks)) if ((kinds?.get(k) ?? -1) < change.lastAt) skipped.set(k, (skipped.get(k) ?? 0) + 1);
    }
  }

  // Overrides, their reasons grouped by the same words in any case.
  const reasons = new Map<string, { reason: string; count: number; by: string; at: number }>();
  for (const r of overrideRows) {
    const reason = s(r[0]).trim().replace(/\s+/g, ' ') || '(no reason)';
    const key = reason.toLowerCase();
    const known = reasons.get(key);
    if (known) known.count++;
    else reasons.set(key, { reason, count: 1, by: s(r[1]), at: n(r[2]) });
  }

  const withTokens = sessions.filter((x) => x.input + x.output + x.cache > 0);
  return {
    sessions: sessions.length,
    window,
    from: starts.length ? Math.min(...starts) : undefined,
    to: starts.length ? Math.max(...starts) : undefined,
    failingChecks,
    skippedChecks: ranked(skipped, top, 'kind'),
    files: ranked(fileSessions, top, 'path'),
    categories,
    boundary: { bounded, violating, files: ranked(outside, top, 'path') },
    retries: { buckets: retryBuckets, total: [...retriesOf.values()].reduce((a, b) => a + b, 0), sessions: retriesOf.size },
    overrides: { total: overrideRows.length, reasons: [...reasons.values()].sort((a, b) => b.count - a.count || b.at - a.at).slice(0, top) },
    tokens: {
      sessions: withTokens.slice(0, TOKEN_COLUMNS).reverse().map(({ id, intent, startedAt, input, output, cache }) => ({ id, intent: intent.slice(0, 200), startedAt, input, output, cache })),
      median: median(withTokens.map((x) => x.input + x.output + x.cache)) ?? 0,
      total: withTokens.reduce((a, x) => a + x.input + x.output + x.cache, 0),
    },
    recovery: { buckets: recoveryBuckets, medianMs: median(recoveries), recovered: recoveries.length, open },
  };
}
