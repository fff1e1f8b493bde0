import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE_DIR, archiveOlderThan, archiveQuietSessions, readArchive, sessionEventsWithArchive } from '../../../src/core/record/archive';
import { completeEvent, type RecordEvent } from '../../../src/core/record/events';
import { sessionEvents } from '../../../src/core/record/queries';
import { RecordStore } from '../../../src/core/record/store';
import { LiveRecord } from '../../../src/core/record/liveRecord';
import { sessionActivity } from '../../../src/core/report/activity';
import { boardSessions } from '../../../src/core/report/boardState';
import { buildTrail } from '../../../src/core/report/trail';
import { DEFAULT_QUERY } from '../../../src/protocol';
import { DAY, NOW, recordedSession } from '../../fixtures/recordSessions';
import { tempDir } from '../helpers/tmp';

const session = (id: string, daysAgo: number, steps = 20): RecordEvent[] => recordedSession(id, daysAgo, { steps, outputLines: 40, note: true });

const rowsOf = (s: RecordStore, id: string): number => Number(s.db.exec('SELECT count(*) FROM events WHERE session_id = ?', [id])[0]?.values[0]?.[0]);

test('retention archives quiet sessions whole to a compressed file: still listed, reopened exactly, their rows gone', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  const old = ['old-a', 'old-b', 'old-c'].map((id, i) => session(id, 300 - i * 10));
  const recent = ['new-a', 'new-b'].map((id, i) => session(id, 20 - i));
  for (const events of [...old, ...recent]) store.append(events);
  const tokensBefore = store.db.exec('SELECT id, input_tokens FROM sessions ORDER BY id')[0]?.values;

  const result = archiveOlderThan(store, 6, NOW);
  assert.equal(result.sessions, 3);
  assert.equal(result.events, old.flat().length);
  assert.deepEqual(readdirSync(join(dir, ARCHIVE_DIR)), result.files);
  for (const events of old) {
    const id = events[0]?.session as string;
    assert.equal(rowsOf(store, id), 0, `${id}'s events left the database`);
    assert.deepEqual(sessionEventsWithArchive(store, id), events, `${id} reopens whole from its archive`);
  }
  for (const events of recent) assert.equal(rowsOf(store, events[0]?.session as string), events.length, 'recent sessions untouched');
  // Still listed on the board, their derived facts (tokens, intent) kept.
  assert.equal(boardSessions(store.db, { ...DEFAULT_QUERY, limit: 50 }).length, 5);
  assert.deepEqual(store.db.exec('SELECT id, input_tokens FROM sessions ORDER BY id')[0]?.values, tokensBefore);
  assert.deepEqual(readArchive(dir, result.files[0] as string).length, result.events);
  // Nothing more is due.
  assert.deepEqual(archiveOlderThan(store, 6, NOW), { files: [], sessions: 0, events: 0 });
  store.close();

  // Replayed from the journal (no snapshot since): the same rows are taken out again, nothing else.
  const again = await RecordStore.open(dir);
  for (const events of old) assert.equal(rowsOf(again, events[0]?.session as string), 0);
  for (const events of recent) assert.equal(rowsOf(again, events[0]?.session as string), events.length);
  assert.ok(again.snapshot());
  again.close();
  const third = await RecordStore.open(dir);
  assert.deepEqual(sessionEventsWithArchive(third, 'old-b'), old[1]);
  third.close();
});

test('an event of an archived session that another writer recorded meanwhile stays in the record, and the session reopens with it', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  const b = await RecordStore.open(dir);
  const events = session('old', 400, 5);
  a.append(events);
  b.catchUp();
  // b records a late event for the session; a archives without having seen it.
  const late = completeEvent({ kind: 'tool.result', session: 'old', at: NOW - 399 * DAY, source: 'claude-transcript', data: { outcome: 'error', output: 'late' } });
  const result = archiveOlderThan(a, 6, NOW);
  assert.equal(result.events, events.length);
  b.append([late]);
  a.catchUp();
  b.catchUp();
  for (const s of [a, b]) {
    assert.deepEqual(sessionEvents(s.db, 'old').map((e) => e.id), [late.id], 'only the late event is in the database');
    assert.deepEqual(sessionEventsWithArchive(s, 'old').map((e) => e.id).sort(), [...events, late].map((e) => e.id).sort());
  }
  a.close();
  b.close();
});

test('retention refuses a number of months that is not positive', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  assert.throws(() => archiveOlderThan(store, 0), /positive number of months/);
  store.close();
});

test('an archived session looks the same when opened (activity, trail), and its events recorded again are not doubled', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  const events = session('old', 200, 30);
  events.push(completeEvent({ kind: 'tool.result', session: 'old', at: (events.at(-1)?.at ?? 0) + 5, source: 'claude-transcript', data: { tool: 'Bash', outcome: 'error', exitCode: 1 } }));
  store.append(events);
  const activity = sessionActivity(store.db, 'old');
  const trail = buildTrail(store.db, 'old');
  const tokens = store.db.exec(`SELECT input_tokens FROM sessions WHERE id = 'old'`)[0]?.values;
  assert.equal(activity.failures.reduce((a, b) => a + b, 0), 1);
  assert.equal(archiveOlderThan(store, 3, NOW).events, events.length);
  assert.deepEqual(sessionActivity(store.db, 'old'), activity);
  assert.deepEqual(buildTrail(store.db, 'old'), trail);
  // A transcript read again from its start, a journal line written twice: the archive already holds these.
  store.append(events);
  assert.equal(store.lastAppendAdded, 0);
  assert.equal(rowsOf(store, 'old'), 0);
  assert.deepEqual(store.db.exec(`SELECT input_tokens FROM sessions WHERE id = 'old'`)[0]?.values, tokens, 'usage not counted twice');
  store.close();
  const again = await RecordStore.open(dir);
  assert.equal(rowsOf(again, 'old'), 0, 'nor on replay');
  assert.deepEqual(sessionEventsWithArchive(again, 'old'), events);
  again.close();
});

test('the live record archives sessions quiet for longer than it keeps loaded, at a quiet moment, and snapshots after', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { archiveQuietAfterMs: 30 * DAY, idleSnapshotMs: 30, idleSnapshotBytes: 1 });
  t.after(() => live.dispose());
  const store = await live.open();
  // The sessions' times moved to today: 90 days quiet, and a minute ago.
  const shift = (events: RecordEvent[]): RecordEvent[] => events.map((e) => ({ ...e, at: e.at - NOW + Date.now() }));
  const old = shift(session('quiet', 90, 5));
  const fresh = shift(session('busy', 0.001, 5));
  store.append([...old, ...fresh]);
  for (let i = 0; i < 100 && rowsOf(store, 'quiet') > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(rowsOf(store, 'quiet'), 0, 'archived at a quiet moment');
  assert.equal(rowsOf(store, 'busy'), fresh.length, 'a recent session stays loaded');
  assert.deepEqual(sessionEventsWithArchive(store, 'quiet'), old);
  await live.settled();
});

test('archiving with a time limit still makes progress each call, one file at least, until nothing is due', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  for (let i = 0; i < 30; i++) store.append(session(`s${i}`, 300 - i, 200));
  let calls = 0;
  let events = 0;
  for (let r = archiveQuietSessions(store, 90 * DAY, { now: NOW, maxMs: 0 }); r.files.length > 0; r = archiveQuietSessions(store, 90 * DAY, { now: NOW, maxMs: 0 })) {
    assert.equal(r.files.length, 1);
    calls++;
    events += r.events;
  }
  assert.ok(calls > 1, 'several calls');
  assert.equal(events, 30 * 602);
  assert.equal(Number(store.db.exec('SELECT count(*) FROM events WHERE session_id IS NOT NULL')[0]?.values[0]?.[0]), 0);
  store.close();
});
