// Reviewing a repository's current risky changes end to end: the one path the CLI and the extension share.
import type { Database } from 'sql.js';
import { activeSession } from '../capture/workspaceActivity';
import type { RecordStore } from '../record/store';
import { scanRisk } from '../risk/scan';
import type { Policy } from '../risk/types';
import { reviewContext } from './evidence';
import { gitIdentity, markResolved, parseReviewFiles, runReview, type ReviewOutcome } from './reviews';
import { changeHash, subjectFromScan, type ReviewSubject, type RiskScan, type RiskScanner } from './subject';
import type { ReviewEngine } from './types';

export interface ReviewChangesOptions {
  /** The engines for the policy in force (rules always; a model engine when asked and a key is at hand). May throw to refuse. */
  engines: (policy: Policy) => ReviewEngine[];
  scanner?: RiskScanner;
  /** Who asks; default: the repository's git identity. */
  by?: string;
  /** Skip a change already reviewed (same change hash, not failed, not superseded): an automatic review runs only on something new. */
  skipUnchanged?: boolean;
  /** Review the changes since this commit rather than since the session's start (or HEAD). */
  base?: string;
  signal?: AbortSignal;
}

export type ReviewChangesResult =
  /** `closed`: open reviews this closed because none of their files differs from the base any more. */
  | { kind: 'nothing'; scan: RiskScan; closed: string[] }
  | { kind: 'unchanged'; scan: RiskScan; reviewId: string }
  | { kind: 'reviewed'; scan: RiskScan; subject: ReviewSubject; outcome: ReviewOutcome };

/** A review of exactly this change that still stands (anything but failed or resolved). */
export function standingReviewOf(db: Database, hash: string): string | undefined {
  const row = db.exec(`SELECT id FROM reviews WHERE change_hash = ? AND status NOT IN ('failed', 'resolved') ORDER BY opened_at DESC LIMIT 1`, [hash])[0]?.values[0];
  return row ? String(row[0]) : undefined;
}

/**
 * Open reviews measured from `baseCommit` none of whose files is among the paths changed since it: the change
 * they held was undone. One from another base is left (its files may differ from its own base still).
 */
export function goneReviews(db: Database, baseCommit: string, changed: readonly string[]): string[] {
  const changedNow = new Set(changed);
  const rows = db.exec(`SELECT id, files FROM reviews WHERE status IN ('pending', 'concerns', 'failed') AND base_commit = ? ORDER BY opened_at`, [baseCommit])[0]?.values ?? [];
  return rows.filter((r) => {
    const files = parseReviewFiles(r[1]);
    return files.length > 0 && !files.some((f) => changedNow.has(f));
  }).map((r) => String(r[0]));
}

/** Scans the risky changes since the active session's starting commit (or HEAD), and reviews them into the record. */
export async function reviewChanges(store: RecordStore, repoRoot: string, options: ReviewChangesOptions): Promise<ReviewChangesResult> {
  const context = reviewContext(store.db, activeSession(store.db));
  const scan = await (options.scanner ?? scanRisk)(repoRoot, options.base ?? context.startCommit);
  const engines = options.engines(scan.policy.policy);
  const subject = await subjectFromScan(scan, { intent: context.intent, boundary: context.boundary, session: context.session });
  if (subject.files.length === 0) {
    const gone = goneReviews(store.db, scan.baseCommit, scan.changed.map((c) => c.path));
    const by = gone.length ? options.by ?? (await gitIdentity(repoRoot)) : '';
    for (const id of gone) markResolved(store, id, by, 'the change is gone');
    return { kind: 'nothing', scan, closed: gone };
  }
  if (options.skipUnchanged) {
    const standing = standingReviewOf(store.db, changeHash(subject));
    if (standing) return { kind: 'unchanged', scan, reviewId: standing };
  }
  const by = options.by ?? (await gitIdentity(repoRoot));
  const outcome = await runReview(store, subject, engines, { by, checks: context.checks, signal: options.signal });
  return { kind: 'reviewed', scan, subject, outcome };
}
