import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { gitCommonDir } from '../record/location';

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** The repository's folder and every worktree's, read from git's own files (no git process). */
export function workspaceRoots(repoRoot: string): string[] {
  const roots = new Set([real(repoRoot)]);
  try {
    const common = gitCommonDir(repoRoot);
    if (basename(common) === '.git') roots.add(real(dirname(common)));
    for (const name of readdirSync(join(common, 'worktrees'))) {
      const gitdir = readFileSync(join(common, 'worktrees', name, 'gitdir'), 'utf8').trim();
      roots.add(real(dirname(gitdir)));
    }
  } catch {
    // No worktrees (or not a repository after all): the folder itself is the workspace.
  }
  return [...roots];
}

// Windows paths differ in case between VS Code (c:\) and Claude Code (C:\): compare them folded.
const fold = (p: string): string => (process.platform === 'win32' ? p.toLowerCase() : p);

/** The root (repository or worktree) a session's cwd is, or is inside; undefined outside the workspace. */
export function cwdMatcher(roots: readonly string[]): (cwd: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  // The deepest root wins: a worktree nested inside the main checkout is its own root.
  const sorted = [...roots].sort((a, b) => b.length - a.length);
  return (cwd) => {
    if (cache.has(cwd)) return cache.get(cwd);
    const c = fold(real(cwd));
    const hit = sorted.find((r) => {
      const root = fold(r);
      return c === root || c.startsWith(root.endsWith(sep) ? root : root + sep);
    });
    cache.set(cwd, hit);
    return hit;
  };
}

/** Claude Code's folder name for a working directory: each character outside [A-Za-z0-9-] becomes '-'. */
export const claudeProjectFolder = (cwd: string): string => cwd.replace(/[^A-Za-z0-9-]/g, '-');

/** Longer folder names are cut to this length and get a hash suffix, so they no longer name their folder. */
const CUT_FOLDER_NAMES_AT = 200;

/**
 * Which project folders may hold this workspace's sessions, by name alone: those whose name starts with a
 * root's (its subfolders' and worktrees' too), and any long enough to have been cut. A superset: the
 * mapping is lossy (`a.b` and `a-b` share a name), so sessions are still matched by their entries' cwd.
 */
export function projectFolderFilter(roots: readonly string[]): (name: string) => boolean {
  const prefixes = roots.map((r) => fold(claudeProjectFolder(r)));
  return (name) => {
    const n = fold(name);
    return n.length >= CUT_FOLDER_NAMES_AT || prefixes.some((p) => n.startsWith(p));
  };
}

/** Where Claude Code keeps transcripts: $CLAUDE_CONFIG_DIR/projects, ~/.claude/projects or ~/.config/claude/projects. */
export function claudeProjectsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDE_CONFIG_DIR) return join(env.CLAUDE_CONFIG_DIR, 'projects');
  const classic = join(homedir(), '.claude', 'projects');
  const xdg = join(homedir(), '.config', 'claude', 'projects');
  return existsSync(classic) || !existsSync(xdg) ? classic : xdg;
}
