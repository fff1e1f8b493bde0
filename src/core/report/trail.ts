import type { Database, SqlValue } from 'sql.js';
import { isAbsolute, relative } from 'node:path';
import { shortCommit, type FlightTrail, type TrailReview } from './flightTrail';
import { configChange, dependencyChange, dependencyCommand } from '../capture/classify';
import { sessionReviews } from '../review/reviewQueries';
import { boundaryViolations, describeBoundary, parseBoundary, type TaskBoundary } from '../capture/task';
import { readPolicy } from '../risk/read';
import { DEFAULT_POLICY } from '../risk/policy';
import type { Policy } from '../risk/types';
import { planCheck } from './planCheck';
import { buildTurns, checkBreaks, sessionPrompts, turnFacts } from './turns';


function rows(db: Database, sql: string, params: SqlValue[]): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}
const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const n = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : new Date(Number(v)).toISOString());

interface Task {
  intent: string;
  boundary?: TaskBoundary;
  requiredChecks: string[];
}

/** The task in force when the session started: the last one started before it, unless ended since. */
function taskFor(db: Database, startedAt: number): Task | undefined {
  const [row] = rows(db, `SELECT kind, data FROM events WHERE kind IN ('task.started', 'task.ended') AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1`, [startedAt]);
  if (!row || row[0] !== 'task.started') return undefined;
  const d = JSON.parse(s(row[1])) as { intent?: unknown; allow?: unknown; forbid?: unknown; requiredChecks?: unknown };
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const boundary = list(d.allow).length || list(d.forbid).length ? { allow: list(d.allow), forbid: list(d.forbid) } : undefined;
  return { intent: typeof d.intent === 'string' ? d.intent : '', boundary, requiredChecks: list(d.requiredChecks) };
}

function parseList(v: SqlValue | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(s(v) || '[]');
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** Paths inside the repository read better relative to it, as a reviewer would write them. */
export function relativeTo(root: string): (p: string) => string {
  return (p) => {
    const r = root ? relative(root, p) : p;
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
}

/** Files a session created, changed or deleted, in the order first touched. */
function changedFiles(db: Database, id: string, rel: (p: string) => string): { path: string; change: string }[] {
  return rows(
    db,
    `SELECT path, CASE WHEN max(action = 'deleted') THEN 'deleted' WHEN max(action = 'created') THEN 'created' ELSE 'modified' END
     FROM files WHERE session_id = ? AND action <> 'read' GROUP BY path ORDER BY min(first_at)`,
    [id],
  ).map((r) => ({ path: rel(s(r[0])), change: s(r[1]) }));
}

/** Required checks not run after the last change, and changes outside the boundary. */
function concerns(db: Database, id: string, changed: string[], task: Task | undefined, boundary: TaskBoundary | undefined): { skippedChecks: string[]; boundaryViolations: string[] } {
  let skippedChecks: string[] = [];
  if (changed.length && task?.requiredChecks.length) {
    const lastChangeAt = Number(rows(db, `SELECT max(last_at) FROM files WHERE session_id = ? AND action <> 'read'`, [id])[0]?.[0] ?? 0);
    const ranAfterChange = new Set(rows(db, 'SELECT kind FROM checks WHERE session_id = ? AND at >= ?', [id, lastChangeAt]).map((r) => s(r[0])));
    skippedChecks = task.requiredChecks.filter((k) => !ranAfterChange.has(k)).map((k) => `${k}: required, not run after the last change`);
  }
  return { skippedChecks, boundaryViolations: boundary ? boundaryViolations(changed, boundary) : [] };
}

/**
 * How many skipped checks and boundary violations a session has: the board's badges, without building
 * the whole flight record. The same rules as buildTrail.
 */
export function sessionConcerns(db: Database, id: string): { skippedChecks: number; boundaryViolations: number } {
  const [session] = rows(db, 'SELECT repo, cwd, boundary, started_at FROM sessions WHERE id = ?', [id]);
  if (!session) return { skippedChecks: 0, boundaryViolations: 0 };
  const task = taskFor(db, Number(session[3] ?? 0));
  const boundary = task?.boundary ?? parseBoundary(session[2]);
  if (!boundary && !task?.requiredChecks.length) return { skippedChecks: 0, boundaryViolations: 0 };
  const changed = changedFiles(db, id, relativeTo(s(session[0]) || s(session[1]))).map((f) => f.path);
  const c = concerns(db, id, changed, task, boundary);
  return { skippedChecks: c.skippedChecks.length, boundaryViolations: c.boundaryViolations.length };
}

const isoOf = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

/** A session's reviews as plain strings and numbers (the webview and exports read them). */
function trailReviews(db: Database, id: string): TrailReview[] {
  return sessionReviews(db, id).map((r) => ({
    id: r.id, subject: r.subject, status: r.status, verdict: r.verdict ?? '', engine: r.engine ?? '', model: r.model ?? '',
    promptVersion: r.promptVersion ?? '', inputHash: r.inputHash ?? '', policyHash: r.policyHash ?? '', by: r.by ?? '',
    openedAt: isoOf(r.openedAt), verdictAt: isoOf(r.verdictAt),
    concerns: r.concerns.map((c) => ({
      file: String(c.file ?? ''), line: typeof c.line === 'number' ? c.line : null, severity: String(c.severity ?? ''), title: String(c.title ?? ''),
      explanation: String(c.explanation ?? ''), rule: c.rule ?? '', engine: c.engine ?? '',
    })),
    overrides: r.overrides.map((o) => ({ reason: o.reason, by: o.by, at: isoOf(o.at), expiresAt: isoOf(o.expiresAt) })),
  }));
}

/** Up to two sessions whose id is `prefix` or starts with it; the exact one first (an id sorts before its longer ones). */
export function sessionsByIdPrefix(db: Database, prefix: string): string[] {
  return rows(db, 'SELECT id FROM sessions WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 2', [prefix, `${prefix}%`]).map((r) => s(r[0]));
}

/** The session an id or a unique start of one names; `latest`: the newest session. */
export function resolveSessionId(db: Database, idOrLatest: string): string | undefined {
  if (idOrLatest !== 'latest') {
    const found = sessionsByIdPrefix(db, idOrLatest);
    return found.length === 1 || found[0] === idOrLatest ? found[0] : undefined;
  }
  return s(rows(db, 'SELECT id FROM sessions ORDER BY coalesce(started_at, 0) DESC LIMIT 1', [])[0]?.[0]) || undefined;
}

/** The policy of the repository a session worked in, as it is now; the defaults when it has none or is gone. */
function policyOf(root: string): Policy {
  if (!root) return DEFAULT_POLICY;
  try {
    return readPolicy(root, { persist: false }).policy;
  } catch {
    return DEFAULT_POLICY;
  }
}

export interface TrailOptions {
  /** The policy whose categories say which checks matter (default: the repository's, read from disk). */
  policy?: Policy;
}

export function buildTrail(db: Database, id: string, options: TrailOptions = {}): FlightTrail | undefined {
  const [session] = rows(
    db,
    `SELECT agent, model, intent, boundary, repo, branch, start_commit, end_commit, started_at,
       coalesce(ended_at, nullif(max(coalesce((SELECT max(at) FROM events WHERE session_id = sessions.id), 0), coalesce(last_at, 0)), 0)), cwd, commits, diff_stat, start_dirty, version
     FROM sessions WHERE id = ?`,
    [id],
  );
  if (!session) return undefined;
  const root = s(session[4]) || s(session[10]);
  const rel = relativeTo(root);
  const filesRead = rows(db, `SELECT path FROM files WHERE session_id = ? AND action = 'read' ORDER BY first_at`, [id]).map((r) => rel(s(r[0])));
  const filesChanged = changedFiles(db, id, rel);
  const commands = rows(
    db,
    'SELECT command, cwd, exit_code, started_at, duration_ms, source, outcome, note FROM commands WHERE session_id = ? ORDER BY started_at, id',
    [id],
  ).map((r) => ({
    command: s(r[0]), cwd: s(r[1]), exitCode: n(r[2]), outcome: s(r[6]), note: s(r[7]), startedAt: iso(r[3]), durationMs: n(r[4]), source: s(r[5]),
  }));

  const attempts = new Map<string, number>();
  const checks = rows(db, 'SELECT kind, command, passed, exit_code, commit_sha, tree_sha, tree_dirty FROM checks WHERE session_id = ? ORDER BY at, event_id', [id]).map((r) => {
    const command = s(r[1]);
    const attempt = (attempts.get(command) ?? 0) + 1;
    attempts.set(command, attempt);
    return {
      kind: s(r[0]), command, passed: r[2] === 1, exitCode: n(r[3]), commit: s(r[4]), tree: s(r[5]),
      treeDirty: r[6] === null || r[6] === undefined ? null : r[6] === 1, attempt,
    };
  });
  const failures = checks.filter((c) => !c.passed).map((c) => `${c.command} failed (exit ${c.exitCode ?? '?'})${c.commit ? ` at ${shortCommit(c.commit)}${c.treeDirty ? ' with uncommitted changes' : ''}` : ''}`);
  const retries: string[] = [];
  for (const [command, count] of attempts) {
    if (count < 2) continue;
    const runs = checks.filter((c) => c.command === command);
    const last = runs[runs.length - 1];
    const failedRuns = runs.filter((c) => !c.passed).length;
    if (failedRuns > 0) retries.push(`${command}: failed ${failedRuns}×, ${last?.passed ? 'then passed' : 'still failing'} after ${count} runs`);
  }

  const approvals = rows(db, `SELECT kind, subject, by, at FROM approvals WHERE session_id = ? AND kind <> 'override' ORDER BY at`, [id]).map((r) => ({
    kind: s(r[0]), subject: s(r[1]), by: s(r[2]), at: iso(r[3]),
  }));
  const overrides = rows(db, `SELECT subject, reason, by, at FROM approvals WHERE session_id = ? AND kind = 'override' ORDER BY at`, [id]).map((r) => ({
    subject: s(r[0]), reason: s(r[1]), by: s(r[2]), at: iso(r[3]),
  }));
  const reviews = trailReviews(db, id);

  const changed = filesChanged.map((f) => f.path);
  const installs = commands.flatMap((c) => {
    const d = dependencyCommand(c.command);
    return d ? [`${d.manager} ${d.action}${d.packages.length ? ` ${d.packages.join(' ')}` : ''} (\`${c.command}\`)`] : [];
  });
  const dependencyChanges = [...changed.filter((p) => dependencyChange(p)), ...installs];
  const configChanges = changed.filter((p) => configChange(p) && !dependencyChange(p));
  const startCommit = s(session[6]);
  const commits = parseList(session[11]);
  const task = taskFor(db, Number(session[8] ?? 0));
  const boundary = task?.boundary ?? parseBoundary(session[3]);
  const { skippedChecks, boundaryViolations: violations } = concerns(db, id, changed, task, boundary);
  const rollback = commits.length
    ? `revert ${commits.map((c) => shortCommit(c.split(' ')[0] ?? '')).reverse().join(', ')}${startCommit ? ` (or reset to ${shortCommit(startCommit)})` : ''}`
    : changed.length === 0 ? '' : startCommit
      ? `restore ${changed.join(', ')} from ${shortCommit(startCommit)}`
      : `revert the changes to ${changed.join(', ')}`;

  const intent = task?.intent || s(session[2]);
  const startDirty = session[13] === null || session[13] === undefined ? null : session[13] === 1;
  const boundaryText = boundary ? describeBoundary(boundary) : s(session[3]);
  const prompts = sessionPrompts(db, id);
  const facts = turnFacts(db, id, prompts);
  const plan = planCheck({
    db, session: id, prompts, rel, policy: options.policy ?? policyOf(root), taskChecks: task?.requiredChecks ?? [],
    trail: {
      intent, boundary: boundaryText, filesChanged, boundaryViolations: violations, commits, startCommit, startDirty, rollback, dependencyChanges, configChanges,
    },
  });

  return {
    id, agent: s(session[0]), agentVersion: s(session[14]), model: s(session[1]), intent,
    boundary: boundaryText,
    repo: root, branch: s(session[5]), startCommit, startDirty,
    endCommit: s(session[7]),
    startedAt: iso(session[8]), endedAt: iso(session[9]),
    filesRead, filesChanged, commands, checks, failures, retries, skippedChecks, dependencyChanges, configChanges,
    boundaryViolations: violations, approvals, overrides, reviews, commits, diffStat: s(session[12]), rollback,
    planCheck: plan, turns: buildTurns(db, id, facts, rel), checkBreaks: checkBreaks(db, id, facts, rel),
  };
}
