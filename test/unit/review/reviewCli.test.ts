import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { listEvents } from '../../../src/core/record/queries';
import { buildTrail } from '../../../src/core/report/trail';
import { goneReviews } from '../../../src/core/review/reviewChanges';
import { trailToMarkdown } from '../../../src/core/report/trailMarkdown';
import { gitRepo } from '../helpers/tmp';
import { recordTestedSession } from '../helpers/sessions';
import { messagesServer, type Reply } from './messagesServer';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const AWS_KEY = 'AKIAQ3EGVP7XKM2ZT4NB';

/** Runs the CLI without blocking this process (a test's own HTTP server must keep answering). */
function fd(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    delete base.ANTHROPIC_API_KEY;
    delete base.ANTHROPIC_BASE_URL;
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...base, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

const git = (repo: string, ...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

/** A repository with a session-expiry model committed, then a risky working-tree change on top. */
function riskyRepo(t: { after(fn: () => void): void }): string {
  const repo = gitRepo(t);
  write(repo, 'app/auth/session.rb', 'class Session\n  def active?\n    last_seen_at > 30.minutes.ago\n  end\nend\n');
  write(repo, 'README.md', 'app\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'session model');
  write(repo, 'app/auth/session.rb', `class Session\n  def active?\n    true\n  end\n  KEY = "${AWS_KEY}"\nend\n`);
  write(repo, 'db/migrate/20260301120000_add_expires_at.rb', 'class AddExpiresAt < ActiveRecord::Migration[7.1]\n  def up\n    add_column :sessions, :expires_at, :datetime\n  end\nend\n');
  return repo;
}

async function reviewEvents(repo: string) {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  try {
    return listEvents(store.db, { limit: 1000 }).filter((e) => e.kind.startsWith('review.')).reverse();
  } finally {
    store.close();
  }
}

test('review with nothing risky exits 0 and records nothing', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'README.md', 'hello\n');
  const r = await fd(['review'], repo);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Nothing to review: no risky changes since [0-9a-f]{12} \(1 changed files\)\.$/m);
  assert.deepEqual(await reviewEvents(repo), []);
});

test('review (rules) of an untested auth change with a secret and a migration without down: exit 1, concerns printed and recorded with who', async (t) => {
  const repo = riskyRepo(t);
  const r = await fd(['review'], repo);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /^Review rev-\S+ of auth, migrations, secrets: app\/auth\/session\.rb, db\/migrate\/20260301120000_add_expires_at\.rb: concerns$/m);
  assert.match(r.out, /^ {2}rules: concerns \(5\)$/m);
  assert.match(r.out, /\[high\] db\/migrate\/20260301120000_add_expires_at\.rb:2 {2}Migration has no way back {2}\(rules: migration-without-down\)/);
  assert.match(r.out, /\[high\] app\/auth\/session\.rb:3 {2}Authentication or access control code changed with no test change {2}\(rules: auth-change-without-test\)/);
  assert.match(r.out, /\[high\] app\/auth\/session\.rb:5 {2}A secret is written into the code \(aws access key\)/);
  assert.match(r.out, /required-check-missing/);
  assert.equal(r.out.includes(AWS_KEY), false);

  const events = await reviewEvents(repo);
  assert.deepEqual(events.map((e) => e.kind), ['review.opened', 'review.verdict']);
  const [opened, verdict] = events;
  assert.equal(verdict?.data.by, 'Test <test@example.com>');
  assert.equal(verdict?.data.engine, 'rules');
  assert.equal(verdict?.data.status, 'concerns');
  assert.equal(opened?.data.baseCommit, git(repo, 'rev-parse', 'HEAD'));
  assert.equal(JSON.stringify(events).includes(AWS_KEY), false, 'the secret never reaches the record');

  // --json, and a second run resolves the first review.
  const j = await fd(['review', '--json'], repo);
  assert.equal(j.code, 1);
  const parsed = JSON.parse(j.out) as { reviewId: string; status: string; resolved: string[]; concerns: { rule: string; engine: string; file: string; line?: number }[]; verdicts: { engine: string; promptVersion: string; inputHash: string }[] };
  assert.equal(parsed.status, 'concerns');
  assert.deepEqual(parsed.resolved, [opened?.data.reviewId]);
  assert.deepEqual(parsed.concerns.map((c) => [c.engine, c.rule]).sort(), [
    // Auth and migrations each require a test the record does not show.
    ['rules', 'auth-change-without-test'], ['rules', 'migration-without-down'], ['rules', 'required-check-missing'], ['rules', 'required-check-missing'],
    ['rules', 'secret-literal'],
  ]);
  assert.deepEqual(parsed.verdicts.map((v) => [v.engine, v.promptVersion, /^[0-9a-f]{64}$/.test(v.inputHash)]), [['rules', 'rules-2', true]]);
  // The secrets rule's match on the key is listed with the files, redacted.
  assert.equal(j.out.includes(AWS_KEY), false, 'review --json never prints the matched secret');
  assert.match(j.out, /"match": "\[REDACTED:aws-access-key\]"/);
});

test('review (rules, default policy) of a committed .env and .netrc: exit 1, a secrets-file-committed concern each, and no value printed', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'README.md', 'app\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'start');
  // Values the redactor cannot tell from ordinary settings: only the file's kind says they are credentials.
  const values = ['xq9-internal-value', 'bob-at-work-77'];
  write(repo, '.env.production', `UPSTREAM_HANDLE=${values[0]}\n`);
  write(repo, '.netrc', `machine api.example.com login bob password ${values[1]}\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'add config');
  const r = await fd(['review', '--json', '--base', 'HEAD~1'], repo);
  assert.equal(r.code, 1, r.out + r.err);
  const parsed = JSON.parse(r.out) as { concerns: { rule: string; file: string; severity: string }[] };
  assert.deepEqual(parsed.concerns.filter((c) => c.rule === 'secrets-file-committed').map((c) => [c.file, c.severity]).sort(), [['.env.production', 'high'], ['.netrc', 'high']]);
  for (const value of values) assert.equal(r.out.includes(value), false, `${value} printed`);
});

test('review of a tested auth change in a session, with its checks, passes (exit 0) and shows in the session record', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = true\nend\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'start');
  const start = git(repo, 'rev-parse', 'HEAD');
  // The migration category requires a migration test after the last change: the record shows one.
  await recordTestedSession(repo, { session: 'sess-1', intent: 'Expire idle sessions after 30 minutes', startCommit: start, changed: 'app/auth/session.rb', check: 'bin/rails test test/migrations' });
  // Committed during the session: measured from the session's start commit, not HEAD.
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 30.minutes.ago\nend\n');
  write(repo, 'test/models/session_test.rb', 'class SessionTest < ActiveSupport::TestCase\nend\n');
  write(repo, 'db/migrate/20260301_add_last_seen.rb', 'class AddLastSeen < ActiveRecord::Migration[7.1]\n  def change\n    add_column :sessions, :last_seen_at, :datetime\n  end\nend\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'expire idle sessions');
  const r = await fd(['review'], repo);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /: passed$/m);
  const events = await reviewEvents(repo);
  assert.equal(events[0]?.session, 'sess-1');
  assert.equal(events[0]?.data.baseCommit, start);
  assert.equal(events[0]?.data.intent, 'Expire idle sessions after 30 minutes');
  const reader = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const trail = buildTrail(reader.db, 'sess-1');
  reader.close();
  assert.equal(trail?.reviews[0]?.status, 'passed');
  assert.match(trailToMarkdown(trail!), /^### auth, migrations: app\/auth\/session\.rb, db\/migrate\/20260301_add_last_seen\.rb: passed \(no concerns\)$/m);
});

test('review --engine anthropic needs ANTHROPIC_API_KEY: a one-line error, exit 2, nothing recorded', async (t) => {
  const repo = riskyRepo(t);
  const r = await fd(['review', '--engine', 'anthropic'], repo);
  assert.equal(r.code, 2);
  assert.equal(r.err.trim(), 'flightdeck: --engine anthropic needs an API key: set ANTHROPIC_API_KEY (the base URL comes from ANTHROPIC_BASE_URL)');
  assert.deepEqual(await reviewEvents(repo), []);
  const bad = await fd(['review', '--engine', 'gpt'], repo);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--engine wants rules or anthropic, not "gpt"/);
});

test('review --engine anthropic runs both engines, combines their concerns saying which raised each, and never sends the secret', async (t) => {
  const repo = riskyRepo(t);
  const replies: Reply[] = [{
    kind: 'tool',
    input: { verdict: 'concerns', concerns: [{ file: 'app/auth/session.rb', line: 3, severity: 'high', title: 'Idle sessions never expire', explanation: 'active? always returns true.' }] },
  }];
  const server = await messagesServer(replies);
  t.after(() => server.close());
  const env = { ANTHROPIC_API_KEY: 'sk-test-local', ANTHROPIC_BASE_URL: server.url, FLIGHTDECK_REVIEW_MODEL: 'claude-local-1' };
  const r = await fd(['review', '--engine', 'anthropic', '--json'], repo, env);
  assert.equal(r.code, 1, r.err);
  const parsed = JSON.parse(r.out) as { status: string; concerns: { engine: string; title: string; rule?: string }[]; verdicts: { engine: string; model: string | null; status: string }[] };
  assert.deepEqual(parsed.verdicts.map((v) => [v.engine, v.status, v.model]), [['rules', 'concerns', null], ['anthropic', 'concerns', 'claude-local-1']]);
  assert.deepEqual(parsed.concerns.filter((c) => c.engine === 'anthropic').map((c) => c.title), ['Idle sessions never expire']);
  assert.equal(parsed.concerns.filter((c) => c.engine === 'rules').length, 5); // the real default policy: auth also requires a test
  assert.equal(server.received.length, 1);
  const sent = server.received[0]?.raw ?? '';
  assert.equal(sent.includes(AWS_KEY), false, 'the planted key never reaches the server');
  assert.match(sent, /def active\?/);
  // The migration adds a column to sessions: the default policy's content rules also see auth in it.
  assert.match(sent, /db\/migrate\/20260301120000_add_expires_at\.rb \(added\): (auth, )?migrations/);

  // A server error: exit 2, the rules' concerns still shown, the failure said plainly.
  const failing = await messagesServer([{ kind: 'status', status: 503, error: { type: 'overloaded_error', message: 'Overloaded' } }]);
  t.after(() => failing.close());
  const f = await fd(['review', '--engine', 'anthropic'], repo, { ...env, ANTHROPIC_BASE_URL: failing.url });
  assert.equal(f.code, 2, f.out + f.err);
  assert.match(f.out, /: failed$/m);
  assert.match(f.out, /^ {2}anthropic \(claude-local-1\): failed — review failed: the API answered 503 \(Overloaded\), retry$/m);
  assert.match(f.out, /\(rules: migration-without-down\)/);
  const last = (await reviewEvents(repo)).filter((e) => e.kind === 'review.verdict').at(-1);
  assert.equal(last?.data.status, 'failed');
  assert.equal(last?.data.error, 'review failed: the API answered 503 (Overloaded), retry');
});

test('with the default policy, a dependency added beside an auth change is reviewed with it (and flagged); the review records each file as git will store it', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 30.minutes.ago\nend\n');
  write(repo, 'package.json', '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.2"\n  }\n}\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'start');
  // A manifest alone opens no review (dependencies need none by default); beside auth code it rides along.
  write(repo, 'package.json', '{\n  "name": "app",\n  "dependencies": {\n    "express": "^4.19.2",\n    "left-pad": "1.3.0"\n  }\n}\n');
  const alone = await fd(['review', '--json'], repo);
  assert.equal(alone.code, 0, alone.out + alone.err);
  assert.equal((JSON.parse(alone.out) as { status: string }).status, 'nothing-to-review');
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = true\nend\n');
  const r = await fd(['review', '--json'], repo);
  assert.equal(r.code, 1, r.out + r.err);
  const parsed = JSON.parse(r.out) as { subject: string; concerns: { rule: string; file: string; title: string }[] };
  assert.match(parsed.subject, /^auth, dependencies: app\/auth\/session\.rb, package\.json$/);
  assert.deepEqual(parsed.concerns.filter((c) => c.rule === 'dependency-added').map((c) => [c.file, c.title]), [['package.json', 'New dependency: left-pad']]);
  const [opened] = await reviewEvents(repo);
  const files = opened?.data.files as { path: string; blob?: string }[];
  git(repo, 'add', '.');
  assert.deepEqual(files.map((f) => [f.path, f.blob]), files.map((f) => [f.path, git(repo, 'rev-parse', `:${f.path}`)]));
});

test('review after the risky change is undone closes its open review (the change is gone) and says so; a file still changed keeps one open', async (t) => {
  const repo = riskyRepo(t);
  const first = await fd(['review', '--json'], repo);
  assert.equal(first.code, 1, first.out + first.err);
  const { reviewId } = JSON.parse(first.out) as { reviewId: string };
  git(repo, 'checkout', '--', 'app/auth/session.rb');
  rmSync(join(repo, 'db'), { recursive: true });
  write(repo, 'README.md', 'app, edited\n');
  const r = await fd(['review'], repo);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^Nothing to review: no risky changes since [0-9a-f]{12} \(1 changed files\)\.$/m);
  assert.match(r.out, new RegExp(`^Closed review ${reviewId}: the change it held is gone\\.$`, 'm'));
  const resolved = (await reviewEvents(repo)).filter((e) => e.kind === 'review.resolved');
  assert.deepEqual(resolved.map((e) => e.data), [{ reviewId, by: 'Test <test@example.com>', reason: 'the change is gone' }]);
  const gates = await fd(['gates', '--json'], repo);
  assert.deepEqual((JSON.parse(gates.out) as { openReviews: unknown[] }).openReviews, []);
  const again = await fd(['review', '--json'], repo);
  assert.deepEqual((JSON.parse(again.out) as { closed: string[] }).closed, [], 'nothing is closed twice');

  // A review of a file that still differs from the base stays open, though nothing in the change needs a review now.
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  try {
    const base = git(repo, 'rev-parse', 'HEAD');
    store.append([{ kind: 'review.opened', source: 'review', data: { reviewId: 'rev-readme', subject: 'x', files: [{ path: 'README.md', change: 'modified', categories: [] }], baseCommit: base } }]);
    assert.deepEqual(goneReviews(store.db, base, ['README.md']), []);
    assert.deepEqual(goneReviews(store.db, base, []), ['rev-readme']);
    assert.deepEqual(goneReviews(store.db, 'c'.repeat(40), []), [], 'a review measured from another base is left');
  } finally {
    store.close();
  }
});
