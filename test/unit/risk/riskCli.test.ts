import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { gitRepo } from '../helpers/tmp';
import type { RiskReport } from '../../../src/cli/riskCommand';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const fd = (args: string[], cwd: string): { code: number; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const write = (repo: string, path: string, text: string): void => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
};

/** A repository whose one file, committed as `before`, now reads `after` in the working tree. */
const changedRepo = (t: Parameters<typeof gitRepo>[0], path: string, before: string, after: string): string => {
  const repo = gitRepo(t);
  write(repo, path, before);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  write(repo, path, after);
  return repo;
};

test('flightdeck risk lists risky files with categories and rules, exits 0, and --json is stable camelCase', (t) => {
  const repo = changedRepo(t, 'src/utils.ts', 'export const x = 1;\n', 'export const x = 1;\nexport const check = (p: string, h: string) => bcrypt.compareSync(p, h);\n');
  write(repo, 'db/migrate/20250101_add_role.rb', 'add_column :users, :role, :string\n');
  write(repo, 'src/button.tsx', 'export const B = 1;\n');

  const text = fd(['risk'], repo);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^policy: the defaults/);
  assert.match(text.out, /3 changed files since [0-9a-f]{8} \(HEAD: no active session\): 2 risky/);
  assert.match(text.out, /src\/utils\.ts \(modified\): auth\n {2}auth +line 2: "bcrypt" \(content/);
  assert.match(text.out, /db\/migrate\/20250101_add_role\.rb \(added\): migrations\n {2}migrations +path \*\*\/db\/migrate\/\*\*/);
  assert.doesNotMatch(text.out, /button/);

  const json = fd(['risk', '--json'], repo);
  assert.equal(json.code, 0);
  const r = JSON.parse(json.out) as RiskReport;
  assert.deepEqual(Object.keys(r), ['policy', 'scope', 'base', 'baseSource', 'changedFiles', 'riskyFiles']);
  assert.equal(r.baseSource, 'head');
  assert.equal(r.base, git(repo, 'rev-parse', 'HEAD'));
  assert.deepEqual(r.riskyFiles.map((f) => [f.path, f.categories]), [['src/utils.ts', ['auth']], ['db/migrate/20250101_add_role.rb', ['migrations']]]);
  assert.deepEqual(r.riskyFiles[0]?.matches[0], { category: 'auth', rule: r.riskyFiles[0]?.matches[0]?.rule, line: 2, match: 'bcrypt' });
});

test('flightdeck risk never prints the secret a content rule matched, in text or --json', (t) => {
  // Built at run time, so no secret-shaped literal sits in the source.
  const aws = `AKIA${'Q3EGVP7XKM2ZT4NB'}`;
  const stripe = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
  const longPassword = `${'Zq8'.repeat(30)}`;
  const repo = changedRepo(t, 'src/config.ts', 'export const region = "eu";\n',
    `export const region = "eu";\nexport const aws = "${aws}";\nexport const stripe = "${stripe}";\nexport const conf = { "password": "${longPassword}" };\n`);
  const text = fd(['risk'], repo);
  assert.equal(text.code, 0, text.err);
  const json = fd(['risk', '--json'], repo);
  for (const out of [text.out, json.out]) {
    for (const secret of [aws, stripe, longPassword.slice(0, 20)]) assert.equal(out.includes(secret), false, `${secret} printed:\n${out}`);
  }
  assert.match(text.out, /line 2: "\[REDACTED:aws-access-key\]"/);
  const r = JSON.parse(json.out) as RiskReport;
  const matches = r.riskyFiles.flatMap((f) => f.matches).filter((m) => m.category === 'secrets');
  assert.deepEqual(matches.map((m) => [m.line, m.match]), [[2, '[REDACTED:aws-access-key]'], [3, '[REDACTED:stripe-key]'], [4, '[REDACTED:secret]']]);
});

test('with PATHs, flightdeck risk classifies those files as they are on disk', (t) => {
  const repo = gitRepo(t);
  write(repo, 'app/models/order.rb', 'class Order\n  def pay!\n    Stripe::PaymentIntent.create(amount: total)\n  end\nend\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'committed, so not a change');
  const r = JSON.parse(fd(['risk', '--json', 'app/models/order.rb'], repo).out) as RiskReport;
  assert.equal(r.scope, 'paths');
  assert.deepEqual(r.riskyFiles.map((f) => [f.path, f.categories, f.matches[0]?.line]), [['app/models/order.rb', ['payments'], 3]]);
  assert.equal(fd(['risk'], repo).out.includes('nothing risky'), true, 'no change since HEAD');
  const missing = fd(['risk', 'nope.rb'], repo);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.rb: no such file or folder/);
});

test('a broken policy: the error with line:column, and the last good policy stays in force', (t) => {
  const repo = gitRepo(t);
  write(repo, '.flightdeck/policy.json', JSON.stringify({ categories: [{ id: 'exports', title: 'Exports', paths: ['**/export/**'] }] }, null, 2));
  write(repo, 'lib/export/csv.rb', 'x = 1\n');
  const good = JSON.parse(fd(['risk', '--json'], repo).out) as RiskReport;
  assert.equal(good.policy.source, 'file');
  assert.ok(good.riskyFiles.some((f) => f.categories.includes('exports')));

  write(repo, '.flightdeck/policy.json', '{\n  "categories": [\n    {"id": "exports", "paths": ["**/export/**"]},\n  ]\n}\n');
  const text = fd(['risk'], repo);
  assert.equal(text.code, 0);
  assert.match(text.out, /^policy: \.flightdeck\/policy\.json:4:3: a trailing comma before "\]" \(the last good version of it is in force\)/);
  const broken = JSON.parse(fd(['risk', '--json'], repo).out) as RiskReport;
  assert.equal(broken.policy.source, 'last-good');
  assert.deepEqual(broken.policy.error, { message: 'a trailing comma before "]"', line: 4, column: 3 });
  assert.equal(broken.policy.hash, good.policy.hash);
  assert.ok(broken.riskyFiles.some((f) => f.categories.includes('exports')), 'the last good policy still finds its own category');
});

test("with an active session, changes are counted from the session's starting commit", async (t) => {
  const repo = gitRepo(t);
  const start = git(repo, 'rev-parse', 'HEAD');
  write(repo, 'app/controllers/sessions_controller.rb', 'class SessionsController; end\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'the agent committed it');
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  store.append([{ kind: 'session.started', session: 'sess-1', source: 'claude', data: { startCommit: start, agent: 'claude-code' } }]);
  store.close();
  const r = JSON.parse(fd(['risk', '--json'], repo).out) as RiskReport;
  assert.equal(r.baseSource, 'session');
  assert.equal(r.session, 'sess-1');
  assert.equal(r.base, start);
  assert.deepEqual(r.riskyFiles.map((f) => f.path), ['app/controllers/sessions_controller.rb']);

  // Without sessions.json beside a snapshot, the risk bundle asks the database (through the whole CLI): the same answer.
  const again = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  again.snapshot();
  again.close();
  rmSync(join(repo, '.git', 'flightdeck', 'sessions.json'));
  const fromDb = fd(['risk', '--json'], repo);
  assert.equal(fromDb.code, 0, fromDb.err);
  assert.deepEqual(JSON.parse(fromDb.out), r);
});

test('flightdeck risk keeps its compiled code between runs: the next run takes it rather than saving it again', (t) => {
  const repo = changedRepo(t, 'src/auth/session.ts', 'export const ttl = 1;\n', 'export const ttl = 2;\n');
  // The command sets V8 flags as it runs; V8 refuses compiled code saved under flags other than the loader's.
  const dist = dirname(CLI);
  const caches = (): string[] => readdirSync(dist).filter((f) => f.startsWith('cli-risk.js.') && f.endsWith('.v8cache'));
  for (const f of caches()) rmSync(join(dist, f));
  assert.equal(fd(['risk', '--json'], repo).code, 0);
  const [cache] = caches();
  assert.ok(cache, 'the first run saved its compiled code');
  const before = statSync(join(dist, cache));
  for (let i = 0; i < 2; i++) assert.equal(fd(['risk', '--json'], repo).code, 0);
  const after = statSync(join(dist, cache));
  assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], 'later runs used the saved code as it was');
});
