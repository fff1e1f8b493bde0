// `flightdeck check-push`, run by git's pre-push hook: a push to a protected branch waits while a review of the
// pushed change is open (not passed, not overridden), or while a risky file it carries was never seen as pushed by a
// passed review (pushCoverage.ts). Enforce mode refuses it; advisory mode says so and lets it go.
// Decided from the same on-disk state as the Claude Code hook, so it holds with VS Code closed.
import { runGit } from '../git';
import { branchMatcher } from './commands';
import { describeReview, gatePolicy } from './decide';
import { gateOverride, openGateReviews, readGateState, type GateReview } from './state';
import { coverageKey, pushBase, pushedRiskyFiles, reviewedContents, type PushedRiskyFile } from './pushCoverage';
import type { Policy } from '../risk/types';

/** One line git gives a pre-push hook on stdin. */
export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

const ZERO = /^0+$/;

/** The `<local ref> <local sha> <remote ref> <remote sha>` lines git writes to a pre-push hook; blank lines skipped. */
export function parsePrePushInput(text: string): PushedRef[] {
  const out: PushedRef[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 4) continue;
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    out.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return out;
}

/** Files the pushed commits change: against what the remote has, or, for a new branch, every commit it lacks. */
async function pushedFiles(repoRoot: string, ref: PushedRef, remote: string | undefined): Promise<Set<string> | undefined> {
  let out: string;
  // The remote's commit is known here when it was fetched; a new branch, or one we never fetched, is not.
  if (!ZERO.test(ref.remoteSha) && (await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref.remoteSha}^{commit}`])).trim()) {
    out = await runGit(repoRoot, ['diff', '--name-only', '-z', ref.remoteSha, ref.localSha, '--']);
  } else {
    out = await runGit(repoRoot, ['log', '--name-only', '-z', '--format=', ref.localSha, '--not', remote ? `--remotes=${remote}` : '--remotes', '--']);
  }
  const files = new Set(out.split('\0').map((f) => f.trim()).filter(Boolean));
  // Nothing at all from git for a real push means git could not say: every open review counts.
  return files.size ? files : undefined;
}

export interface CheckPushResult {
  /** 0: the push goes on; 1: refused. */
  code: 0 | 1;
  lines: string[];
}

/** Decides a push as git describes it; `remote` is the remote's name (the hook's first argument). */
export async function checkPush(repoRoot: string, recordDir: string, refs: readonly PushedRef[], remote?: string, now = Date.now()): Promise<CheckPushResult> {
  const { policy, mode, problem } = gatePolicy(repoRoot, recordDir);
  const enforce = mode === 'enforce';
  const isProtected = branchMatcher(policy.protectedBranches);
  const gated = refs.filter((r) => r.remoteRef.startsWith('refs/heads/') && isProtected(r.remoteRef.slice('refs/heads/'.length)) && !ZERO.test(r.localSha));
  if (gated.length === 0) return { code: 0, lines: [] };
  const branches = [...new Set(gated.map((r) => r.remoteRef.slice('refs/heads/'.length)))].join(', ');
  if (enforce && problem) {
    return { code: 1, lines: [`flightdeck: push to ${branches} refused: the policy cannot be read (${problem}); enforce mode fails closed.`] };
  }
  const read = readGateState(recordDir, now);
  if (!read.ok) {
    if (!enforce) return { code: 0, lines: [`flightdeck: cannot read the gate state (${read.why}); advisory mode, the push goes on.`] };
    return { code: 1, lines: [`flightdeck: push to ${branches} refused: the gate state cannot be read (${read.why}); enforce mode fails closed. Run \`flightdeck gates\` to rebuild it.`] };
  }
  const open = openGateReviews(read.state, now);
  const relevant = new Map<string, GateReview>();
  for (const ref of gated) {
    const files = await pushedFiles(repoRoot, ref, remote);
    for (const r of open) {
      // A review without files (known only from a verdict) is counted: the gate cannot tell it apart.
      if (!files || r.files.length === 0 || r.files.some((f) => files.has(f))) relevant.set(r.id, r);
    }
  }
  const inOpenReview = new Set([...relevant.values()].flatMap((r) => r.files));
  const unreviewed = await unreviewedFiles(repoRoot, recordDir, policy, gated, remote, now);
  const notCovered = unreviewed.kind === 'files' ? unreviewed.files.filter((f) => !inOpenReview.has(f.path)) : [];
  if (relevant.size === 0 && notCovered.length === 0 && unreviewed.kind !== 'unknown') return { code: 0, lines: [] };
  const override = gateOverride(read.state, 'push', now);
  const list = [...relevant.values()].map((r) => `  ${describeReview(r, now)}`);
  const shown = notCovered.slice(0, 10).map((f) => `  ${f.path} (${f.categories.join(', ')})`);
  if (notCovered.length > shown.length) shown.push(`  … and ${notCovered.length - shown.length} more`);
  const never = notCovered.length ? [`risky files in it that no passed review saw as pushed:`, ...shown] : [];
  const cannot = unreviewed.kind === 'unknown' ? [`whether its risky files were reviewed cannot be told: ${unreviewed.why}`] : [];
  if (override) {
    return { code: 0, lines: [`flightdeck: push to ${branches} goes on under ${override.by || 'someone'}'s override of the push gate until ${new Date(override.until).toISOString()}: "${override.reason}"`, ...list, ...never, ...cannot] };
  }
  if (!enforce) {
    const head = relevant.size ? [`flightdeck: warning: pushing to ${branches} while reviews of this change are open (advisory mode, not blocked):`, ...list] : [];
    const [first = '', ...more] = [...never, ...cannot];
    return { code: 0, lines: head.length ? [...head, ...never, ...cannot] : [`flightdeck: warning: pushing to ${branches} (advisory mode, not blocked): ${first}`, ...more] };
  }
  const [why = '', ...rest] = [...(relevant.size ? ['reviews of this change are open:', ...list] : []), ...never, ...cannot];
  const lines = [`flightdeck: push to ${branches} refused (enforce mode): ${why}`, ...rest];
  if (cannot.length) lines.push('Enforce mode fails closed.');
  const first = relevant.keys().next().value as string | undefined;
  if (first) lines.push(`Fix the concerns and re-run \`flightdeck review\`; or, as the owner, mark it resolved: flightdeck resolve ${first}; or override it with a reason: flightdeck override ${first} --reason "…" [--for 1h]`);
  if (notCovered.length && unreviewed.kind === 'files') {
    lines.push(`Review what the push carries: flightdeck review --base ${unreviewed.base.slice(0, 12)}, then push again; or override the push gate with a reason: flightdeck override --gate push --reason "…" [--for 1h]`);
  }
  if (cannot.length) lines.push('Or override the push gate with a reason: flightdeck override --gate push --reason "…" [--for 1h]');
  return { code: 1, lines };
}

type Unreviewed = { kind: 'files'; files: PushedRiskyFile[]; base: string } | { kind: 'unknown'; why: string };

/** The pushed risky files no passed (or overridden) review saw with the content pushed. */
async function unreviewedFiles(repoRoot: string, recordDir: string, policy: Policy, gated: readonly PushedRef[], remote: string | undefined, now: number): Promise<Unreviewed> {
  if (!policy.categories.some((c) => c.review)) return { kind: 'files', files: [], base: '' };
  try {
    const files: PushedRiskyFile[] = [];
    let base = '';
    for (const ref of gated) {
      const from = await pushBase(repoRoot, ref, remote);
      base ||= from;
      files.push(...(await pushedRiskyFiles(repoRoot, policy, from, ref.localSha)));
    }
    if (files.length === 0) return { kind: 'files', files, base };
    const seen = await reviewedContents(recordDir, now);
    const unique = new Map(files.map((f) => [coverageKey(f.path, f.blob), f]));
    return { kind: 'files', files: [...unique.entries()].filter(([key]) => !seen.has(key)).map(([, f]) => f), base };
  } catch (e) {
    return { kind: 'unknown', why: (e as Error).message };
  }
}
