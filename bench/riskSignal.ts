// Signal quality of the default risk policy on real application histories, and the speed of `flightdeck risk`.
//
// Fixtures (test/fixtures/risk-history/<repo>.json.gz): the last few hundred non-merge commits of three public
// applications with auth, billing and migrations (maybe-finance/maybe: Rails; documenso/documenso: Node,
// Prisma, Stripe; healthchecks/healthchecks: Django, 2017–2018 when its billing changed most), each with its
// changed paths, its added lines reduced to their words (no code is kept), and my label.
//
// How I labelled: a commit is truly risky when it changes server-side logic of authentication or sessions,
// of permissions/access control, of payments/billing/subscriptions, or a schema migration. UI text and
// styling on login or billing pages, tests, docs and translations do not count. For each repository I
// listed every commit with its files and the auth/billing/permission/schema words in its changed lines
// (added and removed), read those lists, wrote down where that app keeps each kind of logic and which words
// mean it there (bench/risk-history/label.mjs, kept out of the product's policy), and corrected by
// hand the commits I read in full that the rules misread. Labels are therefore mine, not the policy's: they
// use repository-specific paths, removed lines and words the general policy does not see.
import { cpuOverNode, cpuRow, pct, startedFromSmallProcess, type Side } from './processTimes';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyChanges, type ChangedFile } from '../src/core/risk/classify';
import { DEFAULT_POLICY } from '../src/core/risk/policy';
import type { Policy } from '../src/core/risk/types';
import { RecordStore } from '../src/core/record/store';

interface FixtureCommit {
  id: string;
  risky: boolean;
  categories: string[];
  files: { path: string; change: ChangedFile['change']; oldPath?: string; words?: string[] }[];
}

const LABELLED = new Set(['auth', 'permissions', 'payments', 'migrations']);
const REPOS = ['maybe', 'documenso', 'healthchecks'];

/** The naive policy: the same path globs, no content patterns. */
const NAIVE: Policy = { ...DEFAULT_POLICY, categories: DEFAULT_POLICY.categories.map((c) => ({ ...c, content: [] })) };

function load(name: string): FixtureCommit[] {
  const path = join(__dirname, '..', 'test', 'fixtures', 'risk-history', `${name}.json.gz`);
  return (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { data: FixtureCommit[] }).data;
}

const toChanged = (c: FixtureCommit): ChangedFile[] =>
  c.files.map((f) => ({ path: f.path, change: f.change, oldPath: f.oldPath, added: (f.words ?? []).map((text, i) => ({ line: i + 1, text })) }));

export interface SignalScore {
  risky: number;
  caught: number;
  rest: number;
  falseAlarms: number;
  /** Commits flagged only by the other categories (infra, secrets, dependencies), of all commits. */
  otherFlags: number;
  /** Of the rest, commits that would open a review (any category with `review: true`, infra and secrets included). */
  reviewAlarms: number;
  missed: string[];
  alarms: string[];
}

export function score(policy: Policy, commits: FixtureCommit[]): SignalScore {
  const s: SignalScore = { risky: 0, caught: 0, rest: 0, falseAlarms: 0, otherFlags: 0, reviewAlarms: 0, missed: [], alarms: [] };
  const reviewed = new Set(policy.categories.filter((c) => c.review).map((c) => c.id));
  for (const c of commits) {
    const found = classifyChanges(policy, toChanged(c)).flatMap((f) => f.categories);
    if (!c.risky && found.some((k) => reviewed.has(k))) s.reviewAlarms++;
    const flagged = found.some((k) => LABELLED.has(k));
    if (!flagged && found.length) s.otherFlags++;
    if (c.risky) {
      s.risky++;
      if (flagged) s.caught++;
      else s.missed.push(`${c.id.slice(0, 8)} ${c.categories.join(',')}`);
    } else {
      s.rest++;
      if (flagged) {
        s.falseAlarms++;
        s.alarms.push(`${c.id.slice(0, 8)} ${[...new Set(found)].join(',')}`);
      }
    }
  }
  return s;
}

const pctOf = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;

/**
 * A repository with a 2,000-file change (auth, payments, migrations and plain files), committed or not.
 * `packedBase`: the base commit's objects are in a pack, as in a cloned repository (or one git has gc'd: it packs
 * on its own past 6,700 loose objects), and the session's own commits are loose. Otherwise every object is loose:
 * a repository made locally and never packed, where git's diff opens one file per base blob (the worst case).
 */
function bigChange(packedBase: boolean): string {
  const repo = mkdtempSync(join(tmpdir(), 'fd-bench-risk-'));
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: repo, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'b@example.com');
  git('config', 'user.name', 'Bench');
  git('config', 'gc.auto', '0');
  const kinds = ['app/models', 'app/services', 'app/controllers', 'lib', 'app/auth', 'db/migrate', 'app/billing', 'src/components'];
  const write = (i: number, extra: string): void => {
    const dir = join(repo, kinds[i % kinds.length] as string, `m${i % 37}`);
    mkdirSync(dir, { recursive: true });
    const body = Array.from({ length: 40 }, (_, j) => `  def method_${j}(x)\n    x + ${i * j}${j === 7 && i % 5 === 0 ? ' # bcrypt password digest' : ''}\n  end`).join('\n');
    writeFileSync(join(dir, `file_${i}.rb`), `class C${i}\n${body}\n${extra}end\n`);
  };
  for (let i = 0; i < 2000; i++) write(i, '');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  if (packedBase) git('gc', '-q');
  // 1,000 files changed and committed, 600 changed and not committed, 400 new and untracked.
  for (let i = 0; i < 1000; i++) write(i, i % 9 === 0 ? '  Stripe::Refund.create(charge: id)\n' : '  # touched\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'change');
  for (let i = 1000; i < 1600; i++) write(i, '  # touched\n');
  for (let i = 2000; i < 2400; i++) write(i, '');
  return repo;
}

/** An active session that started at the repository's first commit: `flightdeck risk` counts from there. */
async function startSession(repo: string): Promise<void> {
  const base = execFileSync('git', ['rev-list', '--max-parents=0', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  store.append([{ kind: 'session.started', session: 'bench-session', source: 'claude', data: { startCommit: base } }]);
  store.close();
}

export function riskSignal(row: (label: string, value: string, target?: string) => void): void {
  const totals = { ours: { risky: 0, caught: 0, rest: 0, falseAlarms: 0, reviewAlarms: 0 }, naive: { risky: 0, caught: 0, rest: 0, falseAlarms: 0, reviewAlarms: 0 } };
  for (const name of REPOS) {
    const commits = load(name);
    const ours = score(DEFAULT_POLICY, commits);
    const naive = score(NAIVE, commits);
    for (const [k, s] of [['ours', ours], ['naive', naive]] as const) {
      totals[k].risky += s.risky;
      totals[k].caught += s.caught;
      totals[k].rest += s.rest;
      totals[k].falseAlarms += s.falseAlarms;
      totals[k].reviewAlarms += s.reviewAlarms;
    }
    row(`risk signal ${name}: ${commits.length} commits, ${ours.risky} risky`, `caught ${pctOf(ours.caught, ours.risky)} (naive ${pctOf(naive.caught, naive.risky)})`, 'target ≥ 95%');
    row(`  false alarms on the other ${ours.rest}`, `${pctOf(ours.falseAlarms, ours.rest)} (naive ${pctOf(naive.falseAlarms, naive.rest)})`, 'target ≤ 10%');
    row(`  flagged only as infra/secrets/dependencies`, pctOf(ours.otherFlags, commits.length));
    row(`  a review opened on the other ${ours.rest} (infra, secrets too)`, pctOf(ours.reviewAlarms, ours.rest));
    if (process.env.FLIGHTDECK_BENCH_DETAIL) {
      console.log(`    missed: ${ours.missed.join('; ')}`);
      console.log(`    false alarms: ${ours.alarms.join('; ')}`);
    }
  }
  const t = totals;
  row(`risk signal, all ${t.ours.risky + t.ours.rest} commits`, `caught ${pctOf(t.ours.caught, t.ours.risky)} (naive ${pctOf(t.naive.caught, t.naive.risky)})`, 'target ≥ 95%');
  row('  false alarms', `${pctOf(t.ours.falseAlarms, t.ours.rest)} (naive ${pctOf(t.naive.falseAlarms, t.naive.rest)})`, 'target ≤ 10%');
  row('  a review opened on the others (infra, secrets too)', pctOf(t.ours.reviewAlarms, t.ours.rest));
}

/** Repository shapes timed in the same rounds; the target is for the first, the shape of a cloned repository. */
const SHAPES = [
  { packedBase: true, what: 'base commit packed (a cloned repository)' },
  { packedBase: false, what: 'never packed (every object loose)' },
] as const;

/** `flightdeck risk --json` as a user runs it (a new node process, the built CLI) on a 2,000-file change: median of rounds. */
export async function riskCommandTime(row: (label: string, value: string, target?: string) => void, before?: Side): Promise<void> {
  const repos = SHAPES.map((shape) => ({ ...shape, repo: bigChange(shape.packedBase) }));
  try {
    for (const r of repos) await startSession(r.repo);
    const sides: Side[] = [{ label: 'after', cli: join(__dirname, '..', 'dist', 'cli.js') }, ...(before ? [before] : [])];
    const run = (cli: string, repo: string): { files: number; risky: number } => {
      const r = spawnSync(process.execPath, [cli, 'risk', '--json'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`flightdeck risk failed: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { changedFiles: number; riskyFiles: unknown[] };
      return { files: out.changedFiles, risky: out.riskyFiles.length };
    };
    // The first runs warm git's index and the page cache, and save the compiled code.
    for (const r of repos) for (const s of sides) run(s.cli, r.repo);
    const key = (shape: number, side: string): string => `${shape} ${side}`;
    const found = repos.map((r) => run(sides[0]!.cli, r.repo));
    const rounds = 30;
    // Shapes and sides take turns going first (a busy machine slows all alike), then a bare node.
    const turns = repos.flatMap((_, k) => sides.map((s) => ({ k, s })));
    const plan: { key: string; args: string[]; cwd?: string }[] = [];
    for (let i = 0; i < rounds; i++) {
      for (let t = 0; t < turns.length; t++) {
        const { k, s } = turns[(t + i) % turns.length]!;
        plan.push({ key: key(k, s.label), args: [s.cli, 'risk', '--json'], cwd: repos[k]!.repo });
      }
      plan.push({ key: 'node', args: ['-e', ''] });
    }
    const ours = new Map<string, number[]>();
    for (const [i, r] of startedFromSmallProcess(plan).entries()) {
      const step = plan[i]!;
      if (step.key !== 'node' && r.status !== 0) throw new Error(`flightdeck risk failed in ${step.cwd}: exit ${r.status}`);
      (ours.get(step.key) ?? ours.set(step.key, []).get(step.key)!).push(r.ms);
    }
    const node = ours.get('node')!;
    repos.forEach((r, k) => {
      row(`flightdeck risk, ${found[k]!.files} changed files (${found[k]!.risky} risky), ${r.what}`, '');
      for (const s of sides) {
        const xs = ours.get(key(k, s.label))!;
        row(`  ${s.label}`, `${pct(xs, 50).toFixed(0)} ms median, p95 ${pct(xs, 95).toFixed(0)} ms (${rounds} runs)`, s.label === 'after' && k === 0 ? 'target ≤ 300 ms' : '');
        cpuRow(row, `risk with its git diff, ${s.label}`, cpuOverNode(s.cli, [['risk', '--json']], 5, { cwd: r.repo }));
      }
      const gitAlone = timeGitDiff(r.repo, 10);
      row('  git\'s own diff alone, median', `${gitAlone.toFixed(0)} ms`);
    });
    row('  a bare node -e "" beside it, median / p95', `${pct(node, 50).toFixed(0)} / ${pct(node, 95).toFixed(0)} ms`);
    if (process.env.NODE_EXTRA_CA_CERTS) {
      // Timed above as on a typical machine; here as this one is set up, where each node start parses those certificates.
      const steps = Array.from({ length: 15 }, () => [{ args: [sides[0]!.cli, 'risk', '--json'], cwd: repos[0]!.repo }, { args: ['-e', ''] }]).flat();
      const runs = startedFromSmallProcess(steps, process.env).map((r) => r.ms);
      row(`  with NODE_EXTRA_CA_CERTS set, as on this machine: ${repos[0]!.what}`, `${pct(runs.filter((_, i) => i % 2 === 0), 50).toFixed(0)} ms median (a bare node ${pct(runs.filter((_, i) => i % 2 === 1), 50).toFixed(0)} ms)`);
    }
  } finally {
    for (const r of repos) rmSync(r.repo, { recursive: true, force: true });
  }
}

/** The diff `flightdeck risk` asks git for, run alone and read to the end: the part of its time that is git's. */
function timeGitDiff(repo: string, rounds: number): number {
  const base = execFileSync('git', ['rev-list', '--max-parents=0', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const args = ['-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/', base, '--'];
  return pct(startedFromSmallProcess(Array.from({ length: rounds }, () => ({ exe: 'git', args, cwd: repo }))).map((r) => r.ms), 50);
}
