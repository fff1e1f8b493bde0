// `flightdeck check-ship`, `flightdeck kickoff` and `flightdeck ship`: the ship gates other than the lock.
import { existsSync } from 'node:fs';
import { completeEvent } from '../core/record/events';
import { locateRecord } from '../core/record/location';
import { RecordStore } from '../core/record/store';
import { loadPolicy } from '../core/risk/load';
import type { DeployPolicy } from '../core/risk/types';
import { gitIdentity } from '../core/review/reviews';
import { currentHolder, openGate } from '../core/gates/gate';
import { kickoff as runKickoff } from '../core/gates/kickoff';
import { describeRequiredChecks, requiredChecks, resolveCommit } from '../core/gates/requiredChecks';
import { previousShip, rollbackFor, shipEvent } from '../core/gates/ship';
import { shipReviewGate } from '../core/gates/shipReviews';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

function repoOf(args: CliArgs): { repoRoot: string; dir: string; deploy: DeployPolicy } {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return { repoRoot: location.repoRoot, dir: location.dir, deploy: loadPolicy(location.repoRoot, { recordDir: location.dir }).policy.deploy ?? {} };
}

/** Exit 0 when every required check passed on the commit (default HEAD), 1 when one is missing or failed. */
export async function checkShip(args: CliArgs, out: Out): Promise<number> {
  if (args.positionals.length) throw new UsageError('check-ship takes no words; the commit is --commit SHA');
  const { repoRoot, dir, deploy } = repoOf(args);
  const target = await resolveCommit(repoRoot, args.commit ?? 'HEAD');
  const store = await RecordStore.open(dir, { readOnly: true });
  try {
    const result = requiredChecks(store.db, target, deploy.requiredChecks ?? [], { acceptTeamChecks: deploy.acceptTeamChecks === true });
    out(args.json ? JSON.stringify(result, null, 2) : describeRequiredChecks(result));
    return result.ok ? 0 : 1;
  } finally {
    store.close();
  }
}

/** Exit 0 when the tree is clean and current with its base (recorded as the release's starting point), 1 with what is wrong. */
export async function kickoff(args: CliArgs, out: Out): Promise<number> {
  if (args.positionals.length) throw new UsageError('kickoff takes no words; the base is --base REF');
  const { repoRoot, dir, deploy } = repoOf(args);
  const r = await runKickoff(repoRoot, args.base ?? deploy.base);
  const store = await RecordStore.open(dir);
  try {
    store.append([completeEvent({ kind: 'kickoff.recorded', source: 'cli', data: { ...r, dirty: r.dirty.slice(0, 50), by: await gitIdentity(repoRoot) } })]);
  } finally {
    store.close();
  }
  const text = r.ok
    ? `Kickoff: ${r.branch} at ${r.head.slice(0, 12)} is clean and current with ${r.base} (${r.baseCommit?.slice(0, 12)}; ${r.ahead} ahead). Recorded as the release's starting point.`
    : `Kickoff: not ready\n${r.problems.map((p) => `  - ${p}`).join('\n')}`;
  out(args.json ? JSON.stringify(r, null, 2) : text);
  return r.ok ? 0 : 1;
}

/** Records a ship (after the deploy ran): what went out, its checks, the lock it held, how to roll it back. */
export async function ship(args: CliArgs, out: Out): Promise<number> {
  if (args.positionals.length) throw new UsageError('ship takes no words: flightdeck ship [--commit SHA] [--target NAME] [--outcome shipped|failed]');
  const outcome = args.outcome ?? 'shipped';
  if (outcome !== 'shipped' && outcome !== 'failed') throw new UsageError(`--outcome wants shipped or failed, not "${outcome}"`);
  const targetName = args.target ?? 'production';
  const { repoRoot, dir, deploy } = repoOf(args);
  const target = await resolveCommit(repoRoot, args.commit ?? 'HEAD');
  const gate = openGate(repoRoot, { remote: args.remote, source: 'cli' });
  const holder = await currentHolder(gate, 'cli');
  const lock = (await gate.store.read()).lock;
  const lockId = lock && lock.who === holder.who && lock.host === holder.host ? lock.id : undefined;
  const store = await RecordStore.open(dir);
  try {
    const checks = requiredChecks(store.db, target, deploy.requiredChecks ?? [], { acceptTeamChecks: deploy.acceptTeamChecks === true });
    const rollback = await rollbackFor(repoRoot, target.commit, previousShip(store.db, targetName, target.commit), targetName);
    const event = shipEvent({ commit: target.commit, target: targetName, outcome, by: holder.who, lockId, checks }, rollback);
    // Recorded after the fact, so open reviews are noted with the ship rather than holding it.
    const reviews = shipReviewGate(repoRoot, dir);
    event.data = { ...event.data, reviews: { mode: reviews.mode, open: reviews.open, text: reviews.text, override: reviews.overriddenBy ?? null } };
    const [written] = store.append([event]);
    const data = written?.data ?? {};
    if (args.json) out(JSON.stringify(data, null, 2));
    else {
      out([
        `Ship ${String(data.shipId)} recorded: ${target.commit.slice(0, 12)} to ${targetName} (${outcome}) by ${holder.who}${lockId ? ` under lock ${lockId}` : ' without holding the deploy lock'}`,
        `  previous ship: ${rollback.previousCommit?.slice(0, 12) ?? 'none recorded'}; ${rollback.commits.length} commit(s)${rollback.diffStat ? `, ${rollback.diffStat}` : ''}`,
        describeRequiredChecks(checks).replace(/^/gm, '  '),
        ...(reviews.open ? [`  open reviews when shipped: ${reviews.text}`] : []),
        '  roll back:',
        ...rollback.steps.map((s) => `    ${s}`),
      ].join('\n'));
    }
    return 0;
  } finally {
    store.close();
  }
}
