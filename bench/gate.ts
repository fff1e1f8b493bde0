// The PreToolUse gate in enforce mode: the whole `flightdeck hook PreToolUse` process, beside an empty node
// process started the same way, on a record of 1,000,000 events holding 20,000 reviews, and on a fresh one.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeEvent, type NewEvent } from '../src/core/record/events';
import { JournalWriter } from '../src/core/record/journal';
import { RecordStore } from '../src/core/record/store';
import { decidePreToolUse, gatePolicy } from '../src/core/gates/decide';
import { readGateState } from '../src/core/gates/state';
import { keepGateState } from '../src/core/gates/stateWriter';
import { makeEvents } from './events';

type Row = (label: string, value: string, target?: string) => void;

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** Review lifecycles among ordinary events: every review opened and judged; most resolved, passed or overridden; a few left open. */
function reviewEvents(count: number, base: number): NewEvent[] {
  const out: NewEvent[] = [];
  for (let i = 0; i < count; i++) {
    const reviewId = `rev-bench-${base}-${i}`;
    const at = Date.UTC(2026, 10, 1) + (base + i) * 1000;
    const concerns = i % 3 === 0 ? [{ file: 'src/auth/session.ts', line: 12, severity: 'high', title: 'Idle sessions never expire' }] : [];
    out.push({ kind: 'review.opened', at, source: 'bench', session: `session-${i % 500}`, data: { reviewId, subject: 'auth: src/auth/session.ts', files: [{ path: 'src/auth/session.ts' }], changeHash: `c${i}` } });
    out.push({ kind: 'review.verdict', at: at + 1, source: 'bench', data: { reviewId, engine: 'rules', status: concerns.length ? 'concerns' : 'passed', concerns, changeHash: `c${i}` } });
    // Left open: one in 400 (with concerns, or pending a verdict of a second engine).
    if (concerns.length && i % 400 !== 0) out.push({ kind: i % 2 ? 'review.resolved' : 'override.recorded', at: at + 2, source: 'bench', data: { reviewId, supersededBy: 'x', reason: 'checked the expiry by hand on staging', by: 'bench' } });
  }
  return out;
}

function repoWithRecord(): { root: string; repo: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'fd-bench-gate-'));
  const repo = join(root, 'repo');
  mkdirSync(join(repo, '.flightdeck'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), JSON.stringify({ version: 1, mode: 'enforce' }));
  return { root, repo, dir: join(repo, '.git', 'flightdeck') };
}

function processTimes(cli: string, repo: string, samples: number, command: string): { hook: number[]; node: number[]; codes: Set<number> } {
  const hook: number[] = [];
  const node: number[] = [];
  const codes = new Set<number>();
  for (let i = 0; i < samples; i++) {
    const input = JSON.stringify({ session_id: 'bench', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: `toolu_gate_${i}` });
    let t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'hook', 'PreToolUse'], { input, encoding: 'utf8' });
    hook.push(performance.now() - t);
    codes.add(r.status ?? -1);
    t = performance.now();
    spawnSync(process.execPath, ['-e', ''], { input, encoding: 'utf8' });
    node.push(performance.now() - t);
  }
  return { hook, node, codes };
}

function inProcess(repo: string, dir: string, samples: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const { policy, mode } = gatePolicy(repo, dir);
    const now = Date.now();
    decidePreToolUse('Bash', { command: 'git push origin main' }, repo, { repoRoot: repo, mode, policy, now, state: readGateState(dir, now), currentBranch: () => 'main' });
    times.push(performance.now() - t);
  }
  return times;
}

export async function gateBench(row: Row, cli: string): Promise<void> {
  const big = repoWithRecord();
  const store = await RecordStore.open(big.dir, { snapshotEveryBytes: Number.MAX_SAFE_INTEGER });
  keepGateState(store);
  const t = performance.now();
  for (let i = 0; i < 1_000_000; i += 10_000) {
    const reviews = reviewEvents(200, i);
    store.append([...makeEvents(10_000 - reviews.length, i + 7, 100).map((e) => ({ ...e, session: `b${i}-${e.session}` })), ...reviews]);
  }
  store.snapshot();
  const events = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
  const reviews = Number(store.db.exec('SELECT count(*) FROM reviews')[0]?.values[0]?.[0]);
  const open = Number(store.db.exec(`SELECT count(*) FROM reviews WHERE status IN ('pending', 'concerns', 'failed')`)[0]?.values[0]?.[0]);
  store.close();
  row(`gate bench record: ${events.toLocaleString('en-US')} events, ${reviews.toLocaleString('en-US')} reviews (${open} open)`, `built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  // Hooks keep appending without rewriting gates.json: the state lags 5,000 events behind the journal.
  const w = new JournalWriter(big.dir);
  w.append(makeEvents(5_000, 99, 100).map(completeEvent));
  w.close();

  const small = repoWithRecord();
  const s = await RecordStore.open(small.dir);
  keepGateState(s);
  s.append(reviewEvents(1, 0));
  s.close();

  for (const [label, where] of [['1M events', big], ['fresh record', small]] as const) {
    const denied = processTimes(cli, where.repo, 60, 'git push origin main');
    const allowed = processTimes(cli, where.repo, 60, 'npm test');
    if (!denied.codes.has(2) || denied.codes.size !== 1) throw new Error(`the push was not denied: exit ${[...denied.codes].join(',')}`);
    // Each hook run minus the node run right after it: this machine's load drifts, and both see the same drift.
    const paired = (r: { hook: number[]; node: number[] }): number[] => r.hook.map((h, i) => h - (r.node[i] as number));
    const over = (r: { hook: number[]; node: number[] }): number => pct(r.hook, 95) - pct(r.node, 95);
    row(`PreToolUse git push, enforce, denied (${label}) p50/p95`, `${ms(pct(denied.hook, 50))} / ${ms(pct(denied.hook, 95))}`);
    row('  an empty node process beside it, p50/p95', `${ms(pct(denied.node, 50))} / ${ms(pct(denied.node, 95))}`);
    row('  p95 over node (p95 hook − p95 node)', ms(over(denied)), 'target ≤ 15 ms');
    row('  hook − node, run by run: p50/p95', `${ms(pct(paired(denied), 50))} / ${ms(pct(paired(denied), 95))}`);
    row(`PreToolUse npm test, enforce, allowed (${label}) p95 over node`, ms(over(allowed)), 'target ≤ 15 ms');
    row('  hook − node, run by run: p50/p95', `${ms(pct(paired(allowed), 50))} / ${ms(pct(paired(allowed), 95))}`);
    const dec = inProcess(where.repo, where.dir, 200);
    row(`  the decision alone, in process (${label}) p50/p95`, `${ms(pct(dec, 50))} / ${ms(pct(dec, 95))}`);
  }
  rmSync(big.root, { recursive: true, force: true });
  rmSync(small.root, { recursive: true, force: true });
}
