import type { RecordEvent } from '../core/record/events';
import type { RecordStatus } from '../core/record/queries';
import { summarize } from '../core/report/boardState';

const n = (v: number): string => v.toLocaleString('en-US');
const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

export function formatStatus(s: RecordStatus, exists: boolean): string {
  const c = s.counts;
  const lines = [
    `Record:         ${s.dir}${exists ? '' : ' (nothing recorded yet)'}`,
    `Schema:         version ${s.schemaVersion}`,
    `Events:         ${n(c.events)} (notes ${n(c.notes)}, sessions ${n(c.sessions)}, checks ${n(c.checks)}, ` +
      `open reviews ${n(c.pendingReviews)}, overrides ${n(c.overrides)}, ships ${n(c.ships)})`,
    `Journal:        generation ${s.journal.generation}, ${n(s.journal.bytes)} bytes, ` +
      `${n(s.journal.eventsSinceSnapshot)} events since the last snapshot`,
    `Last snapshot:  ${s.lastSnapshotAt ? when(s.lastSnapshotAt) : 'none yet'}`,
  ];
  return lines.join('\n');
}

/** One line an event: time, kind, and the same summary the board shows. */
export function formatEvent(e: RecordEvent): string {
  const oneLine = summarize(e.kind, e.data).replace(/\s+/g, ' ');
  const summary = oneLine.length > 120 ? oneLine.slice(0, 117) + '...' : oneLine;
  return `${when(e.at)}  ${e.kind.padEnd(18)} ${summary}`;
}
