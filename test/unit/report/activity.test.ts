import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionActivity } from '../../../src/core/report/activity';
import { boardSessions } from '../../../src/core/report/boardState';
import { RecordStore } from '../../../src/core/record/store';
import { tempDir } from '../helpers/tmp';

test('a session\'s activity is bucketed over its span, failures marked where they happened', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const t0 = 1_800_000_000_000;
  store.append([
    { kind: 'session.started', session: 's', at: t0, data: {} },
    { kind: 'note', session: 's', at: t0 + 1000, data: { text: 'x' } },
    { kind: 'tool.result', session: 's', at: t0 + 50_000, data: { toolUseId: 'a', outcome: 'error', exitCode: 1 } },
    { kind: 'tool.result', session: 's', at: t0 + 99_000, data: { toolUseId: 'b', outcome: 'rejected' } },
    { kind: 'tool.result', session: 's', at: t0 + 100_000, data: { toolUseId: 'c', outcome: 'ok', exitCode: 0 } },
  ]);
  const a = sessionActivity(store.db, 's', 10);
  assert.equal(a.start, t0);
  assert.equal(a.end, t0 + 100_000);
  assert.deepEqual(a.counts, [2, 0, 0, 0, 1, 0, 0, 0, 0, 2]);
  assert.deepEqual(a.failures, [0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  assert.deepEqual(sessionActivity(store.db, 'none', 4).counts, [0, 0, 0, 0]);
  store.close();
});

test('the board knows passed and failed checks per session, for the trend', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  store.append([
    { kind: 'tool.called', session: 's', at: 1, data: { toolUseId: 'a', tool: 'Bash', command: 'npm test', check: 'test' } },
    { kind: 'tool.result', session: 's', at: 2, data: { toolUseId: 'a', tool: 'Bash', command: 'npm test', check: 'test', outcome: 'error', exitCode: 1 } },
    { kind: 'tool.called', session: 's', at: 3, data: { toolUseId: 'b', tool: 'Bash', command: 'npm test', check: 'test' } },
    { kind: 'tool.result', session: 's', at: 4, data: { toolUseId: 'b', tool: 'Bash', command: 'npm test', check: 'test', outcome: 'ok', exitCode: 0 } },
  ]);
  const [s] = boardSessions(store.db);
  assert.deepEqual([s?.passedChecks, s?.failedChecks], [1, 1]);
  store.close();
});
