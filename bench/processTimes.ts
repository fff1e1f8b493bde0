// Short CLI processes against a bare `node -e ''`: each round runs every side once and node once, in an order
// that turns each round (so no side always follows another), on a machine whose load drifts. The targets are on
// p95 of the process minus p95 of node; the paired difference (each run minus the node run of its round) is shown too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Row = (label: string, value: string, target?: string) => void;

/**
 * The environment processes are timed in: this one without NODE_EXTRA_CA_CERTS. Some machines set it for a proxy
 * (this sandbox does), and then every node start parses each of its certificates first (50-90 ms for a system
 * bundle), for the process measured and for the bare node alike; a developer's machine rarely has it. Where it
 * is set, the gate and risk benchmarks add a row that shows what it costs.
 */
export const TYPICAL_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
})();

export interface Side {
  label: string;
  cli: string;
}

export interface Timed {
  /** Milliseconds per run, by side label; `node` is the bare node start. */
  ms: Map<string, number[]>;
  /** Exit codes seen, by side label. */
  codes: Map<string, Set<number>>;
}

export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;

/**
 * `rounds` rounds of: each side's process (args from `argsFor`, stdin from `input`) and one node, in turned order.
 * `warm` untimed rounds first: they warm the file cache and let the first run save its compiled code, as the
 * first call after an install does once.
 */
export function timeProcesses(sides: readonly Side[], rounds: number, argsFor: (cli: string, round: number) => { args: string[]; input?: string; cwd?: string }, warm = 2, env = TYPICAL_ENV): Timed {
  const labels = [...sides.map((s) => s.label), 'node'];
  const timed: Timed = { ms: new Map(labels.map((l) => [l, []])), codes: new Map(labels.map((l) => [l, new Set()])) };
  const plan: { label: string; timed: boolean; args: string[]; input?: string; cwd?: string }[] = [];
  for (let round = -warm; round < rounds; round++) {
    const order = labels.map((_, i) => labels[(i + Math.max(round, 0)) % labels.length] as string);
    for (const label of order) {
      const side = sides.find((s) => s.label === label);
      const { args, input, cwd } = argsFor(side?.cli ?? sides[0]!.cli, round);
      plan.push({ label, timed: round >= 0, args: side ? [side.cli, ...args] : ['-e', ''], input, cwd });
    }
  }
  for (const [i, run] of startedFromSmallProcess(plan, env).entries()) {
    const step = plan[i]!;
    if (!step.timed) continue;
    timed.ms.get(step.label)!.push(run.ms);
    timed.codes.get(step.label)!.add(run.status);
  }
  return timed;
}

/**
 * Starts each step's process (node unless `exe` says; in `env`, with the step's own `env` over it) from a small
 * process of its own and times it there. fork() copies the starting process's page tables: from this benchmark's
 * process, hundreds of MB after building a record, every start took tens of ms longer, and noisier, for the
 * processes measured and for node alike.
 */
export function startedFromSmallProcess(steps: readonly { exe?: string; args: string[]; input?: string; cwd?: string; env?: Record<string, string> }[], env = TYPICAL_ENV): { ms: number; status: number }[] {
  const runner = `
    const { spawnSync } = require('node:child_process');
    const steps = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const out = steps.map((s) => {
      const t = performance.now();
      const r = spawnSync(s.exe ?? process.execPath, s.args, { input: s.input, cwd: s.cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: s.env && { ...process.env, ...s.env } });
      return { ms: performance.now() - t, status: r.status ?? -1 };
    });
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-e', runner], { input: JSON.stringify(steps), encoding: 'utf8', maxBuffer: 1 << 26, env });
  if (r.status !== 0) throw new Error(`the timing process failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number; status: number }[];
}

/** The rows for one side: p50/p95, p95 over node's p95 (the target), and the paired difference. */
export function overNode(row: Row, timed: Timed, label: string, what: string, target: string): void {
  const runs = timed.ms.get(label)!;
  const node = timed.ms.get('node')!;
  const paired = runs.map((x, i) => x - (node[i] as number));
  row(`${what} p50/p95`, `${ms(pct(runs, 50))} / ${ms(pct(runs, 95))}`);
  row('  p95 over node (p95 process − p95 node)', ms(pct(runs, 95) - pct(node, 95)), target);
  row('  process − node, round by round: p50/p95', `${ms(pct(paired, 50))} / ${ms(pct(paired, 95))}`);
}

export function nodeRow(row: Row, timed: Timed): void {
  const node = timed.ms.get('node')!;
  row('  an empty node process in the same rounds, p50/p95', `${ms(pct(node, 50))} / ${ms(pct(node, 95))}`);
}

/**
 * With FLIGHTDECK_BENCH_BEFORE=<rev>: that commit's CLI, built in a worktree under `root`, to time beside today's.
 * Remove it with `removeBeforeCli(root)`.
 */
export function buildBeforeCli(root: string): Side | undefined {
  const rev = process.env.FLIGHTDECK_BENCH_BEFORE;
  if (!rev) return undefined;
  const here = join(__dirname, '..');
  const tree = join(root, 'before-cli');
  const run = (cmd: string, args: string[], cwd: string): void => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  };
  run('git', ['worktree', 'add', '--detach', '-q', tree, rev], here);
  symlinkSync(join(here, 'node_modules'), join(tree, 'node_modules'));
  run(process.execPath, ['esbuild.mjs', '--production'], tree);
  return { label: `before (${rev})`, cli: join(tree, 'dist', 'cli.js') };
}

export function removeBeforeCli(root: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', join(root, 'before-cli')], { cwd: join(__dirname, '..') });
}

/**
 * CPU time (user + system, all threads) of `node CLI ARGS` processes (each of `steps` in turn, `rounds` times), each
 * followed by a `node -e ''`, from one shell's running `times`: what a process costs the machine, far steadier than
 * wall time while other work shares the cores. Medians per process, and of each process minus the node after it.
 */
export function cpuOverNode(cli: string, steps: string[][], rounds: number, opts: { input?: string; cwd?: string } = {}): { process: number; node: number; over: number } {
  const dir = mkdtempSync(join(tmpdir(), 'fd-bench-cpu-'));
  try {
    const input = join(dir, 'input');
    writeFileSync(input, opts.input ?? '');
    const q = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    const run = (argv: string[]): string => `${[process.execPath, ...argv].map(q).join(' ')} < ${q(input)} > /dev/null 2>&1; times`;
    const body = steps.map((argv) => `${run([cli, ...argv])}; ${run(['-e', ''])}`).join('; ');
    const r = spawnSync('bash', ['-c', `${run(['-e', ''])}; for ((i = 0; i < ${rounds}; i++)); do ${body}; done`], { cwd: opts.cwd, encoding: 'utf8', env: TYPICAL_ENV });
    // Each `times`: the shell's own user/sys, then its children's so far, as 0m0.081s 0m0.012s.
    const totals = r.stdout.trim().split('\n').filter((_, i) => i % 2 === 1).map((line) => {
      const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (secs.length !== 2) throw new Error(`bash times said: ${r.stdout} ${r.stderr}`);
      return ((secs[0] as number) + (secs[1] as number)) * 1000;
    });
    if (totals.length !== 1 + rounds * steps.length * 2) throw new Error(`bash times said: ${r.stdout} ${r.stderr}`);
    const ours: number[] = [];
    const node: number[] = [];
    for (let i = 1; i < totals.length; i += 2) {
      ours.push((totals[i] as number) - (totals[i - 1] as number));
      node.push((totals[i + 1] as number) - (totals[i] as number));
    }
    return { process: pct(ours, 50), node: pct(node, 50), over: pct(ours.map((x, i) => x - (node[i] as number)), 50) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function cpuRow(row: Row, what: string, c: { process: number; node: number; over: number }): void {
  row(`  CPU per process, ${what} (user+sys), median`, `${ms(c.process)} (node ${ms(c.node)})`, `${ms(c.over)} over node`);
}
