// What the gates decide from, readable without the database: open reviews, overrides, the task in force.
//
// `gates.json` beside the journal holds this state exactly as of one journal position (generation, byte offset).
// A reader takes the file, then applies the journal lines after that position (only review, override and task
// lines are parsed), so a file that lags behind is still exact: lagging costs a longer read, never a wrong answer.
// Whoever writes the file writes a state true at its position (a store from its database right after catching
// up, or a reader that applied the tail), whole (temp file, rename): several writers may race, and the last
// rename wins with a state that is still exact at its own position. Anything the reader cannot follow (a missing
// or unreadable file under a record that has history, a journal rotated twice since) is `unknown`: enforce mode
// then fails closed, advisory mode stays quiet.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasSnapshot, readJournalTail } from '../record/journalTail';

export const GATE_STATE_FILE = 'gates.json';
/** A gate override without an expiry holds this long: break-glass, not a switch left off. */
export const GATE_OVERRIDE_DEFAULT_MS = 60 * 60 * 1000;
/** A reader that applied more than this rewrites the file, so the next one reads less. */
const REWRITE_AFTER_BYTES = 64 << 10;
/** At most this many open reviews are kept by name; the rest are counted. */
export const MAX_REVIEWS = 200;

export interface GateConcern {
  file: string;
  line?: number;
  severity: string;
  title: string;
}

export interface GateEngineVerdict {
  status: string;
  changeHash?: string;
  at: number;
  eventId: string;
  concerns: GateConcern[];
}

export interface GateReview {
  id: string;
  session?: string;
  subject?: string;
  files: string[];
  changeHash?: string;
  /** As the record keeps it: pending, concerns, failed, passed, overridden or resolved. */
  status: string;
  engines: Record<string, GateEngineVerdict>;
  /** The override in force, and until when (absent: for good). */
  override?: { id: string; until?: number };
  openedAt?: number;
}

export interface GateOverride {
  gate: string;
  until: number;
  reason: string;
  by: string;
  id: string;
}

export interface GateTask {
  intent: string;
  allow: string[];
  forbid: string[];
  at: number;
}

export interface GateState {
  flightdeck: 'gates';
  version: 1;
  /** Everything in the journal up to here is in this state. */
  gen: number;
  offset: number;
  reviews: GateReview[];
  /** Open reviews beyond MAX_REVIEWS, not kept by name. */
  moreOpen: number;
  overrides: GateOverride[];
  task?: GateTask;
}

export type GateStateRead = { ok: true; state: GateState } | { ok: false; why: string };

export const emptyGateState = (gen = 0, offset = 0): GateState => ({
  flightdeck: 'gates', version: 1, gen, offset, reviews: [], moreOpen: 0, overrides: [],
});

/** A review's status at `now`: an override past its expiry gives way to the verdict underneath. */
export function reviewStatusAt(r: GateReview, now: number): string {
  if (r.status !== 'overridden') return r.status;
  if (r.override?.until !== undefined && r.override.until <= now) return combined(r) ?? 'pending';
  return 'overridden';
}

export const isOpenStatus = (s: string): boolean => s === 'pending' || s === 'concerns' || s === 'failed';

/** Reviews waiting on someone at `now`, newest first. */
export function openGateReviews(state: GateState, now: number): GateReview[] {
  return state.reviews.filter((r) => isOpenStatus(reviewStatusAt(r, now))).sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0));
}

/** The override of `gate` in force at `now`, if any. */
export function gateOverride(state: GateState, gate: string, now: number): GateOverride | undefined {
  return state.overrides.find((o) => o.gate === gate && o.until > now);
}

export function reviewConcerns(r: GateReview): GateConcern[] {
  return current(r).flatMap((v) => v.concerns);
}

/** Whether a review belongs in the state file: it is open, or overridden until a time when it opens again. */
export function keptInState(r: GateReview): boolean {
  return isOpenStatus(r.status) || (r.status === 'overridden' && r.override?.until !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Applying events: the same rules as the record's tables (apply.ts), for the lines after the file's position.

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The verdicts that count: each engine's latest, on the review's current change. */
function current(r: GateReview): GateEngineVerdict[] {
  return Object.values(r.engines).filter((v) => !v.changeHash || !r.changeHash || v.changeHash === r.changeHash);
}

function combined(r: GateReview): string | undefined {
  const v = current(r);
  if (v.length === 0) return undefined;
  if (v.some((x) => x.status === 'failed')) return 'failed';
  return v.some((x) => x.status === 'concerns') ? 'concerns' : 'passed';
}

function concernsOf(v: unknown): GateConcern[] {
  if (!Array.isArray(v)) return [];
  return v.filter((c): c is Json => typeof c === 'object' && c !== null).map((c) => {
    const out: GateConcern = { file: str(c.file) ?? '', severity: str(c.severity) ?? 'medium', title: str(c.title) ?? '' };
    const line = num(c.line);
    if (line !== undefined) out.line = line;
    return out;
  });
}

export interface GateEvent {
  id: string;
  kind: string;
  at: number;
  session?: string;
  data: Json;
}

/** The kinds that change a gate state; every other event leaves it as it is. */
export const GATE_KINDS = ['review.opened', 'review.verdict', 'review.resolved', 'override.recorded', 'task.started', 'task.ended'] as const;

/** Applies one event to `state` in place (the record's rules: each engine's latest verdict, overrides, resolution). */
export function applyGateEvent(state: GateState, e: GateEvent): void {
  const d = e.data;
  const find = (id: string): GateReview | undefined => state.reviews.find((r) => r.id === id);
  const stub = (id: string): GateReview => {
    const r: GateReview = { id, files: [], status: 'pending', engines: {} };
    state.reviews.push(r);
    return r;
  };
  const settle = (r: GateReview): void => {
    const status = combined(r);
    if (status && r.status !== 'overridden' && r.status !== 'resolved') r.status = status;
  };
  switch (e.kind) {
    case 'review.opened': {
      const id = str(d.reviewId) ?? e.id;
      const r = find(id) ?? stub(id);
      // Opened twice is opened once; a stub (a verdict or override that arrived first) gets its details.
      r.session ??= e.session;
      r.subject ??= str(d.subject);
      if (r.files.length === 0) {
        r.files = Array.isArray(d.files) ? d.files.map((f) => str((f as Json | null)?.path) ?? '').filter(Boolean) : [];
      }
      r.changeHash ??= str(d.changeHash);
      r.openedAt ??= e.at;
      settle(r);
      break;
    }
    case 'review.verdict': {
      const id = str(d.reviewId);
      if (!id) break;
      const r = find(id) ?? stub(id);
      const engine = str(d.engine) ?? 'unknown';
      const known = r.engines[engine];
      if (!known || e.at > known.at || (e.at === known.at && e.id > known.eventId)) {
        r.engines[engine] = { status: str(d.status) ?? 'failed', changeHash: str(d.changeHash), at: e.at, eventId: e.id, concerns: concernsOf(d.concerns) };
      }
      const changeHash = str(d.changeHash);
      // A verdict on a newer change lifts an override given for the older one.
      if (changeHash && r.changeHash && r.changeHash !== changeHash && r.status !== 'resolved') {
        r.changeHash = changeHash;
        if (r.status === 'overridden') r.status = 'pending';
        r.override = undefined;
      }
      settle(r);
      break;
    }
    case 'review.resolved': {
      const r = find(str(d.reviewId) ?? '');
      if (r && isOpenStatus(r.status)) r.status = 'resolved';
      break;
    }
    case 'override.recorded': {
      const reviewId = str(d.reviewId);
      const until = num(d.expiresAt);
      if (reviewId) {
        const r = find(reviewId) ?? stub(reviewId);
        if (r.status !== 'resolved') {
          r.status = 'overridden';
          r.override = until === undefined ? { id: e.id } : { id: e.id, until };
        }
      }
      const gate = str(d.gate);
      if (gate) state.overrides.push({ gate, until: until ?? e.at + GATE_OVERRIDE_DEFAULT_MS, reason: str(d.reason) ?? '', by: str(d.by) ?? '', id: e.id });
      break;
    }
    case 'task.started':
      state.task = { intent: str(d.intent) ?? '', allow: strings(d.allow), forbid: strings(d.forbid), at: e.at };
      break;
    case 'task.ended':
      state.task = undefined;
      break;
  }
}

/** Drops what no longer matters at `now`: closed reviews, lapsed gate overrides. */
export function pruneGateState(state: GateState, now: number): void {
  state.reviews = state.reviews.filter(keptInState);
  state.overrides = state.overrides.filter((o) => o.until > now);
  if (state.reviews.length > MAX_REVIEWS) {
    state.reviews.sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0));
    state.moreOpen += state.reviews.length - MAX_REVIEWS;
    state.reviews.length = MAX_REVIEWS;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The file and the journal after it

function parseState(text: string): GateState | undefined {
  const s = JSON.parse(text) as Partial<GateState>;
  if (s.flightdeck !== 'gates' || s.version !== 1 || typeof s.gen !== 'number' || typeof s.offset !== 'number'
    || !Array.isArray(s.reviews) || !Array.isArray(s.overrides)) return undefined;
  return { ...emptyGateState(s.gen, s.offset), ...s } as GateState;
}

/** Writes a state whole (temp file, rename): a reader sees the old file or the new one. */
export function writeGateStateFile(dir: string, state: GateState): void {
  const path = join(dir, GATE_STATE_FILE);
  const tmp = `${path}.${process.pid}.${Math.floor(Math.random() * 1e9).toString(36)}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

const PATTERNS = GATE_KINDS.map((k) => Buffer.from(`"kind":"${k}"`));

/** The gate events among whole journal lines, in order; only lines naming a gate kind are parsed. */
function gateLines(body: Buffer): GateEvent[] {
  const starts = new Set<number>();
  for (const p of PATTERNS) {
    for (let at = body.indexOf(p); at >= 0; at = body.indexOf(p, at + p.length)) starts.add(body.lastIndexOf(10, at) + 1);
  }
  const out: GateEvent[] = [];
  for (const s of [...starts].sort((a, b) => a - b)) {
    const e = body.indexOf(10, s);
    try {
      const v = JSON.parse(body.subarray(s, e < 0 ? body.length : e).toString('utf8')) as Partial<GateEvent>;
      if (typeof v.id === 'string' && typeof v.kind === 'string' && typeof v.at === 'number' && typeof v.data === 'object' && v.data !== null) {
        out.push(v as GateEvent);
      }
    } catch {
      // A damaged line: the record sets it aside too.
    }
  }
  return out;
}

/**
 * The gate state now: the file, plus the journal after its position. Without a file, a record whose whole history
 * is still in its journal is read from the start; one with a snapshot is `unknown`. A reader that applied a long
 * tail writes the result back (`persist`), so the next tool call reads less.
 */
export function readGateState(dir: string, now = Date.now(), persist = true): GateStateRead {
  let state: GateState | undefined;
  try {
    state = parseState(readFileSync(join(dir, GATE_STATE_FILE), 'utf8'));
    if (!state) return { ok: false, why: `${GATE_STATE_FILE} is not a gate state` };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, why: `cannot read ${GATE_STATE_FILE}: ${(e as Error).message}` };
    if (!existsSync(dir)) return { ok: true, state: emptyGateState() };
    if (hasSnapshot(dir)) return { ok: false, why: `${GATE_STATE_FILE} is missing` };
    state = emptyGateState();
  }
  const tail = readJournalTail(dir, state.gen, state.offset, gateLines);
  if (typeof tail === 'string') return { ok: false, why: tail };
  for (const e of tail.items) applyGateEvent(state, e);
  state.gen = tail.gen;
  state.offset = tail.offset;
  pruneGateState(state, now);
  if (persist && (tail.bytes > REWRITE_AFTER_BYTES || tail.items.length > 0)) {
    try {
      writeGateStateFile(dir, state);
    } catch {
      // Only the next reader's speed depends on it.
    }
  }
  return { ok: true, state };
}
