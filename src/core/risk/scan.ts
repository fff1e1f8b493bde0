// A repository's risky changes, as `flightdeck risk` sees them, in the shape reviews read (RiskScan).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../git';
import { locateRecord } from '../record/location';
import type { RiskScan, RiskScanner } from '../review/subject';
import { riskyChangesSince } from './riskyChanges';
import { loadPolicy } from './load';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** An untracked file as git would show it added. */
function addedFileDiff(repoRoot: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(join(repoRoot, path), 'utf8');
  } catch {
    return '';
  }
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', '--- /dev/null', `+++ b/${path}`,
    `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
}

/**
 * Git's blob id of each file's content on disk now, as `git add` would store it (clean filters applied): the ids the
 * committed files will have. Rejects when git cannot hash one (a file gone meanwhile).
 */
export async function workingTreeBlobs(repoRoot: string, paths: readonly string[]): Promise<Map<string, string>> {
  if (paths.length === 0) return new Map();
  const ids = (await runGit(repoRoot, ['hash-object', '--stdin-paths'], paths.join('\n') + '\n')).split('\n').filter(Boolean);
  return new Map(ids.length === paths.length ? paths.map((p, i) => [p, ids[i] as string]) : []);
}

/** The policy in force, the working tree's changes since `base` (or HEAD), and the risky ones among them. */
export const scanRisk: RiskScanner = async (repoRoot, base) => {
  const policy = loadPolicy(repoRoot, { recordDir: locateRecord(repoRoot)?.dir });
  const changes = await riskyChangesSince(repoRoot, base, () => policy.policy);
  const baseCommit = changes.base ?? EMPTY_TREE;
  const untracked = new Set(changes.untracked);
  const scan: RiskScan = {
    policy,
    baseCommit,
    changed: changes.changed,
    risky: changes.risky,
    async diff(paths) {
      const tracked = paths.filter((p) => !untracked.has(p));
      const text = tracked.length ? await runGit(repoRoot, ['diff', '--no-color', '--no-ext-diff', '-M', baseCommit, '--', ...tracked]) : '';
      return text + paths.filter((p) => untracked.has(p)).map((p) => addedFileDiff(repoRoot, p)).join('');
    },
    async blobs(paths) {
      try {
        return await workingTreeBlobs(repoRoot, paths);
      } catch {
        return new Map(); // A file gone meanwhile: the review stands, only a push of it is not known as reviewed.
      }
    },
  };
  return scan;
};
