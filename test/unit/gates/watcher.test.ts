import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalGateStore } from '../../../src/core/gates/localStore';
import { defaultGateEnv } from '../../../src/core/gates/store';
import type { GateState } from '../../../src/core/gates/types';
import { GateWatcher, turnOf } from '../../../src/core/gates/watcher';
import { gitRepo } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** Resolves with the first state the watcher reports that passes `ok` (the test runner's timeout bounds it). */
function until(states: GateState[], listeners: ((s: GateState) => void)[], ok: (s: GateState) => boolean): Promise<GateState> {
  const seen = states.find(ok);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => listeners.push((s) => ok(s) && resolve(s)));
}

test('the watcher reports another process taking and releasing the lock, and frees a lapsed lease by itself with a record', { timeout: 30_000 }, async (t) => {
  const repo = gitRepo(t);
  const dir = join(repo, '.git', 'flightdeck');
  const env = defaultGateEnv();
  const store = new LocalGateStore(dir, env, undefined, 'test');
  const states: GateState[] = [];
  const listeners: ((s: GateState) => void)[] = [];
  const watcher = new GateWatcher(store, env, (s) => {
    states.push(s);
    for (const l of listeners) l(s);
  }, { dir });
  t.after(() => watcher.dispose());
  watcher.start();
  await until(states, listeners, (s) => !s.lock);

  const cli = spawnSync(process.execPath, [CLI, 'lock', 'acquire', '--reason', 'from the CLI'], { cwd: repo, encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const held = await until(states, listeners, (s) => s.lock?.reason === 'from the CLI');
  assert.equal(held.lock?.label, 'cli');
  assert.equal(spawnSync(process.execPath, [CLI, 'lock', 'release'], { cwd: repo }).status, 0);
  await until(states.slice(states.indexOf(held) + 1), listeners, (s) => !s.lock);

  // A holder on another machine stops beating: nothing touches the files, yet the watcher frees it when the lease ends.
  const short = store.transactNow((tx) => tx.acquire({ who: 'Far <far@example.com>', host: 'elsewhere', label: 'vscode' }, 'short', 300));
  assert.equal(short.status, 'acquired');
  await until(states, listeners, (s) => s.lock?.reason === 'short');
  const freed = await until(states.slice(-1), listeners, (s) => !s.lock);
  assert.equal(freed.lock, undefined);
  assert.match(readFileSync(join(dir, 'journal.jsonl'), 'utf8'), /"action":"expired".*"holder":"Far <far@example.com>".*"reason":"lease expired at /);
});

test('turnOf tells a window that the freed lock is its turn, and nobody else', () => {
  const state: GateState = {
    queue: { entries: [{ id: 'q1', who: 'Bob', host: 'h', label: 'vscode', hotfix: false, reason: '', joined: 1 }], turn: { entryId: 'q1', since: 5, until: 99 } },
  };
  assert.equal(turnOf(state, 'Bob', 'h'), 99);
  assert.equal(turnOf(state, 'Bob', 'other'), undefined);
  assert.equal(turnOf(state, 'Carol', 'h'), undefined);
  assert.equal(turnOf({ ...state, lock: { id: 'l', who: 'Bob', host: 'h', label: 'x', reason: '', created: 1, heartbeat: 1, leaseMs: 1e9 } }, 'Bob', 'h'), undefined);
});
