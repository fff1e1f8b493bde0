import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { recordedShips, rollbackPlan } from '../../../src/core/gates/recordedShips';
import { boardShips } from '../../../src/core/report/boardShips';
import { renderDashboard } from '../../../src/core/report/dashboard';
import { gitRepo } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const fd = (args: string[], cwd: string): { code: number; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const commit = (repo: string, path: string, text: string): string => {
  writeFileSync(join(repo, path), text);
  git(repo, 'add', path);
  git(repo, 'commit', '-q', '-m', `${path}: ${text.trim()}`);
  return git(repo, 'rev-parse', 'HEAD');
};
const shipId = (repo: string): string => (JSON.parse(fd(['ship', '--json'], repo).out) as { shipId: string }).shipId;

async function readRecord<T>(repo: string, read: (store: RecordStore) => T): Promise<T> {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

test('flightdeck rollback SHIP_ID prepares the revert of exactly the shipped range on rollback/<ship>, and records it', async (t) => {
  const repo = gitRepo(t);
  const v1 = commit(repo, 'app.js', 'v1\n');
  shipId(repo);
  commit(repo, 'app.js', 'v2\n');
  const v3 = commit(repo, 'lib.js', 'lib\n');
  const id = shipId(repo);
  // Work after the ship stays: the revert is made on top of the current HEAD.
  const later = commit(repo, 'notes.md', 'later\n');

  const list = fd(['rollback'], repo);
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, new RegExp(`${id}.*\\n.*git switch -c rollback/${id} && git revert --no-edit ${v1.slice(0, 12)}\\.\\.${v3.slice(0, 12)}`));

  const r = fd(['rollback', id], repo);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`Prepared rollback/${id} from main: 2 revert commit\\(s\\)`));
  assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), `rollback/${id}`);
  assert.equal(git(repo, 'rev-parse', 'HEAD~2'), later);
  assert.equal(readFileSync(join(repo, 'app.js'), 'utf8'), 'v1\n');
  assert.throws(() => readFileSync(join(repo, 'lib.js')));
  assert.equal(readFileSync(join(repo, 'notes.md'), 'utf8'), 'later\n');
  assert.equal(git(repo, 'rev-parse', 'main'), later, 'the branch it came from is untouched');

  const ships = await readRecord(repo, (s) => recordedShips(s.db));
  const ship = ships.find((s) => s.id === id);
  assert.equal(ship?.prepared?.branch, `rollback/${id}`);
  assert.match(ship?.prepared?.by ?? '', /Test/);
  // The board and the dashboard show the same command, read-only.
  const board = await readRecord(repo, (s) => boardShips(s.db));
  assert.equal(board[0]?.id, id);
  assert.equal(board[0]?.rollback, ship && rollbackPlan(ship).command);
  assert.equal(board[0]?.commits, 2);
  const html = await readRecord(repo, (s) => renderDashboard(s.db, { title: 'x' }));
  assert.ok(html.includes(`git switch -c rollback/${id} &amp;&amp; git revert --no-edit ${v1.slice(0, 12)}..${v3.slice(0, 12)}`), 'the dashboard shows the rollback command');
  assert.ok(html.includes(`Rollback prepared on rollback/${id}`));

  // Prepared once: a second try says the branch exists and changes nothing.
  git(repo, 'switch', '-q', 'main');
  const again = fd(['rollback', id], repo);
  assert.equal(again.code, 1);
  assert.match(again.out, /already exists.*Nothing was changed/);
  assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), 'main');
});

test('rollback refuses a dirty tree before changing anything, and stops on a conflict saying how to finish or back out', async (t) => {
  const repo = gitRepo(t);
  commit(repo, 'app.js', 'v1\n');
  shipId(repo);
  commit(repo, 'app.js', 'v2\n');
  const id = shipId(repo);
  const head = git(repo, 'rev-parse', 'HEAD');

  writeFileSync(join(repo, 'app.js'), 'editing\n');
  const dirty = fd(['rollback', id], repo);
  assert.equal(dirty.code, 1);
  assert.match(dirty.out, /uncommitted changes \(app\.js\).*git stash.*Nothing was changed/);
  assert.equal(git(repo, 'branch', '--list', 'rollback/*'), '');
  assert.equal(readFileSync(join(repo, 'app.js'), 'utf8'), 'editing\n');
  git(repo, 'checkout', '--', 'app.js');

  // A later change to the same line: the revert conflicts.
  commit(repo, 'app.js', 'v3\n');
  const r = fd(['rollback', id], repo);
  assert.equal(r.code, 4, r.out + r.err);
  assert.match(r.out, new RegExp(`conflict in app\\.js\\. You are on rollback/${id}, mid-revert\\. To finish: .*git revert --continue.*To back out: \`git revert --abort && git switch main && git branch -D rollback/${id}\``));
  // The commands it gives do back out to exactly where it was.
  git(repo, 'revert', '--abort');
  git(repo, 'switch', '-q', 'main');
  git(repo, 'branch', '-D', `rollback/${id}`);
  assert.equal(git(repo, 'status', '--porcelain'), '');
  assert.notEqual(git(repo, 'rev-parse', 'HEAD'), head);
  const prepared = await readRecord(repo, (s) => s.db.exec(`SELECT data FROM events WHERE kind = 'rollback.prepared'`)[0]?.values.map((v) => JSON.parse(String(v[0])) as { status: string; conflicts: string[] }));
  assert.deepEqual(prepared?.map((p) => [p.status, p.conflicts]), [['conflict', ['app.js']]]);

  assert.equal(fd(['rollback', 'ship-nope'], repo).code, 1);
  assert.equal(fd(['rollback', 'a', 'b'], repo).code, 2);
});

test('in enforce mode an open review is noted with the ship; the dashboard shows it', async (t) => {
  const repo = gitRepo(t);
  mkdirSync(join(repo, '.flightdeck'));
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), JSON.stringify({ mode: 'enforce' }));
  commit(repo, 'app.js', 'v1\n');
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  try {
    store.append([{ kind: 'review.opened', source: 'cli', data: { reviewId: 'rev-1', subject: 'auth: src/auth.ts', files: ['src/auth.ts'] } }]);
  } finally {
    store.close();
  }
  const s = fd(['ship'], repo);
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /open reviews when shipped: review rev-1 of auth: src\/auth\.ts is pending/);
  const board = await readRecord(repo, (st) => boardShips(st.db));
  assert.deepEqual(board[0]?.reviews, { open: 1, override: undefined });
});
