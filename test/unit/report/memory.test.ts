import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import type { NewEvent } from '../../../src/core/record/events';
import { appendToJournal } from '../../../src/core/record/appendToJournal';
import { activeSessionFromJournal, decisionEvent, DecisionError, repoRelative } from '../../../src/core/capture/decision';
import { fileHistory, fileHistoryCount, fileHistoryMarkdown, fileKey } from '../../../src/core/report/fileHistory';
import { buildMemory } from '../../../src/core/report/memory';
import { MEMORY_END, MEMORY_START, MemoryBlockError, replaceMemoryBlock, writeMemoryBlock } from '../../../src/core/report/memoryBlock';
import { memoryFor, MEMORY_FILE, readMemoryFile } from '../../../src/core/report/memoryFile';
import { keepMemory } from '../../../src/core/report/memoryWriter';
import { tempDir } from '../helpers/tmp';

const REPO = '/repo';
const T0 = Date.UTC(2026, 10, 20, 9);
// Built at run time: no secret-shaped literal in the source.
const SECRET = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'.split('').reverse().join('')}`;

const started = (session: string, at: number, intent: string, branch: string): NewEvent => ({
  kind: 'session.started', session, at, source: 'claude-transcript', data: { agent: 'claude-code', intent, branch, repo: REPO, cwd: REPO },
});
const check = (session: string, at: number, id: string, command: string, exitCode: number): NewEvent[] => [
  { kind: 'tool.called', session, at, data: { toolUseId: id, tool: 'Bash', command, check: 'test' } },
  { kind: 'tool.result', session, at: at + 1, data: { toolUseId: id, tool: 'Bash', command, check: 'test', outcome: exitCode ? 'error' : 'ok', exitCode, commit: 'a'.repeat(40) } },
];
const edit = (session: string, at: number, path: string): NewEvent => ({ kind: 'file.changed', session, at, source: 'files', data: { path: `${REPO}/${path}`, change: 'modified' } });

/** Three sessions on feat/signup (one broke the tests and fixed them), one elsewhere, a decision, an open review. */
async function record(t: Parameters<typeof tempDir>[0]): Promise<RecordStore> {
  const store = await RecordStore.open(tempDir(t));
  store.append([
    started('s-old', T0, 'First cut of the signup endpoint', 'feat/signup'),
    edit('s-old', T0 + 10, 'api/signup.ts'),
    { kind: 'tool.called', session: 's-old', at: T0 + 20, data: { toolUseId: 'r1', tool: 'Bash', command: 'git restore api/signup.ts' } },
    started('s-fix', T0 + 1000, `Validate emails (key ${SECRET})`, 'feat/signup'),
    ...check('s-fix', T0 + 1010, 'c1', 'npm test -- signup', 1),
    edit('s-fix', T0 + 1020, 'api/validate.ts'),
    ...check('s-fix', T0 + 1030, 'c2', 'npm test -- signup', 0),
    ...check('s-fix', T0 + 1040, 'c3', 'npm run lint', 1),
    started('s-docs', T0 + 2000, 'Fix README typos', 'docs'),
    edit('s-docs', T0 + 2010, 'README.md'),
    {
      kind: 'review.opened', session: 's-fix', at: T0 + 1100, source: 'review',
      data: { reviewId: 'rev-1', subject: 'auth: api/signup.ts', files: [{ path: 'api/signup.ts', change: 'modified', categories: ['auth'] }] },
    },
    {
      kind: 'review.verdict', at: T0 + 1101, source: 'review',
      data: { reviewId: 'rev-1', engine: 'rules', status: 'concerns', concerns: [{ file: 'api/signup.ts', line: 3, severity: 'high', title: 'Password compared without constant time' }] },
    },
    { kind: 'override.recorded', at: T0 + 1200, data: { gate: 'push', subject: 'push of api/signup.ts', reason: 'hotfix for the outage, tests pass', by: 'dev' } },
    decisionEvent({ text: 'Emails are validated on the server only; the client check is advisory', files: ['api/signup.ts', 'api/validate.ts'], session: 's-fix', by: 'dev', source: 'cli' }),
  ].map((e, i) => ({ ...e, at: e.at ?? T0 + 1300 + i })));
  return store;
}

test('a file\'s history: the sessions that changed it, decisions, failures, reverts, reviews and overrides', async (t) => {
  const store = await record(t);
  const key = fileKey(REPO, `${REPO}/api/signup.ts`)!;
  assert.deepEqual(fileHistoryCount(store.db, key), { sessions: 1, decisions: 1 });
  assert.deepEqual(fileHistoryCount(store.db, fileKey(REPO, 'api/validate.ts')!), { sessions: 1, decisions: 1 });
  assert.deepEqual(fileHistoryCount(store.db, fileKey(REPO, 'src/untouched.ts')!), { sessions: 0, decisions: 0 });
  assert.equal(fileKey(REPO, '/elsewhere/x.ts'), undefined, 'a file outside the repository has no key');
  const h = fileHistory(store.db, key);
  assert.deepEqual(h.sessions.map((s) => s.id), ['s-old']);
  assert.deepEqual(h.sessions[0]?.reverts, ['git restore api/signup.ts']);
  assert.equal(h.decisions[0]?.text, 'Emails are validated on the server only; the client check is advisory');
  assert.equal(h.reviews[0]?.id, 'rev-1');
  assert.equal(h.reviews[0]?.concerns[0]?.title, 'Password compared without constant time');
  assert.equal(h.overrides[0]?.reason, 'hotfix for the outage, tests pass', 'an override naming the file');
  const v = fileHistory(store.db, fileKey(REPO, 'api/validate.ts')!);
  assert.equal(v.sessions[0]?.failures.length, 2);
  assert.ok(v.sessions[0]?.failures[0]?.fixedAt, 'the failed test passed later in the session');
  assert.equal(v.sessions[0]?.failures[1]?.fixedAt, undefined, 'the lint failure never did');
  const md = fileHistoryMarkdown(v);
  assert.match(md, /^# History of api\/validate\.ts/);
  assert.match(md, /`npm test -- signup` failed \(exit 1\) at aaaaaaaaaaaa, passed again later/);
  assert.match(fileHistoryMarkdown(fileHistory(store.db, fileKey(REPO, 'nothing.ts')!)), /no history for this file yet/);
  store.close();
});

test('the hand-off puts open concerns and decisions first, tells what broke and how it was fixed, and never carries a secret', async (t) => {
  const store = await record(t);
  const m = buildMemory(store.db, { branch: 'feat/signup', now: T0 + 5000 });
  assert.ok(!m.includes(SECRET), 'the planted secret is redacted');
  assert.match(m, /Validate emails \(key \[REDACTED/);
  const order = ['## Open review concerns', '## Decisions', '## What broke', '## Recent sessions on feat/signup', '## History of the files'].map((h) => m.indexOf(h));
  assert.ok(order.every((i) => i >= 0), m);
  assert.deepEqual([...order].sort((a, b) => a - b), order, 'most useful first');
  assert.match(m, /api\/signup\.ts:3 \[high\] Password compared without constant time/);
  assert.match(m, /`npm test -- signup` failed \(exit 1\) at aaaaaaaaaaaa, passed again .* after changes to api\/validate\.ts/);
  assert.match(m, /still failing: `npm run lint`/);
  assert.ok(!m.includes('Fix README typos'), 'another branch\'s session is not this branch\'s history');
  assert.match(buildMemory(store.db, { now: T0 }), /Fix README typos/, 'the repository-wide memory has every branch');
  store.close();
});

test('the hand-off is capped, keeps whole lines, and says what it left out', async (t) => {
  const store = await record(t);
  const many: NewEvent[] = [];
  for (let i = 0; i < 40; i++) many.push(decisionEvent({ text: `Decision number ${i}: ${'why '.repeat(40)}`, files: ['api/signup.ts'], source: 'cli' }));
  store.append(many.map((e, i) => ({ ...e, at: T0 + 10_000 + i })));
  for (const max of [600, 1500, 4000]) {
    const m = buildMemory(store.db, { branch: 'feat/signup', maxChars: max });
    assert.ok(m.length <= max, `${m.length} > ${max}`);
    if (max < 4000) assert.match(m, /more lines? left out/);
    assert.ok(m.split('\n').every((l) => !l.endsWith('…') || l.length < 400), 'lines are whole or clipped on purpose');
  }
  const small = buildMemory(store.db, { branch: 'feat/signup', maxChars: 600 });
  assert.match(small, /## Open review concerns/, 'the open concern survives the smallest cap');
  const empty = await RecordStore.open(tempDir(t));
  assert.equal(buildMemory(empty.db), '', 'an empty record hands on nothing');
  empty.close();
  store.close();
});

test('memory.json is rebuilt when the store opens behind the journal and after events that matter', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  store.append([started('s1', T0, 'Start the billing page', 'main')]);
  const kept = keepMemory(store);
  kept.flush();
  const first = readMemoryFile(dir);
  assert.ok(first, 'written on open');
  assert.match(memoryFor(first, 'main'), /Start the billing page/);
  store.append([{ kind: 'note', data: { text: 'unimportant' } }]);
  kept.flush();
  assert.equal(readMemoryFile(dir)?.offset, first.offset, 'a note changes nothing in the hand-off');
  store.append([decisionEvent({ text: 'Invoices are immutable once sent', files: [], source: 'cli' })]);
  kept.dispose();
  assert.match(memoryFor(readMemoryFile(dir)!, 'main'), /Invoices are immutable once sent/);
  assert.match(memoryFor(readMemoryFile(dir)!, 'no-such-branch'), /Invoices are immutable/, 'another branch gets the repository-wide memory');
  store.close();
  // A decision appended while no one held the record open: the next opener rebuilds.
  appendToJournal(dir, [decisionEvent({ text: 'Refunds go through the ledger', files: [], source: 'cli' })]);
  const again = await RecordStore.open(dir);
  keepMemory(again).dispose();
  again.close();
  assert.match(readMemoryFile(dir)!.any, /Refunds go through the ledger/);
  writeFileSync(join(dir, MEMORY_FILE), '{"not":"ours"}');
  assert.equal(readMemoryFile(dir), undefined, 'a file that is not ours is ignored, not trusted');
});

test('a decision: text redacted, files repository-relative, refused outside the repository or empty', (t) => {
  const e = decisionEvent({ text: `  Use the vault, not ${SECRET}  `, files: ['b.ts', 'a.ts', 'a.ts'], source: 'cli' });
  assert.ok(!JSON.stringify(e).includes(SECRET));
  assert.deepEqual(e.data.files, ['a.ts', 'b.ts']);
  assert.throws(() => decisionEvent({ text: '   ', files: [], source: 'cli' }), DecisionError);
  assert.throws(() => decisionEvent({ text: 'x'.repeat(5000), files: [], source: 'cli' }), DecisionError);
  assert.equal(repoRelative('/repo', 'src/a.ts', '/repo/sub'), 'sub/src/a.ts');
  assert.equal(repoRelative('/repo', '/repo/src/a.ts'), 'src/a.ts');
  assert.throws(() => repoRelative('/repo', '../other/a.ts'), DecisionError);
  // The agent's session, from the journal's tail.
  const dir = tempDir(t);
  assert.equal(activeSessionFromJournal(dir), undefined);
  const now = Date.now();
  appendToJournal(dir, [{ kind: 'hook.received', session: 'agent-1', at: now - 60_000, data: {} }, { kind: 'note', at: now, data: { text: 'x' } }]);
  assert.equal(activeSessionFromJournal(dir, now), 'agent-1');
  assert.equal(activeSessionFromJournal(dir, now + 3_600_000), undefined, 'an hour later no session is current');
});

test('the memory block in AGENTS.md is replaced in place; the rest of the file is untouched', (t) => {
  const before = '# Agents\r\n\r\nRun `npm test` first.\r\n';
  const once = replaceMemoryBlock(before, 'memory one');
  assert.ok(once.startsWith(before), 'appended after everything that was there');
  assert.ok(once.includes(`${MEMORY_START}\nmemory one\n${MEMORY_END}`));
  const handEdited = once.replace('memory one', 'memory one\n\nsomeone typed here too') + '\n## After the block\nkeep me\n';
  const twice = replaceMemoryBlock(handEdited, 'memory two');
  assert.equal(twice, handEdited.replace('memory one\n\nsomeone typed here too', 'memory two'), 'only between the markers');
  assert.throws(() => replaceMemoryBlock(`x\n${MEMORY_START}\nhalf a block\n## My notes\n`, 'm'), MemoryBlockError, 'a missing end marker is refused');
  assert.throws(() => replaceMemoryBlock(`${MEMORY_END}\n${MEMORY_START}\n`, 'm'), MemoryBlockError);
  assert.throws(() => replaceMemoryBlock(`${MEMORY_START}${MEMORY_END}${MEMORY_START}${MEMORY_END}`, 'm'), MemoryBlockError);
  const dir = tempDir(t);
  const path = join(dir, 'AGENTS.md');
  assert.equal(writeMemoryBlock(path, 'fresh'), true);
  assert.equal(readFileSync(path, 'utf8'), `${MEMORY_START}\nfresh\n${MEMORY_END}\n`);
  assert.equal(writeMemoryBlock(path, 'fresh'), false, 'the same memory twice changes nothing');
  writeFileSync(path, `mine\n${MEMORY_START}\nbroken`);
  assert.throws(() => writeMemoryBlock(path, 'new'), MemoryBlockError);
  assert.equal(readFileSync(path, 'utf8'), `mine\n${MEMORY_START}\nbroken`, 'a refused write leaves the file as it was');
  assert.ok(!existsSync(`${path}.${process.pid}.flightdeck.tmp`));
});
