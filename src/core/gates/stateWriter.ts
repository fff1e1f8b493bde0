// Keeps gates.json (state.ts) current from a record's database: every process that holds the record open for
// writing (the extension, the CLI) rewrites it when a review, override or task event reaches its database, and
// after the journal rotates, so the Claude Code hook and `flightdeck check-push` read a short tail.
import type { Database, SqlValue } from 'sql.js';
import type { RecordStore } from '../record/store';
import {
  emptyGateState, GATE_KINDS, GATE_OVERRIDE_DEFAULT_MS, GATE_STATE_FILE, keptInState, MAX_REVIEWS, writeGateStateFile,
  type GateConcern, type GateEngineVerdict, type GateReview, type GateState, type GateTask,
} from './state';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const rows = (db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];
const opt = (v: SqlValue | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v));
const parse = <T>(v: SqlValue | undefined, fallback: T): T => {
  try {
    return v === null || v === undefined ? fallback : (JSON.parse(String(v)) as T);
  } catch {
    return fallback;
  }
};

/** The gate state of a database standing at journal position (gen, offset). */
export function gateStateFromDb(db: Database, position: { gen: number; offset: number }, now = Date.now()): GateState {
  const state = emptyGateState(position.gen, position.offset);
  const open = `status IN ('pending', 'concerns', 'failed') OR (status = 'overridden' AND expires_at IS NOT NULL)`;
  state.moreOpen = Math.max(0, Number(rows(db, `SELECT count(*) FROM reviews WHERE ${open}`)[0]?.[0] ?? 0) - MAX_REVIEWS);
  for (const r of rows(db, `SELECT id, session_id, subject, files, change_hash, status, override_id, expires_at, opened_at FROM reviews
      WHERE ${open} ORDER BY opened_at DESC LIMIT ?`, [MAX_REVIEWS])) {
    const review: GateReview = {
      id: String(r[0]), files: parse<{ path?: string }[]>(r[3], []).map((f) => f.path ?? '').filter(Boolean), status: String(r[5]), engines: {},
    };
    const session = opt(r[1]);
    if (session !== undefined) review.session = session;
    const subject = opt(r[2]);
    if (subject !== undefined) review.subject = subject;
    const changeHash = opt(r[4]);
    if (changeHash !== undefined) review.changeHash = changeHash;
    if (review.status === 'overridden') review.override = r[7] === null ? { id: String(r[6] ?? '') } : { id: String(r[6] ?? ''), until: Number(r[7]) };
    if (r[8] !== null) review.openedAt = Number(r[8]);
    for (const v of rows(db, 'SELECT engine, status, change_hash, at, event_id, concerns FROM review_verdicts WHERE review_id = ?', [review.id])) {
      const verdict: GateEngineVerdict = {
        status: String(v[1]), at: Number(v[3]), eventId: String(v[4]),
        concerns: parse<Partial<GateConcern>[]>(v[5], []).map((c) => {
          const out: GateConcern = { file: String(c.file ?? ''), severity: String(c.severity ?? 'medium'), title: String(c.title ?? '') };
          if (typeof c.line === 'number') out.line = c.line;
          return out;
        }),
      };
      const hash = opt(v[2]);
      if (hash !== undefined) verdict.changeHash = hash;
      review.engines[String(v[0])] = verdict;
    }
    if (keptInState(review)) state.reviews.push(review);
  }
  for (const o of rows(db, `SELECT gate, coalesce(expires_at, at + ?), reason, by, event_id FROM approvals
      WHERE kind = 'override' AND gate IS NOT NULL AND coalesce(expires_at, at + ?) > ?`, [GATE_OVERRIDE_DEFAULT_MS, GATE_OVERRIDE_DEFAULT_MS, now])) {
    state.overrides.push({ gate: String(o[0]), until: Number(o[1]), reason: String(o[2] ?? ''), by: String(o[3] ?? ''), id: String(o[4]) });
  }
  const task = taskInForce(db);
  if (task) state.task = task;
  return state;
}

/** The task in force now, the one the hooks gate by: the record's latest task started and not ended since. */
export function taskInForce(db: Database): GateTask | undefined {
  const [task] = rows(db, `SELECT kind, data, at FROM events WHERE kind IN ('task.started', 'task.ended') ORDER BY at DESC, seq DESC LIMIT 1`);
  if (!task || task[0] !== 'task.started') return undefined;
  const d = parse<{ intent?: unknown; allow?: unknown; forbid?: unknown }>(task[1], {});
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { intent: typeof d.intent === 'string' ? d.intent : '', allow: list(d.allow), forbid: list(d.forbid), at: Number(task[2]) };
}

/** Writes the store's gate state now (a failure is reported: the hook then reads a longer tail, or fails closed). */
export function writeGateState(store: RecordStore, now = Date.now()): void {
  writeGateStateFile(store.dir, gateStateFromDb(store.db, store.position(), now));
}

const KINDS = new Set<string>(GATE_KINDS);

function fileIsBehind(dir: string, gen: number): boolean {
  try {
    const s = JSON.parse(readFileSync(join(dir, GATE_STATE_FILE), 'utf8')) as { gen?: unknown };
    return s.gen !== gen;
  } catch {
    return true;
  }
}

/**
 * Keeps the store's gates.json current while it is open: now when the file is missing, unreadable or of an older
 * journal generation, then after every advance that carried a gate event or rotated the journal.
 */
export function keepGateState(store: RecordStore, onError: (err: Error) => void = () => undefined): { dispose(): void } {
  const write = (): void => {
    try {
      writeGateState(store);
    } catch (err) {
      onError(err as Error);
    }
  };
  if (existsSync(store.dir) && fileIsBehind(store.dir, store.position().gen)) write();
  return store.onDidAdvance((applied, rotated) => {
    if (rotated || applied.some((e) => KINDS.has(e.kind))) write();
  });
}
