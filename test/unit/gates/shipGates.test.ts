import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import type { NewEvent } from '../../../src/core/record/events';
import { gitRepo, tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const fd = (args: string[], cwd: string): { code: number; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function commitFile(repo: string, path: string, text: string, message: string): { commit: string; tree: string } {
  writeFileSync(join(repo, path), text);
  git(repo, 'add', path);
  git(repo, 'commit', '-q', '-m', message);
  return { commit: git(repo, 'rev-parse', 'HEAD'), tree: git(repo, 'rev-parse', 'HEAD^{tree}') };
}

let n = 0;
/** A check as the hooks record it: the command's result with the commit, the working tree's id and whether it was dirty. */
function check(kind: string, command: string, exitCode: number, commit: string, tree: string, dirty: boolean, at: number): NewEvent {
  return { kind: 'tool.result', session: 's1', source: 'claude-hook', at, data: { toolUseId: `t${++n}`, command, exitCode, check: kind, commit, tree, dirty } };
}

async function record(repo: string, events: NewEvent[]): Promise<void> {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  try {
    store.append(events);
  } finally {
    store.close();
  }
}

function policy(repo: string, deploy: Record<string, unknown>): void {
  mkdirSync(join(repo, '.flightdeck'), { recursive: true });
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), JSON.stringify({ deploy }));
}

test('check-ship counts only checks that ran on exactly the commit shipped: an older commit or uncommitted changes prove nothing', async (t) => {
  const repo = gitRepo(t);
  policy(repo, { requiredChecks: ['test', 'build'] });
  git(repo, 'add', '.flightdeck');
  git(repo, 'commit', '-q', '-m', 'policy');
  const old = commitFile(repo, 'app.js', 'v1\n', 'v1');
  const now = commitFile(repo, 'app.js', 'v2\n', 'v2');
  await record(repo, [
    check('test', 'npm test', 0, now.commit, now.tree, false, 1000),
    check('build', 'npm run build', 0, old.commit, old.tree, false, 1001),
    check('build', 'npm run build', 0, now.commit, 'f'.repeat(40), true, 1002),
  ]);
  const r1 = fd(['check-ship'], repo);
  assert.equal(r1.code, 1, r1.err);
  assert.match(r1.out, /test: passed — `npm test` exited 0/);
  assert.match(r1.out, /build: missing — no run on this code in the record; a pass at [0-9a-f]{12} with uncommitted changes does not count/);
  const json = JSON.parse(fd(['check-ship', '--json'], repo).out) as { ok: boolean; commit: string; checks: { kind: string; status: string }[] };
  assert.equal(json.commit, now.commit);
  assert.deepEqual(json.checks.map((c) => [c.kind, c.status]), [['test', 'passed'], ['build', 'missing']]);

  // A build on a tree identical to the commit's proves it, whatever HEAD said.
  await record(repo, [check('build', 'npm run build', 0, old.commit, now.tree, true, 1003)]);
  assert.equal(fd(['check-ship'], repo).code, 0);
  // The older commit still lacks its test; and a later failing test on this commit outweighs the earlier pass.
  assert.equal(fd(['check-ship', '--commit', old.commit], repo).code, 1);
  await record(repo, [check('test', 'npm test', 1, now.commit, now.tree, false, 1004)]);
  const r2 = fd(['check-ship'], repo);
  assert.equal(r2.code, 1);
  assert.match(r2.out, /test: failed — its latest run on this code, `npm test`, exited 1/);
  assert.equal(fd(['check-ship', '--commit', 'no-such-thing'], repo).code, 1);
});

test('kickoff: clean and current with its base passes and is recorded; a dirty tree or a base that moved on says exactly what is wrong', async (t) => {
  const root = tempDir(t, 'fd-kick-');
  const remote = join(root, 'remote.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  const mine = join(root, 'mine');
  git(root, 'clone', '-q', remote, mine);
  for (const [k, v] of [['user.name', 'Me'], ['user.email', 'me@example.com']]) git(mine, 'config', k as string, v as string);
  commitFile(mine, 'a.txt', '1\n', 'one');
  git(mine, 'push', '-q', '-u', 'origin', 'main');

  const ok = fd(['kickoff'], mine);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /main at [0-9a-f]{12} is clean and current with origin\/main/);

  writeFileSync(join(mine, 'a.txt'), 'edited\n');
  const dirty = fd(['kickoff'], mine);
  assert.equal(dirty.code, 1);
  assert.match(dirty.out, /the working tree is not clean \(1 change: a\.txt\)/);
  git(mine, 'checkout', '-q', '--', 'a.txt');

  const other = join(root, 'other');
  git(root, 'clone', '-q', remote, other);
  for (const [k, v] of [['user.name', 'Other'], ['user.email', 'o@example.com']]) git(other, 'config', k as string, v as string);
  commitFile(other, 'b.txt', '2\n', 'two');
  git(other, 'push', '-q', 'origin', 'main');
  const behind = fd(['kickoff', '--json'], mine);
  assert.equal(behind.code, 1);
  const r = JSON.parse(behind.out) as { problems: string[]; behind: number; baseCommit: string };
  assert.equal(r.behind, 1, 'the fetch saw the new base');
  assert.equal(r.baseCommit, git(other, 'rev-parse', 'HEAD'));
  assert.match(r.problems.join('\n'), /main is not current with origin\/main: 1 commit behind/);

  const store = await RecordStore.open(join(mine, '.git', 'flightdeck'), { readOnly: true });
  try {
    const kinds = store.db.exec(`SELECT json_extract(data, '$.ok') FROM events WHERE kind = 'kickoff.recorded' ORDER BY seq`)[0]?.values.map((v) => v[0]);
    assert.deepEqual(kinds, [1, 0, 0]);
  } finally {
    store.close();
  }
});

test('ship records what went out, the previous ship, the checks, the lock it held and how to roll back', async (t) => {
  const repo = gitRepo(t);
  policy(repo, { requiredChecks: ['test'] });
  git(repo, 'add', '.flightdeck');
  git(repo, 'commit', '-q', '-m', 'policy');
  const first = commitFile(repo, 'app.js', 'v1\n', 'v1');
  await record(repo, [check('test', 'npm test', 0, first.commit, first.tree, false, 1000)]);
  const s1 = fd(['ship', '--target', 'production', '--json'], repo);
  assert.equal(s1.code, 0, s1.err);
  const d1 = JSON.parse(s1.out) as { previousCommit: string | null; lockId: string | null; checks: { ok: boolean } };
  assert.deepEqual([d1.previousCommit, d1.lockId, d1.checks.ok], [null, null, true]);

  commitFile(repo, 'app.js', 'v2\n', 'v2');
  const second = commitFile(repo, 'lib.js', 'x\n', 'v3');
  const lock = JSON.parse(fd(['lock', 'acquire', '--json', '--reason', 'ship v3'], repo).out).lock as { id: string };
  const s2 = fd(['ship', '--target', 'production'], repo);
  assert.equal(s2.code, 0, s2.err);
  assert.match(s2.out, new RegExp(`to production \\(shipped\\) by Test <test@example\\.com> under lock ${lock.id}`));
  assert.match(s2.out, new RegExp(`previous ship: ${first.commit.slice(0, 12)}; 2 commit\\(s\\), 2 files changed`));
  assert.match(s2.out, /test: missing/);
  assert.match(s2.out, new RegExp(`git revert --no-edit ${first.commit.slice(0, 12)}\\.\\.${second.commit.slice(0, 12)}`));

  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  try {
    const rows = store.db.exec('SELECT commit_sha, previous_commit, lock_id, status, target FROM ships ORDER BY at')[0]?.values;
    assert.deepEqual(rows, [[first.commit, null, null, 'shipped', 'production'], [second.commit, first.commit, lock.id, 'shipped', 'production']]);
  } finally {
    store.close();
  }
  assert.equal(fd(['ship', '--outcome', 'maybe'], repo).code, 2);
});

test('check-ship: a teammate\'s pass on the same commit counts only when the policy sets deploy.acceptTeamChecks, and then is named', async (t) => {
  const repo = gitRepo(t);
  policy(repo, { requiredChecks: ['test'] });
  git(repo, 'add', '.flightdeck');
  git(repo, 'commit', '-q', '-m', 'policy');
  const head = commitFile(repo, 'app.js', 'v1\n', 'v1');
  // Bob's session, as team sync imports it: his events carry his author.
  const bob = (e: NewEvent): NewEvent => ({ ...e, session: 'bob-session', author: 'bob@example.com' });
  await record(repo, [
    bob({ kind: 'session.started', source: 'claude-hook', at: 900, data: { agent: 'claude-code' } }),
    bob(check('test', 'npm test', 0, head.commit, head.tree, false, 1000)),
  ]);
  const off = fd(['check-ship'], repo);
  assert.equal(off.code, 1, 'by default only checks recorded on this clone count');
  assert.match(off.out, /test: missing — no run on this code in the record; bob@example\.com's pass on this code \(`npm test` at .*\) does not count: only checks run on this clone do, unless the policy sets deploy\.acceptTeamChecks/);
  const offJson = JSON.parse(fd(['check-ship', '--json'], repo).out) as { checks: { status: string; teammate?: { author: string } }[] };
  assert.equal(offJson.checks[0]?.teammate?.author, 'bob@example.com');

  policy(repo, { requiredChecks: ['test'], acceptTeamChecks: true });
  const on = fd(['check-ship'], repo);
  assert.equal(on.code, 0, on.out + on.err);
  assert.match(on.out, /test: passed — `npm test` exited 0 at .* — bob@example\.com's pass, counted because deploy\.acceptTeamChecks is on/);
  const ship = fd(['ship', '--json'], repo);
  assert.equal(ship.code, 0, ship.err);
  const checks = (JSON.parse(ship.out) as { checks: unknown }).checks;
  assert.match(JSON.stringify(checks), /bob@example\.com/, 'the ship records whose pass proved it');

  // This clone's own pass counts either way, and is named as no one's.
  policy(repo, { requiredChecks: ['test'] });
  await record(repo, [check('test', 'npm test', 0, head.commit, head.tree, false, 2000)]);
  const mine = fd(['check-ship'], repo);
  assert.equal(mine.code, 0, mine.out);
  assert.doesNotMatch(mine.out, /bob@example\.com/);
});
