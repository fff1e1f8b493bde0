import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordError } from '../../../src/core/record/errors';
import type { NewEvent, RecordEvent } from '../../../src/core/record/events';
import { listEvents } from '../../../src/core/record/queries';
import { archiveOlderThan } from '../../../src/core/record/archive';
import { RecordStore } from '../../../src/core/record/store';
import { PREVIOUS_SNAPSHOT_FILE, SNAPSHOT_FILE } from '../../../src/core/record/snapshot';
import { boardSessions } from '../../../src/core/report/boardState';
import { renderDashboard } from '../../../src/core/report/dashboard';
import { buildMemory } from '../../../src/core/report/memory';
import { recordedShips } from '../../../src/core/gates/recordedShips';
import { activeSessionFromJournal } from '../../../src/core/capture/decision';
import { sessionsNeedingGit } from '../../../src/core/capture/gitHistory';
import { activeSession } from '../../../src/core/capture/workspaceActivity';
import { agentStoppedSince, lastSeq } from '../../../src/core/review/automatic';
import { authorSlug } from '../../../src/core/team/author';
import { TeamSync } from '../../../src/core/team/sync';
import { tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
// Built at run time: no secret-shaped literal in the source.
const SECRET = `ghp_${'0123456789abcdefghijABCDEFGHIJklmnop'}`;

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

interface Team {
  remote: string;
  clones: Record<string, string>;
}

/** A bare "remote" and one clone per machine, each with the git identity given (two machines may share one). */
function team(t: { after(fn: () => void): void }, machines: Record<string, string>): Team {
  const root = tempDir(t, 'fd-sync-');
  const remote = join(root, 'remote.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  const seed = join(root, 'seed');
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '--allow-empty', '-m', 'start');
  git(seed, 'push', '-q', remote, 'main');
  const clones: Record<string, string> = {};
  for (const [machine, email] of Object.entries(machines)) {
    const dir = join(root, machine);
    git(root, 'clone', '-q', remote, dir);
    git(dir, 'config', 'user.name', machine);
    git(dir, 'config', 'user.email', email);
    clones[machine] = dir;
  }
  return { remote, clones };
}

const recordOf = (clone: string): string => join(clone, '.git', 'flightdeck');

/** A short agent session as the record holds it: start, a prompt, an edit, a check, a decision. */
function session(id: string, intent: string, at = Date.now()): NewEvent[] {
  return [
    { kind: 'session.started', session: id, source: 'claude-hook', at, data: { agent: 'claude-code', branch: 'main', intent } },
    { kind: 'tool.called', session: id, source: 'claude-transcript', at: at + 1, data: { tool: 'Edit', path: `src/${id}.ts`, action: 'modified' } },
    { kind: 'tool.called', session: id, source: 'claude-transcript', at: at + 2, data: { toolUseId: `t-${id}`, command: 'npm test', check: 'test' } },
    { kind: 'tool.result', session: id, source: 'claude-transcript', at: at + 3, data: { toolUseId: `t-${id}`, command: 'npm test', exitCode: 0, outcome: 'ok', check: 'test' } },
    { kind: 'decision.recorded', session: id, source: 'cli', at: at + 4, data: { text: `decided in ${id}`, files: [], by: id } },
  ];
}

async function record(clone: string, events: NewEvent[]): Promise<RecordEvent[]> {
  const store = await RecordStore.open(recordOf(clone));
  try {
    return store.append(events);
  } finally {
    store.close();
  }
}

async function sync(clone: string, remote = 'origin'): Promise<ReturnType<TeamSync['run']> extends Promise<infer R> ? R : never> {
  const store = await RecordStore.open(recordOf(clone));
  try {
    return await new TeamSync(store, clone, remote).run();
  } finally {
    store.close();
  }
}

async function look<T>(clone: string, fn: (store: RecordStore) => T): Promise<T> {
  const store = await RecordStore.open(recordOf(clone), { readOnly: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

const sessionsOf = (store: RecordStore): Record<string, string | null> =>
  Object.fromEntries((store.db.exec('SELECT id, author FROM sessions ORDER BY id')[0]?.values ?? []).map(([id, a]) => [String(id), a === null ? null : String(a)]));
const count = (store: RecordStore, sql: string): number => Number(store.db.exec(sql)[0]?.values[0]?.[0] ?? 0);

/** The ids in every chunk of a record ref on the bare remote, with how often each occurs. */
function idsOnRemote(remote: string, ref: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const line of git(remote, 'ls-tree', ref).split('\n').filter(Boolean)) {
    const blob = line.split(/\s+/)[2] as string;
    for (const l of git(remote, 'cat-file', 'blob', blob).split('\n').filter(Boolean)) {
      const id = (JSON.parse(l) as RecordEvent).id;
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
  }
  return ids;
}

test('two clones and a bare remote: after a sync each sees the other\'s sessions, decisions and checks, with their author', async (t) => {
  const { remote, clones } = team(t, { alice: 'alice@example.com', bob: 'Bob@Example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  await record(A, session('sess-alice', 'add signup'));
  await record(B, session('sess-bob', 'fix login'));

  const a1 = await sync(A);
  assert.equal(a1.pushed, 5);
  assert.equal(a1.ref, 'refs/flightdeck/records/alice@example.com');
  const b1 = await sync(B);
  assert.equal(b1.pushed, 5);
  assert.equal(b1.imported, 5, 'Bob takes in Alice\'s session');
  assert.equal(b1.ref, 'refs/flightdeck/records/bob@example.com', 'the ref is a safe slug of the email');
  const a2 = await sync(A);
  assert.equal(a2.imported, 5, 'and Alice Bob\'s');
  assert.equal(a2.pushed, 0);

  await look(A, (s) => {
    assert.deepEqual(sessionsOf(s), { 'sess-alice': null, 'sess-bob': 'Bob@Example.com' }, 'own sessions have no author; the teammate\'s carry it');
    const [d] = s.db.exec(`SELECT text, author FROM decisions WHERE session_id = 'sess-bob'`)[0]?.values ?? [];
    assert.deepEqual(d, ['decided in sess-bob', 'Bob@Example.com']);
    assert.equal(count(s, `SELECT count(*) FROM checks WHERE session_id = 'sess-bob' AND passed = 1`), 1, 'the teammate\'s checks are derived too');
    assert.equal(count(s, `SELECT count(*) FROM files WHERE session_id = 'sess-bob'`), 1);
  });
  await look(B, (s) => assert.deepEqual(sessionsOf(s), { 'sess-alice': 'alice@example.com', 'sess-bob': null }));
  assert.deepEqual(a2.teammates, [{ author: 'Bob@Example.com', sessions: 1, events: 5 }]);
  // Only the two records' refs on the remote; no branch or working tree touched.
  assert.deepEqual(git(remote, 'for-each-ref', '--format=%(refname)', 'refs/flightdeck/').split('\n').sort(), [
    'refs/flightdeck/records/alice@example.com', 'refs/flightdeck/records/bob@example.com',
  ]);
  assert.equal(git(A, 'status', '--porcelain'), '');
});

test('repeated syncs double nothing: no new commit, no journal growth; a new event goes up as one more chunk on top of the last commit', async (t) => {
  const { remote, clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  await record(A, session('s-a', 'one'));
  await record(B, session('s-b', 'two'));
  for (const c of [A, B, A]) await sync(c);
  const ref = 'refs/flightdeck/records/alice@example.com';
  const tip = git(remote, 'rev-parse', ref);
  const counts = async (c: string): Promise<[number, number]> => look(c, (s) => [count(s, 'SELECT count(*) FROM events'), count(s, 'SELECT count(*) FROM sessions')]);
  const before = [await counts(A), await counts(B)];
  const journal = (c: string): number => statSync(join(recordOf(c), 'journal.jsonl')).size;
  const journals = [journal(A), journal(B)];
  for (let i = 0; i < 3; i++) {
    const a = await sync(A);
    const b = await sync(B);
    assert.deepEqual([a.pushed, a.imported, b.pushed, b.imported], [0, 0, 0, 0], `round ${i}`);
  }
  assert.deepEqual([await counts(A), await counts(B)], before, 'same events and sessions after three more rounds');
  assert.deepEqual([journal(A), journal(B)], journals, 'nothing written to either journal');
  assert.equal(git(remote, 'rev-parse', ref), tip, 'nothing new: the ref did not move');
  assert.ok([...idsOnRemote(remote, ref).values()].every((n) => n === 1), 'each event once on the remote');

  const oldChunks = git(remote, 'ls-tree', ref).split('\n');
  const [added] = await record(A, [{ kind: 'note', source: 'cli', data: { text: 'one more' } }]);
  const again = await sync(A);
  assert.equal(again.pushed, 1, 'only the new event');
  const next = git(remote, 'rev-parse', ref);
  assert.equal(git(remote, 'rev-parse', `${next}^`), tip, 'the new commit is parented on the previous one: history appended, not rewritten');
  const newChunks = git(remote, 'ls-tree', ref).split('\n');
  assert.equal(newChunks.length, oldChunks.length + 1);
  assert.deepEqual(newChunks.slice(0, oldChunks.length), oldChunks, 'earlier chunk files unchanged');
  const b = await sync(B);
  assert.equal(b.imported, 1);
  await look(B, (s) => assert.equal(listEvents(s.db, { kind: 'note' })[0]?.id, added?.id));
  // Replay is idempotent: reopening from the journal alone (no snapshot) gives the same record, authors included.
  for (const f of [SNAPSHOT_FILE, PREVIOUS_SNAPSHOT_FILE]) rmSync(join(recordOf(B), f), { force: true });
  await look(B, (s) => {
    assert.equal(count(s, 'SELECT count(*) FROM events WHERE author IS NOT NULL'), 6);
    assert.equal(sessionsOf(s)['s-a'], 'alice@example.com');
  });
});

test('what is pushed is exactly what the record lists (flightdeck log --json), redacted; local bookkeeping and gate state stay home', async (t) => {
  const { remote, clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  const recorded = await record(A, [
    ...session('s-a', 'one'),
    // An event recorded raw (an older Flightdeck): the push redacts it all the same.
    { kind: 'note', source: 'cli', data: { text: `token ${SECRET}` } },
    { kind: 'task.started', source: 'vscode', data: { intent: 'my task', boundary: ['src/**'] } },
    { kind: 'review.opened', source: 'vscode', data: { reviewId: 'rev-1', subject: 'x', files: [] } },
  ]);
  await sync(A);
  const ref = 'refs/flightdeck/records/alice@example.com';
  const pushed = git(remote, 'ls-tree', ref).split('\n').flatMap((l) => git(remote, 'cat-file', 'blob', l.split(/\s+/)[2] as string).split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as RecordEvent);
  assert.ok(!JSON.stringify(pushed).includes(SECRET), 'no secret leaves the machine');
  assert.equal(pushed.find((e) => e.kind === 'note')?.data.text, 'token [REDACTED:github-token]');
  assert.deepEqual(pushed.map((e) => e.kind).sort(), ['decision.recorded', 'note', 'session.started', 'tool.called', 'tool.called', 'tool.result']);
  // Apart from the raw note, each pushed event is the record's own listing of it.
  const listed = await look(A, (s) => listEvents(s.db, { limit: 100 }));
  for (const e of pushed.filter((p) => p.kind !== 'note')) assert.deepEqual(e, listed.find((l) => l.id === e.id), e.kind);
  assert.equal(recorded.length, 8);
  await sync(B);
  await look(B, (s) => {
    assert.equal(count(s, `SELECT count(*) FROM events WHERE kind IN ('task.started', 'review.opened')`), 0, 'a teammate\'s task or review never gates this clone');
    assert.ok(!JSON.stringify(listEvents(s.db, { limit: 100 })).includes(SECRET));
  });
});

test('pushes to different refs never conflict: two people sync at the same moment, round after round', async (t) => {
  const { remote, clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  // The remote takes its time over each push, so the two pushes overlap.
  writeFileSync(join(remote, 'hooks', 'pre-receive'), '#!/bin/sh\ncat >/dev/null\nsleep 0.3\n', { mode: 0o755 });
  for (let round = 0; round < 4; round++) {
    await record(A, session(`a-${round}`, `alice ${round}`));
    await record(B, session(`b-${round}`, `bob ${round}`));
    const [a, b] = await Promise.all([sync(A), sync(B)]);
    assert.equal(a.pushed, 5, `round ${round}: Alice's push went through`);
    assert.equal(b.pushed, 5, `round ${round}: Bob's push went through`);
    assert.deepEqual([a.retried, b.retried], [0, 0], `round ${round}: neither push had to be made again`);
  }
  await sync(A);
  await sync(B);
  for (const c of [A, B]) await look(c, (s) => assert.equal(Object.keys(sessionsOf(s)).length, 8, 'everyone has every session'));
  assert.equal(idsOnRemote(remote, 'refs/flightdeck/records/alice@example.com').size, 20);
  assert.equal(idsOnRemote(remote, 'refs/flightdeck/records/bob@example.com').size, 20);
});

test('one author on two machines racing for the same ref: compare-and-swap, the loser takes in the winner\'s chunks and pushes only its own', async (t) => {
  const { remote, clones } = team(t, { laptop: 'alice@example.com', desktop: 'alice@example.com', bob: 'bob@example.com' });
  const L = clones.laptop as string;
  const D = clones.desktop as string;
  const ref = 'refs/flightdeck/records/alice@example.com';
  // The remote takes its time over each push, so both machines read the ref before either moves it.
  writeFileSync(join(remote, 'hooks', 'pre-receive'), '#!/bin/sh\ncat >/dev/null\nsleep 0.4\n', { mode: 0o755 });
  let retried = 0;
  for (let round = 0; round < 3; round++) {
    await record(L, session(`laptop-${round}`, 'on the laptop'));
    await record(D, session(`desktop-${round}`, 'on the desktop'));
    const [l, d] = await Promise.all([sync(L), sync(D)]);
    assert.equal(l.pushed + d.pushed, 10, `round ${round}: both machines' events went up`);
    retried += l.retried + d.retried;
  }
  assert.ok(retried >= 1, 'the race was run: a push lost and was made again');
  const ids = idsOnRemote(remote, ref);
  assert.equal(ids.size, 30, 'all of Alice\'s events from both machines');
  assert.ok([...ids.values()].every((n) => n === 1), 'none twice');
  // The history is one line: every commit has at most one parent.
  assert.ok(git(remote, 'rev-list', '--parents', ref).split('\n').every((l) => l.split(' ').length <= 2));
  await sync(L);
  await sync(D);
  for (const c of [L, D]) await look(c, (s) => assert.equal(Object.keys(sessionsOf(s)).length, 6));
  await look(L, (s) => assert.equal(sessionsOf(s)['desktop-0'], 'alice@example.com', 'the other machine\'s sessions are imported, never pushed again'));
  const bob = await sync(clones.bob as string);
  assert.equal(bob.imported, 30);
});

test('an unreachable remote, a missing remote or a missing identity is a clear error; the record stays as it was and writable', async (t) => {
  const { clones } = team(t, { alice: 'alice@example.com' });
  const A = clones.alice as string;
  await record(A, session('s-a', 'one'));
  git(A, 'remote', 'set-url', 'origin', join(A, '..', 'no-such-remote.git'));
  await assert.rejects(sync(A), (e: unknown) => e instanceof RecordError && e.code === 'EREMOTE' && /cannot reach the remote "origin" to sync the team record/.test(e.message));
  await assert.rejects(sync(A, 'upstream'), (e: unknown) => e instanceof RecordError && /no git remote named "upstream"/.test(e.message));
  await look(A, (s) => assert.equal(count(s, 'SELECT count(*) FROM events'), 5));
  await record(A, [{ kind: 'note', data: { text: 'still recording' } }]);
  const cli = spawnSync(process.execPath, [CLI, 'sync', '--repo', A], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /^flightdeck: cannot reach the remote "origin" to sync the team record: /);
  assert.equal(cli.stdout, '');
  git(A, 'config', 'user.email', '');
  await assert.rejects(sync(A), /git config user\.email/);
});

test('flightdeck sync says what it shared and that nothing leaves otherwise; --json gives the counts', async (t) => {
  const { clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  await record(clones.bob as string, session('s-b', 'two'));
  await sync(clones.bob as string);
  await record(clones.alice as string, session('s-a', 'one'));
  const r = spawnSync(process.execPath, [CLI, 'sync', '--repo', clones.alice as string], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Shared 5 of your events \(redacted.*\) on origin as refs\/flightdeck\/records\/alice@example\.com/);
  assert.match(r.stdout, /bob@example\.com: 1 sessions, 5 events/);
  assert.match(r.stdout, /nothing else leaves this machine/);
  const j = spawnSync(process.execPath, [CLI, 'sync', '--repo', clones.alice as string, '--json'], { encoding: 'utf8' });
  assert.deepEqual({ ...JSON.parse(j.stdout), teammates: undefined }, {
    remote: 'origin', ref: 'refs/flightdeck/records/alice@example.com', author: 'alice@example.com', pushed: 0, imported: 0, skipped: 0, teammates: undefined, retried: 0, unreadArchives: [],
  });
});

test('author slugs are one safe ref component whatever the email looks like', () => {
  assert.equal(authorSlug('Alice.Smith@Example.COM'), 'alice.smith@example.com');
  assert.equal(authorSlug(' .weird..name/with spaces@host.lock'), 'weird.name-with-spaces@host');
  assert.equal(authorSlug('a@{b}'), 'a@-b-');
  for (const email of ['x/../y@z', '..@..', 'name~^:?*[\\@h']) {
    const slug = authorSlug(email);
    const ok = spawnSync('git', ['check-ref-format', `refs/flightdeck/records/${slug}`]);
    assert.equal(ok.status, 0, `${email} -> ${slug}`);
  }
});

test('the board, the hand-off and the dashboard show the team\'s sessions, decisions and ships, each with its author', async (t) => {
  const { clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  await record(A, session('sess-alice', 'add signup'));
  await record(B, [
    ...session('sess-bob', 'fix login'),
    { kind: 'ship.recorded', source: 'cli', data: { shipId: 'ship-bob-1', commit: 'a'.repeat(40), target: 'production', status: 'shipped', by: 'Bob <bob@example.com>' } },
  ]);
  await sync(B);
  await sync(A);
  await look(A, (s) => {
    const board = boardSessions(s.db);
    assert.deepEqual(board.map((x) => [x.id, x.author]).sort(), [['sess-alice', undefined], ['sess-bob', 'bob@example.com']]);
    assert.deepEqual(boardSessions(s.db, { text: 'bob@' }).map((x) => x.id), ['sess-bob'], 'the board\'s search finds a teammate\'s sessions by author');
    const memory = buildMemory(s.db, { branch: 'main' });
    assert.match(memory, /"fix login" by bob@example\.com: 1 file changed/);
    assert.match(memory, /"add signup": 1 file changed/, 'own sessions carry no author');
    assert.match(memory, /decided in sess-bob \(sess-bob\)/);
    const ships = recordedShips(s.db);
    assert.deepEqual(ships.map((x) => [x.id, x.author]), [['ship-bob-1', 'bob@example.com']]);
    const html = renderDashboard(s.db, { title: 'team' });
    assert.match(html, /<th>Author<\/th>/);
    assert.match(html, /<td>bob@example\.com<\/td>/);
    assert.match(html, /this machine/);
    assert.match(html, /from bob@example\.com&#39;s record/);
    assert.match(html, /decided in sess-bob \(sess-bob, from bob@example\.com&#39;s record\)/, 'the teammate\'s decision, with whose it is');
  });
});

test('a teammate\'s live session never takes this clone\'s edits, decisions, git facts or automatic reviews', async (t) => {
  const { clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  await record(A, session('sess-alice', 'older, mine', Date.now() - 10 * 60_000));
  await record(B, [...session('sess-bob', 'just now, Bob\'s'), { kind: 'hook.received', session: 'sess-bob', source: 'claude-hook', data: { hook: 'Stop' } }]);
  await sync(B);
  const before = await look(A, (s) => lastSeq(s.db));
  await sync(A);
  await look(A, (s) => {
    assert.equal(activeSession(s.db), 'sess-alice', 'workspace activity goes to our own session');
    assert.equal(agentStoppedSince(s.db, before), false, 'Bob\'s Stop hook does not start a review here');
    assert.deepEqual(sessionsNeedingGit(s.db).map((x) => x.id), ['sess-alice'], 'git facts are worked out for our own sessions only');
  });
  assert.equal(activeSessionFromJournal(recordOf(A)), 'sess-alice', 'flightdeck decide files into our own session');
});

test('own events archived before they were pushed are pushed from the archive, exactly once; a teammate\'s archived events never are', async (t) => {
  const { remote, clones } = team(t, { alice: 'alice@example.com', bob: 'bob@example.com' });
  const A = clones.alice as string;
  const B = clones.bob as string;
  const longAgo = Date.now() - 400 * 86_400_000;
  await record(A, [...session('s-archived', 'old work', longAgo), ...session('s-live', 'new work')]);
  const archiveOn = async (clone: string): Promise<number> => {
    const store = await RecordStore.open(recordOf(clone));
    try {
      return archiveOlderThan(store, 1).events;
    } finally {
      store.close();
    }
  };
  assert.equal(await archiveOn(A), 5, 'the old session is archived before the first sync');
  await look(A, (s) => assert.equal(count(s, `SELECT count(*) FROM events WHERE session_id = 's-archived'`), 0));

  const first = await sync(A);
  assert.equal(first.pushed, 10, 'the live session and the archived one');
  assert.deepEqual(first.unreadArchives, []);
  const ref = 'refs/flightdeck/records/alice@example.com';
  const ids = idsOnRemote(remote, ref);
  assert.equal(ids.size, 10);
  assert.ok([...ids.values()].every((n) => n === 1), 'each event once on the remote');

  // Pushed, then archived: the archive file is read once more, and nothing in it goes up again.
  await record(A, session('s-later', 'later work', longAgo + 86_400_000));
  assert.equal((await sync(A)).pushed, 5);
  assert.equal(await archiveOn(A), 5);
  for (let i = 0; i < 2; i++) assert.equal((await sync(A)).pushed, 0, `round ${i}: nothing is pushed twice`);
  assert.ok([...idsOnRemote(remote, ref).values()].every((n) => n === 1));
  // This clone's sync state lost: every id is checked against the ref, archives included, and still nothing doubles.
  rmSync(join(recordOf(A), 'team-sync.json'));
  assert.equal((await sync(A)).pushed, 0);
  assert.equal(idsOnRemote(remote, ref).size, 15);

  const b = await sync(B);
  assert.equal(b.imported, 15);
  await look(B, (s) => assert.deepEqual(sessionsOf(s), { 's-archived': 'alice@example.com', 's-later': 'alice@example.com', 's-live': 'alice@example.com' }));
  // Bob archives Alice's old sessions on his clone: they are hers, never pushed on his ref.
  assert.equal(await archiveOn(B), 10);
  await record(B, session('s-bob', 'bob work'));
  assert.equal((await sync(B)).pushed, 5);
  assert.deepEqual([...idsOnRemote(remote, 'refs/flightdeck/records/bob@example.com').keys()].filter((id) => ids.has(id)), [], 'none of Alice\'s events on Bob\'s ref');
});

test('an archive file that cannot be read is named and tried again; the rest of the record is still shared', async (t) => {
  const { remote, clones } = team(t, { alice: 'alice@example.com' });
  const A = clones.alice as string;
  await record(A, [...session('s-old', 'old', Date.now() - 400 * 86_400_000), ...session('s-new', 'new')]);
  const store = await RecordStore.open(recordOf(A));
  const [file] = archiveOlderThan(store, 1).files;
  store.close();
  assert.ok(file);
  const path = join(recordOf(A), 'archive', file);
  const body = readFileSync(path);
  writeFileSync(path, 'not gzip');
  const first = await sync(A);
  assert.deepEqual([first.pushed, first.unreadArchives], [5, [file]]);
  writeFileSync(path, body);
  const second = await sync(A);
  assert.deepEqual([second.pushed, second.unreadArchives], [5, []], 'read back once it is whole again');
  assert.equal(idsOnRemote(remote, 'refs/flightdeck/records/alice@example.com').size, 10);
});
