import type { Database } from 'sql.js';
import type { SessionActivity } from '../../protocol';
import { archivesOf, sessionEventsWithArchive } from '../record/archive';
import type { RecordEvent } from '../record/events';

const FAILED = new Set(['error', 'rejected', 'denied']);

/** The same buckets counted from events in hand: a session whose earlier events are archived. */
function activityOf(events: readonly RecordEvent[], buckets: number): SessionActivity {
  const start = events.reduce((m, e) => Math.min(m, e.at), Infinity);
  const first = Number.isFinite(start) ? start : 0;
  const end = Math.max(events.reduce((m, e) => Math.max(m, e.at), 0), first + 1);
  const counts = new Array<number>(buckets).fill(0);
  const failures = new Array<number>(buckets).fill(0);
  for (const e of events) {
    const i = Math.max(0, Math.min(buckets - 1, Math.floor(((e.at - first) * buckets) / (end - first + 1))));
    counts[i] = (counts[i] ?? 0) + 1;
    if ((e.kind === 'tool.result' || e.kind === 'command.ran') && FAILED.has(String(e.data.outcome))) failures[i] = (failures[i] ?? 0) + 1;
  }
  return { start: first, end, counts, failures };
}

/**
 * A session's events over time in equal buckets, with the failures (failed commands and checks,
 * refusals) marked: the shape of the session at a glance. Counted by SQLite, so long sessions cost the same.
 */
export function sessionActivity(db: Database, id: string, buckets = 48): SessionActivity {
  if (archivesOf(db, id).length > 0) return activityOf(sessionEventsWithArchive({ db }, id), buckets);
  const [span] = db.exec('SELECT min(at), max(at) FROM events WHERE session_id = ?', [id])[0]?.values ?? [];
  const start = Number(span?.[0] ?? 0);
  const end = Math.max(Number(span?.[1] ?? 0), start + 1);
  const counts = new Array<number>(buckets).fill(0);
  const failures = new Array<number>(buckets).fill(0);
  const rows = db.exec(
    `SELECT min(?3 - 1, CAST((at - ?1) * ?3 / (?2 - ?1 + 1) AS INTEGER)) AS b, count(*),
       sum(kind IN ('tool.result', 'command.ran') AND json_extract(data, '$.outcome') IN ('error', 'rejected', 'denied'))
     FROM events WHERE session_id = ?4 GROUP BY b`,
    [start, end, buckets, id],
  )[0]?.values ?? [];
  for (const [b, n, f] of rows) {
    const i = Math.max(0, Math.min(buckets - 1, Number(b)));
    counts[i] = Number(n);
    failures[i] = Number(f ?? 0);
  }
  return { start, end, counts, failures };
}
