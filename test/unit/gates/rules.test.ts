import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GateTx, needsSettle, nextDeadline, queueOrder, staleness } from '../../../src/core/gates/rules';
import type { GateEnv, GateState, Holder, Turn } from '../../../src/core/gates/types';

/** A world with a clock the test moves and a set of live process ids. */
function world(graceMs = 120_000) {
  let now = 1_000_000;
  const live = new Set<number>([100, 200, 300]);
  const env: GateEnv = { now: () => now, host: 'here', alive: (pid) => live.has(pid), graceMs };
  let state: GateState = { queue: { entries: [] } };
  const facts: { kind: string; data: Record<string, unknown> }[] = [];
  const run = <R>(step: (tx: GateTx) => R): R => {
    const tx = new GateTx(state, env);
    const r = step(tx);
    state = tx.state;
    facts.push(...tx.facts);
    return r;
  };
  return { env, live, run, facts, advance: (ms: number) => (now += ms), get state() { return state; }, get now() { return now; } };
}

const who = (name: string, pid?: number, host = 'here'): Holder => ({ who: `${name} <${name.toLowerCase()}@x>`, host, label: 'test', ...(pid ? { pid } : {}) });
const ALICE = who('Alice', 100);
const BOB = who('Bob', 200);
const CAROL = who('Carol', 300);
const DAN = who('Dan');

test('one holder at a time: a second acquire sees who holds it; release frees it; only the holder (or its id) releases', () => {
  const w = world();
  const a = w.run((tx) => tx.acquire(ALICE, 'release 1.2', 60_000));
  assert.equal(a.status, 'acquired');
  const b = w.run((tx) => tx.acquire(BOB, '', 60_000));
  assert.equal(b.status, 'held');
  assert.equal(b.status === 'held' && b.lock.who, ALICE.who);
  assert.equal(w.run((tx) => tx.release(BOB)).status, 'not-yours');
  assert.equal(w.run((tx) => tx.release(BOB, 'lock-wrong')).status, 'not-yours');
  assert.equal(w.run((tx) => tx.release(BOB, a.status === 'acquired' ? a.lock.id : '')).status, 'released');
  assert.equal(w.state.lock, undefined);
  assert.equal(w.run((tx) => tx.release(ALICE)).status, 'free');
  assert.deepEqual(w.facts.filter((f) => f.kind === 'lock.changed').map((f) => f.data.action), ['acquired', 'released']);
});

test('a lease lapses after its last heartbeat; a heartbeat moves it on; the lapse is recorded with why', () => {
  const w = world();
  const a = w.run((tx) => tx.acquire(DAN, 'deploy', 10_000));
  assert.equal(a.status, 'acquired');
  const id = a.status === 'acquired' ? a.lock.id : '';
  w.advance(9_000);
  assert.equal(w.run((tx) => tx.heartbeat(id)).status, 'renewed');
  w.advance(9_000); // 18 s after acquiring, 9 s after the beat: still held
  assert.equal(w.run((tx) => tx.acquire(BOB, '', 10_000)).status, 'held');
  assert.equal(nextDeadline(w.state), w.now + 1_000);
  w.advance(1_001);
  assert.equal(needsSettle(w.state, w.env), true);
  assert.equal(w.run((tx) => tx.heartbeat(id)).status, 'lost');
  const expired = w.facts.find((f) => f.data.action === 'expired');
  assert.ok(expired);
  assert.equal(expired.data.lockId, id);
  assert.match(String(expired.data.reason), /^lease expired at .*\(last heartbeat /);
  assert.equal(w.run((tx) => tx.acquire(BOB, '', 10_000)).status, 'acquired');
});

test('a holder whose process died on this host is released at once; one on another host only when its lease runs out', () => {
  const w = world();
  w.run((tx) => tx.acquire(ALICE, '', 600_000));
  w.live.delete(100);
  assert.match(String(w.state.lock && staleness(w.state.lock, w.env)), /^holder process 100 on here is gone$/);
  assert.equal(w.run((tx) => tx.acquire(BOB, '', 600_000)).status, 'acquired');
  assert.equal(w.facts.filter((f) => f.data.action === 'expired').length, 1);

  const v = world();
  v.run((tx) => tx.acquire(who('Eve', 100, 'elsewhere'), '', 600_000));
  v.live.delete(100); // Not this host's process 100: its death here says nothing.
  assert.equal(v.run((tx) => tx.acquire(BOB, '', 600_000)).status, 'held');
  v.advance(600_001);
  assert.equal(v.run((tx) => tx.acquire(BOB, '', 600_000)).status, 'acquired');
});

test('force-unlock needs the lock id; it records the reason, who forced it and whose lock it was', () => {
  const w = world();
  const a = w.run((tx) => tx.acquire(ALICE, 'deploy', 60_000));
  const id = a.status === 'acquired' ? a.lock.id : '';
  const wrong = w.run((tx) => tx.forceUnlock(BOB, 'lock-other', 'stuck'));
  assert.equal(wrong.status, 'id-mismatch');
  assert.ok(w.state.lock);
  assert.equal(w.run((tx) => tx.forceUnlock(BOB, id, 'Alice is on a plane')).status, 'unlocked');
  assert.equal(w.state.lock, undefined);
  const fact = w.facts.find((f) => f.data.action === 'force-unlocked');
  assert.equal(fact?.data.previousHolder, ALICE.who);
  assert.equal(fact?.data.by, BOB.who);
  assert.equal(fact?.data.reason, 'Alice is on a plane');
  assert.equal(fact?.data.lockReason, 'deploy');
});

test('the queue is first come first served, hotfixes ahead of ordinary ships (in their own order); joining twice changes nothing', () => {
  const w = world();
  w.run((tx) => tx.acquire(ALICE, '', 600_000));
  w.run((tx) => tx.join(BOB, false, 'feature'));
  w.advance(1);
  w.run((tx) => tx.join(CAROL, true, 'outage'));
  w.advance(1);
  w.run((tx) => tx.join(DAN, true, 'second outage'));
  assert.equal(w.run((tx) => tx.join(BOB, false, '')).status, 'already');
  assert.deepEqual(queueOrder(w.state).map((e) => e.who), [CAROL.who, DAN.who, BOB.who]);
  // Bob raises his entry to a hotfix: behind the earlier hotfixes.
  assert.equal(w.run((tx) => tx.join(BOB, true, '')).position, 3);
  assert.equal(w.run((tx) => tx.leave(DAN)).status, 'left');
  assert.equal(w.run((tx) => tx.leave(DAN)).status, 'absent');
  assert.deepEqual(queueOrder(w.state).map((e) => [e.who, e.hotfix]), [[CAROL.who, true], [BOB.who, true]]);
});

test('when the lock frees, the head of the queue has the grace period to take it; then the turn passes to the next', () => {
  const w = world(120_000);
  const a = w.run((tx) => tx.acquire(ALICE, '', 600_000));
  w.run((tx) => tx.join(BOB, false, ''));
  w.run((tx) => tx.join(CAROL, false, ''));
  assert.equal(w.state.queue.turn, undefined, 'no turn while the lock is held');
  w.run((tx) => tx.release(ALICE, a.status === 'acquired' ? a.lock.id : undefined));
  const turn = w.state.queue.turn as Turn | undefined; // read again: the assertion above narrowed it
  assert.equal(w.state.queue.entries.find((e) => e.id === turn?.entryId)?.who, BOB.who);
  assert.equal(turn?.until, w.now + 120_000);
  assert.deepEqual(w.facts.at(-1)?.data.action, 'turn');

  w.advance(119_000);
  const early = w.run((tx) => tx.acquire(CAROL, '', 600_000));
  assert.equal(early.status, 'reserved');
  assert.equal(early.status === 'reserved' && early.entry.who, BOB.who);
  assert.equal(w.run((tx) => tx.acquire(DAN, '', 600_000)).status, 'reserved', 'someone not in the queue waits too');

  w.advance(1_001);
  assert.equal(needsSettle(w.state, w.env), true);
  const late = w.run((tx) => tx.acquire(CAROL, '', 600_000));
  assert.equal(late.status, 'acquired', 'Bob\'s turn passed to Carol, who takes it');
  const passed = w.facts.find((f) => f.data.action === 'turn-passed');
  assert.equal(passed?.data.who, BOB.who);
  assert.deepEqual(w.state.queue.entries, [], 'Bob left the queue when his turn passed; Carol when she took the lock');
});

test('the head of the queue takes the lock within its grace: it leaves the queue and the turn ends', () => {
  const w = world();
  w.run((tx) => tx.join(BOB, false, ''));
  // Joining a free lock's empty queue gives the turn at once.
  assert.equal(w.state.queue.entries[0]?.id, w.state.queue.turn?.entryId);
  w.run((tx) => tx.join(CAROL, false, ''));
  assert.equal(w.run((tx) => tx.acquire(BOB, '', 600_000)).status, 'acquired');
  assert.equal(w.state.queue.turn, undefined);
  assert.deepEqual(w.state.queue.entries.map((e) => e.who), [CAROL.who]);
  // The head leaving during its turn gives the turn to the next.
  const x = world();
  x.run((tx) => tx.join(BOB, false, ''));
  x.run((tx) => tx.join(CAROL, false, ''));
  x.run((tx) => tx.leave(BOB));
  assert.equal(x.state.queue.entries.find((e) => e.id === x.state.queue.turn?.entryId)?.who, CAROL.who);
});
