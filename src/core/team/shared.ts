// Which events a team shares, and in what form: exactly as this record lists them (flightdeck log --json), redacted
// once more, without the local bookkeeping that only means something on the machine that wrote it.
import { redactValue } from '../capture/redact';
import { isRecordEvent, type RecordEvent } from '../record/events';

/**
 * Kinds that stay on their machine: archive bookkeeping (it deletes rows by id and names local files), capture
 * cursors, and the gates' own state (a teammate's task, review, override or lock must never gate this clone's
 * pushes and ships; the team lock has its own ref).
 */
export const LOCAL_ONLY_KINDS: readonly string[] = [
  'archive.recorded', 'capture.cursor', 'task.started', 'task.ended', 'review.opened', 'review.verdict', 'review.resolved',
  'override.recorded', 'approval.recorded', 'lock.changed', 'queue.changed', 'kickoff.recorded', 'rollback.prepared', 'hook.malformed',
];
const localOnly = new Set(LOCAL_ONLY_KINDS);

export const isShared = (kind: string): boolean => !localOnly.has(kind);

/** An event as it is pushed: its fields as listed, data redacted, no author (the ref says whose it is). */
export function sharedForm(e: RecordEvent): RecordEvent {
  const out: RecordEvent = { id: e.id, kind: e.kind, at: e.at, data: redactValue(e.data) };
  if (e.session !== undefined) out.session = e.session;
  if (e.source !== undefined) out.source = e.source;
  return out;
}

/**
 * A chunk's lines as a teammate's events: well-formed, shared kinds only, redacted again (their Flightdeck may be
 * older than ours), carrying `author`. Lines that are not events are counted, never applied.
 */
export function parseChunk(text: string, author: string): { events: RecordEvent[]; skipped: number } {
  const events: RecordEvent[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (!isRecordEvent(v) || !isShared(v.kind)) {
      skipped++;
      continue;
    }
    events.push({ ...sharedForm(v), author });
  }
  return { events, skipped };
}
