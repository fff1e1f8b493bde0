// Where `flightdeck risk` starts looking: the active session's starting commit, or HEAD when no session is
// active (none with activity in the last 30 minutes).
import { existsSync } from 'node:fs';
import { activeSession } from '../capture/workspaceActivity';
import { RecordStore } from '../record/store';

export interface SessionBase {
  session: string;
  /** The commit the session started from; undefined when the record does not know it. */
  commit: string | undefined;
}

/** The active session and its starting commit, read from the record (read-only); undefined when none is active. */
export async function activeSessionBase(recordDir: string, now = Date.now()): Promise<SessionBase | undefined> {
  if (!existsSync(recordDir)) return undefined;
  const store = await RecordStore.open(recordDir, { readOnly: true });
  try {
    const session = activeSession(store.db, now);
    if (!session) return undefined;
    const row = store.db.exec('SELECT start_commit FROM sessions WHERE id = ?', [session])[0]?.values[0];
    const commit = typeof row?.[0] === 'string' && row[0] ? row[0] : undefined;
    return { session, commit };
  } finally {
    store.close();
  }
}
