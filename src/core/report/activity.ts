import type { Database } from 'sql.js';
import type { SessionActivity } from '../../protocol';

/**
 * A session's events over time in equal buckets, with the failures (failed commands and checks,
 * refusals) marked: the shape of the session at a glance. Counted by SQLite, so long sessions cost the same.
 */
export function sessionActivity(db: Database, id: string, buckets = 48): SessionActivity {
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
