// `flightdeck check-deploy`, run by the Claude Code hook before an agent's deploy command: what a deploy ships is
// the working tree and its commits, so every risky file (in a category that needs a review) changed since a base
// must have been seen, as it is now on disk, by a passed review or one overridden and not lapsed. The base is the
// active session's starting commit; with none, the last ship HEAD descends from, else the upstream, else HEAD.
// Enforce mode refuses otherwise; advisory mode says so. This holds while no review is open too (VS Code closed):
// the review gate in decide.ts only sees open reviews.
import { existsSync } from 'node:fs';
import type { Database } from 'sql.js';
import { git, runGit } from '../git';
import { RecordStore } from '../record/store';
import { activeSessionBase } from '../risk/base';
import { sessionBaseIn } from '../risk/baseFromDb';
import { riskyChangesSince } from '../risk/riskyChanges';
import { workingTreeBlobs } from '../risk/scan';
import { gatePolicy } from './decide';
import { coverageKey, reviewedContentsIn } from './pushCoverage';
import { gateOverride, readGateState } from './state';

export interface CheckDeployResult {
  /** 0: the deploy goes on; 1: refused. */
  code: 0 | 1;
  lines: string[];
}

const OVERRIDE_HINT = 'override the deploy gate with a reason: flightdeck override --gate deploy --reason "…" [--for 1h]';

/** Decides a deploy from the working tree as it is now; throws when git or the record cannot say (the caller fails closed). */
export async function checkDeploy(repoRoot: string, recordDir: string, now = Date.now()): Promise<CheckDeployResult> {
  const { policy, mode, problem } = gatePolicy(repoRoot, recordDir);
  const enforce = mode === 'enforce';
  if (enforce && problem) return { code: 1, lines: [`flightdeck: deploy refused: the policy cannot be read (${problem}); enforce mode fails closed.`] };
  const needsReview = new Set(policy.categories.filter((c) => c.review).map((c) => c.id));
  if (needsReview.size === 0) return { code: 0, lines: [] };
  // Opened once, and only if asked: the session's base, the ships and the reviews all come from it.
  let opened: Promise<RecordStore> | undefined;
  const record = async (): Promise<Database | undefined> => (existsSync(recordDir) ? (await (opened ??= RecordStore.open(recordDir, { readOnly: true }))).db : undefined);
  try {
    const session = await activeSessionBase(recordDir, async () => {
      const db = await record();
      return db && sessionBaseIn(db, now);
    }, now);
    const shipped = session?.commit ? undefined : await deployBase(repoRoot, await record());
    const changes = await riskyChangesSince(repoRoot, session?.commit ?? shipped?.commit, () => policy);
    const risky = changes.risky
      .map((r) => ({ path: r.path, categories: r.categories.filter((c) => needsReview.has(c)), deleted: r.change === 'deleted' }))
      .filter((r) => r.categories.length > 0);
    if (risky.length === 0) return { code: 0, lines: [] };
    const kept = risky.filter((r) => !r.deleted).map((r) => r.path);
    const blobs = await workingTreeBlobs(repoRoot, kept);
    if (blobs.size !== kept.length) throw new Error('git could not hash every risky file in the working tree');
    const db = await record();
    const seen = db ? reviewedContentsIn(db, now) : new Set<string>();
    const unreviewed = risky.filter((r) => !seen.has(coverageKey(r.path, r.deleted ? undefined : blobs.get(r.path))));
    if (unreviewed.length === 0) return { code: 0, lines: [] };
    const from = session?.commit ? `the starting commit of session ${session.session.slice(0, 8)}` : shipped?.what ?? 'HEAD: no active session, no ship recorded, no upstream';
    const since = changes.base ? `${changes.base.slice(0, 12)} (${from})` : 'the empty tree';
    const shown = unreviewed.slice(0, 10).map((f) => `  ${f.path} (${f.categories.join(', ')})`);
    if (unreviewed.length > shown.length) shown.push(`  … and ${unreviewed.length - shown.length} more`);
    const [first, ...rest] = [`risky files changed since ${since} that no passed review saw as they are now:`, ...shown];
    const read = readGateState(recordDir, now);
    const override = read.ok ? gateOverride(read.state, 'deploy', now) : undefined;
    if (override) {
      return { code: 0, lines: [`flightdeck: the deploy goes on under ${override.by || 'someone'}'s override of the deploy gate until ${new Date(override.until).toISOString()}: "${override.reason}"`, first, ...rest] };
    }
    if (!enforce) return { code: 0, lines: [`flightdeck: warning: deploying (advisory mode, not blocked) with ${first}`, ...rest, 'Run `flightdeck review` before deploying.'] };
    const review = shipped && changes.base ? `flightdeck review --base ${changes.base.slice(0, 12)}` : 'flightdeck review';
    return { code: 1, lines: [`flightdeck: deploy refused (enforce mode): ${first}`, ...rest, `Review them: ${review}, then deploy again; or ${OVERRIDE_HINT}`] };
  } finally {
    if (opened) (await opened.catch(() => undefined))?.close(); // a failed open is the error already thrown
  }
}

/**
 * What a deploy outside any session is measured from: the last recorded ship HEAD descends from (what is out there
 * now), else where HEAD leaves its upstream (what others have); undefined: HEAD itself.
 */
async function deployBase(repoRoot: string, db: Database | undefined): Promise<{ commit: string; what: string } | undefined> {
  const ancestor = async (commit: string): Promise<boolean> => (await git(repoRoot, ['merge-base', '--is-ancestor', commit, 'HEAD'])).code === 0;
  for (const ship of shippedCommits(db)) {
    if (await ancestor(ship.commit)) return { commit: ship.commit, what: `the last ship recorded, to ${ship.target}` };
  }
  const upstream = (await runGit(repoRoot, ['merge-base', 'HEAD', '@{upstream}'])).trim();
  return upstream ? { commit: upstream, what: 'where HEAD leaves its upstream: no active session, no ship recorded' } : undefined;
}

/** Commits shipped, newest first (a few: the newest HEAD descends from is the one wanted). */
function shippedCommits(db: Database | undefined): { commit: string; target: string }[] {
  const rows = db?.exec(`SELECT commit_sha, target FROM ships WHERE status = 'shipped' AND commit_sha <> '' ORDER BY at DESC LIMIT 20`)[0]?.values ?? [];
  return rows.map(([commit, target]) => ({ commit: String(commit), target: String(target ?? '') }));
}
