// A review's life as record events: opened → a verdict per engine → resolved by a newer change, or overridden.
import type { Database } from 'sql.js';
import { newEventId, type NewEvent } from '../record/events';
import type { RecordStore } from '../record/store';
import { redactText } from '../capture/redact';
import { activeSession } from '../capture/workspaceActivity';
import { buildReviewInput, changeHash, describeSubject, type ReviewSubject } from './subject';
import type { ReviewEngine, ReviewInput, ReviewStatus, Verdict } from './types';
import { gitUserConfig } from '../gitConfig';

/** Who acts, as git knows them: `user.name <user.email>` (either part may be missing). */
export async function gitIdentity(repoRoot: string): Promise<string> {
  // Read from git's config files when they say for sure (no process: the lock CLI pays for this on every call).
  const { name, email } = await gitUserConfig(repoRoot);
  const who = [name, email ? `<${email}>` : ''].filter(Boolean).join(' ');
  return who || 'unknown';
}

export const newReviewId = (): string => `rev-${newEventId()}`;

export function reviewOpenedEvent(subject: ReviewSubject, reviewId: string, by: string): NewEvent {
  const categories = [...new Set(subject.files.flatMap((f) => f.categories))].sort();
  return {
    kind: 'review.opened',
    session: subject.session,
    source: 'review',
    data: {
      reviewId, session: subject.session ?? null, subject: describeSubject(subject.files), categories,
      files: subject.files.map((f) => {
        const blob = subject.blobs?.get(f.path);
        return { path: f.path, change: f.change, categories: f.categories, ...(blob ? { blob } : {}) };
      }),
      // Redacted like everything the record keeps.
      intent: redactText(subject.intent), boundary: redactText(subject.boundary),
      baseCommit: subject.baseCommit, policyHash: subject.policy.hash, changeHash: changeHash(subject), by,
    },
  };
}

export function verdictEvent(reviewId: string, verdict: Verdict, context: { session?: string; policyHash: string; changeHash: string; by: string }): NewEvent {
  const data: Record<string, unknown> = {
    reviewId, status: verdict.status, concerns: verdict.concerns, engine: verdict.engine, model: verdict.model ?? null,
    promptVersion: verdict.promptVersion, inputHash: verdict.inputHash, policyHash: context.policyHash, changeHash: context.changeHash,
    by: context.by,
  };
  if (verdict.error) data.error = verdict.error;
  return { kind: 'review.verdict', session: context.session, source: 'review', data };
}

/** Open reviews of the same session (or, without one, of no session) that a new review of a newer change resolves. */
export function supersededReviews(db: Database, session: string | undefined): string[] {
  const rows = db.exec(
    `SELECT id FROM reviews WHERE status IN ('pending', 'concerns', 'failed') AND ${session ? 'session_id = ?' : 'session_id IS NULL'} ORDER BY opened_at`,
    session ? [session] : [],
  )[0]?.values ?? [];
  return rows.map((r) => String(r[0]));
}

/**
 * Open reviews of any session (or none) whose every file the new review saw as it is now (its blob id, or its
 * deletion): the new review holds everything they held, so they no longer stand.
 */
export function coveredReviews(db: Database, subject: Pick<ReviewSubject, 'files' | 'blobs'>): string[] {
  const seen = new Set(subject.files.filter((f) => f.change === 'deleted' || subject.blobs?.has(f.path)).map((f) => f.path));
  if (seen.size === 0) return [];
  const rows = db.exec(`SELECT id, files FROM reviews WHERE status IN ('pending', 'concerns', 'failed') ORDER BY opened_at`)[0]?.values ?? [];
  return rows.filter((r) => {
    const files = parseReviewFiles(r[1]);
    return files.length > 0 && files.every((f) => seen.has(f));
  }).map((r) => String(r[0]));
}

/** The paths a review row's `files` column lists (none when it cannot be read: such a review is never closed by a guess). */
export function parseReviewFiles(v: unknown): string[] {
  try {
    const files: unknown = JSON.parse(String(v ?? '[]'));
    const paths = Array.isArray(files) ? files.map((f: unknown) => (f && typeof f === 'object' && 'path' in f && typeof f.path === 'string' ? f.path : '')) : [];
    return paths.includes('') ? [] : paths;
  } catch {
    return [];
  }
}

export function resolvedEvent(reviewId: string, supersededBy: string, by: string, session?: string): NewEvent {
  return { kind: 'review.resolved', session, source: 'review', data: { reviewId, supersededBy, by, reason: 'a newer change was reviewed' } };
}

/** Someone closes a review by hand (the concern was dealt with): who, and why, are recorded. */
export function markResolved(store: RecordStore, reviewId: string, by: string, reason = 'marked resolved'): string {
  const row = store.db.exec('SELECT status, session_id FROM reviews WHERE id = ?', [reviewId])[0]?.values[0];
  if (!row) throw new OverrideError(`no review "${reviewId}" in this record`);
  if (!['pending', 'concerns', 'failed'].includes(String(row[0]))) throw new OverrideError(`review ${reviewId} is already closed (${String(row[0])}): nothing to resolve`);
  const session = row[1] === null ? undefined : String(row[1]);
  const [event] = store.append([{ kind: 'review.resolved', session, source: 'review', data: { reviewId, by, reason } }]);
  return event?.id ?? '';
}

// ---------------------------------------------------------------------------------------------------------
// Overrides

/** Reasons that say nothing: an override must tell the next reader why the gate did not apply. */
const EMPTY_WORDS = new Set([
  'ok', 'okay', 'k', 'fine', 'lgtm', 'yes', 'yep', 'y', 'sure', 'approved', 'approve', 'override', 'overridden', 'overriding', 'ship', 'shipit',
  'it', 'go', 'ahead', 'good', 'looks', 'look', 'to', 'me', 'the', 'a', 'is', 'this', 'that', 'just', 'do', 'please', 'whatever', 'na', 'n/a',
  'none', 'no', 'reason', 'test', 'testing', 'asdf', 'done', 'trust', 'fix', 'later', 'skip', 'ignore', 'because', 'needed', 'need', 'now',
  'urgent', 'asap', 'safe', 'all', 'good.', 'thanks', 'thx', 'merge', 'push', 'deploy',
]);

/** Why a reason is refused, or undefined when it says something. */
export function overrideReasonProblem(reason: string): string | undefined {
  const text = reason.trim();
  if (!text) return 'an override needs a reason';
  const words = text.toLowerCase().split(/[^a-z0-9/'-]+/).filter(Boolean);
  if (words.length < 2) return `"${text}" is one word: say why the gate does not apply (e.g. "false positive: the key is a test fixture")`;
  const meaningful = words.filter((w) => !EMPTY_WORDS.has(w) && w.length > 1);
  if (meaningful.length < 2 || text.length < 12) {
    return `"${text}" does not say why: name what was checked or why the concern does not apply (e.g. "hotfix for INC-4411, rollback tested on staging")`;
  }
  return undefined;
}

export class OverrideError extends Error {}

export interface OverrideInput {
  reviewId?: string;
  gate?: string;
  reason: string;
  /** Milliseconds since the epoch; the override lapses then (break-glass for an hour). */
  expiresAt?: number;
  by: string;
  session?: string;
  subject?: string;
}

/** The override event; refuses a missing target, a reason that says nothing, or an expiry in the past. */
export function overrideEvent(o: OverrideInput, now = Date.now()): NewEvent {
  if (!o.reviewId && !o.gate) throw new OverrideError('an override names the review or the gate it overrides');
  const problem = overrideReasonProblem(o.reason);
  if (problem) throw new OverrideError(problem);
  if (o.expiresAt !== undefined && (!Number.isFinite(o.expiresAt) || o.expiresAt <= now)) throw new OverrideError('the expiry must be in the future');
  const data: Record<string, unknown> = { reason: o.reason.trim(), by: o.by, subject: o.subject ?? o.reviewId ?? o.gate };
  if (o.reviewId) data.reviewId = o.reviewId;
  if (o.gate) data.gate = o.gate;
  if (o.expiresAt !== undefined) data.expiresAt = o.expiresAt;
  return { kind: 'override.recorded', session: o.session, source: 'review', data };
}

/** Records an override of a review that exists and is not resolved. */
export function recordOverride(store: RecordStore, o: OverrideInput): string {
  if (o.reviewId) {
    const row = store.db.exec('SELECT status, session_id FROM reviews WHERE id = ?', [o.reviewId])[0]?.values[0];
    if (!row) throw new OverrideError(`no review "${o.reviewId}" in this record`);
    if (row[0] === 'resolved') throw new OverrideError(`review ${o.reviewId} is resolved: a newer change was reviewed; override that one`);
    o = { ...o, session: o.session ?? (row[1] === null ? undefined : String(row[1])) };
  } else {
    // A gate override belongs to the session it was given for: the one active now, so its record and exports show it.
    o = { ...o, session: o.session ?? activeSession(store.db) };
  }
  const [event] = store.append([overrideEvent(o)]);
  return event?.id ?? '';
}

// ---------------------------------------------------------------------------------------------------------
// Running a review

export interface ReviewOutcome {
  reviewId: string;
  /** Combined: failed if any engine failed, concerns if any raised one, else passed. */
  status: Extract<ReviewStatus, 'passed' | 'concerns' | 'failed'>;
  verdicts: Verdict[];
  input: ReviewInput;
  resolved: string[];
}

export function combinedStatus(verdicts: readonly Verdict[]): ReviewOutcome['status'] {
  if (verdicts.length === 0 || verdicts.some((v) => v.status === 'failed')) return 'failed';
  return verdicts.some((v) => v.status === 'concerns' || v.concerns.length > 0) ? 'concerns' : 'passed';
}

/**
 * Opens a review of `subject` (resolving the session's older open reviews, and any whose files it saw as they are now), runs every engine on the same input,
 * and records each engine's verdict. An engine that throws is a failed verdict, never a pass.
 */
export async function runReview(
  store: RecordStore,
  subject: ReviewSubject,
  engines: readonly ReviewEngine[],
  context: { by: string; checks: ReviewInput['checks']; signal?: AbortSignal; reviewId?: string },
): Promise<ReviewOutcome> {
  const reviewId = context.reviewId ?? newReviewId();
  const resolved = [...new Set([...supersededReviews(store.db, subject.session), ...coveredReviews(store.db, subject)])];
  store.append([
    ...resolved.map((id) => resolvedEvent(id, reviewId, context.by, subject.session)),
    reviewOpenedEvent(subject, reviewId, context.by),
  ]);
  const input = buildReviewInput(subject, reviewId, context.checks);
  const verdicts = await Promise.all(engines.map(async (engine): Promise<Verdict> => {
    try {
      return await engine.review(input, context.signal);
    } catch (err) {
      return { status: 'failed', concerns: [], engine: engine.id, promptVersion: '', inputHash: '', error: `review failed: ${(err as Error).message}, retry` };
    }
  }));
  const hash = changeHash(subject);
  store.append(verdicts.map((v) => verdictEvent(reviewId, v, { session: subject.session, policyHash: subject.policy.hash, changeHash: hash, by: context.by })));
  return { reviewId, status: combinedStatus(verdicts), verdicts, input, resolved };
}
