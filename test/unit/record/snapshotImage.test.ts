import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { fileImage, RecordStore } from '../../../src/core/record/store';
import { loadSqlJs } from '../../../src/core/record/sqlite';
import { readSnapshot, SNAPSHOT_FILE } from '../../../src/core/record/snapshot';
import { noteEvents } from '../helpers/records';
import { tempDir } from '../helpers/tmp';

/** Header fields a copy made by SQLite's backup (db.export()) sets for itself: the file change counter (twice) and the schema cookie. */
const BACKUP_OWN_HEADER = new Set([24, 25, 26, 27, 40, 41, 42, 43, 92, 93, 94, 95]);

/** Every row of every table, as text: two images with this the same hold the same record. */
function everyRow(db: Database): string {
  const tables = (db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]?.values ?? []).map((r) => String(r[0]));
  return JSON.stringify(tables.map((t) => [t, (db.exec(`SELECT * FROM "${t}"`)[0]?.values ?? []).map((r) => JSON.stringify(r)).sort()]));
}

test('the bundled sql.js hands out the database file itself (the patch in esbuild.mjs), so a snapshot makes no copy of it', async () => {
  const { SQL } = await loadSqlJs();
  const db = new SQL.Database() as Database & { fileBytes?: () => Uint8Array };
  assert.equal(typeof db.fileBytes, 'function', 'fileImage would fall back to db.export()');
  db.exec('PRAGMA page_size = 16384; CREATE TABLE t (x)');
  const a = db.fileBytes?.() as Uint8Array;
  const b = db.fileBytes?.() as Uint8Array;
  assert.equal(a.buffer, b.buffer, 'the same bytes, not a copy');
  db.close();
  assert.throws(() => (db as { fileBytes: () => Uint8Array }).fileBytes(), /Database closed/);
});

test("a snapshot image is db.export()'s bytes but for the header fields the export's backup sets, and holds the same record", async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  // Enough to grow sql.js's file past its first steps, with rows deleted and pages given back on the way.
  s.append(noteEvents(3000));
  s.db.exec("DELETE FROM events WHERE rowid % 3 = 0; PRAGMA incremental_vacuum");
  s.append(noteEvents(500, 'late'));
  const exported = s.db.export();
  const image = fileImage(s.db).slice();
  assert.equal(image.length, exported.length);
  assert.ok(image.length > 1 << 20);
  const differs: number[] = [];
  for (let i = 0; i < image.length; i++) if (image[i] !== exported[i]) differs.push(i);
  assert.deepEqual(differs.filter((i) => !BACKUP_OWN_HEADER.has(i)), [], 'only the backup\'s own header fields differ');
  const { SQL } = await loadSqlJs();
  const fromImage = new SQL.Database(image);
  const fromExport = new SQL.Database(exported);
  assert.equal(fromImage.exec('PRAGMA integrity_check')[0]?.values[0]?.[0], 'ok');
  assert.equal(everyRow(fromImage), everyRow(fromExport));
  assert.equal(everyRow(fromImage), everyRow(s.db));
  fromImage.close();
  fromExport.close();
  s.close();
});

test('a snapshot written from the file bytes reopens to the same record, and the database goes on being written after it', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  s.append(noteEvents(1500));
  assert.equal(s.snapshot(), true);
  const written = readSnapshot(join(dir, SNAPSHOT_FILE)) as Uint8Array;
  s.append(noteEvents(10, 'after'));
  const ids = (db: Database): string => JSON.stringify(db.exec('SELECT id FROM events ORDER BY seq')[0]?.values);
  const before = ids(s.db);
  s.close();
  const { SQL } = await loadSqlJs();
  const snap = new SQL.Database(written);
  assert.equal(snap.exec('PRAGMA integrity_check')[0]?.values[0]?.[0], 'ok');
  assert.equal(Number(snap.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]), 1500, 'the snapshot holds what was there when it was taken');
  snap.close();
  const r = await RecordStore.open(dir);
  assert.equal(r.report.snapshot, 'current');
  assert.equal(r.report.replayed, 10);
  assert.equal(ids(r.db), before);
  r.close();
});

test('no image is taken in the middle of a transaction: its pages may not be in the file yet', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  s.append(noteEvents(10));
  s.db.exec('BEGIN');
  s.db.exec("INSERT INTO meta (key, value) VALUES ('probe', '1')");
  assert.throws(() => fileImage(s.db), /within a transaction/);
  s.db.exec('ROLLBACK');
  assert.ok(fileImage(s.db).length > 0);
  s.close();
});
