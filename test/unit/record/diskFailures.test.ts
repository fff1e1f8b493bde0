import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { listEvents } from '../../../src/core/record/queries';
import { RecordError } from '../../../src/core/record/errors';
import type { WriteIo } from '../../../src/core/record/journal';
import { writeSync, fsyncSync } from 'node:fs';
import { tempDir, tryMount } from '../helpers/tmp';

const note = (text: string) => [{ kind: 'note', data: { text } }];
const texts = (s: RecordStore): string[] => listEvents(s.db, { limit: 100_000 }).map((e) => String(e.data.text)).reverse();

/** Fails writes with ENOSPC once `budget` bytes have been written, after writing part of the buffer. */
function fillingDisk(budget: number): WriteIo {
  let left = budget;
  return {
    writeSync(fd, buffer, offset, length) {
      if (left <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      const n = Math.min(length, left);
      left -= n;
      return writeSync(fd, buffer, offset, n);
    },
    fsyncSync: (fd) => fsyncSync(fd),
  };
}

test('a full disk (simulated) gives a clear error and no false acknowledgement', async (t) => {
  const dir = tempDir(t);
  const s = await RecordStore.open(dir, { io: fillingDisk(400) });
  const acked: string[] = [];
  let error: unknown;
  for (let i = 0; i < 50 && !error; i++) {
    try {
      s.append(note(`event ${i} ${'x'.repeat(40)}`));
      acked.push(`event ${i} ${'x'.repeat(40)}`);
    } catch (err) {
      error = err;
    }
  }
  assert.ok(error instanceof RecordError);
  assert.match((error as Error).message, /disk is full \(ENOSPC\)/);
  s.close();
  const r = await RecordStore.open(dir);
  assert.deepEqual(texts(r), acked, 'every acknowledged event, and only those');
  r.close();
});

test('a real full disk (a 64 KiB tmpfs) gives a clear error and keeps what was acknowledged', async (t) => {
  const dir = join(tempDir(t), 'small');
  mkdirSync(dir);
  if (!tryMount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir])) return t.skip('mounting a tmpfs needs root');
  try {
    await fillTheDisk(dir);
  } finally {
    execFileSync('umount', [dir]);
  }
});

async function fillTheDisk(dir: string): Promise<void> {
  const record = join(dir, 'record');
  const s = await RecordStore.open(record, { snapshotEveryBytes: 1 << 30 });
  const acked: string[] = [];
  let error: unknown;
  for (let i = 0; i < 5000 && !error; i++) {
    try {
      s.append(note(`e${i} ${'y'.repeat(100)}`));
      acked.push(`e${i} ${'y'.repeat(100)}`);
    } catch (err) {
      error = err;
    }
  }
  assert.match(String((error as Error)?.message), /cannot append to the journal .*disk is full \(ENOSPC\)/);
  assert.ok(acked.length > 100);
  s.close();
  const r = await RecordStore.open(record, { readOnly: true });
  assert.deepEqual(texts(r), acked);
  r.close();
}

test('a read-only folder gives a clear error on write and still opens for reading', async (t) => {
  const base = tempDir(t);
  const source = join(base, 'rw');
  const view = join(base, 'ro');
  const a = await RecordStore.open(source);
  a.append(note('kept'));
  a.close();
  mkdirSync(view);
  if (!tryMount(['--bind', source, view]) || !tryMount(['-o', 'remount,ro,bind', view])) {
    return t.skip('a read-only bind mount needs root');
  }
  try {
    await readOnlyChecks(view);
  } finally {
    execFileSync('umount', [view]);
  }
});

async function readOnlyChecks(view: string): Promise<void> {
  await assert.rejects(RecordStore.open(view), (err: Error) => {
    assert.ok(err instanceof RecordError);
    assert.match(err.message, /cannot create the record in .*: the file system is read-only \(EROFS\)/);
    return true;
  });
  const r = await RecordStore.open(view, { readOnly: true });
  assert.deepEqual(texts(r), ['kept']);
  r.close();
}
