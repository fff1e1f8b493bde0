import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, lockView, shortName } from '../../../src/core/gates/statusView';
import type { GateState, LockInfo, QueueEntry } from '../../../src/core/gates/types';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const me = { who: 'Ada Lovelace <ada@example.com>', host: 'ada-laptop' };
const lock = (over: Partial<LockInfo> = {}): LockInfo => ({
  id: 'lock-abc', who: 'Grace Hopper <grace@example.com>', host: 'build-box', label: 'cli', reason: 'ship 1.4.2',
  created: NOW - 12 * 60_000, heartbeat: NOW - 60_000, leaseMs: 3_600_000, ...over,
});
const entry = (over: Partial<QueueEntry> = {}): QueueEntry => ({ id: 'q-1', who: 'Linus <l@example.com>', host: 'lin', label: 'cli', hotfix: false, reason: '', joined: NOW - 30_000, ...over });
const view = (state: GateState | undefined, over: Partial<Parameters<typeof lockView>[0]> = {}) =>
  lockView({ state, me, now: NOW, trusted: true, scope: 'local', where: '/r/.git/flightdeck/deploy-lock.json', ...over });

test('free, yours, someone else\'s: the text, the click and the queue length', () => {
  const free = view({ queue: { entries: [] } });
  assert.equal(free.text, '$(unlock) Deploy free');
  assert.equal(free.action, 'acquire');
  assert.match(free.tooltip, /Free: nobody holds it/);
  assert.match(free.tooltip, /Ship queue: empty/);

  const mine = view({ lock: lock({ who: me.who, host: me.host, pid: 4242, label: 'vscode: repo' }), queue: { entries: [entry()] } });
  assert.equal(mine.text, '$(lock) Deploy: you · 1 queued');
  assert.equal(mine.action, 'release');
  assert.match(mine.tooltip, /pid 4242/);

  const other = view({ lock: lock(), queue: { entries: [entry(), entry({ id: 'q-2', who: 'Ken <k@x>', hotfix: true })] } });
  assert.equal(other.text, '$(lock) Deploy: Grace Hopper (12 min) · 2 queued');
  assert.equal(other.action, 'none');
  for (const part of ['Grace Hopper', 'build\\-box', 'ship 1\\.4\\.2', '2026-01-05 11:48:00 UTC', 'lock\\-abc', 'Ship queue (2)', '**hotfix**']) {
    assert.ok(other.tooltip.includes(part), `tooltip names ${part}:\n${other.tooltip}`);
  }
  // The same person on another machine is someone else (the rules' notion of the holder).
  assert.match(view({ lock: lock({ who: me.who, host: 'other-box' }), queue: { entries: [] } }).text, /^\$\(lock\) Deploy: Ada Lovelace \(12 min\)$/);
});

test('the freed lock is my turn: a countdown and a click that takes it; someone else\'s turn: no click', () => {
  const mineQ = entry({ id: 'q-me', who: me.who, host: me.host });
  const turn = view({ queue: { entries: [mineQ], turn: { entryId: 'q-me', since: NOW - 10_000, until: NOW + 95_000 } } });
  assert.equal(turn.text, '$(bell) Your turn to deploy (95 s) · 1 queued');
  assert.equal(turn.action, 'take-turn');
  assert.equal(turn.tone, 'turn');
  const theirs = view({ queue: { entries: [entry()], turn: { entryId: 'q-1', since: NOW, until: NOW + 60_000 } } });
  assert.equal(theirs.text, '$(unlock) Deploy free · 1 queued');
  assert.equal(theirs.action, 'none');
  assert.match(theirs.tooltip, /Linus.*'s turn until/);
});

test('Restricted Mode is read-only, an unreadable lock is never "free", and recorded text cannot inject Markdown', () => {
  const ro = view({ queue: { entries: [] } }, { trusted: false, me: undefined });
  assert.equal(ro.action, 'none');
  assert.match(ro.tooltip, /Restricted Mode/);
  assert.doesNotMatch(ro.tooltip, /Click to/);
  const err = view(undefined, { error: 'cannot reach "origin": Could not resolve host', scope: 'remote', where: 'origin refs/flightdeck/deploy-lock' });
  assert.equal(err.text, '$(warning) Deploy: unknown');
  assert.equal(err.tone, 'error');
  assert.match(err.tooltip, /Team deploy lock/);
  const hostile = view({ lock: lock({ who: '[click](command:evil) <x>', reason: '![img](http://e/x.png) <b>bold</b>\n# heading `code`' }), queue: { entries: [] } });
  assert.doesNotMatch(hostile.tooltip, /\]\(command:/);
  assert.doesNotMatch(hostile.tooltip, /!\[img\]\(http/);
  assert.doesNotMatch(hostile.tooltip, /<b>/);
  assert.doesNotMatch(hostile.tooltip, /\n# heading/);
  assert.equal(escapeMarkdown('a*b_c`d'), 'a\\*b\\_c\\`d');
  assert.equal(shortName('Grace Hopper <grace@example.com>'), 'Grace Hopper');
  assert.equal(shortName('<only@mail>'), '<only@mail>');
});
