import { randomName } from './randomName';

/** What kinds of thing the record holds; later capture work adds more kinds. */
export type EventKind =
  | 'note'
  | 'session.started'
  | 'session.ended'
  | 'check.recorded'
  | 'review.opened'
  | 'review.verdict'
  | 'approval.recorded'
  | 'override.recorded'
  | 'decision.recorded'
  | 'ship.recorded'
  | 'lock.changed'
  | (string & {});

/** One fact in the flight record. `id` is made by its writer, so applying it twice is harmless. */
export interface RecordEvent {
  id: string;
  kind: EventKind;
  /** Milliseconds since the epoch. */
  at: number;
  session?: string;
  /** Who wrote it: "cli", "vscode", "hook", … */
  source?: string;
  /** The teammate whose record it came from (team sync, by git email); absent: recorded on this machine. */
  author?: string;
  data: Record<string, unknown>;
}

export type NewEvent = Omit<RecordEvent, 'id' | 'at'> & Partial<Pick<RecordEvent, 'id' | 'at'>>;

/** Time-ordered, unique across processes and machines without coordination (48 random bits a millisecond). */
export function newEventId(at = Date.now()): string {
  return `${at.toString(36).padStart(9, '0')}-${randomName(8)}`;
}

export function completeEvent(e: NewEvent): RecordEvent {
  if (e.id !== undefined && e.at !== undefined && e.data) return e as RecordEvent;
  const at = e.at ?? Date.now();
  // Built field by field, not spread: objects of one shape are much cheaper to serialize and record.
  const out: RecordEvent = { id: e.id ?? newEventId(at), kind: e.kind, at, data: e.data ?? {} };
  if (e.session !== undefined) out.session = e.session;
  if (e.source !== undefined) out.source = e.source;
  if (e.author !== undefined) out.author = e.author;
  return out;
}

/** Checks the shape of a parsed journal line; anything else is damage, not an event. */
export function isRecordEvent(v: unknown): v is RecordEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<RecordEvent>;
  return (
    typeof e.id === 'string' &&
    e.id.length > 0 &&
    typeof e.kind === 'string' &&
    typeof e.at === 'number' &&
    Number.isFinite(e.at) &&
    typeof e.data === 'object' &&
    e.data !== null &&
    (e.session === undefined || typeof e.session === 'string') &&
    (e.source === undefined || typeof e.source === 'string') &&
    (e.author === undefined || typeof e.author === 'string')
  );
}
