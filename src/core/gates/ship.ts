// The rollback record: what went out (the commit, what was live before it, the range and its diff stat),
// who shipped it under which lock, which checks proved it, and how to undo it.
import type { Database } from 'sql.js';
import type { NewEvent } from '../record/events';
import { newEventId } from '../record/events';
import { git } from '../git';
import type { RequiredChecksResult } from './requiredChecks';

export interface ShipInput {
  commit: string;
  target: string;
  outcome: 'shipped' | 'failed';
  by: string;
  lockId?: string;
  checks: RequiredChecksResult;
  session?: string;
}

export interface Rollback {
  previousCommit: string | null;
  /** Commits in previous..commit, newest first (at most 200). */
  commits: string[];
  diffStat: string;
  /** What to run to undo it, in order of preference. */
  steps: string[];
}

/** The commit last shipped to `target` (other than `commit`), from the record. */
export function previousShip(db: Database, target: string, commit: string): string | null {
  const v = db.exec(`SELECT commit_sha FROM ships WHERE target = ? AND status = 'shipped' AND commit_sha <> ? ORDER BY at DESC LIMIT 1`, [target, commit])[0]?.values[0]?.[0];
  return typeof v === 'string' ? v : null;
}

export async function rollbackFor(repoRoot: string, commit: string, previous: string | null, target: string): Promise<Rollback> {
  const short = (s: string): string => s.slice(0, 12);
  if (!previous) {
    const stat = (await git(repoRoot, ['show', '--shortstat', '--format=', commit])).stdout.trim();
    return {
      previousCommit: null, commits: [commit], diffStat: stat,
      steps: [`first recorded ship to ${target}: revert its last commit with \`git revert --no-edit ${short(commit)}\`, or redeploy the version that ran before`],
    };
  }
  const ancestor = (await git(repoRoot, ['merge-base', '--is-ancestor', previous, commit])).code === 0;
  const diffStat = (await git(repoRoot, ['diff', '--shortstat', previous, commit])).stdout.trim();
  if (!ancestor) {
    return { previousCommit: previous, commits: [commit], diffStat, steps: [`redeploy ${short(previous)} (the previous ship to ${target}; it is not an ancestor of ${short(commit)}, so there is no range to revert)`] };
  }
  const commits = (await git(repoRoot, ['rev-list', '--max-count=200', `${previous}..${commit}`])).stdout.split('\n').filter(Boolean);
  return {
    previousCommit: previous, commits, diffStat,
    steps: [
      `git switch -c rollback/${short(commit)} ${short(commit)} && git revert --no-edit ${short(previous)}..${short(commit)}  (then review, merge and ship)`,
      `or redeploy ${short(previous)}, the previous ship to ${target}`,
    ],
  };
}

export function shipEvent(input: ShipInput, rollback: Rollback): NewEvent {
  const event: NewEvent = {
    kind: 'ship.recorded',
    source: 'cli',
    data: {
      shipId: `ship-${newEventId()}`,
      commit: input.commit, previousCommit: rollback.previousCommit, target: input.target, status: input.outcome, by: input.by, lockId: input.lockId ?? null,
      range: rollback.commits, diffStat: rollback.diffStat,
      // The evidence, not a claim: each required check with the run that proved it (or why nothing did).
      checks: { ok: input.checks.ok, tree: input.checks.tree, required: input.checks.checks.map((c) => ({ kind: c.kind, status: c.status, command: c.evidence?.command ?? null, exitCode: c.evidence?.exitCode ?? null, at: c.evidence?.at ?? null, eventId: c.evidence?.eventId ?? null, ...(c.evidence?.author ? { by: c.evidence.author } : {}) })) },
      rollback: rollback.steps.join('\n'),
    },
  };
  if (input.session) event.session = input.session;
  return event;
}
