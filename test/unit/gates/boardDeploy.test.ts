import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boardDeploy } from '../../../src/core/gates/boardDeploy';
import { shipReviewGate } from '../../../src/core/gates/shipReviews';
import { RecordStore } from '../../../src/core/record/store';
import type { GateState, QueueEntry } from '../../../src/core/gates/types';
import { gitRepo } from '../helpers/tmp';

const entry = (id: string, who: string, hotfix: boolean, joined: number): QueueEntry => ({ id, who, host: 'h1', label: 'cli', hotfix, reason: `ship ${id}`, joined });

test('the board shows the holder, the queue in order (whose turn first) and whose turn it is; an unreadable lock is never free', () => {
  const me = { who: 'Ada <ada@x>', host: 'h1' };
  const held: GateState = {
    lock: { id: 'L1', who: 'Bob <bob@x>', host: 'h2', label: 'vscode: app', reason: 'release 1.2', created: 1000, heartbeat: 5000, leaseMs: 60_000 },
    // Stored in queue order (a hotfix is put ahead of ordinary ships when it joins).
    queue: { entries: [entry('q2', 'Ada <ada@x>', true, 20), entry('q1', 'Cy <cy@x>', false, 10)] },
  };
  const d = boardDeploy({ state: held, me, scope: 'local', where: '/r/.git/flightdeck/deploy-lock.json' });
  assert.deepEqual([d.lock?.who, d.lock?.reason, d.lock?.since, d.lock?.leaseUntil, d.lock?.mine], ['Bob <bob@x>', 'release 1.2', 1000, 65_000, false]);
  assert.deepEqual(d.queue.map((q) => [q.id, q.hotfix, q.mine, q.turnUntil]), [['q2', true, true, undefined], ['q1', false, false, undefined]]);

  const freed: GateState = { queue: { entries: held.queue.entries, turn: { entryId: 'q1', since: 7000, until: 9000 } } };
  const f = boardDeploy({ state: freed, me, scope: 'remote', where: 'origin refs/flightdeck/deploy-lock' });
  assert.equal(f.lock, undefined);
  assert.deepEqual(f.queue.map((q) => [q.id, q.turnUntil]), [['q1', 9000], ['q2', undefined]]);

  const broken = boardDeploy({ state: held, me, scope: 'remote', where: 'origin', problem: 'The lock could not be read: no route' });
  assert.deepEqual([broken.problem, broken.lock, broken.queue.length], ['The lock could not be read: no route', undefined, 0]);
  assert.match(boardDeploy({ scope: 'local', where: 'x' }).problem ?? '', /reading/);
});

test('open reviews hold a ship in enforce mode unless the deploy gate is overridden; advisory mode only tells', async (t) => {
  const repo = gitRepo(t);
  const dir = join(repo, '.git', 'flightdeck');
  const store = await RecordStore.open(dir);
  try {
    store.append([{ kind: 'review.opened', source: 'cli', data: { reviewId: 'rev-1', subject: 'payments', files: ['pay.ts'] } }]);
  } finally {
    store.close();
  }
  const advisory = shipReviewGate(repo, dir);
  assert.deepEqual([advisory.mode, advisory.hold, advisory.open], ['advisory', false, 1]);
  mkdirSync(join(repo, '.flightdeck'));
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), JSON.stringify({ mode: 'enforce' }));
  const enforce = shipReviewGate(repo, dir);
  assert.deepEqual([enforce.mode, enforce.hold, enforce.open], ['enforce', true, 1]);
  assert.match(enforce.text, /review rev-1 of payments is pending/);
  const s2 = await RecordStore.open(dir);
  try {
    s2.append([{ kind: 'override.recorded', source: 'cli', data: { gate: 'deploy', reason: 'hotfix INC-1, checked by hand', by: 'Ada' } }]);
  } finally {
    s2.close();
  }
  const overridden = shipReviewGate(repo, dir);
  assert.deepEqual([overridden.hold, overridden.overriddenBy], [false, 'Ada: "hotfix INC-1, checked by hand"']);
});
