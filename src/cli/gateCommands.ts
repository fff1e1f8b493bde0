// The gates on the command line: `flightdeck gates`, `override`, `check-push` (git's pre-push hook), `check-deploy`
// (the Claude Code hook's, before an agent's deploy) and `install-git-hooks` / `uninstall-git-hooks`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDeploy } from '../core/gates/checkDeploy';
import { checkPush, parsePrePushInput } from '../core/gates/checkPush';
import { asksForEnforce, describeReview, gatePolicy } from '../core/gates/decide';
import { GATE_NAMES, gateNamesText, isGateName, type GateName } from '../core/gates/gateNames';
import { installGitHooks, prePushInstalled, uninstallGitHooks } from '../core/gates/gitHooks';
import { gateOverride, openGateReviews, readGateState, type GateOverride } from '../core/gates/state';
import { keepGateState, writeGateState } from '../core/gates/stateWriter';
import { keepMemory } from '../core/report/memoryWriter';
import { findRepoRoot, locateRecord, type RecordLocation } from '../core/record/location';
import { RecordStore } from '../core/record/store';
import { POLICY_FILE } from '../core/risk/read';
import type { Policy } from '../core/risk/types';
import { gitIdentity, markResolved, OverrideError, recordOverride } from '../core/review/reviews';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

function repoOf(args: CliArgs): RecordLocation & { repoRoot: string } {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return { dir: location.dir, repoRoot: location.repoRoot };
}

/** `30m`, `1h`, `2d` → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`--for wants a duration such as 30m, 1h or 2d, not "${text}"`);
  return Number(m[1]) * { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'min' | 'h' | 'd'];
}

/** `flightdeck gates`: rebuilds the gate state from the record and prints what the gates hold. */
export async function gates(args: CliArgs, out: Out): Promise<number> {
  const { dir, repoRoot } = repoOf(args);
  const store = await RecordStore.open(dir);
  try {
    writeGateState(store);
  } finally {
    store.close();
  }
  const now = Date.now();
  const { mode, policy, problem } = gatePolicy(repoRoot, dir);
  const read = readGateState(dir, now, false);
  if (!read.ok) throw new Error(`the gate state cannot be read: ${read.why}`);
  const open = openGateReviews(read.state, now);
  const overrides = read.state.overrides.filter((o) => o.until > now);
  const prePushHook = await prePushInstalled(repoRoot).catch(() => false);
  if (args.json) {
    out(JSON.stringify({ mode, protectedBranches: policy.protectedBranches, policyProblem: problem ?? null, prePushHook, openReviews: open, moreOpen: read.state.moreOpen, overrides, task: read.state.task ?? null }, null, 2));
    return 0;
  }
  const lines = [`mode: ${mode}${problem ? ` (policy problem: ${problem})` : ''}; protected branches: ${policy.protectedBranches.join(', ') || '(none)'}`];
  lines.push(prePushHook ? "git's pre-push hook: installed"
    : `git's pre-push hook: not installed${mode === 'enforce' ? ': a push by hand of a risky change nobody reviewed is not held (flightdeck install-git-hooks)' : ''}`);
  lines.push(open.length ? `open reviews (${open.length + read.state.moreOpen}):` : 'open reviews: none');
  for (const r of open) lines.push(`  ${describeReview(r, now)}`);
  for (const gate of GATE_NAMES) {
    const o = gateOverride(read.state, gate, now);
    if (o) lines.push(`gate ${gate} overridden by ${o.by} until ${new Date(o.until).toISOString()}: "${o.reason}"`);
  }
  if (overrides.length === 0) lines.push('gate overrides: none');
  const task = read.state.task;
  lines.push(task ? `task: ${task.intent}${task.allow.length ? `; only ${task.allow.join(', ')}` : ''}${task.forbid.length ? `; forbids ${task.forbid.join(', ')}` : ''}` : 'task: none');
  out(lines.join('\n'));
  return 0;
}

/** `flightdeck override REVIEW_ID | --gate push|deploy|boundary --reason "…" [--for 1h]`. */
export async function override(args: CliArgs, out: Out): Promise<number> {
  const { dir, repoRoot } = repoOf(args);
  const [reviewId] = args.positionals;
  if (!reviewId && !args.gate) throw new UsageError(`override wants a review id or --gate ${GATE_NAMES.join('|')}, and --reason "why"`);
  if (args.gate && !isGateName(args.gate)) throw new UsageError(`--gate wants ${gateNamesText()}, not "${args.gate}"`);
  const reason = args.reason;
  if (!reason) throw new UsageError('override wants --reason "why the gate does not apply"');
  const expiresAt = args.for === undefined ? undefined : Date.now() + parseDuration(args.for);
  const by = await gitIdentity(repoRoot);
  return withDecisionStore(dir, (store) => {
    const id = recordOverride(store, { reviewId, gate: reviewId ? undefined : args.gate, reason, expiresAt, by });
    const until = expiresAt === undefined ? (reviewId ? 'for good' : 'for an hour') : `until ${new Date(expiresAt).toISOString()}`;
    out(args.json ? JSON.stringify({ id, reviewId: reviewId ?? null, gate: args.gate ?? null, by, expiresAt: expiresAt ?? null }) : `Overrode ${reviewId ?? `the ${args.gate} gate`} ${until}, as ${by}: ${id}`);
    return 0;
  });
}

/**
 * Records an owner's decision (an override, a resolution) with the gate state and memory kept current; a review
 * that is unknown or closed is the caller's mistake (a usage error, exit 2).
 */
async function withDecisionStore(dir: string, record: (store: RecordStore) => number): Promise<number> {
  const store = await RecordStore.open(dir);
  const kept = keepGateState(store);
  const memory = keepMemory(store);
  try {
    return record(store);
  } catch (e) {
    if (e instanceof OverrideError) throw new UsageError(e.message);
    throw e;
  } finally {
    kept.dispose();
    memory.dispose();
    store.close();
  }
}

/** `flightdeck resolve REVIEW_ID [--reason "…"]`: the owner closes an open review (the concern was dealt with), as their git identity. */
export async function resolve(args: CliArgs, out: Out): Promise<number> {
  const { dir, repoRoot } = repoOf(args);
  const [reviewId] = args.positionals;
  if (!reviewId) throw new UsageError('resolve wants a review id (flightdeck gates lists the open ones) [--reason "what was done"]');
  const reason = args.reason?.trim() || 'marked resolved';
  const by = await gitIdentity(repoRoot);
  return withDecisionStore(dir, (store) => {
    const id = markResolved(store, reviewId, by, reason);
    out(args.json ? JSON.stringify({ id, reviewId, by, reason }) : `Resolved ${reviewId} as ${by} ("${reason}"): ${id}`);
    return 0;
  });
}

/**
 * `flightdeck check-push [REMOTE [URL]]` with git's pre-push lines on stdin: exit 1 refuses the push. A check that
 * fails (git, an unreadable record) refuses only in enforce mode; advisory mode never blocks. (`check`: tests fail it.)
 */
export async function checkPushCommand(args: CliArgs, err: Out, stdin: () => string = () => readFileSync(0, 'utf8'), check = checkPush): Promise<number> {
  try {
    const { dir, repoRoot } = repoOf(args);
    const result = await check(repoRoot, dir, parsePrePushInput(stdin()), args.positionals[0]);
    for (const line of result.lines) err(line);
    return result.code;
  } catch (e) {
    return gateCheckFailed(args, e, err, 'push');
  }
}

/** The mode when the check could not run: as the gates read the policy; outside a record, a policy file asking for enforce; else advisory. */
function modeAfterFailure(args: CliArgs): Policy['mode'] {
  try {
    const { dir, repoRoot } = repoOf(args);
    return gatePolicy(repoRoot, dir).mode;
  } catch {
    try {
      return asksForEnforce(readFileSync(join(findRepoRoot(args.repo) ?? args.repo, POLICY_FILE), 'utf8')) ? 'enforce' : 'advisory';
    } catch {
      return 'advisory'; // no policy to read: the default
    }
  }
}

/** A gate's override, when the record can still say (the refusals below tell how to make one). */
function overrideOf(args: CliArgs, gate: GateName, now: number): GateOverride | undefined {
  try {
    const read = readGateState(repoOf(args).dir, now, false);
    return read.ok ? gateOverride(read.state, gate, now) : undefined;
  } catch {
    return undefined;
  }
}

/** Enforce mode fails closed unless the gate is overridden; advisory mode says why and lets the push or deploy go. */
function gateCheckFailed(args: CliArgs, e: unknown, err: Out, gate: 'push' | 'deploy'): number {
  const why = e instanceof Error ? e.message : String(e);
  if (process.env.FLIGHTDECK_DEBUG && e instanceof Error && e.stack) err(e.stack);
  if (modeAfterFailure(args) !== 'enforce') {
    err(`flightdeck: could not check the ${gate} (${why}); advisory mode, the ${gate} goes on.`);
    return 0;
  }
  const now = Date.now();
  const o = overrideOf(args, gate, now);
  if (o) {
    err(`flightdeck: could not check the ${gate} (${why}); it goes on under ${o.by || 'someone'}'s override of the ${gate} gate until ${new Date(o.until).toISOString()}: "${o.reason}"`);
    return 0;
  }
  const debug = process.env.FLIGHTDECK_DEBUG ? '' : ' (FLIGHTDECK_DEBUG=1 shows details)';
  err(`flightdeck: ${gate} refused: it could not be checked (${why}) and enforce mode fails closed. Fix the cause and ${gate} again${debug}, or override the ${gate} gate with a reason: flightdeck override --gate ${gate} --reason "…" [--for 1h]`);
  return 1;
}

/**
 * `flightdeck check-deploy`: whether the working tree's risky files were reviewed as they are now; exit 1 refuses
 * the deploy. A check that fails refuses only in enforce mode, unless the deploy gate is overridden. (`check`: tests fail it.)
 */
export async function checkDeployCommand(args: CliArgs, err: Out, check = checkDeploy): Promise<number> {
  try {
    const { dir, repoRoot } = repoOf(args);
    const result = await check(repoRoot, dir);
    for (const line of result.lines) err(line);
    return result.code;
  } catch (e) {
    return gateCheckFailed(args, e, err, 'deploy');
  }
}

export async function installHooks(args: CliArgs, out: Out): Promise<number> {
  const { repoRoot } = repoOf(args);
  const r = await installGitHooks(repoRoot, { runtime: process.execPath, cli: join(__dirname, 'cli.js') });
  const chained = r.chained ? `; the hook that was there runs first (${r.chained})` : '';
  out(r.changed ? `Installed the pre-push hook at ${r.path}${chained}.` : `The pre-push hook at ${r.path} is already installed${chained}.`);
  return 0;
}

export async function uninstallHooks(args: CliArgs, out: Out): Promise<number> {
  const { repoRoot } = repoOf(args);
  const r = await uninstallGitHooks(repoRoot);
  out(!r.removed ? `No Flightdeck pre-push hook at ${r.path}; nothing changed.` : r.restored ? `Removed Flightdeck's pre-push hook; the one it chained is back at ${r.restored}.` : `Removed Flightdeck's pre-push hook (${r.path}).`);
  return 0;
}
