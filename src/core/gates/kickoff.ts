// Kickoff: a release starts from a clean tree that is current with its upstream base. Says exactly what is
// wrong, or gives the starting point to record.
import { git, gitComplaint } from '../git';

export interface KickoffResult {
  ok: boolean;
  problems: string[];
  head: string;
  branch: string | null;
  /** The base as named (origin/main) and the commit it pointed at after the fetch. */
  base: string | null;
  baseCommit: string | null;
  /** `git status --porcelain` lines. */
  dirty: string[];
  ahead: number;
  behind: number;
}

async function out(repoRoot: string, args: string[]): Promise<string | undefined> {
  const r = await git(repoRoot, args);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function kickoff(repoRoot: string, baseOption?: string): Promise<KickoffResult> {
  const problems: string[] = [];
  const head = (await out(repoRoot, ['rev-parse', '--verify', '-q', 'HEAD'])) ?? '';
  if (!head) problems.push('the repository has no commit yet');
  const branch = (await out(repoRoot, ['symbolic-ref', '--short', '-q', 'HEAD'])) || null;
  if (!branch) problems.push('HEAD is detached: release from a branch');
  const status = await git(repoRoot, ['status', '--porcelain', '--untracked-files=normal']);
  const dirty = status.stdout.split('\n').filter(Boolean);
  if (dirty.length) problems.push(`the working tree is not clean (${dirty.length} ${dirty.length === 1 ? 'change' : 'changes'}: ${dirty.slice(0, 5).map((l) => l.slice(3)).join(', ')}${dirty.length > 5 ? ', …' : ''})`);
  const base = baseOption ?? ((await out(repoRoot, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'])) || null);
  let baseCommit: string | null = null;
  let ahead = 0;
  let behind = 0;
  if (!base) {
    problems.push(`${branch ?? 'HEAD'} has no upstream base: set one (git branch -u origin/main) or the policy's deploy.base`);
  } else {
    const remotes = ((await out(repoRoot, ['remote'])) ?? '').split('\n').filter(Boolean);
    const remote = remotes.find((r) => base.startsWith(`${r}/`));
    if (remote) {
      const fetched = await git(repoRoot, ['fetch', '-q', '--no-tags', remote, base.slice(remote.length + 1)], { timeoutMs: 120_000 });
      if (fetched.code !== 0) problems.push(`cannot fetch ${base}: ${gitComplaint(fetched)}`);
    }
    baseCommit = (await out(repoRoot, ['rev-parse', '--verify', '-q', `${base}^{commit}`])) || null;
    if (!baseCommit) problems.push(`the base ${base} is not a commit here`);
    else if (head) {
      const counts = ((await out(repoRoot, ['rev-list', '--left-right', '--count', `HEAD...${baseCommit}`])) ?? '0\t0').split(/\s+/);
      ahead = Number(counts[0] ?? 0);
      behind = Number(counts[1] ?? 0);
      const current = await git(repoRoot, ['merge-base', '--is-ancestor', baseCommit, 'HEAD']);
      if (current.code !== 0) problems.push(`${branch ?? 'HEAD'} is not current with ${base}: ${behind} ${behind === 1 ? 'commit' : 'commits'} behind (merge or rebase onto ${base})`);
    }
  }
  return { ok: problems.length === 0, problems, head, branch, base, baseCommit, dirty, ahead, behind };
}
