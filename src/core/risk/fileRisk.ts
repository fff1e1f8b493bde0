// One file's risk, for the editor's save: the file's own change since the base (one small git diff), classified
// under the policy. The full scan (every change) is left for when a review runs.
import { join } from 'node:path';
import { runGit } from '../git';
import { parseUnifiedDiff, readAddedFile } from './changes';
import { classifyChanges, type ChangedFile } from './classify';
import type { Policy, RiskyFile } from './types';

/** `relPath`'s change since `base` (committed or not; an untracked file counts as added), or undefined when unchanged. */
export async function fileChange(repoRoot: string, base: string, relPath: string): Promise<ChangedFile | undefined> {
  const [diff, untracked] = await Promise.all([
    runGit(repoRoot, ['-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', base, '--', relPath]),
    runGit(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z', '--', relPath]),
  ]);
  if (untracked.split('\0').includes(relPath)) {
    return readAddedFile(join(repoRoot, relPath), relPath, 'added').file;
  }
  return parseUnifiedDiff(diff).find((f) => f.path === relPath);
}

/** The file's categories and matching rules under `policy`, or undefined when its change is not risky (or there is none). */
export async function classifyFile(repoRoot: string, policy: Policy, base: string, relPath: string): Promise<RiskyFile | undefined> {
  const change = await fileChange(repoRoot, base, relPath);
  return change ? classifyChanges(policy, [change])[0] : undefined;
}
