import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { RecordError } from './errors';

export interface RecordLocation {
  /** The folder holding the journal and snapshots. */
  dir: string;
  /** The repository's working tree, when there is one. */
  repoRoot?: string;
}

/** The nearest folder at or above `start` holding `.git` (a folder, or a worktree's file). */
export function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    try {
      statSync(join(dir, '.git'));
      return dir;
    } catch {
      const up = dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  }
}

/**
 * The git common dir, read from the files git writes, without spawning git: worktrees share
 * their main repository's, so every worktree of a repo shares one record.
 */
export function gitCommonDir(repoRoot: string): string {
  const dotGit = join(repoRoot, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!pointer?.[1]) throw new RecordError(`${dotGit} is neither a folder nor a "gitdir:" pointer`, 'EGITDIR');
  const gitDir = resolve(repoRoot, pointer[1].trim());
  try {
    const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    return isAbsolute(common) ? common : resolve(gitDir, common);
  } catch {
    return gitDir; // A submodule's git dir, or a plain separate git dir: not shared.
  }
}

/** Where the record of `path`'s repository lives; `fallbackDir` when `path` is not in a repo. */
export function locateRecord(path: string, fallbackDir?: string): RecordLocation | undefined {
  const repoRoot = findRepoRoot(path);
  if (repoRoot) return { dir: join(gitCommonDir(repoRoot), 'flightdeck'), repoRoot };
  return fallbackDir ? { dir: fallbackDir } : undefined;
}

/** The repository's own git dir (a worktree's differs from the common dir), read from `.git`. */
export function gitDirOf(repoRoot: string): string {
  const dotGit = join(repoRoot, '.git');
  return statSync(dotGit).isDirectory() ? dotGit : resolve(repoRoot, (/^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1] ?? '').trim());
}

export interface GitHead {
  /** The full commit id; undefined on an unborn branch. */
  commit?: string;
  /** The branch HEAD is on; undefined when detached. */
  branch?: string;
}

/**
 * HEAD's commit and branch, read from git's files (no git process: hooks must stay fast).
 * Empty on a layout this does not know.
 */
export function readHead(repoRoot: string): GitHead {
  try {
    const common = gitCommonDir(repoRoot);
    const head = readFileSync(join(gitDirOf(repoRoot), 'HEAD'), 'utf8').trim();
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return /^[0-9a-f]{40}$/.test(head) ? { commit: head } : {};
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    try {
      return { commit: readFileSync(join(common, ref), 'utf8').trim(), branch };
    } catch {
      try {
        const packed = readFileSync(join(common, 'packed-refs'), 'utf8');
        return { commit: new RegExp(`^([0-9a-f]{40}) ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').exec(packed)?.[1], branch };
      } catch {
        return { branch };
      }
    }
  } catch {
    return {};
  }
}

/** The commit HEAD points at; undefined on an unborn branch or a layout this does not know. */
export function headCommit(repoRoot: string): string | undefined {
  return readHead(repoRoot).commit;
}
