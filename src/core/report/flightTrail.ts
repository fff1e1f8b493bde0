// The flight record's shape, shared by the report code, the CLI's JSON and the board webview.

/** One session's artifact trail: what another engineer needs at 02:00 without reading the chat. */
export interface FlightTrail {
  id: string;
  agent: string;
  /** The agent's own version (Claude Code's), when known. */
  agentVersion: string;
  model: string;
  intent: string;
  boundary: string;
  repo: string;
  branch: string;
  startCommit: string;
  /** Whether tracked files had uncommitted changes when the session started; null when not known. */
  startDirty: boolean | null;
  endCommit: string;
  startedAt: string;
  endedAt: string;
  filesRead: string[];
  filesChanged: { path: string; change: string }[];
  /** `outcome` ok with a non-zero exit code is a command that did what was asked (`note` says how: "No matches found"). */
  commands: {
    command: string; cwd: string; exitCode: number | null; outcome: string; note: string; startedAt: string; durationMs: number | null; source: string;
  }[];
  /**
   * `commit` is HEAD when the check ran (full id); `tree` the working tree's own id and `treeDirty` whether it held
   * changes HEAD does not (then the check proves that tree, not the commit); null when not known.
   */
  checks: {
    kind: string; command: string; passed: boolean; exitCode: number | null; commit: string; tree: string; treeDirty: boolean | null; attempt: number;
  }[];
  failures: string[];
  retries: string[];
  skippedChecks: string[];
  dependencyChanges: string[];
  configChanges: string[];
  boundaryViolations: string[];
  approvals: { kind: string; subject: string; by: string; at: string }[];
  overrides: { subject: string; reason: string; by: string; at: string }[];
  /** Second-eye reviews of the session's risky changes: each engine's verdict combined, every concern and override. */
  reviews: TrailReview[];
  commits: string[];
  diffStat: string;
  rollback: string;
  /** The plan (presented by the agent, or the task's intent) held against what the record shows. */
  planCheck: PlanCheck;
  /** Each prompt with what it caused; turn 0 holds activity before the first prompt, when there was any. */
  turns: Turn[];
  /** Checks failing at the end of the session: since which turn, and when they last passed. */
  checkBreaks: CheckBreak[];
}

/**
 * One prompt and what followed it until the next. Times are ISO-8601; `commit` the commit the turn ended on (HEAD when
 * the agent's Stop hook fired), else the last HEAD a command saw in it.
 */
export interface Turn {
  n: number;
  at: string;
  prompt: string;
  files: { path: string; change: string }[];
  /** At most 200, each cut to 500 characters (the trail's `commands` hold them all, whole). */
  commands: { command: string; exitCode: number | null; outcome: string; at: string }[];
  /** Commands of this turn beyond those listed. */
  commandsOmitted: number;
  checks: { kind: string; command: string; passed: boolean; at: string; commit: string }[];
  commit: string;
}

/**
 * A check failing now: since which run (turn, time, commit), the last run that passed, and what changed in between. A
 * run's commit is the one its turn ended on when the Stop hook told it, else the HEAD the run saw.
 */
export interface CheckBreak {
  command: string;
  kind: string;
  failedRuns: number;
  failingSince: { turn: number; at: string; commit: string };
  /** `session` empty: this session; else the earlier session it passed in (and its intent). */
  lastPassed?: { session: string; sessionIntent: string; turn: number; at: string; commit: string };
  changedBetween: string[];
}

/**
 * Where the plan came from: the user (flightdeck plan, Record plan…), which wins over the agent's; else the agent's
 * ExitPlanMode or TodoWrite; else the task's intent and boundary.
 */
export interface PlanSummary {
  origin: 'user' | 'ExitPlanMode' | 'TodoWrite' | 'intent' | 'none';
  at: string;
  /** The latest plan's text (Markdown): the user's, else the one the agent presented; or the intent. */
  text: string;
  /** The latest TodoWrite list. */
  todos: { content: string; status: string }[];
  /** The files the user's plan covers (repository-relative); absent for other plans. */
  files?: string[];
  /** Who typed the user's plan (git identity), when known. */
  by?: string;
  /** The agent's own plan, when the user's took its place. */
  agentPlan?: { origin: 'ExitPlanMode' | 'TodoWrite'; at: string };
}

/** "plan from you at 10:42:03" / "plan from the agent's ExitPlanMode at …": where the plan held against the session came from. */
export function planSource(plan: PlanSummary, clock: (iso: string) => string): string {
  if (plan.origin === 'none') return 'no plan and no intent recorded';
  if (plan.origin === 'intent') return "the task's intent (no plan presented)";
  const at = plan.at ? ` at ${clock(plan.at)}` : '';
  if (plan.origin === 'user') {
    const agent = plan.agentPlan ? `; it takes the place of the agent's ${plan.agentPlan.origin} plan${plan.agentPlan.at ? ` at ${clock(plan.agentPlan.at)}` : ''}` : '';
    return `plan from you${plan.by ? ` (${plan.by})` : ''}${at}${agent}`;
  }
  return `plan from the agent's ${plan.origin}${at}`;
}

export type PlanQuestionId = 'boundary' | 'unplanned' | 'checks' | 'weakened' | 'rollback';

/** A reviewer's question, answered from the record: ok, concern, or unknown (the record cannot say), with the evidence. */
export interface PlanAnswer {
  id: PlanQuestionId;
  question: string;
  verdict: 'ok' | 'concern' | 'unknown';
  answer: string;
  evidence: string[];
}

export interface PlanCheck {
  plan: PlanSummary;
  answers: PlanAnswer[];
}

export interface TrailReview {
  id: string;
  subject: string;
  /** pending | passed | concerns | failed | resolved | overridden (an override past its expiry shows the verdict again). */
  status: string;
  /** One line: "2 concerns", "no concerns", or why it failed. */
  verdict: string;
  /** "rules", "anthropic" or "anthropic+rules". */
  engine: string;
  model: string;
  promptVersion: string;
  inputHash: string;
  policyHash: string;
  /** Who asked for the verdict (git identity). */
  by: string;
  openedAt: string;
  verdictAt: string;
  concerns: { file: string; line: number | null; severity: string; title: string; explanation: string; rule: string; engine: string }[];
  overrides: { reason: string; by: string; at: string; expiresAt: string }[];
}

/** A commit id as people read it; the record keeps the full one. */
export const shortCommit = (sha: string): string => (/^[0-9a-f]{13,}$/.test(sha) ? sha.slice(0, 12) : sha);

/** "sha subject" lines of a commit list, with the id shortened. */
export const shortCommitLine = (line: string): string => line.replace(/^[0-9a-f]{13,}(?= |$)/, (sha) => sha.slice(0, 12));
