import { existsSync } from 'node:fs';
import type { BoardRecord } from '../../protocol';
import { listEvents, recordStatus } from '../record/queries';
import type { OpenReport, RecordStore } from '../record/store';

const RECENT = 12;

/** One readable line for an event, whatever its kind. */
export function summarize(kind: string, data: Record<string, unknown>): string {
  const text = typeof data.text === 'string' ? data.text : typeof data.summary === 'string' ? data.summary : undefined;
  const raw = text ?? (Object.keys(data).length ? JSON.stringify(data) : kind);
  return raw.length > 300 ? raw.slice(0, 297) + '...' : raw;
}

/** What opening the record found, said so a person knows what happened to their data. */
export function describeReport(r: OpenReport, dir: string): string[] {
  const notices: string[] = [];
  for (const p of r.movedAside) notices.push(`A damaged snapshot was moved aside to ${p}; the record was rebuilt from what survived.`);
  if (r.snapshot === 'previous') notices.push('The latest snapshot was damaged; the previous one and the journal were used.');
  if (r.damagedLines > 0) notices.push(`${r.damagedLines} unreadable journal line(s) were skipped; copies are in ${dir}/damaged.`);
  if (r.possiblyMissing) notices.push(`Some ${r.possiblyMissing} could not be recovered.`);
  return notices;
}

export function boardRecord(store: RecordStore): BoardRecord {
  const s = recordStatus(store);
  return {
    dir: s.dir,
    exists: existsSync(s.dir),
    schemaVersion: s.schemaVersion,
    counts: {
      events: s.counts.events,
      sessions: s.counts.sessions,
      checks: s.counts.checks,
      pendingReviews: s.counts.pendingReviews,
      overrides: s.counts.overrides,
      ships: s.counts.ships,
      notes: s.counts.notes,
    },
    journalBytes: s.journal.bytes,
    journalGeneration: s.journal.generation,
    eventsSinceSnapshot: s.journal.eventsSinceSnapshot,
    lastSnapshotAt: s.lastSnapshotAt,
    notices: describeReport(store.report, s.dir),
    recent: listEvents(store.db, { limit: RECENT }).map((e) => ({
      id: e.id,
      kind: e.kind,
      at: e.at,
      summary: summarize(e.kind, e.data),
    })),
  };
}
