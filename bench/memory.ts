// The hand-off for the next session: the SessionStart hook process that prints it, beside an empty node process,
// on a record of 1,000,000 events; and what rebuilding memory.json costs the process that holds the record.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../src/core/record/events';
import { RecordStore } from '../src/core/record/store';
import { fileHistory, fileHistoryCount, fileKey } from '../src/core/report/fileHistory';
import { MEMORY_FILE } from '../src/core/report/memoryFile';
import { writeMemory } from '../src/core/report/memoryWriter';
import { makeEvents } from './events';

type Row = (label: string, value: string, target?: string) => void;

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const BRANCHES = ['main', 'feature/signup', 'fix/billing', 'docs', 'feature/search', 'chore/deps', 'fix/auth', 'spike/cache', 'release/2', 'feature/export', 'fix/ui'];

function sessionStartTimes(cli: string, repo: string, samples: number): { hook: number[]; node: number[]; out: string } {
  const hook: number[] = [];
  const node: number[] = [];
  let out = '';
  for (let i = 0; i < samples; i++) {
    const input = JSON.stringify({ session_id: `bench-${i}`, cwd: repo, hook_event_name: 'SessionStart', source: 'startup', transcript_path: '/t.jsonl' });
    let t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'hook', 'SessionStart'], { input, encoding: 'utf8' });
    hook.push(performance.now() - t);
    out = r.stdout;
    t = performance.now();
    spawnSync(process.execPath, ['-e', ''], { input, encoding: 'utf8' });
    node.push(performance.now() - t);
  }
  return { hook, node, out };
}

export async function memoryBench(row: Row, cli: string): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'fd-bench-memory-'));
  const repo = join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'feature/signup', repo]);
  const dir = join(repo, '.git', 'flightdeck');
  const store = await RecordStore.open(dir, { snapshotEveryBytes: Number.MAX_SAFE_INTEGER });
  const t = performance.now();
  for (let i = 0; i < 1_000_000; i += 10_000) {
    const branch = BRANCHES[(i / 10_000) % BRANCHES.length] as string;
    const extra: NewEvent[] = Array.from({ length: 10 }, (_, k) => ({
      kind: 'decision.recorded', at: Date.UTC(2026, 10, 1) + i * 1000 + k, source: 'bench',
      data: { text: `Decision ${i + k}: signup validation stays on the server, the client check is advisory`, files: ['api/signup.ts'] },
    }));
    store.append([
      ...makeEvents(10_000 - extra.length, i + 5, 100).map((e) => ({ ...e, session: `b${i}-${e.session}`, data: e.kind === 'session.started' ? { ...e.data, branch } : e.data })),
      ...extra,
    ]);
  }
  store.snapshot();
  const events = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
  const sessions = Number(store.db.exec('SELECT count(*) FROM sessions')[0]?.values[0]?.[0]);
  row(`memory bench record: ${events.toLocaleString('en-US')} events, ${sessions.toLocaleString('en-US')} sessions`, `built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const rebuild: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    writeMemory(store);
    rebuild.push(performance.now() - s);
  }
  row('memory.json rebuilt from the database (median)', ms(pct(rebuild, 50)), `${statSync(join(dir, MEMORY_FILE)).size.toLocaleString('en-US')} bytes, ${BRANCHES.length} branches`);
  const key = fileKey(repo, 'api/signup.ts')!;
  const lens: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < 7; i++) {
    let s = performance.now();
    fileHistoryCount(store.db, { ...key, paths: [...key.paths, 'api/signup.ts'] });
    lens.push(performance.now() - s);
    s = performance.now();
    fileHistory(store.db, key);
    full.push(performance.now() - s);
  }
  row('file history CodeLens count, a file in every session (median)', ms(pct(lens, 50)));
  row('file history, whole (median)', ms(pct(full, 50)));
  store.close();

  const withMemory = sessionStartTimes(cli, repo, 40);
  const context = (JSON.parse(withMemory.out) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
  rmSync(join(dir, MEMORY_FILE));
  const without = sessionStartTimes(cli, repo, 40);
  if (without.out !== '') throw new Error('without memory.json the hook printed something');
  const over = (r: { hook: number[]; node: number[] }): number => pct(r.hook, 95) - pct(r.node, 95);
  const paired = (r: { hook: number[]; node: number[] }): number[] => r.hook.map((h, i) => h - (r.node[i] as number));
  row('SessionStart hook printing the memory (1M events) p50/p95', `${ms(pct(withMemory.hook, 50))} / ${ms(pct(withMemory.hook, 95))}`, `${context.length} chars handed on`);
  row('  an empty node process beside it, p50/p95', `${ms(pct(withMemory.node, 50))} / ${ms(pct(withMemory.node, 95))}`);
  row('  p95 over node (p95 hook − p95 node)', ms(over(withMemory)), 'target ≤ 50 ms');
  row('  hook − node, run by run: p50/p95', `${ms(pct(paired(withMemory), 50))} / ${ms(pct(paired(withMemory), 95))}`);
  row('SessionStart hook without memory.json, p95 over node', ms(over(without)), 'what the hand-off adds: the difference');
  rmSync(root, { recursive: true, force: true });
}
