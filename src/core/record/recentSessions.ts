// Which session is active, and the commit it started from, readable without the database: `flightdeck risk`
// counts changes from there and must not pay for opening sql.js (hundreds of ms on a large record).
//
// `sessions.json` beside the journal holds the newest sessions (by start) as of one journal position, the way
// gates.json does for the gates: a reader takes the file and applies the journal lines after it. A tail the file
// cannot answer for exactly (a session it does not list while it lists only the newest few, a rotation it cannot
// follow, a long tail) is `undefined`: the caller then asks the database, which always knows.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlValue } from 'sql.js';
import { hasSnapshot, readJournalTail } from './journalTail';

export const SESSIONS_FILE = 'sessions.json';
/** The candidates for "active": the newest sessions by start (as activeSession in workspaceActivity.ts). */
export const CANDIDATES = 5;
export const ACTIVE_WINDOW_MS = 30 * 60_000;
/** Longer tails are left to the database: reading them would cost what this file saves. */
const MAX_TAIL_BYTES = 4 << 20;
/** A store rewrites the file after this much journal, so a reader's tail stays short. */
const REWRITE_AFTER_BYTES = 256 << 10;

export interface KeptSession {
  id: string;
  startedAt: number;
  /** The newest event of the session; 0 when it has none. */
  lastAt: number;
  startCommit?: string;
}

export interface SessionsFile {
  flightdeck: 'sessions';
  version: 1;
  gen: number;
  offset: number;
  /** Newest first, at most CANDIDATES. */
  sessions: KeptSession[];
  /** True when these are all the record's sessions: a session the tail names that is not here is new. */
  complete: boolean;
}

export interface ActiveSession {
  session: string;
  commit: string | undefined;
}

const rows = (db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];

/** The file's content for a database standing at journal position (gen, offset). */
export function sessionsFromDb(db: Database, position: { gen: number; offset: number }): SessionsFile {
  const found = rows(db,
    `SELECT s.id, coalesce(s.started_at, 0), coalesce((SELECT max(at) FROM events WHERE session_id = s.id), 0), s.start_commit
     FROM (SELECT id, started_at, start_commit FROM sessions WHERE author IS NULL ORDER BY coalesce(started_at, 0) DESC LIMIT ?) s`, [CANDIDATES + 1]);
  const sessions = found.slice(0, CANDIDATES).map((r): KeptSession => {
    const s: KeptSession = { id: String(r[0]), startedAt: Number(r[1]), lastAt: Number(r[2]) };
    if (typeof r[3] === 'string' && r[3]) s.startCommit = r[3];
    return s;
  });
  return { flightdeck: 'sessions', version: 1, gen: position.gen, offset: position.offset, sessions, complete: found.length <= CANDIDATES };
}

/** Writes the file whole (temp file, rename): a reader sees the old file or the new one. */
export function writeSessionsFile(dir: string, file: SessionsFile): void {
  const path = join(dir, SESSIONS_FILE);
  const tmp = `${path}.${process.pid}.${Math.floor(Math.random() * 1e9).toString(36)}.tmp`;
  writeFileSync(tmp, JSON.stringify(file));
  renameSync(tmp, path);
}

interface SessionLine {
  kind: string;
  at: number;
  session: string;
  startCommit?: string;
}

/** The events with a session among whole journal lines: what moves a session's start, activity or starting commit. */
function sessionLines(body: Buffer): SessionLine[] {
  const out: SessionLine[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(10, start);
    if (end < 0) end = body.length;
    if (end > start && body.indexOf('"session":"', start) < end) {
      try {
        const v = JSON.parse(body.toString('utf8', start, end)) as { kind?: unknown; at?: unknown; session?: unknown; author?: unknown; data?: { startCommit?: unknown } | null };
        // A teammate's session (team sync) is never this clone's active one.
        if (typeof v.session === 'string' && typeof v.kind === 'string' && typeof v.at === 'number' && v.author === undefined) {
          const line: SessionLine = { kind: v.kind, at: v.at, session: v.session };
          const commit = v.data?.startCommit;
          if ((v.kind === 'session.started' || v.kind === 'session.git') && typeof commit === 'string' && commit) line.startCommit = commit;
          out.push(line);
        }
      } catch {
        // A damaged line: the record sets it aside too.
      }
    }
    start = end + 1;
  }
  return out;
}

function parseFile(text: string): SessionsFile | undefined {
  const f = JSON.parse(text) as Partial<SessionsFile>;
  if (f.flightdeck !== 'sessions' || f.version !== 1 || typeof f.gen !== 'number' || typeof f.offset !== 'number' || !Array.isArray(f.sessions) || typeof f.complete !== 'boolean') return undefined;
  return f as SessionsFile;
}

/**
 * The session whose agent was active most recently (within ACTIVE_WINDOW_MS of `now`) among the newest few, with
 * its starting commit: `null` when none is active, `undefined` when the file and the journal cannot say exactly.
 */
export function readActiveSession(dir: string, now = Date.now()): ActiveSession | null | undefined {
  let file: SessionsFile | undefined;
  try {
    file = parseFile(readFileSync(join(dir, SESSIONS_FILE), 'utf8'));
    if (!file) return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    if (!existsSync(dir)) return null;
    // A record whose whole history is still in its journal is read from its start.
    if (hasSnapshot(dir)) return undefined;
    file = { flightdeck: 'sessions', version: 1, gen: 0, offset: 0, sessions: [], complete: true };
  }
  const tail = readJournalTail(dir, file.gen, file.offset, sessionLines, MAX_TAIL_BYTES);
  if (typeof tail === 'string') return undefined;
  const known = new Map(file.sessions.map((s) => [s.id, { ...s }]));
  const oldestKept = Math.min(...file.sessions.map((s) => s.startedAt));
  for (const e of tail.items) {
    let s = known.get(e.session);
    if (!s) {
      // Not listed: new when the file lists every session; else it may be an older one, ranked who knows where.
      if (!file.complete) return undefined;
      s = { id: e.session, startedAt: e.at, lastAt: e.at };
      known.set(e.session, s);
    }
    s.lastAt = Math.max(s.lastAt, e.at);
    // The record moves a start earlier on a session's earliest event (session.started, hooks, tool calls).
    s.startedAt = Math.min(s.startedAt, e.at);
    if (!file.complete && s.startedAt < oldestKept) return undefined;
    if (e.startCommit && !s.startCommit) s.startCommit = e.startCommit;
  }
  const candidates = [...known.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, CANDIDATES);
  let best: KeptSession | undefined;
  for (const s of candidates) if (now - s.lastAt <= ACTIVE_WINDOW_MS && (!best || s.lastAt > best.lastAt)) best = s;
  return best ? { session: best.id, commit: best.startCommit } : null;
}

/** What a store that keeps the file needs of it (the store itself, without importing it). */
export interface SessionsSource {
  readonly dir: string;
  readonly db: Database;
  position(): { gen: number; offset: number };
}

/**
 * Keeps a writable store's sessions.json current: now when it is missing or behind, then after an advance that
 * names a session the file does not list, starts a session or moves a starting commit, rotates the journal, or
 * after REWRITE_AFTER_BYTES of journal. A failure to write only makes the next reader ask the database.
 */
export function sessionsKeeper(store: SessionsSource): (applied: readonly { kind: string; session?: string }[], rotated: boolean) => void {
  let listed = new Set<string>();
  let writtenAt = { gen: -1, offset: 0 };
  const write = (): void => {
    try {
      const file = sessionsFromDb(store.db, store.position());
      writeSessionsFile(store.dir, file);
      listed = new Set(file.sessions.map((s) => s.id));
      writtenAt = { gen: file.gen, offset: file.offset };
    } catch {
      writtenAt = { gen: -1, offset: 0 };
    }
  };
  return (applied, rotated) => {
    const at = store.position();
    if (rotated || at.gen !== writtenAt.gen || at.offset - writtenAt.offset > REWRITE_AFTER_BYTES
      || applied.some((e) => e.kind === 'session.started' || e.kind === 'session.git' || (e.session !== undefined && !listed.has(e.session)))) write();
  };
}
