import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { activeSessionBaseFromDb } from '../../../src/core/risk/baseFromDb';
import { JournalWriter } from '../../../src/core/record/journal';
import { completeEvent, type NewEvent } from '../../../src/core/record/events';
import { readActiveSession, SESSIONS_FILE } from '../../../src/core/record/recentSessions';
import { RecordStore } from '../../../src/core/record/store';
import { tempDir } from '../helpers/tmp';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 1, 12);
const started = (session: string, at: number, startCommit?: string): NewEvent => ({ kind: 'session.started', at, session, source: 'claude-hook', data: startCommit ? { startCommit } : {} });
const tool = (session: string, at: number): NewEvent => ({ kind: 'tool.called', at, session, source: 'claude-hook', data: { tool: 'Bash', command: 'ls' } });
const git = (session: string, at: number, startCommit: string): NewEvent => ({ kind: 'session.git', at, session, source: 'git', data: { startCommit, commits: [], upTo: at } });

/** Both answers at `now`: from sessions.json and the journal after it, and from the database. */
async function both(dir: string, now: number): Promise<{ file: ReturnType<typeof readActiveSession>; db: Awaited<ReturnType<typeof activeSessionBaseFromDb>> }> {
  return { file: readActiveSession(dir, now), db: await activeSessionBaseFromDb(dir, now) };
}

test('the active session and its starting commit read from sessions.json agree with the database', async (t) => {
  const dir = join(tempDir(t), 'record');
  const store = await RecordStore.open(dir);
  store.append([started('a', T0, 'c0ffee01'), tool('a', T0 + MIN)]);
  store.append([started('b', T0 + 2 * MIN), tool('b', T0 + 3 * MIN), git('b', T0 + 4 * MIN, 'beefcafe')]);
  assert.ok(existsSync(join(dir, SESSIONS_FILE)), 'a writable store keeps the file');
  for (const now of [T0 + 5 * MIN, T0 + 32 * MIN, T0 + 40 * MIN]) {
    const r = await both(dir, now);
    assert.deepEqual(r.file ?? undefined, r.db, `at +${(now - T0) / MIN} min`);
  }
  assert.deepEqual(readActiveSession(dir, T0 + 5 * MIN), { session: 'b', commit: 'beefcafe' });
  assert.equal(readActiveSession(dir, T0 + 40 * MIN), null, 'nothing active after 30 quiet minutes');
  store.close();
});

test('events another process appended after the file are read from the journal; an unknown older session defers to the database', async (t) => {
  const dir = join(tempDir(t), 'record');
  const store = await RecordStore.open(dir);
  for (let i = 0; i < 7; i++) store.append([started(`s${i}`, T0 + i * MIN, `commit${i}`)]);
  store.snapshot();
  store.close();
  const file = JSON.parse(readFileSync(join(dir, SESSIONS_FILE), 'utf8')) as { sessions: { id: string }[]; complete: boolean };
  assert.deepEqual(file.sessions.map((s) => s.id), ['s6', 's5', 's4', 's3', 's2']);
  assert.equal(file.complete, false);

  // A hook (no database) records activity of a listed session: the file and the journal's tail say it is active.
  const w = new JournalWriter(dir);
  w.append([completeEvent(tool('s3', T0 + 20 * MIN))]);
  const now = T0 + 21 * MIN;
  assert.deepEqual(readActiveSession(dir, now), { session: 's3', commit: 'commit3' });
  assert.deepEqual(await activeSessionBaseFromDb(dir, now), { session: 's3', commit: 'commit3' });

  // Activity of s0, older than every listed session: where it ranks is not in the file, so the database answers.
  w.append([completeEvent(tool('s0', T0 + 22 * MIN))]);
  w.close();
  assert.equal(readActiveSession(dir, T0 + 23 * MIN), undefined);
  assert.deepEqual(await activeSessionBaseFromDb(dir, T0 + 23 * MIN), { session: 's3', commit: 'commit3' }, 's0 is not among the newest five');
});

test('without the file, a record still all in its journal is read from its start; one with a snapshot defers to the database', async (t) => {
  const dir = join(tempDir(t), 'record');
  mkdirSync(dir);
  const w = new JournalWriter(dir);
  w.append([completeEvent(started('x', T0, 'abc12345')), completeEvent(tool('x', T0 + MIN))]);
  w.close();
  assert.deepEqual(readActiveSession(dir, T0 + 2 * MIN), { session: 'x', commit: 'abc12345' });
  assert.equal(readActiveSession(join(dir, 'missing'), T0), null, 'no record: no session');

  const store = await RecordStore.open(dir);
  store.snapshot();
  store.close();
  rmSync(join(dir, SESSIONS_FILE));
  assert.equal(readActiveSession(dir, T0 + 2 * MIN), undefined);
  assert.deepEqual(await activeSessionBaseFromDb(dir, T0 + 2 * MIN), { session: 'x', commit: 'abc12345' });
});

test("a teammate's session (team sync) is never the active one, in the file or in the journal after it", async (t) => {
  const dir = join(tempDir(t), 'record');
  const store = await RecordStore.open(dir);
  store.append([started('mine', T0, 'c0ffee01'), tool('mine', T0 + MIN)]);
  const theirs = (e: NewEvent): NewEvent => ({ ...e, author: 'grace@example.com' });
  store.append([theirs(started('theirs', T0 + 2 * MIN, 'beefcafe')), theirs(tool('theirs', T0 + 3 * MIN))]);
  const now = T0 + 4 * MIN;
  assert.deepEqual(readActiveSession(dir, now), { session: 'mine', commit: 'c0ffee01' });
  assert.deepEqual((await both(dir, now)).db, { session: 'mine', commit: 'c0ffee01' });
  // Appended by another process after the file was written: read from the journal's tail.
  const other = await RecordStore.open(dir);
  other.append([theirs(tool('theirs2', T0 + 4 * MIN))]);
  other.close();
  assert.deepEqual(readActiveSession(dir, now + MIN), { session: 'mine', commit: 'c0ffee01' });
  store.close();
});
