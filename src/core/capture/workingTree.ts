import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gitDirOf } from '../record/location';

/** The tree a command really ran on: HEAD's commit, and the working tree's own tree id when they differ. */
export interface WorkingTree {
  /** The git tree id of the working tree as it is (tracked and untracked files, .gitignore honoured). */
  tree: string;
  /** Whether it holds changes HEAD does not (the tree id differs from HEAD's tree). */
  dirty: boolean;
}

/**
 * Reads the working tree's tree id through a copy of the index, so the user's own index is never
 * touched (blobs of changed files are written to the object store, as `git stash create` would).
 * Undefined when git cannot say within the time limit. Costs two or three git processes: for checks only.
 */
export function workingTree(repoRoot: string, timeoutMs = 5000): WorkingTree | undefined {
  // Loaded here, not at the top: the hook bundle pays only when a check finished.
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const index = join(tmpdir(), `flightdeck-index-${process.pid}-${Date.now().toString(36)}`);
  try {
    try {
      copyFileSync(join(gitDirOf(repoRoot), 'index'), index);
    } catch {
      // No index yet (nothing ever added): git builds one from scratch.
    }
    const env = { ...process.env, GIT_INDEX_FILE: index, GIT_OPTIONAL_LOCKS: '0' };
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: repoRoot, env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    git('add', '--all', '--', '.');
    const tree = git('write-tree');
    let head = '';
    try {
      head = git('rev-parse', '--verify', '--quiet', 'HEAD^{tree}');
    } catch {
      // An unborn branch: every file is a change.
    }
    return /^[0-9a-f]{40,64}$/.test(tree) ? { tree, dirty: tree !== head } : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(index, { force: true });
  }
}
