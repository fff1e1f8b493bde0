import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordStore } from '../../../src/core/record/store';
import type { NewEvent } from '../../../src/core/record/events';
import { decisionEvent } from '../../../src/core/capture/decision';
import { boardFileHistory, MATCH_SCAN, matchingFiles, normalizeFileFilter, resolveFileFilter } from '../../../src/core/report/boardFileHistory';
import { countSessions } from '../../../src/core/report/boardState';
import { HISTORY_CANDIDATES } from '../../../src/protocol';
import { tempDir } from '../helpers/tmp';

const REPO = '/work/repo';
const T0 = Date.UTC(2026, 10, 20, 9);

const started = (session: string, at: number, intent: string): NewEvent => ({
  kind: 'session.started', session, at, source: 'claude-transcript', data: { agent: 'claude-code', intent, branch: 'feat/signup', repo: REPO, cwd: REPO },
});
const edit = (session: string, at: number, path: string, change = 'modified'): NewEvent => ({ kind: 'file.changed', session, at, source: 'files', data: { path: `${REPO}/${path}`, change } });
const read = (session: string, at: number, path: string): NewEvent => ({ kind: 'tool.called', session, at, data: { toolUseId: `r-${at}`, tool: 'Read', path: `${REPO}/${path}`, action: 'read' } });
const check = (session: string, at: number, id: string, command: string, exitCode: number): NewEvent[] => [
  { kind: 'tool.called', session, at, data: { toolUseId: id, tool: 'Bash', command, check: 'test' } },
  { kind: 'tool.result', session, at: at + 1, data: { toolUseId: id, tool: 'Bash', command, check: 'test', outcome: exitCode ? 'error' : 'ok', exitCode, commit: 'b'.repeat(40) } },
];

/** signup.ts changed in three sessions (one failed a check and fixed it), a decision and a review about it, signup.test.ts and a read-only file beside it. */
async function record(t: Parameters<typeof tempDir>[0]): Promise<RecordStore> {
  const store = await RecordStore.open(tempDir(t));
  store.append([
    started('s1', T0, 'First cut of signup'),
    edit('s1', T0 + 10, 'api/signup.ts', 'created'),
    started('s2', T0 + 1000, 'Validate emails <script>alert(1)</script>'),
    ...check('s2', T0 + 1010, 'c1', 'npm test -- signup', 1),
    edit('s2', T0 + 1020, 'api/signup.ts'),
    edit('s2', T0 + 1021, 'api/signup.test.ts'),
    ...check('s2', T0 + 1030, 'c2', 'npm test -- signup', 0),
    started('s3', T0 + 3000, 'Rename the handler'),
    edit('s3', T0 + 3010, 'api/signup.ts'),
    read('s3', T0 + 3020, 'api/signup.md'),
    {
      kind: 'review.opened', session: 's2', at: T0 + 1100, source: 'review',
      data: { reviewId: 'rev-1', subject: 'auth: api/signup.ts', files: [{ path: 'api/signup.ts', change: 'modified', categories: ['auth'] }] },
    },
    {
      kind: 'review.verdict', at: T0 + 1101, source: 'review',
      data: { reviewId: 'rev-1', engine: 'rules', status: 'concerns', concerns: [{ file: 'api/signup.ts', line: 3, severity: 'high', title: 'Password compared without constant time' }] },
    },
    { ...decisionEvent({ text: 'Emails are validated on the server only', files: ['api/signup.ts'], session: 's2', by: 'dev', source: 'cli' }), at: T0 + 2000 },
    // A file no session changed (written by hand), reviewed and overridden.
    { kind: 'review.opened', at: T0 + 4000, source: 'review', data: { reviewId: 'rev-2', subject: 'migrations: db/migrate/1_add.rb', files: [{ path: 'db/migrate/1_add.rb', change: 'created', categories: ['migrations'] }] } },
    { kind: 'override.recorded', at: T0 + 4100, data: { reviewId: 'rev-2', gate: 'review', reason: 'applied by hand on staging', by: 'dev' } },
  ]);
  return store;
}

test('a file filter names one file when typed exactly or when it matches only one; else it lists the files it could mean', async (t) => {
  const store = await record(t);
  assert.equal(normalizeFileFilter(REPO, ' ./api/signup.ts '), 'api/signup.ts');
  assert.equal(normalizeFileFilter(REPO, `${REPO}/api/signup.ts`), 'api/signup.ts', 'an absolute path inside the repository');
  assert.equal(normalizeFileFilter(REPO, 'api\\signup.ts'), 'api/signup.ts');
  // In path order; a file only read is no history.
  assert.deepEqual(matchingFiles(store.db, REPO, 'signup'), { files: ['api/signup.test.ts', 'api/signup.ts'], capped: false });
  assert.deepEqual(resolveFileFilter(store.db, REPO, 'api/signup.ts'), { path: 'api/signup.ts', candidates: [], capped: false }, 'exact wins over signup.test.ts');
  assert.deepEqual(resolveFileFilter(store.db, REPO, 'test.ts'), { path: 'api/signup.test.ts', candidates: [], capped: false }, 'the one file it matches');
  assert.deepEqual(resolveFileFilter(store.db, REPO, 'signup').candidates, ['api/signup.test.ts', 'api/signup.ts']);
  assert.equal(countSessions(store.db, { file: 'signup.md' }), 1, 'the session list finds the session that read it');
  assert.deepEqual(resolveFileFilter(store.db, REPO, 'signup.md'), { candidates: [], capped: false }, 'read, never changed: no history');
  assert.deepEqual(matchingFiles(store.db, REPO, 'work').files, [], 'the repository\'s own folder in the absolute path is no match');
  assert.deepEqual(resolveFileFilter(store.db, REPO, `${REPO}/api/signup.ts`).path, 'api/signup.ts', 'an absolute path names its file');
  const reviewed = boardFileHistory(store.db, REPO, 'migrate', 8);
  assert.equal(reviewed.path, 'db/migrate/1_add.rb', 'a file only reviewed has history too');
  assert.deepEqual(reviewed.entries.map((e) => e.kind), ['override', 'review']);
  assert.deepEqual(matchingFiles(store.db, REPO, '%').files, [], 'LIKE wildcards are taken literally');
  store.close();
});

test('the board\'s file history: one timeline newest first, counts of all of it, paged', async (t) => {
  const store = await record(t);
  const h = boardFileHistory(store.db, REPO, 'api/signup.ts', 8);
  assert.equal(h.path, 'api/signup.ts');
  assert.equal(h.filter, 'api/signup.ts');
  assert.deepEqual(h.counts, { sessions: 3, decisions: 1, reviews: 1, overrides: 0, failures: 1 });
  assert.equal(h.total, 5);
  assert.deepEqual(h.entries.map((e) => `${e.kind}:${'id' in e ? e.id : ''}`), ['session:s3', 'decision:' + (h.entries[1]?.kind === 'decision' ? h.entries[1].id : '?'), 'review:rev-1', 'session:s2', 'session:s1']);
  const ats = h.entries.map((e) => e.at ?? 0);
  assert.deepEqual(ats, [...ats].sort((a, b) => b - a), 'newest first');
  const s2 = h.entries.find((e) => e.kind === 'session' && e.id === 's2');
  assert.ok(s2?.kind === 'session');
  assert.equal(s2.intent, 'Validate emails <script>alert(1)</script>', 'record text is carried as it is: the webview makes it text');
  assert.deepEqual(s2.failures, [{ command: 'npm test -- signup', exitCode: 1, commit: 'b'.repeat(40), fixed: true }]);
  const review = h.entries.find((e) => e.kind === 'review');
  assert.deepEqual(review?.kind === 'review' ? review.concerns : undefined, [{ line: 3, severity: 'high', title: 'Password compared without constant time' }]);

  const page = boardFileHistory(store.db, REPO, 'api/signup.ts', 2);
  assert.deepEqual(page.entries.map((e) => e.kind), ['session', 'decision'], 'the newest two');
  assert.equal(page.total, 5, 'counts cover what is not shown');
  assert.equal(page.counts.sessions, 3);
  store.close();
});

test('a filter matching many files names the newest few and counts the rest; no match says so', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  store.append([started('s', T0, 'many files'), ...Array.from({ length: HISTORY_CANDIDATES + 3 }, (_, i) => edit('s', T0 + i, `src/mod${i}.ts`))]);
  const h = boardFileHistory(store.db, REPO, 'src/mod', 8);
  assert.equal(h.path, undefined);
  assert.equal(h.candidates.length, HISTORY_CANDIDATES);
  assert.deepEqual(h.candidates.slice(0, 3), ['src/mod0.ts', 'src/mod1.ts', 'src/mod10.ts'], 'in path order');
  assert.equal(h.moreCandidates, 3);
  assert.deepEqual(h.entries, []);
  assert.equal(h.candidatesCapped, false);
  const none = boardFileHistory(store.db, REPO, 'nothing/here.ts', 8);
  assert.deepEqual([none.path, none.candidates, none.total], [undefined, [], 0]);
  store.close();
});

test('a filter matching more paths than are looked at says there are more; an exact path is still found', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  store.append([started('s', T0, 'a big change'), ...Array.from({ length: MATCH_SCAN + 20 }, (_, i) => edit('s', T0 + i, `src/gen/f${i}.ts`))]);
  const broad = boardFileHistory(store.db, REPO, 'src/gen', 8);
  assert.equal(broad.candidatesCapped, true);
  assert.equal(broad.candidates.length + broad.moreCandidates, MATCH_SCAN);
  assert.equal(broad.candidates[0], 'src/gen/f0.ts');
  const last = Array.from({ length: MATCH_SCAN + 20 }, (_, i) => `src/gen/f${i}.ts`).sort().at(-1) as string;
  const looked = matchingFiles(store.db, REPO, 'src/gen').files;
  assert.equal(looked.length, MATCH_SCAN);
  assert.ok(!looked.includes(last), 'the last path in order is beyond the ones looked at');
  const oldest = boardFileHistory(store.db, REPO, last, 8);
  assert.equal(oldest.path, last, 'beyond the paths looked at, typed exactly');
  assert.equal(oldest.counts.sessions, 1);
  store.close();
});
