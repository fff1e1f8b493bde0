// Installs git's pre-push hook that runs `flightdeck check-push`, without clobbering a hook already there: an
// existing pre-push is kept beside ours (pre-push.flightdeck-chained) and run first with the same input; ours
// is recognised by its mark, so installing twice changes nothing and uninstalling puts the other one back. After an
// update of VS Code or Flightdeck, refreshGitHooks rewrites ours to run the new paths.
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runGit } from '../git';
import { gitCommonDir } from '../record/location';
import { CHAINED_SUFFIX, PRE_PUSH_MARK, prePushScript, type CliCommand } from './prePushScript';

export class GitHooksError extends Error {}

/** Where git looks for hooks: core.hooksPath when set, else the repository's hooks folder (a worktree's are shared). */
export async function gitHooksDir(repoRoot: string): Promise<string> {
  const out = (await runGit(repoRoot, ['rev-parse', '--git-path', 'hooks'])).trim();
  if (!out) throw new GitHooksError(`${repoRoot}: git cannot say where its hooks live (is it a git repository?)`);
  return resolve(repoRoot, out);
}

const isOurs = (path: string): boolean => {
  try {
    return readFileSync(path, 'utf8').includes(PRE_PUSH_MARK);
  } catch {
    return false;
  }
};

const samePath = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
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
  return installInto(await gitHooksDir(repoRoot), cmd);
}

function installInto(dir: string, cmd: CliCommand): InstallResult {
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

/** The config files git reads besides the repository's (system, then the user's), by git's own rules for finding them. */
function otherGitConfigs(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? env.USERPROFILE;
  const xdg = env.XDG_CONFIG_HOME || (home ? join(home, '.config') : undefined);
  const user = env.GIT_CONFIG_GLOBAL ? [env.GIT_CONFIG_GLOBAL] : [xdg && join(xdg, 'git', 'config'), home && join(home, '.gitconfig')];
  const system = env.GIT_CONFIG_NOSYSTEM ? [] : [env.GIT_CONFIG_SYSTEM ?? '/etc/gitconfig'];
  return [...system, ...user].filter((p): p is string => Boolean(p));
}

const mentionsHooksPath = (path: string): boolean => {
  try {
    return /hookspath/i.test(readFileSync(path, 'utf8'));
  } catch {
    return false; // no such file: git's defaults
  }
};

/**
 * Where the pre-push hook is, without running git unless a config file git reads names core.hooksPath (at VS Code
 * start this costs a few failed opens, not a git process).
 */
async function prePushPath(repoRoot: string): Promise<string> {
  const common = gitCommonDir(repoRoot);
  const asksGit = [join(common, 'config'), ...otherGitConfigs()].some(mentionsHooksPath);
  return join(asksGit ? await gitHooksDir(repoRoot) : join(common, 'hooks'), 'pre-push');
}

/**
 * Rewrites Flightdeck's installed pre-push hook when its text is not what `cmd` gives (VS Code or Flightdeck was
 * updated: the paths it runs moved, or the script changed); no hook, or someone else's, is left alone.
 */
export async function refreshGitHooks(repoRoot: string, cmd: CliCommand): Promise<InstallResult | undefined> {
  const path = await prePushPath(repoRoot);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // none installed: the common case, one failed open
  }
  if (!text.includes(PRE_PUSH_MARK) || text === prePushScript(cmd)) return undefined;
  const dir = await gitHooksDir(repoRoot);
  // Git looks elsewhere (a config included from another file): the hook found is not the one git runs.
  if (!samePath(join(dir, 'pre-push'), path)) return undefined;
  return installInto(dir, cmd);
}

/** Whether Flightdeck's pre-push hook is where git runs hooks (it alone holds a push of a risky change nobody reviewed). */
export async function prePushInstalled(repoRoot: string): Promise<boolean> {
  return isOurs(join(await gitHooksDir(repoRoot), 'pre-push'));
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
