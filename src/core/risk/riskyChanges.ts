// The working tree's risky changes since a base, classified file by file as git writes its diff: on a large
// change the classifying is done by the time git is, and no file's added lines are kept after it is classified.
import { readChangesSince } from './changes';
import { compilePolicy, riskOf, type ChangedFile } from './classify';
import type { Policy, RiskyFile } from './types';

export interface RiskyChanges {
  /** The commit the changes are against; undefined for a repository with no commit. */
  base: string | undefined;
  /** Every changed file: the diff's, then the untracked ones. */
  changed: Pick<ChangedFile, 'path' | 'change'>[];
  /** The files among them git does not track yet (not ignored). */
  untracked: string[];
  /** The risky ones, in the same order. */
  risky: RiskyFile[];
}

/** `policy` is asked for when the first file is read: it can be read from disk while git starts. */
export async function riskyChangesSince(repoRoot: string, base: string | undefined, policy: () => Policy): Promise<RiskyChanges> {
  const changed = { diff: [] as RiskyChanges['changed'], untracked: [] as RiskyChanges['changed'] };
  const risky = { diff: [] as RiskyFile[], untracked: [] as RiskyFile[] };
  let compiled: ReturnType<typeof compilePolicy> | undefined;
  const read = await readChangesSince(repoRoot, base, (f, untracked) => {
    const kind = untracked ? 'untracked' : 'diff';
    changed[kind].push({ path: f.path, change: f.change });
    const r = riskOf((compiled ??= compilePolicy(policy())), f);
    if (r) risky[kind].push(r);
  });
  return { base: read.base, changed: changed.diff.concat(changed.untracked), untracked: read.untracked, risky: risky.diff.concat(risky.untracked) };
}
