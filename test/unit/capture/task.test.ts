import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryViolations, describeBoundary, globToRegExp } from '../../../src/core/capture/task';
import { boardSessions } from '../../../src/core/report/boardState';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { tempDir } from '../helpers/tmp';

test('globs match the way people write them', () => {
  const cases: [string, string, boolean][] = [
    ['api/**', 'api/signup.ts', true],
    ['api/**', 'api/v2/signup.ts', true],
    ['api/**', 'web/api/x.ts', false],
    ['**/*.test.ts', 'api/signup.test.ts', true],
    ['**/*.test.ts', 'signup.test.ts', true],
    ['*.md', 'README.md', true],
    ['*.md', 'docs/a.md', false],
    ['api/', 'api/deep/x.ts', true],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
  ];
  for (const [glob, path, expected] of cases) assert.equal(globToRegExp(glob).test(path), expected, `${glob} vs ${path}`);
});

test('boundary violations name the file and the rule it broke', () => {
  const b = { allow: ['api/**', 'tests/**'], forbid: ['schema', 'auth'] };
  assert.deepEqual(boundaryViolations(['api/signup.ts', 'db/migrations/002_add_index.sql', 'api/auth/session.ts', 'README.md'], b), [
    'db/migrations/002_add_index.sql: outside api/**, tests/**',
    'db/migrations/002_add_index.sql: no schema changes',
    'api/auth/session.ts: no auth flow changes',
    'README.md: outside api/**, tests/**',
  ]);
  assert.equal(describeBoundary(b), 'only api/**, tests/**; no schema changes; no auth flow changes');
  assert.deepEqual(boundaryViolations(['anything.ts'], { allow: [], forbid: [] }), []);
});

test('a task gives the session its intent, boundary, violations and skipped checks', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const t0 = Date.UTC(2026, 10, 20, 9);
  store.append([
    { kind: 'task.started', at: t0 - 60_000, source: 'vscode', data: { intent: 'add server-side validation to signup endpoint', allow: ['api/**'], forbid: ['schema'], requiredChecks: ['test', 'typecheck'] } },
    { kind: 'session.started', session: 's1', at: t0, data: { agent: 'claude-code', cwd: '/repo' } },
    { kind: 'prompt.submitted', session: 's1', at: t0, data: { text: 'go ahead', followUp: false } },
    { kind: 'tool.called', session: 's1', at: t0 + 1000, data: { toolUseId: 'c1', tool: 'Bash', command: 'npm run typecheck', check: 'typecheck' } },
    { kind: 'tool.result', session: 's1', at: t0 + 2000, data: { toolUseId: 'c1', tool: 'Bash', command: 'npm run typecheck', check: 'typecheck', outcome: 'ok', exitCode: 0 } },
    { kind: 'file.changed', session: 's1', at: t0 + 3000, data: { path: '/repo/api/signup.ts', change: 'modified' } },
    { kind: 'file.changed', session: 's1', at: t0 + 4000, data: { path: '/repo/db/schema.sql', change: 'modified' } },
  ]);
  const trail = buildTrail(store.db, 's1');
  assert.equal(trail?.intent, 'add server-side validation to signup endpoint');
  assert.equal(trail?.boundary, 'only api/**; no schema changes');
  assert.deepEqual(trail?.boundaryViolations, ['db/schema.sql: outside api/**', 'db/schema.sql: no schema changes']);
  assert.deepEqual(trail?.skippedChecks, ['test: required, not run after the last change', 'typecheck: required, not run after the last change']);
  // The board's list badges say the same, without opening the session; a session before the task has none.
  store.append([
    { kind: 'session.started', session: 's0', at: t0 - 120_000, data: { agent: 'claude-code', cwd: '/repo' } },
    { kind: 'file.changed', session: 's0', at: t0 - 110_000, data: { path: '/repo/db/schema.sql', change: 'modified' } },
  ]);
  const badges = Object.fromEntries(boardSessions(store.db).map((s) => [s.id, [s.skippedChecks, s.boundaryViolations, s.durationMs]]));
  assert.deepEqual(badges, { s1: [2, 2, 4000], s0: [0, 0, 10_000] });
  store.close();
});
