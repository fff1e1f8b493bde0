// `flightdeck lock acquire` and `lock release` as whole CLI processes on one repository, beside a bare
// `node -e ''` timed in the same rounds (the order turns each round, so a busy machine slows all alike). The
// target is on the difference: what Flightdeck adds to a node start. With a before build, its CLI takes its
// turn in the same rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuOverNode, type Side } from './processTimes';

export interface LockCliTimes {
  /** By side label: acquire and release times; node: the bare node starts. */
  acquire: Map<string, number[]>;
  release: Map<string, number[]>;
  node: number[];
  /** Exit codes seen: acquire must give 0 every time (nobody else holds it), release 0. */
  codes: Set<string>;
  /** By side label: CPU time per acquire or release process, and per bare node process. */
  cpu: Map<string, { process: number; node: number; over: number }>;
}

export function lockCliTimes(sides: readonly Side[], samples = 60): LockCliTimes {
  const repo = mkdtempSync(join(tmpdir(), 'fd-bench-lock-'));
  try {
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    execFileSync('git', ['-C', repo, 'config', 'user.name', 'Bench']);
    execFileSync('git', ['-C', repo, 'config', 'user.email', 'bench@example.com']);
    const times: LockCliTimes = { acquire: new Map(sides.map((s) => [s.label, []])), release: new Map(sides.map((s) => [s.label, []])), node: [], codes: new Set(), cpu: new Map() };
    const run = (args: string[], label?: string): number => {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
      const ms = performance.now() - t;
      if (label) times.codes.add(`${label} ${args[2]} ${r.status ?? -1}`);
      return ms;
    };
    // The first runs warm the file cache, create the record folder and save the compiled code: not timed.
    for (let i = 0; i < 3; i++) {
      for (const s of sides) {
        run([s.cli, 'lock', 'acquire', '--reason', 'bench']);
        run([s.cli, 'lock', 'release']);
      }
    }
    const turns = [...sides, undefined];
    for (let i = 0; i < samples; i++) {
      for (let k = 0; k < turns.length; k++) {
        const s = turns[(k + i) % turns.length];
        if (!s) {
          times.node.push(run(['-e', '']));
          continue;
        }
        times.acquire.get(s.label)?.push(run([s.cli, 'lock', 'acquire', '--reason', 'bench'], s.label));
        times.release.get(s.label)?.push(run([s.cli, 'lock', 'release'], s.label));
      }
    }
    for (const s of sides) times.cpu.set(s.label, cpuOverNode(s.cli, [['lock', 'acquire', '--reason', 'bench'], ['lock', 'release']], 15, { cwd: repo }));
    return times;
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
