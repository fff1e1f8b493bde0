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

/** Where Claude Code keeps transcripts: $CLAUDE_CONFIG_DIR/projects, ~/.claude/projects or ~/.config/claude/projects. */
export function claudeProjectsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAUDE_CONFIG_DIR) return join(env.CLAUDE_CONFIG_DIR, 'projects');
  const classic = join(homedir(), '.claude', 'projects');
  const xdg = join(homedir(), '.config', 'claude', 'projects');
  return existsSync(classic) || !existsSync(xdg) ? classic : xdg;
}
