import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayLabel, groupByDay, importText, isFiltered, pageInfo } from '../../../webview/sessionFilter';
import { DEFAULT_QUERY } from '../../../src/protocol';
import type { BoardSession } from '../../../src/protocol';
import { span } from '../../../src/core/report/insightPanels';

const session = (id: string, startedAt: number, extra: Partial<BoardSession> = {}): BoardSession => ({
  id, agent: 'claude-code', intent: `task ${id}`, branch: 'main', startedAt, commands: 0, filesChanged: 0, failedChecks: 0, passedChecks: 0, rejections: 0, hooksSilent: false, pendingReviews: 0, skippedChecks: 0, boundaryViolations: 0, ...extra,
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

test('a query filters when it has text, a file or a status; paging alone does not', () => {
  assert.equal(isFiltered(DEFAULT_QUERY), false);
  assert.equal(isFiltered({ ...DEFAULT_QUERY, limit: 70 }), false);
  assert.equal(isFiltered({ ...DEFAULT_QUERY, text: '  ' }), false);
  assert.equal(isFiltered({ ...DEFAULT_QUERY, file: 'api/' }), true);
  assert.equal(isFiltered({ ...DEFAULT_QUERY, status: 'silent' }), true);
});

test('durations read as people say them', () => {
  assert.deepEqual([40_000, 12 * 60_000, 125 * 60_000, 120 * 60_000].map(span), ['40 s', '12 min', '2 h 5 min', '2 h']);
});

test('the count under the list always speaks of the sessions in it, never of a query still on its way', () => {
  const all = Array.from({ length: 20 }, (_, i) => session(`s${i}`, Date.now() - i * 60_000));
  const unfiltered = { query: DEFAULT_QUERY, sessions: all, matchingSessions: 660 };
  assert.deepEqual(pageInfo(unfiltered, DEFAULT_QUERY), { text: 'Showing 20 of 660 sessions', pending: false });
  // Typed, not answered yet: the list is still the unfiltered one, so no count is claimed for it.
  const typed = { ...DEFAULT_QUERY, text: 'readme' };
  assert.deepEqual(pageInfo(unfiltered, typed), { text: 'Searching…', pending: true });
  const answered = { query: typed, sessions: all.slice(0, 1), matchingSessions: 1 };
  assert.deepEqual(pageInfo(answered, typed), { text: 'Showing 1 of 1 matching sessions', pending: false });
  // Cleared again before the answer to "readme" came back: that answer is not the list's count either.
  assert.equal(pageInfo(answered, DEFAULT_QUERY).pending, true);
  // Paging to older sessions asks for more of the same search: the count on screen still holds.
  assert.deepEqual(pageInfo(unfiltered, { ...DEFAULT_QUERY, limit: 70 }), { text: 'Showing 20 of 660 sessions', pending: false });
  assert.equal(pageInfo(unfiltered, { ...DEFAULT_QUERY, status: 'failed' }).pending, true);
  assert.equal(pageInfo(unfiltered, { ...DEFAULT_QUERY, file: 'api/' }).pending, true);
});

test('an import says what it has got through: coming, listing, then bytes, files and sessions so far', () => {
  const base = { doneBytes: 0, totalBytes: 0, filesDone: 0, files: 0, sessions: 0 };
  assert.match(importText({ ...base, phase: 'pending' }), /in a moment/);
  assert.match(importText({ ...base, phase: 'running' }), /looking for/);
  assert.equal(
    importText({ phase: 'running', doneBytes: 30 << 20, totalBytes: 200 << 20, filesDone: 120, files: 660, sessions: 1 }),
    'Importing Claude Code sessions: 30.0 MB of 200.0 MB (120 of 660 files), 1 session found so far',
  );
});
