import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayLabel, groupByDay, matches } from '../../../webview/sessionFilter';
import type { BoardSession } from '../../../src/protocol';

const session = (id: string, startedAt: number, extra: Partial<BoardSession> = {}): BoardSession => ({
  id, agent: 'claude-code', intent: `task ${id}`, branch: 'main', startedAt, commands: 0, filesChanged: 0, failedChecks: 0, passedChecks: 0, rejections: 0, hooksSilent: false, ...extra,
});

test('sessions fall into days people name: today, yesterday, then dates', () => {
  const now = new Date(2026, 10, 23, 15, 0);
  assert.equal(dayLabel(new Date(2026, 10, 23, 0, 5).getTime(), now), 'Today');
  assert.equal(dayLabel(new Date(2026, 10, 22, 23, 59).getTime(), now), 'Yesterday');
  assert.match(dayLabel(new Date(2026, 10, 20, 9).getTime(), now), /Nov/);
  assert.match(dayLabel(new Date(2025, 0, 2).getTime(), now), /2025/);
  assert.equal(dayLabel(undefined, now), 'Undated');
  const d = (day: number, h: number): number => new Date(2026, 10, day, h).getTime();
  const groups = groupByDay([session('a', d(21, 10)), session('b', d(21, 9)), session('c', d(20, 18))]);
  assert.deepEqual(groups.map((g) => g.sessions.map((s) => s.id)), [['a', 'b'], ['c']]);
});

test('search matches intent, branch, agent and id; status filters what needs a look', () => {
  const s = [session('one', 1, { intent: 'Add signup validation', failedChecks: 1 }), session('two', 2, { branch: 'docs/readme', rejections: 2 }), session('three', 3, { hooksSilent: true })];
  const pick = (text: string, status: 'all' | 'failed' | 'refused' | 'silent'): string[] => s.filter((x) => matches(x, { text, status })).map((x) => x.id);
  assert.deepEqual(pick('SIGNUP', 'all'), ['one']);
  assert.deepEqual(pick('readme', 'all'), ['two']);
  assert.deepEqual(pick('', 'failed'), ['one']);
  assert.deepEqual(pick('', 'refused'), ['two']);
  assert.deepEqual(pick('', 'silent'), ['three']);
  assert.deepEqual(pick('one', 'refused'), []);
});
