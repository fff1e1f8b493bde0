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
}

export interface RequiredCheckState {
  kind: RequiredCheck;
  status: 'passed' | 'failed' | 'missing';
  /** The latest run of this kind that ran on exactly this code. */
  evidence?: CheckEvidence;
  /** When missing or failed: the latest pass on other code (an older commit, uncommitted changes), to say why it does not count. */
  elsewhere?: CheckEvidence;
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
  const [eventId, session, kind, command, passed, exitCode, commit, tree, dirty, at] = row;
  return {
    eventId: String(eventId), session: session === null ? null : String(session), kind: String(kind), command: String(command), passed: passed === 1,
    exitCode: typeof exitCode === 'number' ? exitCode : null, commit: commit === null ? null : String(commit), tree: tree === null ? null : String(tree),
    treeDirty: dirty === null || dirty === undefined ? null : dirty === 1, at: Number(at),
  };
}

const COLUMNS = 'event_id, session_id, kind, command, passed, exit_code, commit_sha, tree_sha, tree_dirty, at';

export function requiredChecks(db: Database, target: { commit: string; tree: string }, required: readonly RequiredCheck[]): RequiredChecksResult {
  const checks = required.map((kind): RequiredCheckState => {
    // On exactly this code: the same tree, or the same commit with nothing uncommitted.
    const on = db.exec(
      `SELECT ${COLUMNS} FROM checks WHERE kind = ? AND (tree_sha = ? OR (commit_sha = ? AND coalesce(tree_dirty, 0) = 0))
       ORDER BY at DESC, event_id DESC LIMIT 1`,
      [kind, target.tree, target.commit],
    )[0]?.values[0];
    const latest = on ? evidence(on) : undefined;
    if (latest?.passed) return { kind, status: 'passed', evidence: latest };
    const other = db.exec(`SELECT ${COLUMNS} FROM checks WHERE kind = ? AND passed = 1 ORDER BY at DESC, event_id DESC LIMIT 1`, [kind])[0]?.values[0];
    const state: RequiredCheckState = { kind, status: latest ? 'failed' : 'missing' };
    if (latest) state.evidence = latest;
    if (other) state.elsewhere = evidence(other);
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
      lines.push(`  ${c.kind}: passed — \`${c.evidence.command}\` exited 0 at ${new Date(c.evidence.at).toISOString()}`);
      continue;
    }
    const why = c.status === 'failed' && c.evidence ? `its latest run on this code, \`${c.evidence.command}\`, exited ${c.evidence.exitCode ?? '?'}` : 'no run on this code in the record';
    const other = c.elsewhere
      ? `; a pass at ${short(c.elsewhere.commit)}${c.elsewhere.treeDirty ? ' with uncommitted changes' : ''} does not count`
      : '';
    lines.push(`  ${c.kind}: ${c.status} — ${why}${other}`);
  }
  return lines.join('\n');
}
