import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LiveRecord } from '../../../src/core/record/liveRecord';
import { SNAPSHOT_FILE } from '../../../src/core/record/snapshot';
import { IDLE_SNAPSHOT_BYTES, RecordStore } from '../../../src/core/record/store';
import { recordCounts } from '../../../src/core/record/queries';
import { gitRepo, tempDir } from '../helpers/tmp';

function changed(live: LiveRecord, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no change within ${ms} ms`)), ms);
    const sub = live.onDidChange(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve(Date.now() - started);
    });
  });
}

test('a second window sees the first one\'s events through file events, without polling', async (t) => {
  const dir = tempDir(t);
  const first = new LiveRecord(dir);
  const second = new LiveRecord(dir, { pollMs: 60_000, watchedPollMs: 60_000 }); // only file events can deliver in time
  t.after(() => {
    first.dispose();
    second.dispose();
  });
  const [a, b] = await Promise.all([first.open(), second.open()]);
  // Its poll is a minute away: a change seen within 15 s came from watching the files (a second, usually).
  const seen = changed(second, 15_000);
  a.append([{ kind: 'note', data: { text: 'from the first window' } }]);
  await seen;
  assert.equal(recordCounts(b.db).notes, 1);
});

test('a note from the CLI reaches an open record by polling when file events are missed', async (t) => {
  const repo = gitRepo(t);
  const live = new LiveRecord(join(repo, '.git', 'flightdeck'), { pollMs: 100, watchedPollMs: 100 });
  t.after(() => live.dispose());
  const store = await live.open();
  const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'note', 'from the CLI', '--repo', repo], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // Waited for only now: spawnSync held this thread, however long the CLI took on this machine.
  await changed(live, 10_000);
  assert.equal(recordCounts(store.db).notes, 1);
});

test('opening a read-only live record of a folder that does not exist yet follows it once created', async (t) => {
  const dir = join(tempDir(t), 'later');
  const reader = new LiveRecord(dir, { readOnly: true, pollMs: 50 });
  const writer = new LiveRecord(dir);
  t.after(() => {
    reader.dispose();
    writer.dispose();
  });
  const r = await reader.open();
  const w = await writer.open();
  const seen = changed(reader, 10_000);
  w.append([{ kind: 'note', data: { text: 'first' } }]);
  await seen;
  assert.equal(recordCounts(r.db).events, 1);
});

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
  }
}

test('once a large import goes quiet the record snapshots, so the next open replays at most a few hundred events', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { idleSnapshotMs: 100 });
  t.after(() => live.dispose());
  const store = await live.open();
  for (let batch = 0; batch < 10; batch++) {
    store.append(Array.from({ length: 1000 }, (_, i) => ({ kind: 'note', data: { text: `imported ${batch}/${i}` } })));
  }
  assert.ok(store.journalBytes() > IDLE_SNAPSHOT_BYTES && !store.snapshotDue(), 'a tail a regular snapshot would leave');
  await until(() => store.journalBytes() < IDLE_SNAPSHOT_BYTES, 5_000, 'the idle snapshot');
  await live.settled();
  live.dispose();
  const reopened = await RecordStore.open(dir);
  t.after(() => reopened.close());
  assert.ok(reopened.report.replayed <= 300, `replayed ${reopened.report.replayed}`);
  assert.equal(recordCounts(reopened.db).notes, 10_000, 'nothing lost');
});

test('a small journal tail is not worth a snapshot, even when the record is quiet', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { idleSnapshotMs: 50 });
  t.after(() => live.dispose());
  const store = await live.open();
  store.append(Array.from({ length: 5 }, (_, i) => ({ kind: 'note', data: { text: `note ${i}` } })));
  await new Promise((r) => setTimeout(r, 1_500)); // the quiet spell and the snapshot's own delay
  await live.settled();
  live.dispose();
  assert.equal(existsSync(join(dir, SNAPSHOT_FILE)), false);
  const reopened = await RecordStore.open(dir);
  t.after(() => reopened.close());
  assert.equal(reopened.report.replayed, 5);
});
