import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { LEASE_FILE } from '../../../src/core/gates/localStore';
import { gitRepo, tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const GATE_PROCESS = join(__dirname, '..', '..', 'gate-process.js');

function fd(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** Runs the CLI as someone else: git reads the identity from these variables before the repository's config. */
const as = (name: string): Record<string, string> => ({ GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: name, GIT_CONFIG_KEY_1: 'user.email', GIT_CONFIG_VALUE_1: `${name.toLowerCase()}@example.com` });

async function lockHistory(repo: string): Promise<Record<string, unknown>[]> {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  try {
    const r = store.db.exec(`SELECT action, holder, reason, lock_id, scope, pid, by, previous_holder FROM lock_history
       JOIN events ON events.id = lock_history.event_id ORDER BY events.seq`)[0];
    return (r?.values ?? []).map((row) => Object.fromEntries(r!.columns.map((c, i) => [c, row[i]])));
  } finally {
    store.close();
  }
}

test('lock acquire exits 0, a second acquire by someone else exits 3 naming who, since when and why; release frees it; all recorded', async (t) => {
  const repo = gitRepo(t);
  const a = await fd(['lock', 'acquire', '--reason', 'release 1.4', '--json'], repo, as('Alice'));
  assert.equal(a.code, 0, a.err);
  const lock = JSON.parse(a.out).lock as { id: string; who: string };
  assert.equal(lock.who, 'Alice <alice@example.com>');
  assert.ok(existsSync(join(repo, '.git', 'flightdeck', LEASE_FILE)));

  const b = await fd(['lock', 'acquire'], repo, as('Bob'));
  assert.equal(b.code, 3);
  assert.match(b.out, /held by Alice <alice@example\.com> on \S+ \(cli\) since \d{4}-\d\d-\d\dT[\d:.]+Z \([^)]*\): "release 1\.4"; lock id lock-/);

  assert.equal((await fd(['lock', 'release'], repo, as('Bob'))).code, 3, 'not Bob\'s lock');
  const status = await fd(['lock', 'status', '--json'], repo, as('Bob'));
  assert.equal(JSON.parse(status.out).lock.id, lock.id);
  const rel = await fd(['lock', 'release'], repo, as('Alice'));
  assert.equal(rel.code, 0, rel.out + rel.err);
  assert.equal(existsSync(join(repo, '.git', 'flightdeck', LEASE_FILE)), false);
  assert.equal((await fd(['lock', 'release'], repo, as('Alice'))).code, 1, 'nothing to release');
  assert.equal((await fd(['lock', 'acquire'], repo, as('Bob'))).code, 0);

  const history = await lockHistory(repo);
  assert.deepEqual(history.map((h) => [h.action, h.holder, h.scope]), [
    ['acquired', 'Alice <alice@example.com>', 'local'],
    ['released', 'Alice <alice@example.com>', 'local'],
    ['acquired', 'Bob <bob@example.com>', 'local'],
  ]);
  assert.equal(history[0]?.lock_id, lock.id);
  assert.equal(history[0]?.reason, 'release 1.4');
});

test('usage errors exit 2; force-unlock needs the id and a reason, refuses a wrong id (exit 1) and records whose lock it broke', async (t) => {
  const repo = gitRepo(t);
  for (const args of [['lock'], ['lock', 'grab'], ['lock', 'force-unlock', '--reason', 'x'], ['lock', 'force-unlock', '--id', 'lock-x'], ['lock', 'heartbeat'], ['queue', 'jump'], ['lock', 'acquire', '--pid', 'abc'], ['lock', 'acquire', '--lease', '0']]) {
    const r = await fd(args, repo);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, /^flightdeck: /);
  }
  const a = await fd(['lock', 'acquire', '--json', '--reason', 'hotfix'], repo, as('Alice'));
  const id = JSON.parse(a.out).lock.id as string;
  const wrong = await fd(['lock', 'force-unlock', '--id', 'lock-nope', '--reason', 'stuck'], repo, as('Bob'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.out, new RegExp(`has id ${id}, not lock-nope`));
  const ok = await fd(['lock', 'force-unlock', '--id', id, '--reason', 'Alice is on a plane'], repo, as('Bob'));
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /force-unlocked .*held by Alice/);
  const forced = (await lockHistory(repo)).find((h) => h.action === 'force-unlocked');
  assert.deepEqual([forced?.reason, forced?.by, forced?.previous_holder, forced?.lock_id], ['Alice is on a plane', 'Bob <bob@example.com>', 'Alice <alice@example.com>', id]);
});

test('heartbeat renews a lock by id (exit 0) and says when the lock is gone (exit 1)', async (t) => {
  const repo = gitRepo(t);
  const a = JSON.parse((await fd(['lock', 'acquire', '--json', '--lease', '5'], repo)).out).lock as { id: string; heartbeat: number };
  const h = await fd(['lock', 'heartbeat', '--id', a.id, '--json'], repo);
  assert.equal(h.code, 0, h.err);
  assert.ok(JSON.parse(h.out).lock.heartbeat >= a.heartbeat);
  assert.equal((await fd(['lock', 'heartbeat', '--id', 'lock-other'], repo)).code, 1);
  await fd(['lock', 'release', '--id', a.id], repo);
  const gone = await fd(['lock', 'heartbeat', '--id', a.id], repo);
  assert.equal(gone.code, 1);
  assert.match(gone.out, /no longer held/);
});

test('a holder killed with SIGKILL is detected (its process is gone) and its lock released with a record of why', async (t) => {
  const repo = gitRepo(t);
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  const a = await fd(['lock', 'acquire', '--pid', String(holder.pid), '--reason', 'deploying', '--json'], repo, as('Alice'));
  assert.equal(a.code, 0, a.err);
  assert.equal((await fd(['lock', 'acquire'], repo, as('Bob'))).code, 3, 'held while its process lives');
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  holder.kill('SIGKILL');
  await exited;
  const b = await fd(['lock', 'acquire', '--reason', 'next'], repo, as('Bob'));
  assert.equal(b.code, 0, b.out + b.err);
  const history = await lockHistory(repo);
  const expired = history.find((h) => h.action === 'expired');
  assert.equal(expired?.holder, 'Alice <alice@example.com>');
  assert.equal(expired?.pid, holder.pid);
  assert.match(String(expired?.reason), new RegExp(`^holder process ${holder.pid} on \\S+ is gone$`));
  assert.deepEqual(history.map((h) => h.action), ['acquired', 'expired', 'acquired']);
});

test('several processes racing for the local lock: never two holders at once, every attempt accounted for, every hold recorded', async (t) => {
  const repo = gitRepo(t);
  const markers = tempDir(t, 'fd-markers-');
  const dir = join(repo, '.git', 'flightdeck');
  const PROCS = 8;
  const ATTEMPTS = 200;
  const runs = await Promise.all(
    Array.from({ length: PROCS }, () =>
      new Promise<{ acquired: number; held: number; doubles: number }>((resolve, reject) => {
        const child = spawn(process.execPath, [GATE_PROCESS, dir, String(ATTEMPTS), markers]);
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
      }),
    ),
  );
  for (const r of runs) {
    assert.equal(r.doubles, 0, 'a holder found another holder');
    assert.equal(r.acquired + r.held, ATTEMPTS);
    assert.ok(r.acquired > 0, 'every process got the lock at least once');
  }
  const total = runs.reduce((n, r) => n + r.acquired, 0);
  const history = await lockHistory(repo);
  assert.equal(history.filter((h) => h.action === 'acquired').length, total);
  assert.equal(history.filter((h) => h.action === 'released').length, total);
  assert.equal(existsSync(join(dir, LEASE_FILE)), false);
  assert.equal(readFileSync(join(dir, 'journal.jsonl'), 'utf8').includes('"action":"expired"'), false);
});

test('queue join/leave through the CLI: a hotfix goes first, the head is told it is its turn when the lock frees, others wait (exit 3)', async (t) => {
  const repo = gitRepo(t);
  const a = await fd(['lock', 'acquire', '--json'], repo, as('Alice'));
  assert.equal(a.code, 0);
  assert.equal((await fd(['queue', 'join', '--reason', 'feature'], repo, as('Bob'))).code, 0);
  const carol = await fd(['queue', 'join', '--hotfix', '--reason', 'outage'], repo, as('Carol'));
  assert.match(carol.out, /Joined the ship queue as a hotfix: number 1/);
  const status = JSON.parse((await fd(['queue', 'status', '--json'], repo)).out) as { queue: { who: string; hotfix: boolean }[] };
  assert.deepEqual(status.queue.map((e) => [e.who, e.hotfix]), [['Carol <carol@example.com>', true], ['Bob <bob@example.com>', false]]);
  assert.equal((await fd(['lock', 'release'], repo, as('Alice'))).code, 0);
  const human = await fd(['queue', 'status'], repo);
  assert.match(human.out, /1\. Carol <carol@example\.com> .*\[hotfix, its turn: \d+ min left to take the lock\]: "outage"/);
  const bob = await fd(['lock', 'acquire'], repo, as('Bob'));
  assert.equal(bob.code, 3);
  assert.match(bob.out, /it is Carol <carol@example\.com>'s turn/);
  assert.equal((await fd(['lock', 'acquire'], repo, as('Carol'))).code, 0);
  assert.equal((await fd(['queue', 'leave'], repo, as('Carol'))).code, 1, 'taking the lock took Carol out of the queue');
  assert.equal((await fd(['queue', 'leave'], repo, as('Bob'))).code, 0);
  const journal = readFileSync(join(repo, '.git', 'flightdeck', 'journal.jsonl'), 'utf8');
  assert.match(journal, /"kind":"queue.changed".*"action":"turn".*"who":"Carol/);
  assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }), '', 'the lock lives in the record, not the working tree');
});

test('lock acquire and release, run around every deploy, load no node:crypto, no streams and print their lines whole', (t) => {
  const repo = gitRepo(t);
  const probe = join(tempDir(t), 'probe.js');
  writeFileSync(probe, `process.on('exit', () => require('fs').writeSync(3, JSON.stringify(process.moduleLoadList)));`);
  for (const args of [['lock', 'acquire', '--reason', 'deploy 42'], ['lock', 'release']]) {
    const r = spawnSync(process.execPath, ['-r', probe, CLI, ...args], { cwd: repo, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, args[1] === 'acquire' ? /^Deploy lock acquired \(local lock\); lock id \S+\nRelease it with: flightdeck lock release --id \S+\n$/ : /^Deploy lock released \(local lock\)/);
    const loaded = JSON.parse(String(r.output[3])) as string[];
    assert.ok(loaded.includes('NativeModule fs'), 'the probe saw the module list');
    for (const heavy of ['NativeModule crypto', 'NativeModule internal/streams/readable']) assert.ok(!loaded.includes(heavy), `${args[1]}: ${heavy} was loaded`);
  }
  // Each subcommand keeps its compiled code beside the bundle (src/cli/bundleCache.ts); a mistyped one does not.
  const dist = dirname(CLI);
  assert.ok(readdirSync(dist).some((f) => f.startsWith('cli-lock.js.lock-acquire.') && f.endsWith('.v8cache')));
  const typo = spawnSync(process.execPath, [CLI, 'lock', 'grabb'], { cwd: repo, encoding: 'utf8' });
  assert.equal(typo.status, 2, typo.stderr);
  assert.deepEqual(readdirSync(dist).filter((f) => f.includes('grabb')), []);
});
