// The git identity (user.name, user.email) read from git's config files, as `git config user.name` would give it,
// without spawning git: the deploy lock takes it on every acquire and release, and two git processes were most of
// that command's time. Anything this does not follow exactly (includeIf, per-worktree config, config passed in
// the environment, a line it cannot parse, Windows' config locations) is `undefined`: the caller then asks git.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { runGit } from './git';
import { gitCommonDir } from './record/location';

export interface GitIdentity {
  name?: string;
  email?: string;
}

/** Environment that changes which config git reads, or adds to it: left to git (GIT_CONFIG_NOSYSTEM is followed). */
const GIT_ENV = /^GIT_(CONFIG|CONFIG_(?!NOSYSTEM$).+|DIR|COMMON_DIR|WORK_TREE|CEILING_DIRECTORIES|NAMESPACE)$/;

class Unsure extends Error {}

/** Where git would find its system config: /etc/gitconfig, or beside the git on PATH (prefix/etc/gitconfig). */
function systemConfigs(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>(['/etc/gitconfig']);
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      if (!statSync(join(dir, 'git')).isFile()) continue;
    } catch {
      continue;
    }
    const prefix = dirname(dir);
    // Debian's and most distributions' git (prefix /usr) reads /etc/gitconfig; others their own prefix's.
    if (prefix !== '/usr' && prefix !== '/') out.add(join(prefix, 'etc', 'gitconfig'));
    break;
  }
  return [...out];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Unsure();
  }
}

const expandHome = (path: string, home: string): string => (path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path);

/** One config value: quotes joined, escapes read, a comment after it dropped (git's rules). */
function parseValue(raw: string): string {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (!quoted && (c === '#' || c === ';')) break;
    if (c === '"') {
      quoted = !quoted;
      out += pendingSpace;
      pendingSpace = '';
      continue;
    }
    if (c === '\\') {
      const n = raw.charAt(++i);
      const escaped = n === 'n' ? '\n' : n === 't' ? '\t' : n === 'b' ? '\b' : n === '"' || n === '\\' ? n : undefined;
      if (escaped === undefined) throw new Unsure();
      out += pendingSpace + escaped;
      pendingSpace = '';
      continue;
    }
    if (!quoted && (c === ' ' || c === '\t')) {
      if (out) pendingSpace += c; // inner spaces kept, trailing ones dropped
      continue;
    }
    out += pendingSpace + c;
    pendingSpace = '';
  }
  if (quoted) throw new Unsure();
  return out;
}

/** Applies one config file (and its plain includes) to `into`, in order: later settings win, as in git. */
function applyFile(path: string, into: GitIdentity & { worktreeConfig?: boolean }, home: string, depth = 0): void {
  if (depth > 10) throw new Unsure();
  const text = readText(path);
  if (text === undefined) return;
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + (lines[++i] as string); // a continued line
    let rest = line.trim();
    if (!rest || rest.startsWith('#') || rest.startsWith(';')) continue;
    if (rest.startsWith('[')) {
      const m = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(rest);
      if (!m) throw new Unsure();
      const name = (m[1] as string).toLowerCase();
      if (name === 'includeif') throw new Unsure();
      // [section.sub] (the old form) and [section "sub"]: only the plain sections below matter.
      section = m[2] !== undefined ? `${name}\0${m[2]}` : name;
      rest = rest.slice(m[0].length).trim();
      if (!rest || rest.startsWith('#') || rest.startsWith(';')) continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(rest);
    if (!kv) throw new Unsure();
    const key = (kv[1] as string).toLowerCase();
    const value = kv[2];
    if (section === 'include' && key === 'path') {
      if (value === undefined) throw new Unsure();
      const target = expandHome(parseValue(value), home);
      applyFile(isAbsolute(target) ? target : resolve(dirname(path), target), into, home, depth + 1);
    } else if (section === 'user' && (key === 'name' || key === 'email')) {
      if (value === undefined) throw new Unsure(); // a bare key is "true" to git: not an identity to guess at
      into[key] = parseValue(value);
    } else if (section === 'extensions' && key === 'worktreeconfig') into.worktreeConfig = true;
  }
}

/**
 * user.name and user.email as `git config` gives them in `repoRoot`, from the system, global, and repository
 * config files; undefined when this cannot be sure (the caller then runs git).
 */
export function gitIdentityFromFiles(repoRoot: string, env: NodeJS.ProcessEnv = process.env): GitIdentity | undefined {
  if (process.platform === 'win32') return undefined;
  if (Object.keys(env).some((k) => GIT_ENV.test(k))) return undefined;
  try {
    const home = env.HOME || homedir();
    const found: GitIdentity & { worktreeConfig?: boolean } = {};
    if (!env.GIT_CONFIG_NOSYSTEM) for (const path of systemConfigs(env)) applyFile(path, found, home);
    applyFile(join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'), found, home);
    applyFile(join(home, '.gitconfig'), found, home);
    applyFile(join(gitCommonDir(repoRoot), 'config'), found, home);
    if (found.worktreeConfig) return undefined;
    const out: GitIdentity = {};
    if (found.name !== undefined) out.name = found.name;
    if (found.email !== undefined) out.email = found.email;
    return out;
  } catch {
    return undefined;
  }
}

/** user.name and user.email (empty when unset): from the config files when they say for sure, else from git. */
export async function gitUserConfig(repoRoot: string): Promise<{ name: string; email: string }> {
  const files = gitIdentityFromFiles(repoRoot);
  if (files) return { name: (files.name ?? '').trim(), email: (files.email ?? '').trim() };
  const [name, email] = await Promise.all([runGit(repoRoot, ['config', 'user.name']), runGit(repoRoot, ['config', 'user.email'])]);
  return { name: name.trim(), email: email.trim() };
}
