// Prepares the undo of a recorded ship for review: a new branch `rollback/<ship id>` from the current HEAD with
// the ship's range reverted. It never leaves a half state unsaid: a dirty tree stops it before anything changes,
// a conflict stops it with the exact commands to finish or to back out, anything else is undone.
import type { NewEvent } from '../record/events';
import { git, gitComplaint } from '../git';
import { rollbackPlan, type RecordedShip } from './recordedShips';

export type RollbackResult =
  | { status: 'prepared'; branch: string; from: string; base: string; head: string; reverted: number; revert: string; message: string }
  /** Nothing was changed. */
  | { status: 'refused'; message: string }
  /** The branch exists and the revert stopped half way: the message says how to finish or back out. */
  | { status: 'conflict'; branch: string; from: string; files: string[]; message: string };

const lines = (s: string): string[] => s.split('\n').map((l) => l.trimEnd()).filter(Boolean);

/** The branch or (detached) commit HEAD is on, to go back to. */
async function currentPlace(repoRoot: string): Promise<string> {
  const branch = (await git(repoRoot, ['symbolic-ref', '--short', '-q', 'HEAD'])).stdout.trim();
  return branch || (await git(repoRoot, ['rev-parse', 'HEAD'])).stdout.trim();
}

export async function prepareRollback(repoRoot: string, ship: RecordedShip): Promise<RollbackResult> {
  const plan = rollbackPlan(ship);
  if (!plan.revert) return { status: 'refused', message: `Nothing to revert for ${ship.id}: ${plan.command}` };
  const dirty = lines((await git(repoRoot, ['status', '--porcelain', '--untracked-files=no'])).stdout);
  if (dirty.length) {
    return { status: 'refused', message: `The working tree has uncommitted changes (${dirty.slice(0, 5).map((l) => l.slice(3)).join(', ')}${dirty.length > 5 ? ', …' : ''}). Commit or stash them (\`git stash\`), then roll back again. Nothing was changed.` };
  }
  for (const sha of [ship.commit, ship.previousCommit].filter((s): s is string => !!s)) {
    if ((await git(repoRoot, ['cat-file', '-e', `${sha}^{commit}`])).code !== 0) {
      return { status: 'refused', message: `Commit ${sha.slice(0, 12)} of ${ship.id} is not in this clone: \`git fetch\`, then roll back again. Nothing was changed.` };
    }
  }
  if ((await git(repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${plan.branch}`])).code === 0) {
    return { status: 'refused', message: `Branch ${plan.branch} already exists: review it (\`git switch ${plan.branch}\`), or delete it (\`git branch -D ${plan.branch}\`) to prepare it again. Nothing was changed.` };
  }
  const spec = ship.previousCommit ? `${ship.previousCommit}..${ship.commit}` : ship.commit;
  const merges = lines((await git(repoRoot, ['rev-list', '--merges', ship.previousCommit ? spec : `${ship.commit}^!`])).stdout);
  if (merges.length) {
    return { status: 'refused', message: `${ship.id} went out with merge commit(s) (${merges.slice(0, 3).map((m) => m.slice(0, 12)).join(', ')}), which git cannot revert as a range: revert each with \`git revert -m 1 <merge>\` on a new branch. Nothing was changed.` };
  }
  const from = await currentPlace(repoRoot);
  const base = (await git(repoRoot, ['rev-parse', 'HEAD'])).stdout.trim();
  const made = await git(repoRoot, ['switch', '-c', plan.branch]);
  if (made.code !== 0) return { status: 'refused', message: `Could not create ${plan.branch}: ${gitComplaint(made)}. Nothing was changed.` };
  const reverted = await git(repoRoot, ['revert', '--no-edit', spec]);
  if (reverted.code === 0) {
    const head = (await git(repoRoot, ['rev-parse', 'HEAD'])).stdout.trim();
    const count = Number((await git(repoRoot, ['rev-list', '--count', `${base}..${head}`])).stdout.trim()) || 0;
    return {
      status: 'prepared', branch: plan.branch, from, base, head, reverted: count, revert: plan.revert,
      message: `Prepared ${plan.branch} from ${from}: ${count} revert commit(s) undoing ${plan.revert} (${ship.target}, shipped by ${ship.by}). You are on ${plan.branch}: review it, push it for review, then ship it.`,
    };
  }
  const unmerged = lines((await git(repoRoot, ['diff', '--name-only', '--diff-filter=U'])).stdout);
  if (unmerged.length) {
    return {
      status: 'conflict', branch: plan.branch, from, files: unmerged,
      message: `The revert of ${plan.revert} stopped on a conflict in ${unmerged.join(', ')}. You are on ${plan.branch}, mid-revert. To finish: resolve the files, \`git add\` them, then \`git revert --continue\`. To back out: \`git revert --abort && git switch ${from} && git branch -D ${plan.branch}\`.`,
    };
  }
  // Not a conflict (an empty revert, a hook refusing the commit): undo everything, so nothing is left half done.
  await git(repoRoot, ['revert', '--abort']);
  await git(repoRoot, /^[0-9a-f]{40}$/.test(from) ? ['switch', '--detach', from] : ['switch', from]);
  await git(repoRoot, ['branch', '-D', plan.branch]);
  return { status: 'refused', message: `git revert ${plan.revert} failed: ${gitComplaint(reverted)}. Undone: you are back on ${from} and ${plan.branch} is deleted.` };
}

/** The fact recorded when a rollback was prepared (or stopped on a conflict). */
export function rollbackEvent(ship: RecordedShip, r: Exclude<RollbackResult, { status: 'refused' }>, by: string, source: string): NewEvent {
  const data: Record<string, unknown> = {
    shipId: ship.id, commit: ship.commit, previousCommit: ship.previousCommit, target: ship.target, branch: r.branch, from: r.from, by,
    status: r.status, summary: `rollback of ${ship.id} ${r.status === 'prepared' ? 'prepared' : 'stopped on a conflict'} on ${r.branch}`,
  };
  if (r.status === 'prepared') Object.assign(data, { base: r.base, head: r.head, reverted: r.reverted, revert: r.revert });
  else data.conflicts = r.files.slice(0, 50);
  return { kind: 'rollback.prepared', source, data };
}
