import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeSession, fileChangeEvents, isIgnoredPath, terminalCommandEvent } from '../../../src/core/capture/workspaceActivity';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { tempDir } from '../helpers/tmp';

test('a terminal command becomes a redacted, classified command with its exit code and duration', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  store.append([{ kind: 'session.started', session: 's1', at: 1000, data: { agent: 'claude-code', cwd: '/repo' } }]);
  store.append([
    terminalCommandEvent({ commandLine: 'PGPASSWORD=hunter2secret psql -c "select 1"', cwd: '/repo', exitCode: 0, startedAt: 2000, endedAt: 2500, terminal: 'bash', session: 's1' }),
    terminalCommandEvent({ commandLine: 'npx vitest run signup', cwd: '/repo', exitCode: 1, startedAt: 3000, endedAt: 9000, terminal: 'bash', session: 's1' }),
  ]);
  const trail = buildTrail(store.db, 's1');
  assert.deepEqual(trail?.commands.map((c) => [c.command, c.exitCode, c.durationMs, c.source]), [
    ['PGPASSWORD=[REDACTED:password] psql -c "select 1"', 0, 500, 'terminal'],
    ['npx vitest run signup', 1, 6000, 'terminal'],
  ]);
  assert.deepEqual(trail?.checks.map((c) => [c.kind, c.passed]), [['test', false]]);
  store.close();
});

test('file changes land in the active session, or outside any session', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const now = Date.now();
  store.append([{ kind: 'session.started', session: 'old', at: now - 3 * 3_600_000, data: {} }]);
  assert.equal(activeSession(store.db, now), undefined, 'a session idle for hours is not active');
  store.append([{ kind: 'session.started', session: 'busy', at: now - 60_000, data: { cwd: '/repo' } }]);
  assert.equal(activeSession(store.db, now), 'busy');
  store.append(fileChangeEvents([{ path: '/repo/a.ts', change: 'created', at: now }, { path: '/repo/b.ts', change: 'deleted', at: now }], 'busy'));
  assert.deepEqual(buildTrail(store.db, 'busy')?.filesChanged, [{ path: 'a.ts', change: 'created' }, { path: 'b.ts', change: 'deleted' }]);
  store.close();
});

test('version control internals and dependencies are not workspace activity', () => {
  for (const p of ['/r/.git/index', '/r/node_modules/x/index.js', 'C:\\r\\node_modules\\x.js', '/r/.venv/lib/a.py']) assert.ok(isIgnoredPath(p), p);
  for (const p of ['/r/src/git.ts', '/r/docs/node_modules.md', '/r/.github/workflows/ci.yml']) assert.ok(!isIgnoredPath(p), p);
});

test('a file reported twice in one batch (a new folder is both reported and scanned) is one event', () => {
  const events = fileChangeEvents([
    { path: '/r/src/a.ts', change: 'created', at: 1 },
    { path: '/r/src/a.ts', change: 'created', at: 2 },
    { path: '/r/src/a.ts', change: 'modified', at: 3 },
  ]);
  assert.deepEqual(events.map((e) => [e.at, e.data]), [[1, { path: '/r/src/a.ts', change: 'created' }], [3, { path: '/r/src/a.ts', change: 'modified' }]]);
});
