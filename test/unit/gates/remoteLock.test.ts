import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const LOCK_REF = 'refs/flightdeck/deploy-lock';

function fd(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** A bare "remote" and one clone per person, each with its own git identity. */
function team(t: { after(fn: () => void): void }, people: string[]): { remote: string; clones: Record<string, string> } {
  const root = tempDir(t, 'fd-team-');
  const remote = join(root, 'remote.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  const seed = join(root, 'seed');
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, 'config', 'user.name', 'Seed');
  git(seed, 'config', 'user.email', 'seed@example.com');
  git(seed, 'commit', '-q', '--allow-empty', '-m', 'start');
  git(seed, 'push', '-q', remote, 'main');
  const clones: Record<string, string> = {};
  for (const name of people) {
    const dir = join(root, name);
    git(root, 'clone', '-q', remote, dir);
    git(dir, 'config', 'user.name', name);
    git(dir, 'config', 'user.email', `${name.toLowerCase()}@example.com`);
    clones[name] = dir;
  }
  return { remote, clones };
}

const remoteLock = (remote: string): string => {
  try {
    return git(remote, 'rev-parse', '--verify', '-q', LOCK_REF);
  } catch {
    return '';
  }
};

test('two clones race for the team lock, round after round: exactly one wins, the loser exits 3 naming the winner', async (t) => {
  const { remote, clones } = team(t, ['Alice', 'Bob']);
  const A = clones.Alice as string;
  const B = clones.Bob as string;
  for (let round = 0; round < 4; round++) {
    const [a, b] = await Promise.all([
      fd(['lock', 'acquire', '--remote', 'origin', '--reason', `round ${round}`], A),
      fd(['lock', 'acquire', '--remote', 'origin', '--reason', `round ${round}`], B),
    ]);
    assert.deepEqual([a.code, b.code].sort(), [0, 3], `round ${round}: ${a.out}${a.err} | ${b.out}${b.err}`);
    const [winner, loser, winnerDir] = a.code === 0 ? ['Alice', b, A] : ['Bob', a, B];
    assert.match(loser.out, new RegExp(`held by ${winner} <${winner.toLowerCase()}@example\\.com> on .*"round ${round}"; lock id lock-`));
    // Both clones see the same holder.
    for (const dir of [A, B]) assert.equal(JSON.parse((await fd(['lock', 'status', '--remote', 'origin', '--json'], dir)).out).lock.who, `${winner} <${winner.toLowerCase()}@example.com>`);
    const rel = await fd(['lock', 'release', '--remote', 'origin'], winnerDir);
    assert.equal(rel.code, 0, rel.out + rel.err);
    assert.equal(remoteLock(remote), '', 'released: the ref is deleted');
  }
});

test('the lock ref is a commit of an empty tree whose message is the lock info; the working trees never change', async (t) => {
  const { remote, clones } = team(t, ['Alice']);
  const A = clones.Alice as string;
  const r = await fd(['lock', 'acquire', '--remote', 'origin', '--reason', 'v2.0', '--json'], A);
  assert.equal(r.code, 0, r.err);
  const sha = remoteLock(remote);
  assert.match(sha, /^[0-9a-f]{40}$/);
  assert.equal(git(remote, 'rev-parse', `${sha}^{tree}`), git(remote, 'hash-object', '-t', 'tree', '/dev/null'));
  const info = JSON.parse(git(remote, 'log', '-1', '--format=%B', sha)) as { id: string; who: string; reason: string };
  assert.deepEqual([info.id, info.who, info.reason], [JSON.parse(r.out).lock.id, 'Alice <alice@example.com>', 'v2.0']);
  assert.equal(git(A, 'status', '--porcelain'), '');
  assert.equal(git(A, 'rev-parse', 'HEAD'), git(remote, 'rev-parse', 'main'));
});

test('force-unlock through the remote needs the id and is recorded; the old holder then finds nothing to release', async (t) => {
  const { remote, clones } = team(t, ['Alice', 'Bob']);
  const A = clones.Alice as string;
  const B = clones.Bob as string;
  const id = JSON.parse((await fd(['lock', 'acquire', '--remote', 'origin', '--json'], A)).out).lock.id as string;
  assert.equal((await fd(['lock', 'force-unlock', '--remote', 'origin', '--id', 'lock-wrong', '--reason', 'stale'], B)).code, 1);
  assert.notEqual(remoteLock(remote), '');
  const f = await fd(['lock', 'force-unlock', '--remote', 'origin', '--id', id, '--reason', 'Alice left for the day'], B);
  assert.equal(f.code, 0, f.out + f.err);
  assert.equal(remoteLock(remote), '');
  assert.equal((await fd(['lock', 'release', '--remote', 'origin'], A)).code, 1);
  const store = await RecordStore.open(join(B, '.git', 'flightdeck'), { readOnly: true });
  try {
    const row = store.db.exec(`SELECT action, scope, previous_holder, reason, lock_id FROM lock_history WHERE action = 'force-unlocked'`)[0]?.values[0];
    assert.deepEqual(row, ['force-unlocked', 'remote', 'Alice <alice@example.com>', 'Alice left for the day', id]);
  } finally {
    store.close();
  }
});

test('a remote that cannot be reached is a clear error (exit 1), never a silent "free"', async (t) => {
  const { clones } = team(t, ['Alice']);
  const A = clones.Alice as string;
  git(A, 'remote', 'add', 'gone', join(A, '..', 'no-such-remote.git'));
  for (const sub of ['status', 'acquire']) {
    const r = await fd(['lock', sub, '--remote', 'gone'], A);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /^flightdeck: cannot reach the remote "gone" for the team deploy lock: /);
    assert.doesNotMatch(r.out, /free|acquired/);
  }
});

test('the policy turns the team lock on; the team queue orders a hotfix first and gives the freed lock to its head', async (t) => {
  const { remote, clones } = team(t, ['Alice', 'Bob', 'Carol']);
  for (const dir of Object.values(clones)) {
    mkdirSync(join(dir, '.flightdeck'), { recursive: true });
    writeFileSync(join(dir, '.flightdeck', 'policy.json'), JSON.stringify({ deploy: { lock: 'remote', remote: 'origin', graceSeconds: 300 } }));
  }
  const [A, B, C] = [clones.Alice as string, clones.Bob as string, clones.Carol as string];
  assert.equal((await fd(['lock', 'acquire'], A)).code, 0);
  assert.notEqual(remoteLock(remote), '', 'the policy put the lock on the remote');
  assert.equal((await fd(['queue', 'join'], B)).code, 0);
  assert.equal((await fd(['queue', 'join', '--hotfix'], C)).code, 0);
  const seen = JSON.parse((await fd(['queue', 'status', '--json'], A)).out) as { scope: string; queue: { who: string }[] };
  assert.equal(seen.scope, 'remote');
  assert.deepEqual(seen.queue.map((e) => e.who), ['Carol <carol@example.com>', 'Bob <bob@example.com>']);
  assert.equal((await fd(['lock', 'release'], A)).code, 0);
  const bob = await fd(['lock', 'acquire'], B);
  assert.equal(bob.code, 3);
  assert.match(bob.out, /it is Carol <carol@example\.com>'s turn/);
  assert.equal((await fd(['lock', 'acquire'], C)).code, 0);
  const after = JSON.parse((await fd(['lock', 'status', '--json'], B)).out) as { lock: { who: string }; queue: { who: string }[] };
  assert.equal(after.lock.who, 'Carol <carol@example.com>');
  assert.deepEqual(after.queue.map((e) => e.who), ['Bob <bob@example.com>']);
});
