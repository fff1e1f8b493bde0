// The board's Reviews section: open reviews first (newest first), then the most recent closed ones.
import type { Database } from 'sql.js';
import type { BoardReview } from '../../protocol';
import { clipStrings } from './clip';
import { openReviews, recentReviews, type ReviewRow } from '../review/reviewQueries';

/** Closed reviews shown below the open ones. */
const RECENT_CLOSED = 8;
const OPEN_STATUSES = new Set(['pending', 'concerns', 'failed']);

/** resolved_by holds the person who resolved a review, or the newer review that superseded it. */
const isReviewId = (db: Database, id: string | undefined): boolean =>
  id !== undefined && (db.exec('SELECT 1 FROM reviews WHERE id = ?', [id])[0]?.values.length ?? 0) > 0;

function toBoard(db: Database, r: ReviewRow): BoardReview {
  const o = r.override;
  const superseded = isReviewId(db, r.resolvedBy);
  return {
    id: r.id, session: r.session, subject: r.subject, status: r.status, open: OPEN_STATUSES.has(r.status),
    engines: r.engines.map((e) => ({ engine: e.engine, model: e.model, status: e.status, error: e.error })),
    openedAt: r.openedAt, verdictAt: r.verdictAt,
    concerns: r.concerns.map((c) => ({
      file: c.file, line: c.line, severity: c.severity, title: c.title, explanation: c.explanation,
      source: [c.engine ?? r.engine ?? 'review', c.rule].filter(Boolean).join(': '),
    })),
    override: o && { reason: o.reason, by: o.by, at: o.at, expiresAt: o.expiresAt },
    ...(superseded ? { supersededBy: r.resolvedBy } : { resolvedBy: r.resolvedBy }),
  };
}

export function boardReviews(db: Database, now = Date.now()): BoardReview[] {
  const open = openReviews(db, now, 50);
  const openIds = new Set(open.map((r) => r.id));
  const closed = recentReviews(db, RECENT_CLOSED + open.length, now).filter((r) => !openIds.has(r.id)).slice(0, RECENT_CLOSED);
  // Clipped: a model's explanation could be long, and the board posts this on every update.
  return clipStrings([...open, ...closed].map((r) => toBoard(db, r)), 2000);
}
