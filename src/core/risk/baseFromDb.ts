// The active session and its starting commit as the database knows them: the fallback of base.ts.
import { existsSync } from 'node:fs';
import type { Database } from 'sql.js';
import { activeSession } from '../capture/workspaceActivity';
import { RecordStore } from '../record/store';
import type { SessionBase } from './base';

/** The active session and its starting commit, read from the record (read-only); undefined when none is active. */
export async function activeSessionBaseFromDb(recordDir: string, now = Date.now()): Promise<SessionBase | undefined> {
  if (!existsSync(recordDir)) return undefined;
  const store = await RecordStore.open(recordDir, { readOnly: true });
  try {
    return sessionBaseIn(store.db, now);
  } finally {
    store.close();
  }
}

/** The same, from a record already open. */
export function sessionBaseIn(db: Database, now = Date.now()): SessionBase | undefined {
  const session = activeSession(db, now);
  if (!session) return undefined;
  const row = db.exec('SELECT start_commit FROM sessions WHERE id = ?', [session])[0]?.values[0];
  const commit = typeof row?.[0] === 'string' && row[0] ? row[0] : undefined;
  return { session, commit };
}
