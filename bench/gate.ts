// The PreToolUse gate in enforce mode: the whole `flightdeck hook PreToolUse` process, beside an empty node
// process started in the same rounds, on a record of 1,000,000 events holding 20,000 reviews, and on a fresh one
// (with a one-line policy, and with the whole policy file as Create policy writes it, where edits are timed too).
// FLIGHTDECK_BENCH_BEFORE=<rev> times that commit's CLI in the same rounds; FLIGHTDECK_BENCH_CACHE=<dir> keeps the
// 1M record between runs (a copy is used, so each run starts from the same record).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeEvent, type NewEvent } from '../src/core/record/events';
import { JournalWriter } from '../src/core/record/journal';
import { RecordStore } from '../src/core/record/store';
import { decidePreToolUse, gatePolicy } from '../src/core/gates/decide';
import { defaultPolicyText } from '../src/core/risk/load';
import { readGateState } from '../src/core/gates/state';
import { keepGateState } from '../src/core/gates/stateWriter';
import { makeEvents } from './events';
import { cpuOverNode, cpuRow, nodeRow, overNode, pct, startedFromSmallProcess, timeProcesses, type Row, type Side } from './processTimes';

const ms = (n: number): string => `${n.toFixed(1)} ms`;
/** Rounds per case: a p95 of 60 runs is decided by three of them; of 200, by ten (this VM's node start alone swings by 20 ms). */
const ROUNDS = 200;

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

/** The policy file as `Flightdeck: Create policy` writes it (every category, every rule), set to enforce. */
const WRITTEN_OUT_POLICY = defaultPolicyText().replace('"mode": "advisory"', '"mode": "enforce"');

function repoWithRecord(root = mkdtempSync(join(tmpdir(), 'fd-bench-gate-')), policy = JSON.stringify({ version: 1, mode: 'enforce' })): { root: string; repo: string; dir: string } {
  const repo = join(root, 'repo');
  mkdirSync(join(repo, '.flightdeck'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), policy);
  return { root, repo, dir: join(repo, '.git', 'flightdeck') };
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

/**
 * Where the agent's environment sets NODE_EXTRA_CA_CERTS (as this machine does), a bare node start parses those
 * certificates first; the hook as Flightdeck installs it clears the variable (it opens no TLS connection).
 */
function caCertsRows(row: Row, cli: string, repo: string): void {
  const input = JSON.stringify({ session_id: 'bench', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_gate_ca' });
  const steps = Array.from({ length: 60 }, () => [
    { key: 'node', args: ['-e', ''] },
    { key: 'hook', args: [cli, 'hook', 'PreToolUse'], input, cwd: repo, env: { NODE_EXTRA_CA_CERTS: '' } },
  ]).flat();
  const runs = startedFromSmallProcess(steps, process.env);
  const of = (key: string): number[] => runs.filter((_, i) => steps[i]!.key === key).map((r) => r.ms);
  row(`NODE_EXTRA_CA_CERTS set, as on this machine: a bare node p50/p95`, `${ms(pct(of('node'), 50))} / ${ms(pct(of('node'), 95))}`);
  row(`  PreToolUse npm test as installed (it clears it)`, `${ms(pct(of('hook'), 50))} / ${ms(pct(of('hook'), 95))}`);
}

/** The 1M-event record in a repository under `root`: 1,000,000 events with 20,000 reviews, gates.json 5,000 events behind. */
async function buildBig(root: string, row: Row): Promise<void> {
  const big = repoWithRecord(root);
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
}

type ToolCall = { tool_name: string; tool_input: Record<string, unknown> };

/**
 * The calls timed on a record: a push the gate denies and a command it allows; with the whole policy, also an edit of an
 * ordinary file and one of a risky file (the agent is told why): an edit's decision classifies its file and added lines.
 */
function callsFor(repo: string, edits: boolean): (readonly [string, 'denied' | 'allowed', ToolCall])[] {
  const bash = (command: string): ToolCall => ({ tool_name: 'Bash', tool_input: { command } });
  const edit = (file: string, oldText: string, newText: string): ToolCall => ({
    tool_name: 'Edit', tool_input: { file_path: join(repo, file), old_string: oldText, new_string: newText },
  });
  const calls = [['git push origin main', 'denied', bash('git push origin main')], ['npm test', 'allowed', bash('npm test')]] as const;
  if (!edits) return [...calls];
  return [
    ...calls,
    ['Edit src/components/Table.tsx', 'allowed', edit('src/components/Table.tsx', 'const rows = data;', 'const rows = data.filter((r) => r.visible);\nconst total = rows.length;')],
    ['Edit src/lib/session.ts (risky: told why)', 'allowed', edit('src/lib/session.ts', 'maxAge: 3600,', 'maxAge: 7200,\nsession.regenerate();')],
  ];
}

export async function gateBench(row: Row, cli: string, before?: Side): Promise<void> {
  const bigRoot = mkdtempSync(join(tmpdir(), 'fd-bench-gate-'));
  const cache = process.env.FLIGHTDECK_BENCH_CACHE;
  const kept = cache && join(cache, 'gate-1m-v1');
  if (kept && existsSync(kept)) row('gate bench record: 1,000,000 events, 20,000 reviews', `kept in ${kept}`);
  else if (kept) {
    rmSync(`${kept}.building`, { recursive: true, force: true });
    mkdirSync(`${kept}.building`, { recursive: true });
    await buildBig(`${kept}.building`, row);
    renameSync(`${kept}.building`, kept);
  } else await buildBig(bigRoot, row);
  if (kept) cpSync(kept, bigRoot, { recursive: true });
  // The copy (hundreds of MB) is written back first: a hook's fsync would otherwise wait behind it, which no user's does.
  execFileSync('sync');
  const big = { root: bigRoot, repo: join(bigRoot, 'repo'), dir: join(bigRoot, 'repo', '.git', 'flightdeck') };

  const fresh = async (policy?: string): Promise<{ root: string; repo: string; dir: string }> => {
    const r = repoWithRecord(undefined, policy);
    const s = await RecordStore.open(r.dir);
    keepGateState(s);
    s.append(reviewEvents(1, 0));
    s.close();
    return r;
  };
  const small = await fresh();
  const writtenOut = await fresh(WRITTEN_OUT_POLICY);

  const sides: Side[] = [{ label: 'after', cli }, ...(before ? [before] : [])];
  const cases = [['1M events', big], ['fresh record', small], ['fresh record, the policy file as Create policy writes it', writtenOut]] as const;
  for (const [label, where] of cases) {
    for (const [command, verdict, call] of callsFor(where.repo, where === writtenOut)) {
      const input = (i: number): string => JSON.stringify({ session_id: 'bench', cwd: where.repo, hook_event_name: 'PreToolUse', ...call, tool_use_id: `toolu_gate_${i}` });
      const timed = timeProcesses(sides, ROUNDS, (_cli, i) => ({ args: ['hook', 'PreToolUse'], input: input(i) }));
      for (const side of sides) {
        const codes = [...(timed.codes.get(side.label) ?? [])];
        if (codes.length !== 1 || codes[0] !== (verdict === 'denied' ? 2 : 0)) throw new Error(`${side.label}: ${command} was not ${verdict}: exit ${codes.join(',')}`);
        const tag = sides.length > 1 ? `, ${side.label}` : '';
        overNode(row, timed, side.label, `PreToolUse ${command}: ${verdict} (${label})${tag}`, side.label === 'after' ? 'target ≤ 15 ms' : '');
        cpuRow(row, `${verdict}${tag}`, cpuOverNode(side.cli, [['hook', 'PreToolUse']], 20, { input: input(-1) }));
      }
      nodeRow(row, timed);
    }
    const dec = inProcess(where.repo, where.dir, 200);
    row(`  the decision alone, in process (${label}) p50/p95`, `${ms(pct(dec, 50))} / ${ms(pct(dec, 95))}`);
  }
  if (process.env.NODE_EXTRA_CA_CERTS) caCertsRows(row, cli, small.repo);
  rmSync(big.root, { recursive: true, force: true });
  rmSync(small.root, { recursive: true, force: true });
  rmSync(writtenOut.root, { recursive: true, force: true });
}
