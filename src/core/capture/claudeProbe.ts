import { execFile } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseClaudeVersion } from './claudeVersions';

/** What asking `claude --version` found. */
export interface ClaudeProbe {
  /** The version it printed, when one answered. */
  version?: string;
  /** The executable that answered. */
  path?: string;
  /** Every executable tried, in order, with why it gave no version. */
  tried: { path: string; problem?: string }[];
}

export interface ProbeOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  /** Per executable: a wedged claude must not hold up connecting. */
  timeoutMs?: number;
}

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * Where `claude` usually is, in the order a shell would find it: PATH (npm -g, Homebrew, the native
 * installer's link), then the native installer's ~/.local/bin and the old local install's ~/.claude/local,
 * which editors started from a desktop often lack on PATH. Each real file once.
 */
export function claudeCandidates(options: ProbeOptions = {}): string[] {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const windows = (options.platform ?? process.platform) === 'win32';
  const names = windows ? ['claude.exe', 'claude.cmd'] : ['claude'];
  const dirs = [...(env.PATH ?? env.Path ?? '').split(windows ? ';' : delimiter).filter(Boolean), join(home, '.local', 'bin'), join(home, '.claude', 'local')];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of dirs) {
    for (const name of names) {
      const path = join(dir, name);
      if (!existsSync(path) || !isFile(path)) continue;
      let real = path;
      try {
        real = realpathSync(path);
      } catch {
        // A dangling link is skipped by isFile already; keep the path as it is otherwise.
      }
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(path);
    }
  }
  return out;
}

function runVersion(path: string, options: ProbeOptions): Promise<{ version?: string; problem?: string }> {
  const timeout = options.timeoutMs ?? 4000;
  // A .cmd shim runs only through cmd.exe.
  const [file, args] = path.toLowerCase().endsWith('.cmd') ? ['cmd.exe', ['/d', '/s', '/c', `"${path}" --version`]] : [path, ['--version']];
  return new Promise((resolve) => {
    execFile(file, args, { env: options.env ?? process.env, timeout, windowsHide: true, encoding: 'utf8' }, (err, stdout) => {
      const version = parseClaudeVersion(String(stdout));
      if (version) return resolve({ version });
      if (err && (err as { killed?: boolean }).killed) return resolve({ problem: `no answer within ${timeout} ms` });
      if (err) return resolve({ problem: err.message.split('\n')[0] ?? 'failed' });
      resolve({ problem: `printed no version: ${JSON.stringify(String(stdout).trim().slice(0, 80))}` });
    });
  });
}

/** Asks the first `claude` that answers for its version; never throws. */
export async function probeClaude(options: ProbeOptions = {}): Promise<ClaudeProbe> {
  const tried: ClaudeProbe['tried'] = [];
  for (const path of claudeCandidates(options)) {
    const r = await runVersion(path, options);
    tried.push(r.problem ? { path, problem: r.problem } : { path });
    if (r.version) return { version: r.version, path, tried };
  }
  return { tried };
}
