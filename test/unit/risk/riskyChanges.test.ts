import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changesSince } from '../helpers/changesSince';
import { classifyChanges } from '../../../src/core/risk/classify';
import { DEFAULT_POLICY } from '../../../src/core/risk/policy';
import { riskyChangesSince } from '../../../src/core/risk/riskyChanges';
import { gitRepo } from '../helpers/tmp';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const write = (repo: string, path: string, text: string): void => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
};

test('classified as git writes its diff: the same risky files, in the same order, as classifying the whole list', async (t) => {
  const repo = gitRepo(t);
  const kinds = ['app/models', 'app/auth', 'db/migrate', 'app/billing', 'lib', 'docs'];
  for (let i = 0; i < 240; i++) write(repo, `${kinds[i % kinds.length]}/f${i}.rb`, `class F${i}\n  def x; end\nend\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  for (let i = 0; i < 120; i++) write(repo, `${kinds[i % kinds.length]}/f${i}.rb`, `class F${i}\n  ${i % 4 === 0 ? 'Stripe::Refund.create(charge: id)' : 'def y; end'}\nend\n`);
  git(repo, 'commit', '-qam', 'half');
  for (let i = 120; i < 180; i++) write(repo, `${kinds[i % kinds.length]}/f${i}.rb`, `class F${i}\n  has_secure_password\nend\n`);
  for (let i = 0; i < 90; i++) write(repo, `new/${kinds[i % kinds.length]}/n${i}.rb`, `class N${i}\n  ${i % 3 === 0 ? 'add_column :users, :role, :string' : 'ok'}\nend\n`);

  const streamed = await riskyChangesSince(repo, base, () => DEFAULT_POLICY);
  const whole = await changesSince(repo, base);
  assert.equal(streamed.base, base);
  assert.deepEqual(streamed.changed, whole.files.map((f) => ({ path: f.path, change: f.change })));
  assert.deepEqual(streamed.untracked, whole.untracked);
  const expected = classifyChanges(DEFAULT_POLICY, whole.files);
  assert.ok(expected.length > 100, `a test with risky files (${expected.length})`);
  assert.deepEqual(streamed.risky, expected);
});

test('the policy is read only when a file is there to classify', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'a.rb', 'a\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  let asked = 0;
  const none = await riskyChangesSince(repo, undefined, () => (asked++, DEFAULT_POLICY));
  assert.deepEqual([none.changed, none.risky, asked], [[], [], 0]);
  write(repo, 'app/auth/login.rb', 'def login; end\n');
  write(repo, 'b.rb', 'b\n');
  const some = await riskyChangesSince(repo, undefined, () => (asked++, DEFAULT_POLICY));
  assert.deepEqual(some.risky.map((r) => r.path), ['app/auth/login.rb']);
  assert.equal(asked, 1);
});
