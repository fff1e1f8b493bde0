import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { locateRecord } from '../../../src/core/record/location';
import { gitRepo, tempDir } from '../helpers/tmp';

test('a repository\'s record lives in its git dir, found from any subfolder', (t) => {
  const repo = gitRepo(t);
  mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
  const loc = locateRecord(join(repo, 'src', 'deep'));
  assert.equal(loc?.dir, join(repo, '.git', 'flightdeck'));
  assert.equal(loc?.repoRoot, repo);
});

test('worktrees share their main repository\'s record', (t) => {
  const repo = gitRepo(t);
  const wt = join(tempDir(t), 'wt');
  execFileSync('git', ['worktree', 'add', '-q', '-b', 'side', wt], { cwd: repo });
  const loc = locateRecord(wt);
  assert.equal(basename(loc?.dir ?? ''), 'flightdeck');
  assert.equal(realpathSync(dirname(loc?.dir ?? '')), realpathSync(join(repo, '.git')));
  assert.equal(loc?.repoRoot, wt);
});

test('outside a repository the fallback folder is used, or nothing', (t) => {
  const plain = tempDir(t);
  assert.deepEqual(locateRecord(plain, '/storage/here'), { dir: '/storage/here' });
  assert.equal(locateRecord(plain), undefined);
});
