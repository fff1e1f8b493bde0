import { existsSync } from 'node:fs';
import { recordCounts, verifyPayloads } from '../record/queries';
import { RecordStore, type OpenReport } from '../record/store';

export interface VerifyResult {
  dir: string;
  exists: boolean;
  integrity: string;
  events: number;
  /** Payloads kept in segments, each read back; those that could not be. */
  payloads: { checked: number; unreadable: number };
  report: OpenReport;
  damaged: boolean;
}

/**
 * Opens the record as a new reader would: loads the snapshot, replays the journal and checks the
 * database. Writable opens also set damaged files aside, so the next open starts clean.
 */
export async function verifyRecord(dir: string, readOnly: boolean): Promise<VerifyResult> {
  const exists = existsSync(dir);
  const store = await RecordStore.open(dir, { readOnly: readOnly || !exists });
  try {
    const integrity = String(store.db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0] ?? 'unknown');
    const r = store.report;
    const payloads = verifyPayloads(store.db);
    const damaged = r.movedAside.length > 0 || r.damagedLines > 0 || r.unterminatedTail || !!r.possiblyMissing || integrity !== 'ok'
      || payloads.unreadable > 0;
    return { dir, exists, integrity, events: recordCounts(store.db).events, payloads, report: r, damaged };
  } finally {
    store.close();
  }
}

const n = (v: number): string => v.toLocaleString('en-US');

export function formatVerify(v: VerifyResult): string {
  const r = v.report;
  const snap = { none: 'none (built from the journal)', current: 'loaded', previous: 'the previous one (the latest was damaged)' };
  const lines = [`Record:       ${v.dir}${v.exists ? '' : ' (nothing recorded yet)'}`, `Snapshot:     ${snap[r.snapshot]}`];
  lines.push(`Journal:      ${n(r.replayed)} events replayed; ${n(v.events)} events in the record`);
  if (r.damagedLines) lines.push(`Damaged:      ${n(r.damagedLines)} unreadable journal line(s) skipped (copies kept in ${v.dir}/damaged)`);
  if (r.unterminatedTail) lines.push('Torn tail:    an unterminated last journal line was dropped (a write cut off by a crash)');
  for (const p of r.movedAside) lines.push(`Moved aside:  ${p}`);
  if (r.possiblyMissing) lines.push(`Missing:      ${r.possiblyMissing} could not be recovered`);
  if (v.payloads.checked) lines.push(`Segments:     ${n(v.payloads.checked)} event payloads read back${v.payloads.unreadable ? `, ${n(v.payloads.unreadable)} unreadable` : ''}`);
  for (const d of r.damagedSegments ?? []) lines.push(`Segment:      ${d.file}: ${d.reason}${d.keptAt ? ` (a copy kept in ${d.keptAt})` : ''}`);
  if (v.integrity !== 'ok') lines.push(`Integrity:    ${v.integrity}`);
  lines.push(v.damaged ? 'Result:       damage found; what could be recovered was recovered' : 'Result:       ok');
  return lines.join('\n');
}
