import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installGitHooks, refreshGitHooks } from '../../../src/core/gates/gitHooks';
import { prePushScript, type CliCommand } from '../../../src/core/gates/prePushScript';
import { gitRepo, tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const current: CliCommand = { runtime: process.execPath, cli: CLI };
const git = (repo: string, ...args: string[]): string => spawnSync('git', args, { cwd: repo, encoding: 'utf8' }).stdout;

test('refreshGitHooks rewrites Flightdeck\'s pre-push hook that names old paths, keeping the hook it chains; it leaves no hook and someone else\'s alone', async (t) => {
  const repo = gitRepo(t);
  const hook = join(repo, '.git', 'hooks', 'pre-push');
  assert.equal(await refreshGitHooks(repo, current), undefined);
  assert.equal(existsSync(hook), false, 'no hook installed: none written');
  const theirs = '#!/bin/sh\nexit 0\n';
  mkdirSync(join(repo, '.git', 'hooks'), { recursive: true });
  writeFileSync(hook, theirs, { mode: 0o755 });
  assert.equal(await refreshGitHooks(repo, current), undefined);
  assert.equal(readFileSync(hook, 'utf8'), theirs, 'someone else\'s hook is not touched');
  const old: CliCommand = { runtime: join(tempDir(t), 'VSCode-1.98', 'code'), cli: join(tempDir(t), 'publisher.flightdeck-0.1.0', 'dist', 'cli.js'), env: { ELECTRON_RUN_AS_NODE: '1' } };
  await installGitHooks(repo, old);
  const r = await refreshGitHooks(repo, current);
  assert.equal(r?.changed, true);
  assert.equal(readFileSync(hook, 'utf8'), prePushScript(current));
  assert.equal(readFileSync(`${hook}.flightdeck-chained`, 'utf8'), theirs, 'the chained hook stays');
  assert.equal(await refreshGitHooks(repo, current), undefined, 'a current hook is left as it is');
});

test('refreshGitHooks finds the hook where the repository\'s core.hooksPath puts it', async (t) => {
  const repo = gitRepo(t);
  git(repo, 'config', 'core.hooksPath', '.githooks');
  await installGitHooks(repo, { runtime: process.execPath, cli: join(tempDir(t), 'gone', 'cli.js') });
  assert.ok(existsSync(join(repo, '.githooks', 'pre-push')));
  assert.equal((await refreshGitHooks(repo, current))?.changed, true);
  assert.equal(readFileSync(join(repo, '.githooks', 'pre-push'), 'utf8'), prePushScript(current));
  assert.equal(existsSync(join(repo, '.git', 'hooks', 'pre-push')), false);
});

test('the pre-push hook runs check-push with NODE_EXTRA_CA_CERTS empty (node would parse those certificates on every push), set once', async (t) => {
  const repo = gitRepo(t);
  const r = await installGitHooks(repo, current);
  assert.equal(readFileSync(r.path, 'utf8').split('NODE_EXTRA_CA_CERTS').length, 2);
  const input = `refs/heads/x ${'a'.repeat(40)} refs/heads/feature ${'0'.repeat(40)}\n`;
  const run = spawnSync('sh', [r.path, 'origin', '/nowhere'], { cwd: repo, input, encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: join(repo, 'no-such-ca.pem') } });
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /extra certs/);
});

test('refreshGitHooks finds the hook where core.hooksPath in the user\'s own git config puts it', async (t) => {
  const repo = gitRepo(t);
  const hooks = join(tempDir(t), 'my-hooks');
  const global = join(tempDir(t), 'gitconfig');
  writeFileSync(global, `[core]\n\thooksPath = ${hooks}\n`);
  const was = process.env.GIT_CONFIG_GLOBAL;
  process.env.GIT_CONFIG_GLOBAL = global; // read by git and by the refresh alike
  t.after(() => (was === undefined ? delete process.env.GIT_CONFIG_GLOBAL : (process.env.GIT_CONFIG_GLOBAL = was)));
  await installGitHooks(repo, { runtime: process.execPath, cli: join(tempDir(t), 'gone', 'cli.js') });
  assert.ok(existsSync(join(hooks, 'pre-push')), 'installed where git runs hooks');
  assert.equal((await refreshGitHooks(repo, current))?.changed, true);
  assert.equal(readFileSync(join(hooks, 'pre-push'), 'utf8'), prePushScript(current));
  assert.equal(existsSync(join(repo, '.git', 'hooks', 'pre-push')), false);
});
