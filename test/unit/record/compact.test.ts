import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { compactionDue, compactRecord, databaseBytes } from '../../../src/core/record/compact';
import { LiveRecord } from '../../../src/core/record/liveRecord';
import { recordCounts } from '../../../src/core/record/queries';
import { RecordStore } from '../../../src/core/record/store';
import { tempDir } from '../helpers/tmp';

/** Events with random ids in many small batches, as sessions interleave: pages filled out of order. */
function fill(store: RecordStore, batches: number): void {
  for (let b = 0; b < batches; b++) {
    store.append(Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), kind: 'note', session: `s${(b * 7 + i) % 40}`, data: { text: `note ${b}/${i} ${'x'.repeat(120)}` } })));
  }
}

test('compacting packs the database, keeps every event and row, and the packed snapshot is what the next open loads', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  fill(store, 200);
  store.snapshot();
  const counts = recordCounts(store.db);
  const sessions = store.db.exec('SELECT id FROM sessions ORDER BY id')[0]?.values;
  assert.equal(compactionDue(store, 1), true, 'never compacted');
  const r = compactRecord(store);
  assert.equal(r.snapshot, true);
  assert.ok(r.after < r.before, `${r.before} -> ${r.after}`);
  assert.deepEqual(recordCounts(store.db), counts);
  assert.equal(compactionDue(store, 1), false, 'just compacted');
  store.append([{ kind: 'note', data: { text: 'after compaction' } }]);
  store.close();
  const again = await RecordStore.open(dir);
  t.after(() => again.close());
  assert.equal(databaseBytes(again) <= r.after + 64 * 1024, true, 'the snapshot is the packed database');
  assert.equal(recordCounts(again.db).notes, counts.notes + 1, 'nothing lost, the later event replayed');
  assert.deepEqual(again.db.exec('SELECT id FROM sessions ORDER BY id')[0]?.values, sessions);
});

test('a live record due for compaction has it done elsewhere, then is opened again from the packed snapshot', async (t) => {
  const dir = tempDir(t);
  let asked = 0;
  const live = new LiveRecord(dir, {
    idleSnapshotMs: 50,
    idleSnapshotBytes: 1,
    compactMinBytes: 1,
    // Another process: its own store on the same folder.
    compact: async () => {
      asked++;
      const other = await RecordStore.open(dir);
      try {
        return compactRecord(other).snapshot;
      } finally {
        other.close();
      }
    },
  });
  t.after(() => live.dispose());
  const first = await live.open();
  fill(first, 100);
  const notes = recordCounts(first.db).notes;
  for (const deadline = Date.now() + 15_000; live.compacted === 0 || live.current === first || !live.current; await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error(`not compacted (asked ${asked})`);
  }
  const second = live.current;
  assert.ok(second);
  assert.equal(recordCounts(second.db).notes, notes);
  assert.equal(compactionDue(second, 1), false, 'the packed snapshot is the one loaded');
  second.append([{ kind: 'note', data: { text: 'later' } }]);
  assert.equal(recordCounts(second.db).notes, notes + 1);
  assert.equal(asked, 1);
});
