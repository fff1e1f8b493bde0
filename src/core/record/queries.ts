import type { Database, SqlValue } from 'sql.js';
import type { RecordEvent } from './events';
import { schemaVersion } from './schema';
import { payloadsOf, UNREADABLE_PAYLOAD, type WantedPayload } from './segments';
import type { RecordStore } from './store';

export interface RecordCounts {
  events: number;
  sessions: number;
  checks: number;
  pendingReviews: number;
  approvals: number;
  overrides: number;
  decisions: number;
  ships: number;
  notes: number;
}

export interface RecordStatus {
  dir: string;
  schemaVersion: number;
  counts: RecordCounts;
  journal: { generation: number; bytes: number; eventsSinceSnapshot: number };
  lastSnapshotAt?: number;
}

export interface SessionRow {
  id: string;
  agent?: string;
  model?: string;
  intent?: string;
  branch?: string;
  startedAt?: number;
  endedAt?: number;
}

export interface EventQuery {
  limit?: number;
  kind?: string;
  session?: string;
  excludeKinds?: readonly string[];
}

function rows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    return out;
  } finally {
    stmt.free();
  }
}

const opt = <T>(v: SqlValue): T | undefined => (v === null ? undefined : (v as T));

export function recordCounts(db: Database): RecordCounts {
  const [row] = rows(
    db,
    `SELECT
       (SELECT count(*) FROM events),
       (SELECT count(*) FROM sessions),
       (SELECT count(*) FROM checks),
       (SELECT count(*) FROM reviews WHERE status IN ('pending', 'concerns', 'failed')),
       (SELECT count(*) FROM approvals WHERE kind <> 'override'),
       (SELECT count(*) FROM approvals WHERE kind = 'override'),
       (SELECT count(*) FROM decisions),
       (SELECT count(*) FROM ships),
       (SELECT count(*) FROM events WHERE kind = 'note')`,
  );
  const n = (i: number): number => Number(row?.[i] ?? 0);
  return {
    events: n(0), sessions: n(1), checks: n(2), pendingReviews: n(3), approvals: n(4), overrides: n(5),
    decisions: n(6), ships: n(7), notes: n(8),
  };
}

export function recordStatus(store: RecordStore): RecordStatus {
  const snapshotAt = store.meta('snapshot_at');
  return {
    dir: store.dir,
    schemaVersion: schemaVersion(store.db),
    counts: recordCounts(store.db),
    journal: {
      generation: store.journalGeneration(),
      bytes: store.journalBytes(),
      eventsSinceSnapshot: store.pendingSnapshotEvents,
    },
    lastSnapshotAt: snapshotAt ? Number(snapshotAt) : undefined,
  };
}

/** Events newest first, with their full data (read back from segments for bulky kinds; see segments.ts). */
export function listEvents(db: Database, q: EventQuery = {}): RecordEvent[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (q.kind) {
    where.push('kind = ?');
    params.push(q.kind);
  }
  if (q.session) {
    where.push('session_id = ?');
    params.push(q.session);
  }
  if (q.excludeKinds?.length) {
    where.push(`kind NOT IN (${q.excludeKinds.map(() => '?').join(',')})`);
    params.push(...q.excludeKinds);
  }
  params.push(Math.max(0, Math.min(q.limit ?? 50, 100_000)));
  const sql = `SELECT id, kind, at, session_id, source, data, seg, off, len, author FROM events
    ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
  return withPayloads(db, rows(db, sql, params));
}

/** A session's events in the order recorded, with their full data: what opening it in full reads. */
export function sessionEvents(db: Database, session: string, limit = 100_000): RecordEvent[] {
  return listEvents(db, { session, limit }).reverse();
}

/** Events that meet `where` (SQL over the events table, with `params`), oldest first, with their full data. */
export function eventsWhere(db: Database, where: string, params: SqlValue[], limit = 10_000): RecordEvent[] {
  return withPayloads(db, rows(db, `SELECT id, kind, at, session_id, source, data, seg, off, len FROM events WHERE ${where} ORDER BY at, seq LIMIT ?`, [...params, limit]));
}

/** Reads back every payload kept in a segment, a chunk at a time: how many were checked, how many could not be read. */
export function verifyPayloads(db: Database, chunk = 10_000): { checked: number; unreadable: number } {
  const payloads = payloadsOf(db);
  let checked = 0;
  let unreadable = 0;
  for (let lastSeq = 0; ;) {
    const found = rows(db, `SELECT seq, id, seg, off, len, session_id, at FROM events WHERE seq > ? AND seg IS NOT NULL ORDER BY seq LIMIT ?`, [lastSeq, chunk]);
    if (found.length === 0 || !payloads) break;
    const full = payloads.readMany(
      found.map((r) => ({ id: String(r[1]), loc: { seg: Number(r[2]), off: Number(r[3]), len: Number(r[4]) }, key: [String(r[5] ?? ''), Number(r[6]), String(r[1])] as const })),
    );
    checked += found.length;
    unreadable += full.filter((d) => d === undefined).length;
    lastSeq = Number(found[found.length - 1]?.[0]);
  }
  return { checked, unreadable };
}

/**
 * Rows of (id, kind, at, session_id, source, data, seg, off, len[, author]) as events, their payloads read back where
 * moved out. A teammate's event (team sync) keeps its author.
 */
export function withPayloads(db: Database, found: SqlValue[][]): RecordEvent[] {
  const events = found.map(([id, kind, at, session, source, data, , , , author]) => {
    const e: RecordEvent = {
      id: String(id),
      kind: String(kind),
      at: Number(at),
      session: opt<string>(session ?? null),
      source: opt<string>(source ?? null),
      data: JSON.parse(String(data)) as Record<string, unknown>,
    };
    if (typeof author === 'string') e.author = author;
    return e;
  });
  const wanted: (WantedPayload & { i: number })[] = [];
  found.forEach((r, i) => {
    if (r[6] === null || r[6] === undefined) return;
    const loc = { seg: Number(r[6]), off: Number(r[7]), len: Number(r[8]) };
    wanted.push({ i, id: String(r[0]), loc, key: [String(r[3] ?? ''), Number(r[2]), String(r[0])] });
  });
  if (wanted.length === 0) return events;
  const payloads = payloadsOf(db);
  const full = payloads?.readMany(wanted) ?? [];
  wanted.forEach((w, j) => {
    const e = events[w.i] as RecordEvent;
    const data = full[j];
    // Unreadable (or no record around this database): the summary, marked, never another event's data.
    e.data = data ?? { ...e.data, [UNREADABLE_PAYLOAD]: payloads ? 'its segment is damaged or missing' : 'segments not open' };
  });
  return events;
}

/** Sessions newest first. */
export function listSessions(db: Database, limit = 50): SessionRow[] {
  return rows(
    db,
    `SELECT id, agent, model, intent, branch, started_at, ended_at FROM sessions
     ORDER BY coalesce(started_at, ended_at) DESC LIMIT ?`,
    [limit],
  ).map(([id, agent, model, intent, branch, startedAt, endedAt]) => ({
    id: String(id),
    agent: opt<string>(agent ?? null),
    model: opt<string>(model ?? null),
    intent: opt<string>(intent ?? null),
    branch: opt<string>(branch ?? null),
    startedAt: opt<number>(startedAt ?? null),
    endedAt: opt<number>(endedAt ?? null),
  }));
}

