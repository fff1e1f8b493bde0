// The plan held against the result: the questions a reviewer asks after a session, each answered from the record
// with its evidence (files and when they changed, commands and checks with their times, the turn they fell in).
import type { Database, SqlValue } from 'sql.js';
import { basename } from 'node:path';
import { classifyChanges } from '../risk/classify';
import type { Policy } from '../risk/types';
import { isTestFile } from '../capture/weakening';
import { planSource, shortCommit, type FlightTrail, type PlanAnswer, type PlanCheck, type PlanSummary } from './flightTrail';
import { turnAt, type Prompt } from './turns';

const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const rows = (db: Database, sql: string, params: SqlValue[]): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];
const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** What the plan check reads of the trail being built. */
export type PlanTrail = Pick<FlightTrail, 'intent' | 'boundary' | 'filesChanged' | 'boundaryViolations' | 'commits' | 'startCommit' | 'startDirty' | 'rollback' | 'dependencyChanges' | 'configChanges'>;

export interface PlanInputs {
  db: Database;
  session: string;
  trail: PlanTrail;
  prompts: readonly Prompt[];
  rel: (p: string) => string;
  policy: Policy;
  /** Check kinds the task requires besides the policy's. */
  taskChecks: readonly string[];
}

/** A JSON list of strings in a column; anything else is none. */
function stringList(v: SqlValue | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(s(v) || '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The session's plans: the user's latest (with every file the user's plans cover), else the agent's latest ExitPlanMode
 * text and TodoWrite list; and the texts the changed files are matched against. The user's plan is authoritative: once
 * there is one, the agent's plans are not what the session is held against.
 */
function plans(db: Database, session: string): { summary?: PlanSummary; texts: string[]; files: string[] } {
  const found = rows(db, 'SELECT origin, text, todos, at, files, by FROM plans WHERE session_id = ? ORDER BY at, event_id', [session]);
  const texts: string[] = [];
  const userTexts: string[] = [];
  const userFiles = new Set<string>();
  let user: { text: string; at: number; by: string } | undefined;
  let presented: { text: string; at: number } | undefined;
  let todos: { list: { content: string; status: string }[]; at: number } | undefined;
  for (const [origin, text, todoJson, at, files, by] of found) {
    if (origin === 'user' && text) {
      user = { text: s(text), at: Number(at), by: s(by) };
      userTexts.push(s(text));
      for (const f of stringList(files)) userFiles.add(f);
    } else if (origin === 'ExitPlanMode' && text) {
      presented = { text: s(text), at: Number(at) };
      texts.push(s(text));
    } else if (origin === 'TodoWrite') {
      let list: { content: string; status: string }[] = [];
      try {
        const parsed: unknown = JSON.parse(s(todoJson) || '[]');
        if (Array.isArray(parsed)) list = parsed.map((t: Record<string, unknown>) => ({ content: String(t.content ?? ''), status: String(t.status ?? '') }));
      } catch {
        /* an unreadable list is no plan */
      }
      todos = { list, at: Number(at) };
      texts.push(...list.map((t) => t.content));
    }
  }
  const agent = presented || todos
    ? { origin: presented ? 'ExitPlanMode' as const : 'TodoWrite' as const, at: Math.max(presented?.at ?? 0, todos?.at ?? 0) }
    : undefined;
  if (user) {
    const summary: PlanSummary = { origin: 'user', at: new Date(user.at).toISOString(), text: user.text, todos: [], files: [...userFiles].sort() };
    if (user.by) summary.by = user.by;
    if (agent) summary.agentPlan = { origin: agent.origin, at: new Date(agent.at).toISOString() };
    return { summary, texts: userTexts, files: [...userFiles] };
  }
  if (!agent) return { texts, files: [] };
  return {
    texts, files: [],
    summary: {
      origin: agent.origin, at: new Date(agent.at).toISOString(), text: presented?.text ?? '', todos: todos?.list ?? [],
    },
  };
}

const escapeRe = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a plan's text names a file: its path, its name, or a folder it is in. The text is lowered once. */
export function planMentions(planText: string): (path: string) => boolean {
  const text = planText.toLowerCase();
  return (path) => {
    const p = path.toLowerCase().replace(/\\/g, '/');
    if (text.includes(p)) return true;
    const name = basename(p);
    if (name.length > 2 && new RegExp(`(^|[^\\w.-])${escapeRe(name)}($|[^\\w-]|\\.(?!\\w))`).test(text)) return true;
    // A folder the plan names on its own ("everything in src/auth/", "src/auth/**") holds the file; one in a file's path does not.
    const parts = p.split('/');
    for (let i = parts.length - 1; i >= 1; i--) {
      const dir = parts.slice(0, i).join('/');
      if ((dir.includes('/') || dir.length > 3) && new RegExp(`(^|[^\\w.-])${escapeRe(dir)}/(?=$|[\\s*\`'"),;:])`).test(text)) return true;
    }
    return false;
  };
}

/** What of each text the file matching reads: a plan names its files early, and a pasted log is not a plan. */
const MATCHED_CHARS = 100_000;

/** Builds the plan check of a session (see PlanCheck). */
export function planCheck(x: PlanInputs): PlanCheck {
  const { db, session, trail, prompts, rel } = x;
  const { summary, texts, files } = plans(db, session);
  const plan: PlanSummary = summary ?? (trail.intent
    ? { origin: 'intent', at: prompts[0] ? new Date(prompts[0].at).toISOString() : '', text: trail.intent, todos: [] }
    : { origin: 'none', at: '', text: '', todos: [] });

  // When each changed file was first and last changed, and in which turn.
  const touched = new Map<string, { first: number; last: number }>();
  for (const [path, at] of rows(db, `SELECT path, at FROM file_touches WHERE session_id = ? ORDER BY at`, [session])) {
    const p = rel(s(path));
    const t = touched.get(p);
    if (t) t.last = Number(at);
    else touched.set(p, { first: Number(at), last: Number(at) });
  }
  const when = (ms: number): string => `${clock(ms)} (turn ${turnAt(prompts, ms)})`;
  const changedWhen = (path: string): string => {
    const t = touched.get(path);
    return t ? `, changed at ${when(t.first)}${t.last !== t.first ? `, last at ${when(t.last)}` : ''}` : '';
  };

  const answers: PlanAnswer[] = [
    boundaryAnswer(trail, changedWhen),
    unplannedAnswer(trail, plan, [...texts, trail.intent, ...prompts.map((p) => p.text)], files, (iso) => when(Date.parse(iso)), changedWhen),
    checksAnswer(x, touched, when),
    weakenedAnswer(x, when),
    rollbackAnswer(x),
  ];
  // Evidence quotes commands and lines: each stays a line a person reads.
  for (const a of answers) a.evidence = a.evidence.slice(0, MAX_EVIDENCE).map((e) => (e.length > MAX_EVIDENCE_CHARS ? `${e.slice(0, MAX_EVIDENCE_CHARS)}…` : e));
  return { plan, answers };
}

const MAX_EVIDENCE = 100;
const MAX_EVIDENCE_CHARS = 600;

function boundaryAnswer(trail: PlanTrail, changedWhen: (p: string) => string): PlanAnswer {
  const question = 'Did the agent stay inside the requested boundary?';
  if (!trail.boundary) {
    return { id: 'boundary', question, verdict: 'unknown', answer: 'No boundary was given: start a task with one to have it checked.', evidence: [] };
  }
  if (trail.boundaryViolations.length) {
    return {
      id: 'boundary', question, verdict: 'concern',
      answer: `No: ${trail.boundaryViolations.length} change${trail.boundaryViolations.length === 1 ? '' : 's'} outside "${trail.boundary}".`,
      evidence: trail.boundaryViolations.map((v) => `${v}${changedWhen(v.slice(0, v.indexOf(': ')))}`),
    };
  }
  const n = trail.filesChanged.length;
  return { id: 'boundary', question, verdict: 'ok', answer: `Yes: ${n === 0 ? 'nothing was changed' : `all ${n} changed file${n === 1 ? ' is' : 's are'} inside`} "${trail.boundary}".`, evidence: trail.filesChanged.map((f) => f.path) };
}

/** Whether a path is one of the user's plan's files, or inside a folder it names. */
const coveredBy = (files: readonly string[]) => (path: string): boolean => files.some((f) => path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`));

function unplannedAnswer(
  trail: PlanTrail, plan: PlanSummary, texts: string[], planFiles: readonly string[], clock: (iso: string) => string, changedWhen: (p: string) => string,
): PlanAnswer {
  const question = 'Did it touch files its plan did not mention?';
  if (plan.origin === 'none') return { id: 'unplanned', question, verdict: 'unknown', answer: 'No plan and no intent were recorded.', evidence: [] };
  const mentions = planMentions(texts.filter(Boolean).map((t) => t.slice(0, MATCHED_CHARS)).join('\n'));
  const covered = coveredBy(planFiles);
  const named = (path: string): boolean => covered(path) || mentions(path);
  const unplanned = trail.filesChanged.filter((f) => !named(f.path));
  const from = plan.origin === 'intent' ? 'the task and prompts (no plan was presented)'
    : plan.origin === 'user' ? 'your plan, the task and prompts' : `the ${plan.origin} plan, the task and prompts`;
  // Which plan the files were held against, said once at the end of the evidence.
  const source = plan.origin === 'intent' ? [] : [`${planSource(plan, clock)}${planFiles.length ? `; it covers ${planFiles.slice(0, 20).join(', ')}${planFiles.length > 20 ? ` and ${planFiles.length - 20} more` : ''}` : ''}`];
  if (unplanned.length === 0) {
    return { id: 'unplanned', question, verdict: 'ok', answer: `No: every changed file is named in ${from}.`, evidence: [...trail.filesChanged.map((f) => f.path), ...source] };
  }
  return {
    id: 'unplanned', question, verdict: 'concern',
    answer: `Yes: ${unplanned.length} of ${trail.filesChanged.length} changed files are not named in ${from}.`,
    evidence: [...unplanned.map((f) => `${f.path}${f.change === 'modified' ? '' : ` (${f.change})`}${changedWhen(f.path)}`), ...source],
  };
}

function checksAnswer(x: PlanInputs, touched: Map<string, { first: number; last: number }>, when: (ms: number) => string): PlanAnswer {
  const { db, session, trail, policy } = x;
  const question = 'Did it run the checks that matter for this code path?';
  const risky = classifyChanges(policy, trail.filesChanged.map((f) => ({ path: f.path, change: f.change === 'created' ? 'added' : f.change === 'deleted' ? 'deleted' : 'modified', added: [] })));
  // Categories reviews found by content (a path alone may not say it) count too.
  const reviewed = new Map<string, string[]>();
  for (const [cats, files] of rows(db, 'SELECT categories, files FROM reviews WHERE session_id = ?', [session])) {
    const list = (v: SqlValue | undefined): string[] => {
      try {
        const parsed: unknown = JSON.parse(s(v) || '[]');
        return Array.isArray(parsed) ? parsed.map((p) => (typeof p === 'string' ? p : String((p as Record<string, unknown>).path ?? ''))) : [];
      } catch {
        return [];
      }
    };
    for (const c of list(cats)) reviewed.set(c, [...(reviewed.get(c) ?? []), ...list(files)]);
  }
  const lastChangeOf = (paths: string[]): number => Math.max(0, ...paths.map((p) => touched.get(p)?.last ?? 0));
  const needs: { kind: string; pattern?: string; why: string; since: number }[] = [];
  for (const c of policy.categories) {
    const files = [...risky.filter((r) => r.categories.includes(c.id)).map((r) => r.path), ...(reviewed.get(c.id) ?? [])];
    if (!files.length && !reviewed.has(c.id)) continue;
    const since = lastChangeOf(files) || lastChangeOf([...touched.keys()]);
    for (const kind of c.requiredChecks) needs.push({ kind, pattern: c.requiredCheckPattern, why: `${c.id} (${[...new Set(files)].slice(0, 3).join(', ')})`, since });
  }
  const allChanges = lastChangeOf([...touched.keys()]);
  for (const kind of x.taskChecks) needs.push({ kind, why: 'the task', since: allChanges });
  const runs = rows(db, 'SELECT kind, command, passed, at, commit_sha, exit_code FROM checks WHERE session_id = ? ORDER BY at, event_id', [session]);
  const describe = (r: SqlValue[]): string =>
    `\`${s(r[1])}\` ${r[2] === 1 ? 'passed' : `failed (exit ${s(r[5]) || '?'})`} at ${when(Number(r[3]))}${r[4] ? ` on ${shortCommit(s(r[4]))}` : ''}`;
  if (needs.length === 0) {
    const ran = [...new Map(runs.map((r) => [s(r[1]), r])).values()];
    return {
      id: 'checks', question, verdict: 'ok',
      answer: `No category of the policy was touched, so none is required${ran.length ? `; ${ran.length} check${ran.length === 1 ? '' : 's'} ran anyway` : ''}.`,
      evidence: ran.map((r) => `${s(r[0])}: ${describe(r)} (last run)`),
    };
  }
  const evidence: string[] = [];
  let missing = 0;
  const seen = new Set<string>();
  for (const need of needs) {
    const key = `${need.kind}\0${need.pattern ?? ''}\0${need.since}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pattern = need.pattern ? new RegExp(need.pattern, 'i') : undefined;
    const after = runs.filter((r) => s(r[0]) === need.kind && Number(r[3]) >= need.since && (!pattern || pattern.test(s(r[1]))));
    const last = after[after.length - 1];
    if (!last) {
      missing++;
      const earlier = runs.filter((r) => s(r[0]) === need.kind).pop();
      evidence.push(`${need.kind} for ${need.why}: not run after the last change at ${need.since ? when(need.since) : '?'}${earlier ? `; the last ${need.kind} run was earlier: ${describe(earlier)}` : ''}`);
    } else {
      if (last[2] !== 1) missing++;
      evidence.push(`${need.kind} for ${need.why}: ${describe(last)}`);
    }
  }
  return {
    id: 'checks', question, verdict: missing ? 'concern' : 'ok',
    answer: missing ? `No: ${missing} required check${missing === 1 ? ' was' : 's were'} not run, or not passing, after the last change.` : 'Yes: every required check passed after the last change.',
    evidence,
  };
}

interface WeakSignal {
  at: number;
  path: string;
  kind: string;
  detail: string;
  check: string;
}

/** Test files deleted (by a tool or `rm`/`git rm`), and edits that weakened a check, as one list in time order. */
function weakSignals(x: PlanInputs): WeakSignal[] {
  const { db, session, rel } = x;
  const out: WeakSignal[] = [];
  const found = rows(
    db,
    `SELECT w.at, w.path, w.kind, w.detail, w.check_kind, r.data FROM weakenings w LEFT JOIN events r ON r.id = 'tool-result:' || w.tool_use_id
     WHERE w.session_id = ? ORDER BY w.at, w.event_id, w.n`,
    [session],
  );
  for (const [at, path, kind, detail, check, result] of found) {
    // An edit refused or failed did not happen.
    if (/"outcome":"(rejected|denied|error|interrupted)"/.test(s(result))) continue;
    out.push({ at: Number(at), path: rel(s(path)), kind: s(kind), detail: s(detail), check: s(check) });
  }
  for (const [path, at] of rows(db, `SELECT path, min(at) FROM file_touches WHERE session_id = ? AND action = 'deleted' GROUP BY path`, [session])) {
    const p = rel(s(path));
    if (isTestFile(p)) out.push({ at: Number(at), path: p, kind: 'test-deleted', detail: `test file deleted: ${p}`, check: 'test' });
  }
  for (const [command, at] of rows(db, `SELECT command, started_at FROM commands WHERE session_id = ? AND command LIKE '%git rm %' AND coalesce(exit_code, 0) = 0`, [session])) {
    const m = /\bgit\s+rm\s+(.+)$/.exec(s(command));
    const paths = (m?.[1] ?? '').split(/\s+/).filter((w) => w && !w.startsWith('-') && isTestFile(w));
    for (const p of paths) if (!out.some((o) => o.kind === 'test-deleted' && o.path.endsWith(p))) out.push({ at: Number(at), path: p, kind: 'test-deleted', detail: `test file removed with \`${s(command)}\``, check: 'test' });
  }
  return out.sort((a, b) => a.at - b.at);
}

function weakenedAnswer(x: PlanInputs, when: (ms: number) => string): PlanAnswer {
  const question = 'Did it accept a weaker design after a failure (a test skipped or deleted, an assertion loosened, a check removed)?';
  const signals = weakSignals(x);
  if (signals.length === 0) return { id: 'weakened', question, verdict: 'ok', answer: 'No: no test was skipped or deleted, no assertion loosened and no check removed.', evidence: [] };
  const failures = rows(x.db, 'SELECT kind, command, at, exit_code, passed FROM checks WHERE session_id = ? ORDER BY at, event_id', [x.session]);
  let afterFailure = 0;
  const evidence = signals.map((w) => {
    const failed = failures.filter((f) => f[4] !== 1 && Number(f[2]) <= w.at && (!w.check || s(f[0]) === w.check)).pop();
    const passedAfter = failed ? failures.find((f) => f[4] === 1 && Number(f[2]) > w.at && s(f[1]) === s(failed[1])) : undefined;
    if (failed) afterFailure++;
    const after = failed
      ? ` — after \`${s(failed[1])}\` failed (exit ${s(failed[3]) || '?'}) at ${when(Number(failed[2]))}${passedAfter ? `; it passed next at ${when(Number(passedAfter[2]))}` : ''}`
      : ' (no check had failed before it)';
    return `${w.path} at ${when(w.at)}: ${w.detail}${after}`;
  });
  return {
    id: 'weakened', question, verdict: afterFailure ? 'concern' : 'ok',
    answer: afterFailure
      ? `Yes: ${afterFailure} weakening${afterFailure === 1 ? '' : 's'} right after a failing check — the check may pass because it asks less.`
      : `No failure preceded them, but ${signals.length} change${signals.length === 1 ? '' : 's'} weakened a check: look at ${signals.length === 1 ? 'it' : 'them'}.`,
    evidence,
  };
}

function rollbackAnswer(x: PlanInputs): PlanAnswer {
  const { trail, policy } = x;
  const question = 'Is rollback obvious enough for the risk level?';
  if (trail.filesChanged.length === 0 && trail.commits.length === 0) return { id: 'rollback', question, verdict: 'ok', answer: 'Nothing to roll back: no file was changed.', evidence: [] };
  const risky = classifyChanges(policy, trail.filesChanged.map((f) => ({ path: f.path, change: 'modified', added: [] })));
  const reviewCategories = new Set(risky.flatMap((r) => r.categories).filter((c) => policy.categories.find((p) => p.id === c)?.review));
  const level = reviewCategories.size || trail.boundaryViolations.length ? 'high' : risky.length || trail.dependencyChanges.length || trail.configChanges.length ? 'medium' : 'low';
  const why = [
    reviewCategories.size ? `touches ${[...reviewCategories].join(', ')}` : '',
    trail.boundaryViolations.length ? 'crosses its boundary' : '',
    level === 'medium' ? 'changes dependencies, configuration or a policy category' : '',
  ].filter(Boolean).join('; ');
  const evidence = [`risk: ${level}${why ? ` (${why})` : ''}`, `rollback: ${trail.rollback || 'none recorded'}`];
  if (trail.startDirty) evidence.push('the session started on uncommitted changes: returning to the starting commit would also undo those');
  if (trail.commits.length) {
    const verdict = level === 'high' && trail.startDirty ? 'concern' : 'ok';
    return { id: 'rollback', question, verdict, answer: `${verdict === 'ok' ? 'Yes' : 'Mostly'}: ${trail.commits.length} commit${trail.commits.length === 1 ? '' : 's'} to revert (${level} risk).`, evidence };
  }
  if (!trail.startCommit) {
    return { id: 'rollback', question, verdict: level === 'low' ? 'unknown' : 'concern', answer: `No starting commit is recorded, so rollback means undoing ${trail.filesChanged.length} file change${trail.filesChanged.length === 1 ? '' : 's'} by hand (${level} risk).`, evidence };
  }
  if (level === 'low' && !trail.startDirty) {
    return { id: 'rollback', question, verdict: 'ok', answer: `Yes for a low-risk change: restore ${trail.filesChanged.length} file${trail.filesChanged.length === 1 ? '' : 's'} from ${shortCommit(trail.startCommit)}.`, evidence };
  }
  return {
    id: 'rollback', question, verdict: 'concern',
    answer: `No: the changes are not committed (${level} risk); commit them so one revert undoes them.`,
    evidence,
  };
}
