// What the record knows about the work under review: the task's intent and boundary, and the checks run since.
import type { Database } from 'sql.js';
import { buildTrail } from '../report/trail';
import { describeBoundary, parseBoundary } from '../capture/task';
import type { ReviewInput } from './types';

export interface ReviewContext {
  session?: string;
  intent: string;
  boundary: string;
  /** The session's starting commit: the change is measured from there. */
  startCommit?: string;
  checks: ReviewInput['checks'];
}

/** Checks of a session that ran after its last file change (the evidence a required check needs). */
export function checksAfterLastChange(db: Database, session: string): ReviewInput['checks'] {
  const found = db.exec(
    `SELECT kind, command, passed FROM checks WHERE session_id = ?1
       AND at >= (SELECT coalesce(max(last_at), 0) FROM files WHERE session_id = ?1 AND action <> 'read')
     ORDER BY at, event_id`,
    [session],
  )[0]?.values ?? [];
  return found.map((r) => ({ kind: String(r[0]), command: String(r[1]), passed: r[2] === 1 }));
}

/** The task in force now (started and not ended since), when no session is. */
function currentTask(db: Database): { intent: string; boundary: string } | undefined {
  const [row] = db.exec(`SELECT kind, data FROM events WHERE kind IN ('task.started', 'task.ended') ORDER BY at DESC, seq DESC LIMIT 1`)[0]?.values ?? [];
  if (!row || row[0] !== 'task.started') return undefined;
  const d = JSON.parse(String(row[1])) as { intent?: unknown; allow?: unknown; forbid?: unknown };
  const boundary = parseBoundary(JSON.stringify({ allow: d.allow, forbid: d.forbid }));
  const hasBoundary = !!boundary && (boundary.allow.length > 0 || boundary.forbid.length > 0);
  return { intent: typeof d.intent === 'string' ? d.intent : '', boundary: hasBoundary && boundary ? describeBoundary(boundary) : '' };
}

/** The context of a review of `session`'s work (or, with none, of the task in force and no checks). */
export function reviewContext(db: Database, session: string | undefined): ReviewContext {
  const trail = session ? buildTrail(db, session) : undefined;
  if (session && trail) {
    return { session, intent: trail.intent, boundary: trail.boundary, startCommit: trail.startCommit || undefined, checks: checksAfterLastChange(db, session) };
  }
  const task = currentTask(db);
  return { intent: task?.intent ?? '', boundary: task?.boundary ?? '', checks: [] };
}
