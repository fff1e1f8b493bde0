import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync, readdirSync, renameSync, writeFileSync, writeSync, fsyncSync, existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readSnapshot } from '../../../src/core/record/snapshot';
import { loadSqlJs } from '../../../src/core/record/sqlite';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { listEvents } from '../../../src/core/record/queries';
import { FileLock, hostname as lockHostname } from '../../../src/core/record/fileLock';
import type { WriteIo } from '../../../src/core/record/journal';
import { tempDir } from '../helpers/tmp';
import { noteEvents, recordWithTwoSnapshots } from '../helpers/records';

const notes = noteEvents;
const texts = (s: RecordStore): string[] => listEvents(s.db, { limit: 100_000 }).map((e) => String(e.data.text)).sort();

test('a reader that misses two rotations by another process still sees every event', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  const b = await RecordStore.open(dir);
  a.append(notes(5, 'a'));
  a.catchUp();
  b.catchUp();
  b.append(notes(5, 'b'));
  assert.equal(b.snapshot(), true);
  b.append(notes(5, 'c'));
  assert.equal(b.snapshot(), true);
  b.append(notes(2, 'd'));
  a.catchUp();
  assert.equal(texts(a).length, 17);
  assert.equal(a.stale, false);
  a.close();
  b.close();
});

test('falling back to an older snapshot whose rotation never happened recovers from the previous journal', async (t) => {
  const dir = tempDir(t);
  let failNext = false;
  const flaky: WriteIo = {
    writeSync: (fd, buf, off, len) => {
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      }
      return writeSync(fd, buf, off, len);
    },
    fsyncSync: (fd) => fsyncSync(fd),
  };
  const s = await RecordStore.open(dir, { io: flaky });
  s.append(notes(5, 'a'));
  failNext = true; // the snapshot is written, then rotating the journal fails (as if killed there)
  assert.throws(() => s.snapshot(), /disk is full/);
  s.close();
  const s2 = await RecordStore.open(dir);
  s2.append(notes(5, 'b'));
  assert.equal(s2.snapshot(), true);
  s2.append(notes(5, 'c'));
  s2.close();
  const image = readFileSync(join(dir, 'record.sqlite'));
  image[Math.floor(image.length / 2)] ^= 0xff; // one flipped byte in the middle of the latest snapshot
  writeFileSync(join(dir, 'record.sqlite'), image);
  const r = await RecordStore.open(dir);
  assert.equal(r.report.snapshot, 'previous');
  assert.match(r.report.movedAside[0] ?? '', /checksum mismatch/);
  assert.equal(texts(r).length, 15);
  assert.equal(r.report.possiblyMissing, undefined);
  r.close();
});

test('a batch whose write fails half-way leaves no line behind for other readers', async (t) => {
  const dir = tempDir(t);
  let budget = Infinity;
  const io: WriteIo = {
    writeSync: (fd, buf, off, len) => {
      if (budget <= 0) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      const n = Math.min(len, budget);
      budget -= n;
      return writeSync(fd, buf, off, n);
    },
    fsyncSync: (fd) => fsyncSync(fd),
  };
  const writer = await RecordStore.open(dir, { io });
  const reader = await RecordStore.open(dir);
  writer.append(notes(2, 'kept'));
  budget = 150; // enough for one whole line of the next batch, not all three
  assert.throws(() => writer.append(notes(3, 'lost')), /disk is full/);
  reader.catchUp();
  assert.deepEqual(texts(reader), ['kept0', 'kept1']);
  writer.close();
  reader.close();
});

test('releasing a lock that was broken and re-taken by another process leaves theirs in place', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'some.lock');
  const a = new FileLock(path);
  const b = new FileLock(path);
  const c = new FileLock(path);
  assert.equal(a.tryAcquire(), true);
  renameSync(path, join(dir, 'broken-by-someone')); // as if judged stale and broken
  assert.equal(b.tryAcquire(), true);
  a.release();
  assert.ok(existsSync(path), 'b still holds it');
  assert.equal(c.tryAcquire(), false);
  b.release();
  assert.equal(c.tryAcquire(), true);
  c.release();
});

test("a lock's owner note names this machine as node does, so a live holder here is never taken for another host's", (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'some.lock');
  const lock = new FileLock(path);
  assert.equal(lockHostname(), hostname());
  assert.equal(lock.tryAcquire(), true);
  assert.equal(readFileSync(join(path, 'owner'), 'utf8').split(' ')[1], hostname());
  lock.release();
});

test('snapshots take turns in two files: the newest is current, the one before it previous, nothing left over', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  const counts: number[] = [];
  for (let round = 0; round < 4; round++) {
    s.append(notes(10 * (round + 1), `r${round}-`));
    assert.equal(s.snapshot(), true);
    counts.push(texts(s).length);
  }
  s.close();
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('record.')).sort(), ['record.prev.sqlite', 'record.sqlite']);
  const rowsIn = async (file: string): Promise<number> => {
    const { SQL } = await loadSqlJs();
    const db = new SQL.Database(readSnapshot(join(dir, file)));
    const n = Number(db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
    db.close();
    return n;
  };
  assert.equal(await rowsIn('record.sqlite'), counts[3]);
  assert.equal(await rowsIn('record.prev.sqlite'), counts[2]);
});

test('a snapshot cut off while overwriting the previous one, or a swap file left by a crash, loses nothing', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 5);
  // Killed half-way through writing over the previous snapshot, just after linking the swap file.
  const prev = join(dir, 'record.prev.sqlite');
  writeFileSync(prev, readFileSync(prev).subarray(0, 5000));
  linkSync(join(dir, 'record.sqlite'), join(dir, 'record.sqlite.swap'));
  const again = await RecordStore.open(dir);
  assert.equal(again.report.snapshot, 'current');
  assert.equal(texts(again).length, 15);
  again.append(notes(1, 'd'));
  assert.equal(again.snapshot(), true);
  again.close();
  const last = await RecordStore.open(dir);
  assert.equal(texts(last).length, 16);
  last.close();
});

test('after a crash left the current and previous snapshot as two names of one file, the next snapshot writes a new file', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 5);
  // Killed between linking the current snapshot as the previous one and renaming the new one into place.
  rmSync(join(dir, 'record.prev.sqlite'));
  linkSync(join(dir, 'record.sqlite'), join(dir, 'record.prev.sqlite'));
  const s = await RecordStore.open(dir);
  s.append(notes(3, 'd'));
  assert.equal(s.snapshot(), true);
  s.close();
  assert.notEqual(statSync(join(dir, 'record.sqlite')).ino, statSync(join(dir, 'record.prev.sqlite')).ino);
  const reopened = await RecordStore.open(dir);
  assert.equal(texts(reopened).length, 18);
  reopened.close();
});

test('with the current snapshot damaged and no previous, the swap file a crash left is used', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 5);
  // Killed after the new snapshot was renamed in, before the swap file became the previous one; then current is damaged.
  renameSync(join(dir, 'record.prev.sqlite'), join(dir, 'record.sqlite.swap'));
  writeFileSync(join(dir, 'record.sqlite'), 'garbage');
  const s = await RecordStore.open(dir);
  assert.equal(s.report.snapshot, 'previous');
  assert.equal(texts(s).length, 15);
  s.close();
});

test('a previous snapshot read while another process writes over it is read again once that writer is done', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 5);
  const prev = join(dir, 'record.prev.sqlite');
  const good = readFileSync(prev);
  rmSync(join(dir, 'record.sqlite')); // only the previous one to open
  writeFileSync(prev, good.subarray(0, 3000)); // half written…
  mkdirSync(join(dir, 'snapshot.lock')); // …by a process holding the snapshot lease, which finishes soon
  const finished = join(tempDir(t), 'finished.sqlite');
  writeFileSync(finished, good);
  const finish = `const fs = require('fs'); fs.copyFileSync(${JSON.stringify(finished)}, ${JSON.stringify(prev)}); fs.rmSync(${JSON.stringify(join(dir, 'snapshot.lock'))}, { recursive: true });`;
  const writer = spawn(process.execPath, ['-e', `setTimeout(() => { ${finish} }, 300)`]);
  const s = await RecordStore.open(dir);
  await new Promise((r) => writer.on('exit', r));
  assert.deepEqual(s.report.movedAside, [], 'nothing was taken for damage');
  assert.equal(s.report.snapshot, 'previous');
  assert.equal(texts(s).length, 15);
  s.close();
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('a snapshot file abandoned by a killed writer is removed when the record opens; a lease it left does not make opening wait', async (t) => {
  const dir = tempDir(t);
  await recordWithTwoSnapshots(dir, 5);
  const pid = deadPid();
  writeFileSync(join(dir, `record.sqlite.writing-${pid}`), 'x'.repeat(10_000));
  // The dead writer's lease, with its owner note, and a current snapshot damaged in the meantime.
  mkdirSync(join(dir, 'snapshot.lock'));
  writeFileSync(join(dir, 'snapshot.lock', 'owner'), `${pid} ${hostname()} ${Date.now()} token`);
  writeFileSync(join(dir, 'record.sqlite'), 'garbage');
  const started = Date.now();
  const s = await RecordStore.open(dir);
  assert.ok(Date.now() - started < 5_000, 'did not wait for a writer that is gone');
  assert.equal(existsSync(join(dir, `record.sqlite.writing-${pid}`)), false);
  assert.equal(s.report.snapshot, 'previous');
  assert.equal(s.report.movedAside.length, 1, 'the damaged current snapshot was set aside');
  assert.equal(texts(s).length, 15);
  s.close();
});

test('a background snapshot can be waited for, and leaves only the two snapshot files and no lease', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir);
  for (let i = 0; i < 3; i++) {
    s.append(notes(50, `r${i}-`));
    void s.snapshotInBackground();
    await s.snapshotWritten();
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('record.') || f.startsWith('snapshot.')).sort(), ['record.prev.sqlite', 'record.sqlite']);
  s.close();
});
