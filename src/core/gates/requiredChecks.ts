// Required checks: the record must show each configured check passing on the exact commit being shipped —
// a check that ran at that commit on a clean tree, or on a tree identical to the commit's. A pass on an older
// commit, or on uncommitted changes, proves something else and does not count.
import type { Database } from 'sql.js';
import type { RequiredCheck } from '../risk/types';
import { git, gitComplaint } from '../git';
import { RecordError } from '../record/errors';

export interface CheckEvidence {
  eventId: string;
  session: string | null;
  kind: string;
  command: string;
  passed: boolean;
  exitCode: number | null;
  commit: string | null;
  tree: string | null;
  treeDirty: boolean | null;
  at: number;
  /** Whose run it was: null for this clone's own, else the teammate's git email (team sync). */
  author: string | null;
}

export interface RequiredCheckState {
  kind: RequiredCheck;
  status: 'passed' | 'failed' | 'missing';
  /** The latest run of this kind that ran on exactly this code. */
  evidence?: CheckEvidence;
  /** When missing or failed: the latest pass on other code (an older commit, uncommitted changes), to say why it does not count. */
  elsewhere?: CheckEvidence;
  /** When missing or failed: a teammate's pass on exactly this code, which counts only with deploy.acceptTeamChecks. */
  teammate?: CheckEvidence;
}

export interface RequiredChecksOptions {
  /** Whether a teammate's pass (imported by team sync) proves the code too (policy deploy.acceptTeamChecks; default no). */
  acceptTeamChecks?: boolean;
}

export interface RequiredChecksResult {
  commit: string;
  tree: string;
  ok: boolean;
  checks: RequiredCheckState[];
}

/** The full commit id and its tree id; a bad name is an error that says so. */
export async function resolveCommit(repoRoot: string, rev: string): Promise<{ commit: string; tree: string }> {
  const c = await git(repoRoot, ['rev-parse', '--verify', '-q', `${rev}^{commit}`]);
  if (c.code !== 0) throw new RecordError(`"${rev}" is not a commit in ${repoRoot}${c.stderr ? `: ${gitComplaint(c)}` : ''}`, 'ECOMMIT');
  const commit = c.stdout.trim();
  const t = await git(repoRoot, ['rev-parse', `${commit}^{tree}`]);
  return { commit, tree: t.stdout.trim() };
}

function evidence(row: unknown[]): CheckEvidence {
  const [eventId, session, kind, command, passed, exitCode, commit, tree, dirty, at, author] = row;
  return {
    eventId: String(eventId), session: session === null ? null : String(session), kind: String(kind), command: String(command), passed: passed === 1,
    exitCode: typeof exitCode === 'number' ? exitCode : null, commit: commit === null ? null : String(commit), tree: tree === null ? null : String(tree),
    treeDirty: dirty === null || dirty === undefined ? null : dirty === 1, at: Number(at), author: typeof author === 'string' ? author : null,
  };
}

// A check is a teammate's when its session is (team sync marks a teammate's sessions and events with their author).
const FROM = `(SELECT c.event_id, c.session_id, c.kind, c.command, c.passed, c.exit_code, c.commit_sha, c.tree_sha, c.tree_dirty, c.at,
  coalesce(s.author, e.author) AS author FROM checks c LEFT JOIN sessions s ON s.id = c.session_id LEFT JOIN events e ON e.id = c.event_id WHERE c.kind = ?)`;
const ON_CODE = '(tree_sha = ? OR (commit_sha = ? AND coalesce(tree_dirty, 0) = 0))';

export function requiredChecks(
  db: Database, target: { commit: string; tree: string }, required: readonly RequiredCheck[], options: RequiredChecksOptions = {},
): RequiredChecksResult {
  const first = (where: string, params: (string | number)[]): CheckEvidence | undefined => {
    const row = db.exec(`SELECT * FROM ${FROM} WHERE ${where} ORDER BY at DESC, event_id DESC LIMIT 1`, params)[0]?.values[0];
    return row ? evidence(row) : undefined;
  };
  // Whose runs count: this clone's own, and a teammate's only when the policy accepts them.
  const whose = options.acceptTeamChecks ? '1 = 1' : 'author IS NULL';
  const checks = required.map((kind): RequiredCheckState => {
    // On exactly this code: the same tree, or the same commit with nothing uncommitted.
    const latest = first(`${whose} AND ${ON_CODE}`, [kind, target.tree, target.commit]);
    if (latest?.passed) return { kind, status: 'passed', evidence: latest };
    const other = first(`${whose} AND passed = 1`, [kind]);
    const state: RequiredCheckState = { kind, status: latest ? 'failed' : 'missing' };
    if (latest) state.evidence = latest;
    if (other) state.elsewhere = other;
    const teammate = options.acceptTeamChecks ? undefined : first(`author IS NOT NULL AND passed = 1 AND ${ON_CODE}`, [kind, target.tree, target.commit]);
    if (teammate) state.teammate = teammate;
    return state;
  });
  return { ...target, ok: checks.every((c) => c.status === 'passed'), checks };
}

export function describeRequiredChecks(r: RequiredChecksResult): string {
  const short = (s: string | null): string => (s ?? '?').slice(0, 12);
  if (r.checks.length === 0) return `No required checks configured (policy deploy.requiredChecks): nothing to prove for ${short(r.commit)}`;
  const lines = [`Required checks on ${short(r.commit)} (tree ${short(r.tree)}): ${r.ok ? 'all passed' : 'not proven'}`];
  for (const c of r.checks) {
    if (c.status === 'passed' && c.evidence) {
      const whose = c.evidence.author ? ` — ${c.evidence.author}'s pass, counted because deploy.acceptTeamChecks is on` : '';
      lines.push(`  ${c.kind}: passed — \`${c.evidence.command}\` exited 0 at ${new Date(c.evidence.at).toISOString()}${whose}`);
      continue;
    }
    const mine = c.evidence?.author ? ` (${c.evidence.author}'s)` : '';
    const why = c.status === 'failed' && c.evidence ? `its latest run on this code${mine}, \`${c.evidence.command}\`, exited ${c.evidence.exitCode ?? '?'}` : 'no run on this code in the record';
    const other = c.elsewhere
      ? `; a pass at ${short(c.elsewhere.commit)}${c.elsewhere.treeDirty ? ' with uncommitted changes' : ''} does not count`
      : '';
    const team = c.teammate
      ? `; ${c.teammate.author}'s pass on this code (\`${c.teammate.command}\` at ${new Date(c.teammate.at).toISOString()}) does not count: only checks run on this clone do, unless the policy sets deploy.acceptTeamChecks`
      : '';
    lines.push(`  ${c.kind}: ${c.status} — ${why}${other}${team}`);
  }
  return lines.join('\n');
}
