import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boardRecord, boardSessions, countSessions } from '../../../src/core/report/boardState';
import { RecordStore } from '../../../src/core/record/store';
import { clipStrings, SHOWN_CHARS } from '../../../src/core/report/clip';
import type { SessionQuery } from '../../../src/protocol';
import { tempDir } from '../helpers/tmp';

async function recordWithSessions(t: Parameters<typeof tempDir>[0]): Promise<RecordStore> {
  const store = await RecordStore.open(tempDir(t));
  const t0 = Date.UTC(2026, 10, 20, 9);
  const started = (session: string, at: number, data: Record<string, unknown>) => ({ kind: 'session.started', session, at, source: 'claude-transcript', data: { agent: 'claude-code', ...data } });
  store.append([
    started('one', t0, { intent: 'Add signup validation', branch: 'feat/signup' }),
    { kind: 'tool.called', session: 'one', at: t0 + 1, data: { toolUseId: 'a', tool: 'Bash', command: 'npm test', check: 'test' } },
    { kind: 'tool.result', session: 'one', at: t0 + 2, data: { toolUseId: 'a', tool: 'Bash', command: 'npm test', check: 'test', outcome: 'error', exitCode: 1 } },
    { kind: 'file.changed', session: 'one', at: t0 + 3, source: 'files', data: { path: '/repo/api/signup.ts', change: 'modified' } },
    started('two', t0 + 10, { intent: 'Fix README typos', branch: 'docs/readme' }),
    { kind: 'tool.result', session: 'two', at: t0 + 11, data: { toolUseId: 'b', tool: 'Bash', command: 'rm -rf /', outcome: 'rejected' } },
    { kind: 'file.changed', session: 'two', at: t0 + 12, source: 'files', data: { path: '/repo/README.md', change: 'modified' } },
    started('three', t0 + 20, { intent: '100% coverage for api_v2', branch: 'main' }),
    { kind: 'file.changed', session: 'three', at: t0 + 21, source: 'files', data: { path: '/repo/api/signup.test.ts', change: 'created' } },
  ]);
  for (let i = 0; i < 30; i++) store.append([started(`old-${i}`, t0 - 86_400_000 - i, { intent: `older work ${i}` })]);
  return store;
}

test('the board\'s search covers every session in the record, not only the page shown', async (t) => {
  const store = await recordWithSessions(t);
  const ids = (q: Partial<SessionQuery>): string[] => boardSessions(store.db, q).map((s) => s.id);
  assert.deepEqual(ids({ text: 'SIGNUP' }), ['one'], 'case-insensitive, on the intent');
  assert.deepEqual(ids({ text: 'docs/' }), ['two'], 'on the branch');
  assert.deepEqual(ids({ text: 'older work 29' }), ['old-29'], 'the oldest session is found though the first page is 20');
  assert.deepEqual(ids({ text: '100%' }), ['three'], 'a % in the search is literal');
  assert.deepEqual(ids({ text: 'api_v' }), ['three'], 'so is an underscore');
  assert.deepEqual(ids({ text: '_' }), ['three']);
  assert.equal(countSessions(store.db, { text: 'older work' }), 30);
  assert.equal(boardSessions(store.db, { text: 'older work', limit: 20 }).length, 20);
  store.close();
});

test('sessions filter by a file they touched, and by what needs a look', async (t) => {
  const store = await recordWithSessions(t);
  const ids = (q: Partial<SessionQuery>): string[] => boardSessions(store.db, q).map((s) => s.id);
  assert.deepEqual(ids({ file: 'api/signup' }), ['three', 'one'], 'newest first');
  assert.deepEqual(ids({ file: 'README.md' }), ['two']);
  assert.deepEqual(ids({ file: 'nowhere.ts' }), []);
  assert.deepEqual(ids({ status: 'failed' }), ['one']);
  assert.deepEqual(ids({ status: 'refused' }), ['two']);
  assert.deepEqual(ids({ status: 'failed', file: 'README' }), [], 'filters combine');
  assert.deepEqual(ids({ status: 'failed', text: 'signup', file: 'signup.ts' }), ['one']);
  store.close();
});

test('the board record says how many sessions match beyond the page, and echoes its query', async (t) => {
  const store = await recordWithSessions(t);
  const first = boardRecord(store);
  assert.equal(first.sessions.length, 20);
  assert.equal(first.matchingSessions, 33);
  const older = boardRecord(store, { text: '', status: 'all', file: '', agent: '', limit: 70 });
  assert.equal(older.sessions.length, 33);
  assert.equal(older.matchingSessions, 33);
  const few = boardRecord(store, { text: 'signup', status: 'all', file: '', agent: '', limit: 20 });
  assert.deepEqual([few.sessions.length, few.matchingSessions, few.query.text], [1, 1, 'signup']);
  store.close();
});

test('what the board is sent of a session is clipped: a 10 MB paste arrives as its start and a count', () => {
  const huge = 'x'.repeat(10 << 20);
  const longPath = `/repo/${'deep/'.repeat(600)}file.ts`;
  const trail = { id: 'x'.repeat(3000), intent: huge, commands: [{ command: `echo ${huge}`, exitCode: 0 }], short: 'kept', n: 3, none: null,
    filesChanged: [{ path: longPath, change: 'modified' }], filesRead: [longPath] };
  const clipped = clipStrings(trail);
  assert.equal(clipped.intent, `${'x'.repeat(SHOWN_CHARS)}… (${(huge.length - SHOWN_CHARS).toLocaleString('en-US')} more characters; Open as Markdown shows all)`);
  assert.ok(clipped.commands[0]!.command.length < SHOWN_CHARS + 100);
  assert.deepEqual([clipped.short, clipped.n, clipped.none, clipped.commands[0]!.exitCode], ['kept', 3, null, 0]);
  assert.equal(trail.intent.length, 10 << 20, 'the trail itself is untouched');
  assert.deepEqual([clipped.id, clipped.filesChanged[0]!.path, clipped.filesRead[0]], [trail.id, longPath, longPath], 'what the board acts on stays whole');
});

test('a session\'s last hook and transcript events are kept on the session as they arrive (no index over every event), and its failed checks found through an index', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  const failed = store.db.exec(`EXPLAIN QUERY PLAN SELECT 1 FROM checks c WHERE c.session_id = 's' AND c.passed = 0`)[0]?.values.map((r) => String(r[3])).join(' ');
  assert.match(failed ?? '', /checks_failed/);
  store.append([
    { kind: 'hook.received', session: 's', source: 'claude-hook', at: 1_000, data: {} },
    { kind: 'tool.called', session: 's', source: 'claude-transcript', at: 1_000 + 3 * 60_000, data: { toolUseId: 't', tool: 'Read', path: 'a' } },
  ]);
  // An older event arriving late (another source catching up) does not move them back.
  store.append([{ kind: 'hook.received', session: 's', source: 'claude-hook', at: 500, data: {} }]);
  const last = (s: RecordStore): unknown => s.db.exec(`SELECT last_hook_at, last_transcript_at FROM sessions WHERE id = 's'`)[0]?.values;
  assert.deepEqual(last(store), [[1_000, 1_000 + 3 * 60_000]]);
  assert.deepEqual(boardSessions(store.db, { status: 'silent' }).map((s) => s.id), ['s']);
  store.close();
  const again = await RecordStore.open(dir);
  assert.deepEqual(last(again), [[1_000, 1_000 + 3 * 60_000]], 'the same after replaying the journal');
  again.close();
  store.close();
});

test('sessions filter by agent: Claude Code\'s, Codex\'s, or all', async (t) => {
  const store = await recordWithSessions(t);
  const t0 = Date.UTC(2026, 10, 20, 10);
  store.append([{ kind: 'session.started', session: 'cx', at: t0, source: 'codex-rollout', data: { agent: 'codex', intent: 'Fix the greeting' } }]);
  const ids = (q: Partial<SessionQuery>): string[] => boardSessions(store.db, { limit: 100, ...q }).map((s) => s.id);
  assert.deepEqual(ids({ agent: 'codex' }), ['cx']);
  assert.equal(ids({ agent: 'claude-code' }).length, 33);
  assert.equal(ids({}).length, 34);
  assert.deepEqual(ids({ agent: 'codex', text: 'signup' }), [], 'filters combine');
  assert.equal(boardSessions(store.db, { agent: 'codex' })[0]?.agent, 'codex');
  store.close();
});
