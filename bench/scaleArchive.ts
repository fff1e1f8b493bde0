// What the extension does at quiet moments on a long history: sessions quiet for 30 days archived out of memory,
// one file at a time. A build of the record before archives gets a stub of this file (see buildBefore).
import { archiveQuietSessions } from '../src/core/record/archive';
import { ArchiveAsItGoes } from '../src/core/record/archiveAsItGoes';
import type { RecordStore } from '../src/core/record/store';

/** Archives until nothing is due, as the extension would over several quiet moments (300 ms each): files written, longest pause. */
export function archiveAll(store: RecordStore, quietMs: number, now: number): { files: number; longestMs: number; events: number } | undefined {
  let files = 0;
  let longestMs = 0;
  let events = 0;
  for (;;) {
    const t = performance.now();
    const r = archiveQuietSessions(store, quietMs, { now, maxMs: 300 });
    if (r.files.length === 0) return { files, longestMs, events };
    longestMs = Math.max(longestMs, performance.now() - t);
    files += r.files.length;
    events += r.events;
  }
}

/** An import archiving sessions quiet for `quietMs` (against `now`) as it goes, as `flightdeck ingest` does. */
export function archiveAsItGoes(store: RecordStore, quietMs: number, now: number): ArchiveAsItGoes | undefined {
  return new ArchiveAsItGoes(store, quietMs, { now: () => now });
}
