// Installs git's pre-push hook that runs `flightdeck check-push`, without clobbering a hook already there: an
// existing pre-push is kept beside ours (pre-push.flightdeck-chained) and run first with the same input; ours
// is recognised by its mark, so installing twice changes nothing and uninstalling puts the other one back.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runGit } from '../git';

export const PRE_PUSH_MARK = '# flightdeck pre-push hook';
export const CHAINED_SUFFIX = '.flightdeck-chained';

export class GitHooksError extends Error {}

/** Where git looks for hooks: core.hooksPath when set, else the repository's hooks folder (a worktree's are shared). */
export async function gitHooksDir(repoRoot: string): Promise<string> {
  const out = (await runGit(repoRoot, ['rev-parse', '--git-path', 'hooks'])).trim();
  if (!out) throw new GitHooksError(`${repoRoot}: git cannot say where its hooks live (is it a git repository?)`);
  return resolve(repoRoot, out);
}

/** The command a hook runs: this runtime (Electron as Node in VS Code) with the CLI at `cli`. */
export interface CliCommand {
  runtime: string;
  cli: string;
  env?: Record<string, string>;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function prePushScript(cmd: CliCommand): string {
  const vars = Object.entries(cmd.env ?? {}).map(([k, v]) => `${k}=${q(v)} `).join('');
  return `#!/bin/sh
${PRE_PUSH_MARK}: refuses pushes to protected branches while a review of the pushed change is open (enforce mode).
# Installed by Flightdeck; \`flightdeck uninstall-git-hooks\` removes it and puts back the hook it chains.
input=$(cat)
feed() { if [ -n "$input" ]; then printf '%s\\n' "$input"; fi; }
chained="$(dirname "$0")/pre-push${CHAINED_SUFFIX}"
if [ -x "$chained" ]; then
  feed | "$chained" "$@" || exit $?
fi
feed | ${vars}${q(cmd.runtime)} ${q(cmd.cli)} check-push "$@"
`;
}

const isOurs = (path: string): boolean => {
  try {
    return readFileSync(path, 'utf8').includes(PRE_PUSH_MARK);
  } catch {
    return false;
  }
};

export interface InstallResult {
  path: string;
  /** The hook that was there before, now run first by ours. */
  chained?: string;
  changed: boolean;
}

export async function installGitHooks(repoRoot: string, cmd: CliCommand): Promise<InstallResult> {
  const dir = await gitHooksDir(repoRoot);
  const path = join(dir, 'pre-push');
  const chained = `${path}${CHAINED_SUFFIX}`;
  const script = prePushScript(cmd);
  mkdirSync(dir, { recursive: true });
  if (existsSync(path) && !isOurs(path)) {
    if (existsSync(chained)) {
      throw new GitHooksError(`${path} is not Flightdeck's and ${chained} already exists: move one of them, then install again`);
    }
    renameSync(path, chained);
  } else if (existsSync(path) && readFileSync(path, 'utf8') === script) {
    return { path, chained: existsSync(chained) ? chained : undefined, changed: false };
  }
  const tmp = `${path}.flightdeck-${process.pid}`;
  writeFileSync(tmp, script, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, path);
  return { path, chained: existsSync(chained) ? chained : undefined, changed: true };
}

export interface UninstallResult {
  path: string;
  removed: boolean;
  /** The chained hook put back in place. */
  restored?: string;
}

/** Removes only Flightdeck's pre-push hook, and puts back the one it chained. */
export async function uninstallGitHooks(repoRoot: string): Promise<UninstallResult> {
  const path = join(await gitHooksDir(repoRoot), 'pre-push');
  const chained = `${path}${CHAINED_SUFFIX}`;
  if (!isOurs(path)) return { path, removed: false };
  rmSync(path);
  if (existsSync(chained)) {
    renameSync(chained, path);
    return { path, removed: true, restored: path };
  }
  return { path, removed: true };
}
