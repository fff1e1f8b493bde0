import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitIdentityFromFiles, type GitIdentity } from '../../../src/core/gitConfig';
import { tempDir } from '../helpers/tmp';

/** What git itself says, with the same environment: a missing key is undefined. */
function fromGit(repo: string, env: NodeJS.ProcessEnv): GitIdentity {
  const get = (key: string): string | undefined => {
    const r = spawnSync('git', ['config', key], { cwd: repo, env, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined;
  };
  const out: GitIdentity = {};
  const name = get('user.name');
  const email = get('user.email');
  if (name !== undefined) out.name = name;
  if (email !== undefined) out.email = email;
  return out;
}

/** A home with its own global configs and a repository, everything else of git's environment left out. */
function setup(t: { after(fn: () => void): void }): { home: string; repo: string; env: NodeJS.ProcessEnv } {
  const home = tempDir(t, 'fd-home-');
  const repo = join(home, 'repo');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
  execFileSync('git', ['init', '-q', '-b', 'main', repo], { env });
  return { home, repo, env };
}

test('the identity read from config files is what git config says: global, XDG, repository, later wins', (t) => {
  const { home, repo, env } = setup(t);
  assert.deepEqual(gitIdentityFromFiles(repo, env), fromGit(repo, env), 'nothing set anywhere');
  assert.deepEqual(gitIdentityFromFiles(repo, env), {});

  mkdirSync(join(home, '.config', 'git'), { recursive: true });
  writeFileSync(join(home, '.config', 'git', 'config'), '[user]\n\tname = From XDG\n\temail = xdg@example.com\n');
  assert.deepEqual(gitIdentityFromFiles(repo, env), fromGit(repo, env));
  assert.equal(gitIdentityFromFiles(repo, env)?.name, 'From XDG');

  writeFileSync(join(home, '.gitconfig'), '# mine\n[User]\n  Name = "Ada  Lovelace" ; the first programmer\n[core]\n\tautocrlf = false\n');
  assert.deepEqual(gitIdentityFromFiles(repo, env), fromGit(repo, env));
  assert.deepEqual(gitIdentityFromFiles(repo, env), { name: 'Ada  Lovelace', email: 'xdg@example.com' });

  execFileSync('git', ['config', 'user.email', 'ada@repo.example'], { cwd: repo, env });
  execFileSync('git', ['config', 'user.name', 'Ada "the Countess" L\\ovelace # not a comment'], { cwd: repo, env });
  assert.deepEqual(gitIdentityFromFiles(repo, env), fromGit(repo, env), 'what git writes, git reads back the same');

  const xdg = join(home, 'xdg');
  mkdirSync(join(xdg, 'git'), { recursive: true });
  writeFileSync(join(xdg, 'git', 'config'), '[user]\n\temail = elsewhere@example.com\n');
  const withXdg = { ...env, XDG_CONFIG_HOME: xdg };
  execFileSync('git', ['config', '--unset', 'user.email'], { cwd: repo, env });
  assert.deepEqual(gitIdentityFromFiles(repo, withXdg), fromGit(repo, withXdg), '$XDG_CONFIG_HOME is followed');
  assert.equal(gitIdentityFromFiles(repo, withXdg)?.email, 'elsewhere@example.com');
});

test('plain includes, sections with subsections and odd spacing are followed; includeIf and config from the environment are left to git', (t) => {
  const { home, repo, env } = setup(t);
  writeFileSync(join(home, 'identity.inc'), '[user]\n    email = included@example.com\n[user "other"]\n\tname = Not Me\n');
  writeFileSync(join(home, '.gitconfig'), '[include]\n\tpath = identity.inc\n[user]name=Tight Spacing\n[user.sub]\n\tname = Old Style\n');
  assert.deepEqual(gitIdentityFromFiles(repo, env), fromGit(repo, env));
  assert.deepEqual(gitIdentityFromFiles(repo, env), { name: 'Tight Spacing', email: 'included@example.com' });

  writeFileSync(join(home, '.gitconfig'), `[includeIf "gitdir:${repo}/"]\n\tpath = identity.inc\n`);
  assert.equal(gitIdentityFromFiles(repo, env), undefined, 'includeIf: unsure');
  assert.equal(gitIdentityFromFiles(repo, { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'Env' }), undefined);
  assert.equal(gitIdentityFromFiles(repo, { ...env, GIT_DIR: join(repo, '.git') }), undefined);
});

test('a linked worktree reads its main repository config; per-worktree config is left to git', (t) => {
  const { repo, env } = setup(t);
  execFileSync('git', ['config', 'user.name', 'Main Repo'], { cwd: repo, env });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'start'], { cwd: repo, env: { ...env, GIT_AUTHOR_EMAIL: 'a@b.c', GIT_COMMITTER_EMAIL: 'a@b.c' } });
  const wt = join(repo, '..', 'wt');
  execFileSync('git', ['worktree', 'add', '-q', wt], { cwd: repo, env });
  assert.deepEqual(gitIdentityFromFiles(wt, env), fromGit(wt, env));
  assert.equal(gitIdentityFromFiles(wt, env)?.name, 'Main Repo');

  execFileSync('git', ['config', 'extensions.worktreeConfig', 'true'], { cwd: repo, env });
  execFileSync('git', ['config', '--worktree', 'user.name', 'Worktree Only'], { cwd: wt, env });
  assert.equal(gitIdentityFromFiles(wt, env), undefined);
});

test('with this machine\'s own system and global config, the answer matches git config where the files are sure', (t) => {
  const { repo } = setup(t);
  const env = { ...process.env };
  const files = gitIdentityFromFiles(repo, env);
  if (files !== undefined) assert.deepEqual(files, fromGit(repo, env));
});
