import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LiveRecord } from '../../../src/core/record/liveRecord';
import { collectGarbage } from '../../../src/core/record/collectGarbage';
import { loadSqlJs, setFileGrowth } from '../../../src/core/record/sqlite';
import { SNAPSHOT_FILE } from '../../../src/core/record/snapshot';
import { recordCounts } from '../../../src/core/record/queries';
import { tempDir } from '../helpers/tmp';

const MB = 1 << 20;

/** Array buffers still referenced: collected, and the dead ones' memory swept (V8 sweeps them concurrently). */
async function liveArrayBuffers(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().arrayBuffers;
}

test('a fresh sql.js instance has memory of its own: what one grows to leaves the others as they were', async () => {
  const shared = await loadSqlJs();
  assert.equal(await loadSqlJs(), shared, 'the shared instance is loaded once');
  const a = await loadSqlJs({ fresh: true });
  const b = await loadSqlJs({ fresh: true });
  assert.notEqual(a.SQL, b.SQL);
  assert.notEqual(a.SQL, shared.SQL);
  const before = b.memoryBytes();
  assert.ok(before > 0, 'the memory is known');
  const db = new a.SQL.Database();
  db.exec('SELECT length(randomblob(40000000))'); // 40 MB in a's heap
  db.close();
  assert.ok(a.memoryBytes() >= before + 20 * MB, `a grew: ${a.memoryBytes() / MB} MB`);
  assert.equal(b.memoryBytes(), before, 'b did not');
});

test('lean file growth keeps a growing database file within 8 MB of its size in memory', async () => {
  const { SQL } = await loadSqlJs({ fresh: true });
  setFileGrowth('lean');
  try {
    const db = new SQL.Database();
    db.exec('PRAGMA page_size = 16384; CREATE TABLE t (x BLOB)');
    // 48 MB in 1 MB rows: the file grows through sql.js's steps one write at a time.
    for (let i = 0; i < 48; i++) db.run('INSERT INTO t VALUES (randomblob(1048576))');
    const size = Number(db.exec('PRAGMA page_count')[0]?.values[0]?.[0]) * 16384;
    const held = await liveArrayBuffers();
    db.close();
    const freed = held - (await liveArrayBuffers());
    // What closing the database gave back is its file: its size and at most one lean step unused.
    assert.ok(freed >= size - MB, `the file held ${freed / MB} MB for ${size / MB} MB`);
    assert.ok(freed <= size + 8 * MB + MB, `the file held ${freed / MB} MB for ${size / MB} MB`);
  } finally {
    setFileGrowth('fast');
  }
});

test('a database file cut a little shorter keeps its array (no copy), one cut far shorter gives the memory back, and both read back whole', async () => {
  const { SQL } = await loadSqlJs({ fresh: true });
  const db = new SQL.Database() as InstanceType<typeof SQL.Database> & { fileBytes(): Uint8Array };
  db.exec('PRAGMA page_size = 16384; PRAGMA auto_vacuum = INCREMENTAL; CREATE TABLE t (x BLOB)');
  for (let i = 0; i < 40; i++) db.run('INSERT INTO t VALUES (randomblob(1048576))');
  const grown = db.fileBytes();
  // A few rows out and their pages given back: the file is shorter, in the same array, its freed tail zeroed.
  db.exec('DELETE FROM t WHERE rowid > 37; PRAGMA incremental_vacuum');
  const cut = db.fileBytes();
  assert.ok(cut.length < grown.length - 2 * MB, `cut from ${grown.length} to ${cut.length}`);
  assert.equal(cut.buffer, grown.buffer, 'no copy of the file');
  assert.ok(new Uint8Array(cut.buffer, cut.length, grown.length - cut.length).every((b) => b === 0), 'the tail past the end is zeroed');
  db.run('INSERT INTO t VALUES (randomblob(1048576))');
  assert.equal(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0], 'ok');
  assert.equal(Number(db.exec('SELECT count(*) FROM t')[0]?.values[0]?.[0]), 38);
  // Most of it out: keeping the array would hold far more than growing back would, so the file moves to a small one.
  db.exec('DELETE FROM t WHERE rowid > 2; PRAGMA incremental_vacuum');
  const small = db.fileBytes();
  assert.notEqual(small.buffer, grown.buffer);
  assert.ok(small.buffer.byteLength < 8 * MB, `the small file holds ${small.buffer.byteLength / MB} MB`);
  assert.equal(db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0], 'ok');
  assert.equal(Number(db.exec('SELECT count(*) FROM t')[0]?.values[0]?.[0]), 2);
  db.close();
});

test('a live record whose sql.js memory grew is opened again in a fresh instance after a snapshot, nothing lost', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { idleSnapshotMs: 50, idleSnapshotBytes: 1, reopenAfterWasmGrowth: 8 * MB });
  t.after(() => live.dispose());
  const first = await live.open();
  first.append(Array.from({ length: 500 }, (_, i) => ({ kind: 'note', data: { text: `before ${i}` } })));
  first.db.exec('SELECT length(randomblob(40000000))'); // a peak of some work: 40 MB the instance keeps
  assert.ok(first.wasmBytes() - first.openedWasmBytes >= 20 * MB);
  first.append([{ kind: 'note', data: { text: 'the last before the quiet spell' } }]);
  for (const deadline = Date.now() + 10_000; live.reopened === 0; await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error('not opened again');
  }
  const second = live.current;
  assert.ok(second && second !== first, 'a new store');
  assert.ok(second.wasmBytes() < first.wasmBytes() - 15 * MB, `its memory is its open's: ${second.wasmBytes() / MB} MB`);
  assert.equal(recordCounts(second.db).notes, 501, 'every event');
  second.append([{ kind: 'note', data: { text: 'after' } }]);
  assert.equal(recordCounts(second.db).notes, 502);
});

test('a live record whose sql.js memory stayed near its open is not opened again', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { idleSnapshotMs: 50, idleSnapshotBytes: 1 });
  t.after(() => live.dispose());
  const first = await live.open();
  first.append(Array.from({ length: 50 }, (_, i) => ({ kind: 'note', data: { text: `note ${i}` } })));
  await new Promise((r) => setTimeout(r, 1_500)); // the quiet spell, the snapshot's delay
  await live.settled();
  assert.ok(existsSync(join(dir, SNAPSHOT_FILE)), 'the snapshot was taken');
  assert.equal(live.current, first);
  assert.equal(live.reopened, 0);
});

test('while something holds the live record (an import), it is not opened again; once let go, the next quiet moment does', async (t) => {
  const dir = tempDir(t);
  const live = new LiveRecord(dir, { idleSnapshotMs: 50, idleSnapshotBytes: 1, reopenAfterWasmGrowth: 8 * MB });
  t.after(() => live.dispose());
  const first = await live.open();
  const hold = live.hold();
  first.db.exec('SELECT length(randomblob(40000000))');
  first.append([{ kind: 'note', data: { text: 'during the import' } }]);
  await new Promise((r) => setTimeout(r, 1_500)); // the quiet spell, the snapshot's delay
  await live.settled();
  assert.ok(existsSync(join(dir, SNAPSHOT_FILE)), 'the snapshot was taken');
  assert.equal(live.reopened, 0);
  assert.equal(live.current, first);
  hold.dispose();
  first.append([{ kind: 'note', data: { text: 'after the import' } }]);
  for (const deadline = Date.now() + 10_000; live.reopened === 0; await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error('not opened again');
  }
  assert.equal(recordCounts((live.current as typeof first).db).notes, 2);
});
