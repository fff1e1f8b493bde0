import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackgroundSync } from '../../../src/core/team/background';
import type { SyncResult } from '../../../src/core/team/sync';

const RESULT: SyncResult = { remote: 'origin', ref: 'refs/flightdeck/records/a@b', author: 'a@b', pushed: 1, imported: 0, skipped: 0, teammates: [], retried: 0, unreadArchives: [] };

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}

test('a background sync waits for a quiet moment: never while the record keeps changing', async () => {
  const runs: number[] = [];
  const results: SyncResult[] = [];
  const bg = new BackgroundSync(async () => {
    runs.push(Date.now());
    return RESULT;
  }, { everyMs: 60_000, quietMs: 300, firstAfterMs: 0, onResult: (r) => results.push(r), onError: () => assert.fail('no error') });
  const busyUntil = Date.now() + 600;
  bg.start();
  let lastActivity = 0;
  while (Date.now() < busyUntil) {
    lastActivity = Date.now();
    bg.noteActivity(lastActivity);
    await sleep(50);
  }
  await until(() => runs.length === 1);
  bg.dispose();
  assert.ok((runs[0] as number) - lastActivity >= 300, 'it started only after 300 ms without activity');
  assert.deepEqual(results, [RESULT]);
});

test('one sync at a time: the command joins a running sync; a failure is reported, never thrown, and retried later', async () => {
  let calls = 0;
  let release: (() => void) | undefined;
  const errors: string[] = [];
  const bg = new BackgroundSync(() => {
    calls++;
    return new Promise<SyncResult>((resolve, reject) => {
      release = () => (calls === 1 ? resolve(RESULT) : reject(new Error('cannot reach the remote "origin"')));
    });
  }, { everyMs: 20, quietMs: 0, firstAfterMs: 60_000, onResult: () => undefined, onError: (e) => errors.push(e.message) });
  const a = bg.syncNow();
  const b = bg.syncNow();
  assert.equal(a, b, 'the same sync');
  assert.equal(calls, 1);
  release?.();
  assert.deepEqual(await a, RESULT);
  // The next one runs in the background (everyMs after) and fails: reported through onError.
  await until(() => calls === 2);
  release?.();
  await until(() => errors.length === 1);
  bg.dispose();
  assert.deepEqual(errors, ['cannot reach the remote "origin"']);
});
