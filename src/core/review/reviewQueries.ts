// Reviews as people read them: open ones with their concerns, and a session's, with each engine and override.
import type { Database, SqlValue } from 'sql.js';
import type { Concern, ReviewStatus } from './types';

export interface ReviewOverride {
  id: string;
  reason: string;
  by: string;
  at: number;
  expiresAt?: number;
}

export interface ReviewEngineVerdict {
  engine: string;
  status: string;
  model?: string;
  promptVersion?: string;
  inputHash?: string;
  error?: string;
  at: number;
}

export interface ReviewRow {
  id: string;
  session?: string;
  subject: string;
  categories: string[];
  files: { path: string; change: string; categories: string[] }[];
  /** As of `now`: an override past its expiry gives way to the verdict it overrode. */
  status: ReviewStatus;
  /** The engines' combined verdict, kept under an override or a resolution. */
  verdictStatus?: string;
  /** One line: "2 concerns", "no concerns", or the failure. */
  verdict?: string;
  engine?: string;
  model?: string;
  promptVersion?: string;
  inputHash?: string;
  policyHash?: string;
  baseCommit?: string;
  intent?: string;
  boundary?: string;
  by?: string;
  concerns: Concern[];
  openedAt?: number;
  verdictAt?: number;
  closedAt?: number;
  resolvedBy?: string;
  /** The override in force (or lapsed), if any. */
  override?: ReviewOverride;
  overrides: ReviewOverride[];
  engines: ReviewEngineVerdict[];
}

function rows(db: Database, sql: string, params: SqlValue[]): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}
const opt = <T>(v: SqlValue | undefined, f: (v: SqlValue) => T): T | undefined => (v === null || v === undefined ? undefined : f(v));
const json = <T>(v: SqlValue | undefined, fallback: T): T => {
  try {
    return v === null || v === undefined ? fallback : (JSON.parse(String(v)) as T);
  } catch {
    return fallback;
  }
};

const COLUMNS = `id, session_id, subject, categories, status, verdict_status, verdict, engine, model, prompt_version, input_hash,
  policy_hash, base_commit, intent, boundary, by, concerns, opened_at, verdict_at, closed_at, resolved_by, override_id, expires_at, files`;

function toRows(db: Database, found: SqlValue[][], now: number): ReviewRow[] {
  return found.map((r) => {
    const id = String(r[0]);
    const overrides = rows(db, `SELECT event_id, reason, by, at, expires_at FROM approvals WHERE kind = 'override' AND review_id = ? ORDER BY at`, [id])
      .map((o): ReviewOverride => ({ id: String(o[0]), reason: String(o[1] ?? ''), by: String(o[2] ?? ''), at: Number(o[3]), expiresAt: opt(o[4], Number) }));
    const overrideId = opt(r[21], String);
    const expiresAt = opt(r[22], Number);
    let status = String(r[4]) as ReviewStatus;
    if (status === 'overridden' && expiresAt !== undefined && expiresAt <= now) status = (opt(r[5], String) ?? 'pending') as ReviewStatus;
    const engines = rows(db, 'SELECT engine, status, model, prompt_version, input_hash, error, at FROM review_verdicts WHERE review_id = ? ORDER BY engine', [id])
      .map((v): ReviewEngineVerdict => ({
        engine: String(v[0]), status: String(v[1]), model: opt(v[2], String), promptVersion: opt(v[3], String), inputHash: opt(v[4], String),
        error: opt(v[5], String), at: Number(v[6]),
      }));
    return {
      id, session: opt(r[1], String), subject: String(r[2] ?? ''), categories: json<string[]>(r[3], []), files: json(r[23], []), status,
      verdictStatus: opt(r[5], String), verdict: opt(r[6], String), engine: opt(r[7], String), model: opt(r[8], String),
      promptVersion: opt(r[9], String), inputHash: opt(r[10], String), policyHash: opt(r[11], String), baseCommit: opt(r[12], String),
      intent: opt(r[13], String), boundary: opt(r[14], String), by: opt(r[15], String), concerns: json<Concern[]>(r[16], []),
      openedAt: opt(r[17], Number), verdictAt: opt(r[18], Number), closedAt: opt(r[19], Number), resolvedBy: opt(r[20], String),
      override: overrides.find((o) => o.id === overrideId), overrides, engines,
    };
  });
}

/** Reviews still waiting on someone, newest first: pending, with concerns, failed, or overridden past the expiry. */
export function openReviews(db: Database, now = Date.now(), limit = 200): ReviewRow[] {
  const found = rows(db, `SELECT ${COLUMNS} FROM reviews
    WHERE status IN ('pending', 'concerns', 'failed') OR (status = 'overridden' AND expires_at IS NOT NULL AND expires_at <= ?)
    ORDER BY opened_at DESC LIMIT ?`, [now, limit]);
  return toRows(db, found, now).filter((r) => r.status === 'pending' || r.status === 'concerns' || r.status === 'failed');
}

/** A session's reviews, oldest first. */
export function sessionReviews(db: Database, session: string, now = Date.now()): ReviewRow[] {
  return toRows(db, rows(db, `SELECT ${COLUMNS} FROM reviews WHERE session_id = ? ORDER BY opened_at, id`, [session]), now);
}

export function reviewById(db: Database, id: string, now = Date.now()): ReviewRow | undefined {
  return toRows(db, rows(db, `SELECT ${COLUMNS} FROM reviews WHERE id = ?`, [id]), now)[0];
}

/** Recent reviews of the whole record, newest first (the dashboard's list). */
export function recentReviews(db: Database, limit = 200, now = Date.now()): ReviewRow[] {
  return toRows(db, rows(db, `SELECT ${COLUMNS} FROM reviews ORDER BY opened_at DESC LIMIT ?`, [limit]), now);
}
