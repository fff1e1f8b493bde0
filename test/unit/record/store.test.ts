import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { listEvents, recordCounts } from '../../../src/core/record/queries';
import { EventApplier } from '../../../src/core/record/apply';
import { completeEvent, newEventId } from '../../../src/core/record/events';
import { SCHEMA_VERSION } from '../../../src/core/record/schema';
import { JOURNAL_FILE } from '../../../src/core/record/journal';
import { tempDir } from '../helpers/tmp';
import { noteEvents, recordWithTwoSnapshots } from '../helpers/records';

const notes = noteEvents;
const texts = (s: RecordStore): string[] => listEvents(s.db, { limit: 100_000 }).map((e) => String(e.data.text)).reverse();

test('events survive closing and reopening, in order', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  a.append(notes(3));
  a.close();
  const b = await RecordStore.open(dir);
  assert.deepEqual(texts(b), ['n0', 'n1', 'n2']);
  assert.equal(b.report.replayed, 3);
  b.close();
});

test('applying the same event twice stores it once', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  const e = completeEvent({ kind: 'check.recorded', session: 's1', data: { kind: 'test', command: 'npm test', passed: true } });
  const applier = new EventApplier(s.db);
  assert.equal(applier.apply([e, e]), 1);
  assert.equal(applier.apply([e]), 0);
  assert.equal(recordCounts(s.db).checks, 1);
  applier.free();
  s.close();
});

test('a snapshot compacts the journal; events after it replay on open', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  s.append(notes(500));
  const before = readFileSync(join(dir, JOURNAL_FILE)).length;
  assert.equal(s.snapshot(), true);
  assert.ok(readFileSync(join(dir, JOURNAL_FILE)).length < 200, 'the journal keeps only its header');
  assert.ok(before > 10_000);
  s.append(notes(2, 'late'));
  s.close();
  const r = await RecordStore.open(dir);
  assert.equal(r.report.snapshot, 'current');
  assert.equal(r.report.replayed, 2);
  assert.equal(texts(r).length, 502);
  assert.deepEqual(texts(r).slice(-2), ['late0', 'late1']);
  r.close();
});

test('a corrupt snapshot is moved aside and the record rebuilt from the previous one and the journal', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 10);
  writeFileSync(join(dir, 'record.sqlite'), 'SQLite format 3\0' + 'x'.repeat(5000));
  const r = await RecordStore.open(dir);
  assert.equal(r.report.snapshot, 'previous');
  assert.equal(r.report.movedAside.length, 1);
  assert.equal(readdirSync(join(dir, 'damaged')).filter((f) => f.startsWith('record.sqlite.')).length, 1, 'the damaged file is kept, not deleted');
  assert.match(r.report.movedAside[0] ?? '', /truncated or not a Flightdeck snapshot/);
  assert.equal(r.report.possiblyMissing, undefined);
  assert.equal(texts(r).length, 30);
  r.close();
});

test('with every snapshot damaged, the journal that survives is recovered and the gap is reported', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 5);
  writeFileSync(join(dir, 'record.sqlite'), 'garbage');
  writeFileSync(join(dir, 'record.prev.sqlite'), 'more garbage');
  const r = await RecordStore.open(dir);
  assert.equal(r.report.snapshot, 'none');
  assert.equal(r.report.movedAside.length, 2);
  assert.ok(r.report.possiblyMissing, 'the user is told that older events may be missing');
  // The previous journal generation held b*, the current one c*: both are recovered.
  assert.deepEqual(texts(r).filter((x) => !x.startsWith('a')).length, 10);
  r.close();
  assert.equal(readdirSync(join(dir, 'damaged')).length, 2);
});

for (const before of ['a snapshot', 'no snapshot'] as const) {
  test(`a record opened while another process snapshots twice under it (${before} there at first) misses nothing`, async (t) => {
    const dir = tempDir(t);
    const writer = await RecordStore.open(dir);
    writer.append(notes(10, 'a'));
    if (before === 'a snapshot') assert.equal(writer.snapshot(), true);
    let acted = false;
    // Between this open reading the snapshot and replaying the journal, the other process snapshots and cuts the
    // journal twice: the events of the generation in between are then in no journal file, only in its new snapshot.
    const reader = await RecordStore.open(dir, {
      onSnapshotRead: () => {
        if (acted) return;
        acted = true;
        writer.append(notes(5, 'b'));
        assert.equal(writer.snapshot(), true);
        writer.append(notes(5, 'c'));
        assert.equal(writer.snapshot(), true);
        writer.append(notes(5, 'd'));
      },
    });
    assert.equal(acted, true);
    assert.equal(reader.report.possiblyMissing, undefined);
    assert.deepEqual(texts(reader).sort(), texts(writer).sort());
    assert.equal(texts(reader).length, 25);
    // It is a whole copy: its own snapshot keeps everything.
    reader.append(notes(1, 'e'));
    assert.equal(reader.snapshot(), true);
    reader.close();
    writer.close();
    const again = await RecordStore.open(dir);
    assert.equal(texts(again).length, 26);
    again.close();
  });
}

test('damaged journal lines are counted, kept aside, and do not stop the rest', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  s.append(notes(2));
  appendFileSync(join(dir, JOURNAL_FILE), '\u0000\u0000garbage\n');
  s.append(notes(2, 'm'));
  appendFileSync(join(dir, JOURNAL_FILE), '{"id":"cut-off","kind":"no');
  s.close();
  const r = await RecordStore.open(dir);
  assert.equal(r.report.damagedLines, 1);
  assert.equal(r.report.unterminatedTail, true);
  assert.deepEqual(texts(r), ['n0', 'n1', 'm0', 'm1']);
  assert.ok(readdirSync(join(dir, 'damaged')).some((f) => f.startsWith('journal-gen1-at')));
  r.close();
});

test('the schema is migrated to the current version and a newer one is refused clearly', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  assert.equal(Number(s.db.exec('PRAGMA user_version')[0]?.values[0]?.[0]), SCHEMA_VERSION);
  s.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  s.append(notes(1));
  s.snapshot();
  s.close();
  await assert.rejects(RecordStore.open(dir), /newer than this Flightdeck understands/);
  // The newer record was not touched: it is still there for the newer Flightdeck.
  assert.ok(existsSync(join(dir, 'record.sqlite')));
});

test('two stores on one folder see each other\'s events, across a rotation', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  const b = await RecordStore.open(dir);
  a.append(notes(3, 'a'));
  assert.equal(b.catchUp(), 3);
  b.append(notes(2, 'b'));
  assert.equal(a.snapshot(), true);
  a.append(notes(1, 'c'));
  b.catchUp();
  a.catchUp();
  assert.deepEqual(texts(a), texts(b));
  assert.equal(texts(b).length, 6);
  a.close();
  b.close();
});

test('a new record\'s first append is not read back from disk, and another writer\'s first append still reads it', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  const b = await RecordStore.open(dir); // both opened before any journal exists
  const readBack = { a: 0, b: 0 };
  const count = (s: RecordStore, key: 'a' | 'b'): void => {
    const catchUp = s.catchUp.bind(s);
    s.catchUp = () => (readBack[key]++, catchUp());
  };
  count(a, 'a');
  count(b, 'b');
  a.append(notes(2, 'a'));
  assert.equal(a.lastAppendAdded, 2);
  assert.equal(readBack.a, 0);
  b.append(notes(1, 'b'));
  assert.equal(readBack.b, 1, 'b found a journal it had not read, so it read it');
  assert.equal(b.lastAppendAdded, 1);
  assert.deepEqual(texts(b), ['a0', 'a1', 'b0']);
  a.append(notes(1, 'c'));
  assert.deepEqual(texts(a), ['a0', 'a1', 'b0', 'c0']);
  a.close();
  b.close();
});

test('a read-only open writes nothing, not even a folder', async (t) => {
  const dir = join(tempDir(t), 'never-created');
  const s = await RecordStore.open(dir, { readOnly: true });
  assert.equal(recordCounts(s.db).events, 0);
  assert.throws(() => s.append(notes(1)), /read-only/);
  s.close();
  assert.equal(existsSync(dir), false);
});

test('event ids made in the same millisecond are unique and time-ordered by their prefix', () => {
  const ids = Array.from({ length: 100_000 }, () => newEventId(1_700_000_000_000));
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids.slice(0, 100)) assert.match(id, /^[0-9a-z]{9}-[A-Za-z0-9_-]{8}$/);
  assert.ok(newEventId(1_700_000_000_001) > (ids[0] as string).slice(0, 9));
});

test('a snapshot written in the background keeps what is appended meanwhile, and survives the record closing', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  s.append(notes(200, 'before'));
  const genBefore = s.journalGeneration();
  const writing = s.snapshotInBackground();
  s.append(notes(3, 'during')); // recorded while the file is written
  assert.equal(s.snapshot(), false, 'one snapshot at a time');
  assert.equal(await writing, true);
  assert.ok(s.journalGeneration() > genBefore, 'the journal was cut behind the snapshot');
  assert.equal(s.pendingSnapshotEvents, 3, 'what came during the write still waits for the next snapshot');
  s.close();
  const r = await RecordStore.open(dir);
  assert.equal(r.report.snapshot, 'current');
  assert.equal(r.report.replayed, 3);
  assert.equal(texts(r).length, 203);
  const closing = r.snapshotInBackground();
  r.append(notes(1, 'last'));
  r.close(); // VS Code closing while the file is written
  assert.equal(await closing, true);
  const again = await RecordStore.open(dir);
  assert.equal(texts(again).length, 204);
  again.close();
});
