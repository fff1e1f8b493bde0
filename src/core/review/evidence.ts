// What the record knows about the work under review: the task's intent and boundary, and the checks run since.
import type { Database } from 'sql.js';
import { buildTrail } from '../report/trail';
import { describeBoundary } from '../capture/task';
import { taskInForce } from '../gates/stateWriter';
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

/** The task in force now, as the hooks gate by it: its intent, and its boundary in words ('' for none). */
function currentTask(db: Database): { intent: string; boundary: string } | undefined {
  const task = taskInForce(db);
  if (!task) return undefined;
  const hasBoundary = task.allow.length > 0 || task.forbid.length > 0;
  return { intent: task.intent, boundary: hasBoundary ? describeBoundary({ allow: task.allow, forbid: task.forbid }) : '' };
}

/** The context of a review of `session`'s work (or, with none, of the task in force and no checks). */
export function reviewContext(db: Database, session: string | undefined): ReviewContext {
  const trail = session ? buildTrail(db, session) : undefined;
  // A task set mid-session is the one the hooks enforce, so the review judges against it, not the one at the start.
  const task = currentTask(db);
  if (session && trail) {
    return {
      session, intent: task?.intent || trail.intent, boundary: task ? task.boundary : trail.boundary, startCommit: trail.startCommit || undefined,
      checks: checksAfterLastChange(db, session),
    };
  }
  return { intent: task?.intent ?? '', boundary: task?.boundary ?? '', checks: [] };
}
