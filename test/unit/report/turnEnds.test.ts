import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookEvents, type HookGit } from '../../../src/core/capture/hook';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { tempDir } from '../helpers/tmp';

const SESSION = '46b79c32-de78-4bcc-9a51-4fc834049366';
const START = Date.UTC(2026, 10, 20, 9, 0, 0);
const A = '86f4d3a1feee111c4c925998c1fd43451a220aaf'; // the fixture's HEAD
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

type Payload = Record<string, unknown>;

/** The real Claude Code 2.1.332 hook payloads of one session, in order. */
function realPayloads(): { event: string; payload: Payload }[] {
  const text = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'claude-code-2.x', 'hook-payloads.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; payload: Payload });
}

/**
 * Turn 1 is the fixture's session as it ran (npm test passes, Stop at A); in turn 2 npm test fails and the agent then
 * commits (B); turn 3 ends at C with npm test still failing. Turns 2 and 3 reuse the real payloads' shapes.
 */
function threeTurns(): { event: string; payload: Payload; head: string }[] {
  const real = realPayloads().filter((r) => r.event !== 'SessionEnd');
  const prompt = real.find((r) => r.event === 'UserPromptSubmit')?.payload as Payload;
  const pre = real.find((r) => r.event === 'PreToolUse' && (r.payload.tool_input as Payload).command === 'npm test')?.payload as Payload;
  const failure = real.find((r) => r.event === 'PostToolUseFailure')?.payload as Payload;
  const stop = real.find((r) => r.event === 'Stop')?.payload as Payload;
  const failingTest = (id: string): { event: string; payload: Payload }[] => [
    { event: 'PreToolUse', payload: { ...pre, tool_use_id: id } },
    { event: 'PostToolUseFailure', payload: { ...failure, hook_event_name: 'PostToolUseFailure', tool_input: pre.tool_input, tool_use_id: id, error: 'Exit code 1' } },
  ];
  return [
    ...real.map((r) => ({ ...r, head: A })),
    { event: 'UserPromptSubmit', payload: { ...prompt, prompt: 'Now commit it and make the greeting configurable' }, head: A },
    // The tests ran before the agent committed: only the Stop hook sees the turn's commit.
    ...failingTest('toolu_turn2_test').map((r) => ({ ...r, head: A })),
    { event: 'Stop', payload: stop, head: B },
    { event: 'UserPromptSubmit', payload: { ...prompt, prompt: 'Tidy up the README' }, head: B },
    ...failingTest('toolu_turn3_test').map((r) => ({ ...r, head: B })),
    { event: 'Stop', payload: stop, head: C },
  ];
}

test('each turn shows the commit it ended on (the Stop hook\'s HEAD); "what broke" names the turns\' end commits', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  threeTurns().forEach(({ event, payload, head }, i) => {
    const git: HookGit = { head, branch: 'fix/greeting' };
    store.append(hookEvents(event, payload, START + i * 1_000, undefined, git));
  });
  const trail = buildTrail(store.db, SESSION);
  assert.ok(trail);
  assert.deepEqual(trail.turns.map((x) => [x.n, x.commit]), [[1, A], [2, B], [3, C]], 'not the HEAD their commands saw (A, A, B)');
  assert.equal(trail.endCommit, C);
  assert.equal(trail.checkBreaks.length, 1);
  const b = trail.checkBreaks[0];
  assert.equal(b?.command, 'npm test');
  assert.deepEqual([b?.failingSince.turn, b?.failingSince.commit], [2, B], 'fails since turn 2, which ended on B');
  assert.deepEqual([b?.lastPassed?.turn, b?.lastPassed?.commit], [1, A], 'last passed in turn 1, which ended on A');
});

test('a turn\'s end commit stands over the last HEAD its commands saw; without a Stop hook that HEAD stays the turn\'s commit', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const real = realPayloads().filter((r) => r.event !== 'Stop' && r.event !== 'SessionEnd');
  real.forEach(({ event, payload }, i) => store.append(hookEvents(event, payload, START + i * 1_000, undefined, { head: A })));
  assert.equal(buildTrail(store.db, SESSION)?.turns[0]?.commit, A, 'no Stop: the HEAD npm test saw');
  // The agent committed at the end of the turn: Stop reads the new HEAD.
  const stop = realPayloads().find((r) => r.event === 'Stop')?.payload;
  store.append(hookEvents('Stop', stop, START + 60_000, undefined, { head: B }));
  assert.equal(buildTrail(store.db, SESSION)?.turns[0]?.commit, B);
});

test('Codex\'s Stop hook ends its turn the same way', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const base = { session_id: 'codex-session-1', turn_id: 'turn-1', transcript_path: '/home/u/.codex/sessions/2026/11/20/rollout-x.jsonl', cwd: '/w', model: 'gpt-5', permission_mode: 'default' };
  store.append([
    ...hookEvents('UserPromptSubmit', { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'fix the greeting' }, START, undefined, { head: A }, 'codex'),
    ...hookEvents('Stop', { ...base, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'done' }, START + 5_000, undefined, { head: B }, 'codex'),
    ...hookEvents('UserPromptSubmit', { ...base, turn_id: 'turn-2', hook_event_name: 'UserPromptSubmit', prompt: 'and the README' }, START + 10_000, undefined, { head: B }, 'codex'),
    ...hookEvents('Stop', { ...base, turn_id: 'turn-2', hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'done' }, START + 15_000, undefined, { head: C }, 'codex'),
  ]);
  assert.deepEqual(buildTrail(store.db, 'codex-session-1')?.turns.map((x) => [x.n, x.commit]), [[1, B], [2, C]]);
});
