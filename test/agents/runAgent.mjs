// An agent CLI run to completion: its exit, and what it printed. A run that hangs is killed after two minutes.
import { spawn } from 'node:child_process';

export function runAgent(bin, args, { cwd, env, timeoutMs = 120_000 }) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: null, signal: err.message, stdout, stderr }); });
  });
}
