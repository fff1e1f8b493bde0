// Where `flightdeck risk` starts looking: the active session's starting commit, or HEAD when no session is
// active (none with activity in the last 30 minutes). Read from sessions.json and the journal after it; the
// database (sql.js, hundreds of ms to open) is asked only when those cannot say exactly.
import { readActiveSession } from '../record/recentSessions';

export interface SessionBase {
  session: string;
  /** The commit the session started from; undefined when the record does not know it. */
  commit: string | undefined;
}

/** Asks the database: given by the caller, so that a command that does not need it never loads sql.js. */
export type SessionBaseFromDb = (recordDir: string, now: number) => Promise<SessionBase | undefined>;

/** The active session and its starting commit; undefined when none is active. */
export async function activeSessionBase(recordDir: string, fromDb: SessionBaseFromDb, now = Date.now()): Promise<SessionBase | undefined> {
  const read = readActiveSession(recordDir, now);
  if (read !== undefined) return read ?? undefined;
  return fromDb(recordDir, now);
}
