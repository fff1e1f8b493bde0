import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeFsError, RecordError } from './errors';
import { isRecordEvent, type RecordEvent } from './events';
import { fsyncDir } from './journal';
import { randomName } from './randomName';
import { sessionEvents } from './queries';
import type { Database } from 'sql.js';
import { payloadsOf, UNREADABLE_PAYLOAD } from './segments';
import type { RecordStore } from './store';

/**
 * Retention, for those who want it (off by default): sessions whose last event is older than N months are written,
 * whole, to a compressed file in archive/; then an `archive.recorded` event, naming every event archived, removes
 * those events' rows from the database. The sessions stay listed (their derived rows stay) and reopen from the file.
 */
export const ARCHIVE_DIR = 'archive';
export const ARCHIVE_KIND = 'archive.recorded';

/** At most this many events a file (a longer session has one to itself): reopening a session reads one small file. */
const EVENTS_PER_FILE = 5_000;

export interface ArchiveResult {
  files: string[];
  sessions: number;
  events: number;
}

const MONTH = 30.44 * 86_400_000;

/** Sessions quiet for longer than `months`, oldest first, that still have events in the database. */
function dueSessions(store: RecordStore, cutoff: number): { id: string; events: number }[] {
  return (
    // One pass over the events still loaded, grouped by session through its index.
    store.db.exec(
      `SELECT e.session_id, count(*) FROM events e JOIN sessions s ON s.id = e.session_id
       WHERE coalesce(s.started_at, 0) < ?1
       GROUP BY e.session_id HAVING max(e.at) < ?1 AND coalesce(max(s.ended_at), 0) < ?1 ORDER BY min(e.at)`,
      [cutoff],
    )[0]?.values ?? []
  ).map(([id, n]) => ({ id: String(id), events: Number(n) }));
}

function writeAtomically(dir: string, name: string, body: Buffer): void {
  const path = join(dir, name);
  const staging = `${path}.writing`;
  try {
    const fd = openSync(staging, 'w');
    try {
      let done = 0;
      while (done < body.length) done += writeSync(fd, body, done, body.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(staging, path);
    fsyncDir(dir);
  } catch (err) {
    rmSync(staging, { force: true });
    throw describeFsError('write the archive', path, err);
  }
}

/**
 * Archives the sessions quiet for more than `months` (a positive number). The file is on disk, synced, before
 * the event that removes the rows is recorded; a crash between leaves a file nothing refers to, and nothing lost.
 */
export function archiveOlderThan(store: RecordStore, months: number, now = Date.now()): ArchiveResult {
  if (!(months > 0)) throw new RecordError('retention must keep a positive number of months');
  return archiveQuietSessions(store, months * MONTH, { now });
}

/**
 * Archives sessions quiet for longer than `quietMs`. At most `maxFiles` files, and no new file once `maxMs` have
 * passed: a long history takes several calls, each a short pause.
 */
export function archiveQuietSessions(store: RecordStore, quietMs: number, options: { now?: number; maxFiles?: number; maxMs?: number } = {}): ArchiveResult {
  const result: ArchiveResult = { files: [], sessions: 0, events: 0 };
  const now = options.now ?? Date.now();
  const due = dueSessions(store, now - quietMs);
  const dir = join(store.dir, ARCHIVE_DIR);
  // One file at least whenever any is due: the time limit must not stop a call from making progress.
  const started = performance.now();
  const more = (): boolean =>
    result.files.length === 0 || (result.files.length < (options.maxFiles ?? Infinity) && performance.now() - started < (options.maxMs ?? Infinity));
  for (let i = 0; i < due.length && more(); ) {
    const batch: string[] = [];
    let count = 0;
    while (i < due.length && (batch.length === 0 || count + (due[i]?.events ?? 0) <= EVENTS_PER_FILE)) {
      const s = due[i++] as { id: string; events: number };
      batch.push(s.id);
      count += s.events;
    }
    const events = batch.flatMap((id) => sessionEvents(store.db, id, 10_000_000));
    // A payload that could not be read back would be archived as its summary: keep those rows, archive the rest.
    const whole = events.filter((e) => !(UNREADABLE_PAYLOAD in e.data));
    if (whole.length === 0) continue;
    mkdirSync(dir, { recursive: true });
    const first = new Date(whole[0]?.at ?? now).toISOString().slice(0, 7);
    const name = `${first}-${randomName(8)}.jsonl.gz`;
    writeAtomically(dir, name, gzipSync(Buffer.from(whole.map((e) => JSON.stringify(e)).join('\n') + '\n')));
    const lastAt: Record<string, number> = {};
    for (const e of whole) if (e.session !== undefined) lastAt[e.session] = Math.max(lastAt[e.session] ?? 0, e.at);
    store.append([{ kind: ARCHIVE_KIND, source: 'flightdeck', data: { file: name, sessions: batch, events: whole.length, lastAt, ids: whole.map((e) => e.id) } }]);
    // The pages those rows held, given back: the in-memory database shrinks.
    store.db.exec('PRAGMA incremental_vacuum');
    result.files.push(name);
    result.sessions += batch.length;
    result.events += whole.length;
  }
  return result;
}

/** The events an archive file holds, in the order they were recorded. Throws a clear error if it is unreadable. */
export function readArchive(recordDir: string, file: string, session?: string): RecordEvent[] {
  if (!/^[\w.-]+\.jsonl\.gz$/.test(file)) throw new RecordError(`not an archive name: ${file}`);
  const path = join(recordDir, ARCHIVE_DIR, file);
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch (err) {
    throw describeFsError('read the archive', path, err);
  }
  const out: RecordEvent[] = [];
  // Only the lines that name the session are parsed (each names it as JSON writes it).
  const mark = session === undefined ? undefined : `"session":${JSON.stringify(session)}`;
  for (const line of text.split('\n')) {
    if (!line || (mark !== undefined && !line.includes(mark))) continue;
    const v: unknown = JSON.parse(line);
    if (isRecordEvent(v) && (session === undefined || v.session === session)) out.push(v);
  }
  return out;
}

/** Archive files that hold a session's earlier events, oldest first. */
export function archivesOf(db: Database, session: string): string[] {
  return (db.exec('SELECT file FROM archived_sessions WHERE session_id = ? ORDER BY at', [session])[0]?.values ?? []).map((r) => String(r[0]));
}

/** A session reopened whole: its archived events, then those still in the database. */
export function sessionEventsWithArchive(store: { db: Database }, session: string): RecordEvent[] {
  const files = archivesOf(store.db, session);
  const dir = payloadsOf(store.db)?.dir;
  const archived = dir === undefined ? [] : files.flatMap((f) => readArchive(dir, f, session));
  const seen = new Set(archived.map((e) => e.id));
  return [...archived, ...sessionEvents(store.db, session).filter((e) => !seen.has(e.id))];
}

/**
 * Which of a session's events its archives hold, for the applier's check that nothing archived is recorded twice.
 * The last few files read are kept (an import of one old transcript asks about one session many times).
 */
export class ArchivedIds {
  private readonly files = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly dir: string,
    private readonly db: () => Database,
  ) {}

  readonly of = (session: string): ReadonlySet<string> => {
    const out = new Set<string>();
    for (const file of archivesOf(this.db(), session)) for (const id of this.file(file).get(session) ?? []) out.add(id);
    return out;
  };

  private file(name: string): Map<string, Set<string>> {
    let bySession = this.files.get(name);
    if (bySession) return bySession;
    bySession = new Map();
    let events: RecordEvent[] = [];
    try {
      events = readArchive(this.dir, name);
    } catch {
      // Unreadable: nothing is known archived from it, so nothing is dropped (a duplicate beats a loss).
    }
    for (const e of events) {
      if (e.session === undefined) continue;
      let ids = bySession.get(e.session);
      if (!ids) bySession.set(e.session, (ids = new Set()));
      ids.add(e.id);
    }
    if (this.files.size >= 4) this.files.delete(this.files.keys().next().value as string);
    this.files.set(name, bySession);
    return bySession;
  }
}
