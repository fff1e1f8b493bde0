// Git as a process, the one way the core runs it: a failure keeps its message (an unreachable remote must say
// so, never read as "no lock"), prompts are off (a hook or the status bar must never hang on a password) and
// every call has a deadline.

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Given each piece of git's output as it is written (then `stdout` is empty): a long output is read while git works. */
  onStdout?: (chunk: Buffer) => void;
}

export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  // Loaded on first use: node:child_process brings node's streams and net (ms for a CLI that may not need git).
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', ...options.env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const onStdout = options.onStdout;
    child.stdout.on('data', onStdout ? (c: Buffer) => onStdout(c) : (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: '', stderr: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: signal === 'SIGKILL' && code === null ? `${stderr}\ngit ${args[0] ?? ''} timed out` : stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** The last meaningful line of git's complaint, for one-line errors. */
export function gitComplaint(r: GitResult): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('hint:'));
  return lines.slice(-2).join(' ') || `git exited with ${r.code}`;
}

/** Git's output, or empty when git fails: for facts that are simply unknown without it (no repository, no commits). */
export async function runGit(cwd: string, args: string[], input?: string): Promise<string> {
  const r = await git(cwd, args, { input });
  return r.code === 0 ? r.stdout : '';
}
