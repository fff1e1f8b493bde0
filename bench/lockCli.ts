// `flightdeck lock acquire` and `lock release` as whole CLI processes on one repository, beside a bare
// `node -e ''` timed in the same loop (interleaved, so a busy machine slows both alike). The target is on the
// difference: what Flightdeck adds to a node start.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LockCliTimes {
  acquire: number[];
  release: number[];
  node: number[];
  /** Exit codes seen: acquire must give 0 every time (nobody else holds it), release 0. */
  codes: Set<string>;
}

export function lockCliTimes(cli: string, samples = 60): LockCliTimes {
  const repo = mkdtempSync(join(tmpdir(), 'fd-bench-lock-'));
  try {
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    execFileSync('git', ['-C', repo, 'config', 'user.name', 'Bench']);
    execFileSync('git', ['-C', repo, 'config', 'user.email', 'bench@example.com']);
    const times: LockCliTimes = { acquire: [], release: [], node: [], codes: new Set() };
    const run = (args: string[]): number => {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
      const ms = performance.now() - t;
      if (args[0] === cli) times.codes.add(`${args[2]} ${r.status ?? -1}`);
      return ms;
    };
    // The first runs warm the file cache (and create the record folder): not timed.
    for (let i = 0; i < 3; i++) {
      run([cli, 'lock', 'acquire', '--reason', 'bench']);
      run([cli, 'lock', 'release']);
    }
    times.codes.clear();
    for (let i = 0; i < samples; i++) {
      times.acquire.push(run([cli, 'lock', 'acquire', '--reason', 'bench']));
      times.node.push(run(['-e', '']));
      times.release.push(run([cli, 'lock', 'release']));
    }
    return times;
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
