// `npm run bench -- codex`: `flightdeck ingest codex` over a real-shaped Codex history, beside @ccusage/codex
// (the nearest peer: it reads the same rollouts for token usage) on the same files. Medians of rounds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const mbps = (bytes: number, ms: number): number => bytes / (1 << 20) / (ms / 1000);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

// 19.0.0 only prints "use npx ccusage instead"; ccusage 20 reads Codex through a native binary that npx does
// not install here. 18.0.11 is the last release that reads the rollouts itself.
export const CCUSAGE_CODEX = '18.0.11';

/**
 * A history shaped like the real 0.171.0 rollout of test/fixtures/codex: each session repeats its
 * command/patch/token cycle `turns` times; one in five works in another repository.
 */
export function writeCodexHistory(root: string, repo: string, sessions: number, turns: number): { bytes: number; ours: number } {
  const fixture = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'codex', 'codex-0.171.0.jsonl'), 'utf8').split('\n').filter(Boolean);
  const head = fixture.slice(0, 9);
  const cycle = fixture.slice(9, fixture.length - 1);
  const tail = fixture.slice(fixture.length - 1);
  const oldId = /"id":"([0-9a-f-]{36})"/.exec(fixture[0] ?? '')?.[1] ?? '';
  let bytes = 0;
  let ours = 0;
  const t0 = Date.UTC(2026, 0, 1);
  for (let s = 0; s < sessions; s++) {
    const id = randomUUID();
    const start = new Date(t0 + s * 3_600_000);
    const here = s % 5 !== 4;
    if (here) ours++;
    const cwd = here ? repo : '/home/someone/other-project';
    const lines: string[] = [];
    const fix = (l: string, turn: number): string => l.split(oldId).join(id).split('/tmp/fixture/repo').join(cwd).replace(/call_e2e_(\d+)/g, `call_${turn}_$1`)
      .replace(/"timestamp":"[^"]+"/, `"timestamp":"${new Date(start.getTime() + turn * 60_000).toISOString()}"`);
    for (const l of head) lines.push(fix(l, 0));
    for (let turn = 0; turn < turns; turn++) {
      for (const l of cycle) {
        // Running totals grow, as Codex's do: each count is its own.
        lines.push(fix(l, turn).replace(/"total_tokens":(\d+)/g, (_m, n: string) => `"total_tokens":${Number(n) + turn * 100_000}`));
      }
    }
    for (const l of tail) lines.push(fix(l, turns));
    const day = join(root, 'sessions', String(start.getUTCFullYear()), String(start.getUTCMonth() + 1).padStart(2, '0'), String(start.getUTCDate()).padStart(2, '0'));
    mkdirSync(day, { recursive: true });
    const text = lines.join('\n') + '\n';
    writeFileSync(join(day, `rollout-${start.toISOString().slice(0, 19).replace(/:/g, '-')}-${id}.jsonl`), text);
    bytes += Buffer.byteLength(text);
  }
  return { bytes, ours };
}

/** How to run @ccusage/codex: the devDependency, else npx (the registry), else why not. */
function ccusageCommand(): { cmd: string; args: string[] } | string {
  const local = join(__dirname, '..', 'node_modules', '@ccusage', 'codex', 'dist', 'index.js');
  if (existsSync(local)) return { cmd: process.execPath, args: [local] };
  const probe = spawnSync('npx', ['--yes', `@ccusage/codex@${CCUSAGE_CODEX}`, '--help'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status === 0) return { cmd: 'npx', args: ['--yes', `@ccusage/codex@${CCUSAGE_CODEX}`] };
  return `@ccusage/codex is not installed (add "@ccusage/codex": "${CCUSAGE_CODEX}" to devDependencies) and npx could not fetch it: ${(probe.stderr || '').trim().split('\n').pop() ?? ''}`;
}

export interface CodexBench {
  bytes: number;
  files: number;
  sessions: number;
  ours: number[];
  ccusage: number[] | string;
  events: number;
}

export function codexImportThroughput(root: string, repo: string, sessions = 200, turns = 8, rounds = 3): CodexBench {
  const { bytes, ours: mine } = writeCodexHistory(root, repo, sessions, turns);
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  const peer = ccusageCommand();
  const ours: number[] = [];
  const theirs: number[] = [];
  let found = 0;
  let events = 0;
  for (let round = 0; round < rounds; round++) {
    rmSync(join(repo, '.git', 'flightdeck'), { recursive: true, force: true });
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'ingest', 'codex', '--sessions-dir', join(root, 'sessions'), '--repo', repo, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    ours.push(mbps(bytes, performance.now() - t));
    if (r.status !== 0) throw new Error(`flightdeck ingest codex failed: ${r.stderr}`);
    const summary = JSON.parse(r.stdout) as { sessions: number; added: number };
    found = summary.sessions;
    events = summary.added;
    if (typeof peer !== 'string') {
      const tc = performance.now();
      const c = spawnSync(peer.cmd, [...peer.args, 'session', '--json', '--offline'], { env: { ...process.env, CODEX_HOME: root }, encoding: 'utf8', maxBuffer: 1 << 28 });
      theirs.push(c.status === 0 ? mbps(bytes, performance.now() - tc) : NaN);
    }
  }
  if (found !== mine) throw new Error(`flightdeck found ${found} sessions of this repository, the history has ${mine}`);
  return { bytes, files: sessions, sessions: found, ours, ccusage: typeof peer === 'string' ? peer : theirs, events };
}

export { median };
