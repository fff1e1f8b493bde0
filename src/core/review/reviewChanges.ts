// Reviewing a repository's current risky changes end to end: the one path the CLI and the extension share.
import type { Database } from 'sql.js';
import { activeSession } from '../capture/workspaceActivity';
import type { RecordStore } from '../record/store';
import { scanRisk } from '../risk/scan';
import type { Policy } from '../risk/types';
import { reviewContext } from './evidence';
import { gitIdentity, runReview, type ReviewOutcome } from './reviews';
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
  | { kind: 'nothing'; scan: RiskScan }
  | { kind: 'unchanged'; scan: RiskScan; reviewId: string }
  | { kind: 'reviewed'; scan: RiskScan; subject: ReviewSubject; outcome: ReviewOutcome };

/** A review of exactly this change that still stands (anything but failed or resolved). */
export function standingReviewOf(db: Database, hash: string): string | undefined {
  const row = db.exec(`SELECT id FROM reviews WHERE change_hash = ? AND status NOT IN ('failed', 'resolved') ORDER BY opened_at DESC LIMIT 1`, [hash])[0]?.values[0];
  return row ? String(row[0]) : undefined;
}

/** Scans the risky changes since the active session's starting commit (or HEAD), and reviews them into the record. */
export async function reviewChanges(store: RecordStore, repoRoot: string, options: ReviewChangesOptions): Promise<ReviewChangesResult> {
  const context = reviewContext(store.db, activeSession(store.db));
  const scan = await (options.scanner ?? scanRisk)(repoRoot, options.base ?? context.startCommit);
  const engines = options.engines(scan.policy.policy);
  const subject = await subjectFromScan(scan, { intent: context.intent, boundary: context.boundary, session: context.session });
  if (subject.files.length === 0) return { kind: 'nothing', scan };
  if (options.skipUnchanged) {
    const standing = standingReviewOf(store.db, changeHash(subject));
    if (standing) return { kind: 'unchanged', scan, reviewId: standing };
  }
  const by = options.by ?? (await gitIdentity(repoRoot));
  const outcome = await runReview(store, subject, engines, { by, checks: context.checks, signal: options.signal });
  return { kind: 'reviewed', scan, subject, outcome };
}
