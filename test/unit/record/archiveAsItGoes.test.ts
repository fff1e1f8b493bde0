import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE_DIR, archivesOf, sessionEventsWithArchive } from '../../../src/core/record/archive';
import { ArchiveAsItGoes } from '../../../src/core/record/archiveAsItGoes';
import type { RecordEvent } from '../../../src/core/record/events';
import { LiveRecord } from '../../../src/core/record/liveRecord';
import { RecordStore } from '../../../src/core/record/store';
import { boardSessions } from '../../../src/core/report/boardState';
import { DEFAULT_QUERY } from '../../../src/protocol';
import { DAY, NOW, recordedSession } from '../../fixtures/recordSessions';
import { tempDir } from '../helpers/tmp';

const session = (id: string, daysAgo: number, steps = 20): RecordEvent[] => recordedSession(id, daysAgo, { steps, outputLines: 20 });

const loaded = (s: RecordStore): number => Number(s.db.exec('SELECT count(*) FROM events WHERE session_id IS NOT NULL')[0]?.values[0]?.[0]);
const rowsBySession = (s: RecordStore): string => JSON.stringify(s.db.exec('SELECT session_id, count(*) FROM events WHERE session_id IS NOT NULL GROUP BY 1 ORDER BY 1')[0]?.values);

/** A year of 40 sessions, 10 days apart, oldest first. */
const year = (steps = 20): RecordEvent[][] => Array.from({ length: 40 }, (_, i) => session(`s${String(i).padStart(2, '0')}`, 395 - i * 10, steps));

/** Records `events` in batches of `size` (not aligned to sessions), a checkpoint after each, as an import does. */
function importInBatches(store: RecordStore, events: RecordEvent[], size: number, going: ArchiveAsItGoes, watch?: () => void): number {
  let added = 0;
  for (let i = 0; i < events.length; i += size) {
    store.append(events.slice(i, i + size));
    added += store.lastAppendAdded;
    going.checkpoint();
    watch?.();
  }
  return added;
}

test('an import of a year archives as it goes: the database holds about the window, every session listed and reopened whole', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  const sessions = year();
  const all = sessions.flat();
  const going = new ArchiveAsItGoes(store, 30 * DAY, { everyEvents: 500, now: () => NOW });
  let most = 0;
  importInBatches(store, all, 200, going, () => (most = Math.max(most, loaded(store))));
  going.dispose();
  assert.equal(going.failure, undefined);
  // The window (the last 30 days: 3 sessions) and what came since the last look, never the whole year.
  const perSession = sessions[0]?.length ?? 0;
  assert.ok(most <= 3 * perSession + 500 + 200, `at most ${most} events were loaded at once of ${all.length}`);
  assert.ok(going.result.sessions >= 36, `${going.result.sessions} sessions archived`);
  assert.deepEqual(readdirSync(join(dir, ARCHIVE_DIR)).sort(), [...going.result.files].sort());
  // A session cut by a look (its first events archived, the rest after) has two files, and reopens whole all the same.
  assert.ok(sessions.some((events) => archivesOf(store.db, events[0]?.session as string).length > 1), 'a session was archived in two parts');
  assert.equal(boardSessions(store.db, { ...DEFAULT_QUERY, limit: 100 }).length, 40, 'every session still listed');
  for (const events of sessions) assert.deepEqual(sessionEventsWithArchive(store, events[0]?.session as string), events);
  const rows = rowsBySession(store);
  const tokens = JSON.stringify(store.db.exec('SELECT id, input_tokens, output_tokens FROM sessions ORDER BY id')[0]?.values);
  store.close();

  // Replayed from the journal: the same rows; the same import again records nothing new.
  const again = await RecordStore.open(dir);
  assert.equal(again.report.snapshot, 'none');
  assert.equal(rowsBySession(again), rows);
  const twice = new ArchiveAsItGoes(again, 30 * DAY, { everyEvents: 500, now: () => NOW });
  assert.equal(importInBatches(again, all, 200, twice), 0, 'nothing recorded twice');
  twice.dispose();
  assert.equal(rowsBySession(again), rows);
  assert.equal(JSON.stringify(again.db.exec('SELECT id, input_tokens, output_tokens FROM sessions ORDER BY id')[0]?.values), tokens, 'usage not counted twice');
  assert.ok(again.snapshot());
  again.close();
  const third = await RecordStore.open(dir);
  assert.equal(third.report.snapshot, 'current');
  for (const events of sessions) assert.deepEqual(sessionEventsWithArchive(third, events[0]?.session as string), events);
  third.close();
});

test('archiving as it goes looks only every so many events, and never with a window of 0', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const off = new ArchiveAsItGoes(store, 0, { everyEvents: 1, now: () => NOW });
  const rare = new ArchiveAsItGoes(store, 30 * DAY, { everyEvents: 1_000_000, now: () => NOW });
  const all = year().flat();
  importInBatches(store, all, 500, off);
  rare.checkpoint();
  assert.equal(off.result.files.length + rare.result.files.length, 0);
  assert.equal(loaded(store), all.length);
  off.dispose();
  rare.dispose();
  store.close();
});

test('an archive that cannot be written stops archiving, not the import: everything stays loaded', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  writeFileSync(join(dir, ARCHIVE_DIR), 'in the way'); // a file where the folder goes
  const going = new ArchiveAsItGoes(store, 30 * DAY, { everyEvents: 500, now: () => NOW });
  const all = year().flat();
  assert.equal(importInBatches(store, all, 200, going), all.length);
  assert.ok(going.failure, 'the failure is kept for the report');
  assert.equal(going.result.files.length, 0);
  assert.equal(loaded(store), all.length);
  going.dispose();
  store.close();
});

test('the live record archives as an import goes too, a short pause at a time, and keeps up with a year', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { archiveQuietAfterMs: 30 * DAY, idleSnapshotMs: 600_000 });
  t.after(() => live.dispose());
  const store = await live.open();
  // The year moved to end now: the live record's sessions are quiet against the clock.
  const shift = Date.now() - NOW;
  const sessions = year(300).map((events) => events.map((e) => ({ ...e, at: e.at + shift })));
  const all = sessions.flat();
  let most = 0;
  for (let i = 0; i < all.length; i += 2000) {
    store.append(all.slice(i, i + 2000));
    live.importCheckpoint();
    most = Math.max(most, loaded(store));
  }
  // A look every 10,000 events recorded (and at the next batch while the last one found some due): what came
  // since the last look and the window (3 sessions) are loaded, never the year.
  const window = 3 * (sessions[0]?.length ?? 0);
  assert.ok(most <= 10_000 + 2000 + window, `at most ${most} events were loaded at once of ${all.length}`);
  assert.ok(loaded(store) < all.length / 2, `${loaded(store)} events left loaded of ${all.length}`);
  assert.equal(boardSessions(store.db, { ...DEFAULT_QUERY, limit: 100 }).length, 40);
  for (const events of sessions) assert.deepEqual(sessionEventsWithArchive(store, events[0]?.session as string), events);
  await live.settled();
  live.dispose(); // before the folder goes: closing snapshots the large journal
});

test('a live record that keeps every session loaded (keepLoadedDays 0) archives nothing while importing', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { archiveQuietAfterMs: 0, idleSnapshotMs: 600_000 });
  t.after(() => live.dispose());
  const store = await live.open();
  const all = year().flat();
  for (let i = 0; i < all.length; i += 2000) {
    store.append(all.slice(i, i + 2000));
    live.importCheckpoint();
  }
  assert.equal(loaded(store), all.length);
});
