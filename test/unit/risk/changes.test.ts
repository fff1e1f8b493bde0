import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesOnDisk, parseUnifiedDiff, readAddedFile, readChangesSince, UnifiedDiffReader } from '../../../src/core/risk/changes';
import { changesSince } from '../helpers/changesSince';
import type { ChangedFile } from '../../../src/core/risk/classify';
import { gitRepo } from '../helpers/tmp';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const write = (repo: string, path: string, text: string | Buffer): void => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
};
const commitAll = (repo: string, message: string): string => {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
};

test('changes since a base: committed and uncommitted edits, new, deleted, renamed, untracked and binary files, with added lines and their new line numbers', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'app/models/user.rb', 'class User\n  def name; end\nend\n');
  write(repo, 'app/old_name.rb', 'module Old\n  ONE = 1\n  TWO = 2\n  THREE = 3\nend\n');
  write(repo, 'gone.txt', 'bye\n');
  write(repo, '.gitignore', 'tmp/\n');
  const base = commitAll(repo, 'base');

  write(repo, 'app/models/user.rb', 'class User\n  has_secure_password\n  def name; end\nend\n');
  const committed = commitAll(repo, 'password');
  write(repo, 'app/models/user.rb', 'class User\n  has_secure_password\n  def name; end\n  def admin?; role == "admin"; end\nend\n'); // uncommitted
  git(repo, 'mv', 'app/old_name.rb', 'app/new_name.rb');
  rmSync(join(repo, 'gone.txt'));
  write(repo, 'db/migrate/1_add_role.rb', 'class AddRole\n  def change\n    add_column :users, :role, :string\n  end\nend\n'); // untracked
  write(repo, 'tmp/cache.rb', 'ignored = true\n');
  write(repo, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));

  const changes = await changesSince(repo, base);
  assert.equal(changes.base, base);
  const byPath = new Map(changes.files.map((f) => [f.path, f]));
  assert.deepEqual([...byPath.keys()].sort(), ['app/models/user.rb', 'app/new_name.rb', 'db/migrate/1_add_role.rb', 'gone.txt', 'logo.png']);
  assert.deepEqual(byPath.get('app/models/user.rb')?.added, [
    { line: 2, text: '  has_secure_password' },
    { line: 4, text: '  def admin?; role == "admin"; end' },
  ]);
  assert.equal(byPath.get('app/new_name.rb')?.change, 'renamed');
  assert.equal(byPath.get('app/new_name.rb')?.oldPath, 'app/old_name.rb');
  assert.equal(byPath.get('gone.txt')?.change, 'deleted');
  assert.equal(byPath.get('db/migrate/1_add_role.rb')?.change, 'added');
  assert.deepEqual(byPath.get('db/migrate/1_add_role.rb')?.added[2], { line: 3, text: '    add_column :users, :role, :string' });
  assert.equal(byPath.get('logo.png')?.binary, true);
  assert.deepEqual(byPath.get('logo.png')?.added, []);

  // Since HEAD (no session): the committed password line is no longer a change.
  const sinceHead = await changesSince(repo);
  assert.equal(sinceHead.base, committed);
  assert.deepEqual(sinceHead.files.find((f) => f.path === 'app/models/user.rb')?.added.map((l) => l.line), [4]);
});

test('a repository with no commit yet: everything is added; an unknown base is an error', async (t) => {
  const dir = gitRepo(t);
  const fresh = join(dir, 'fresh');
  mkdirSync(fresh);
  git(fresh, 'init', '-q');
  write(fresh, 'src/auth.ts', 'export const x = 1;\n');
  const c = await changesSince(fresh);
  assert.equal(c.base, undefined);
  assert.deepEqual(c.files.map((f) => [f.path, f.change]), [['src/auth.ts', 'added']]);
  await assert.rejects(changesSince(dir, '0123456789012345678901234567890123456789'), /not in this repository/);
});

test('paths with spaces, quotes and non-ASCII characters survive the diff', async (t) => {
  const repo = gitRepo(t);
  const names = ['my dir/auth file.rb', 'quo"te.rb', 'café/session.rb'];
  for (const n of names) write(repo, n, 'a\n');
  const base = commitAll(repo, 'base');
  for (const n of names) write(repo, n, 'a\nb\n');
  const c = await changesSince(repo, base);
  assert.deepEqual(c.files.map((f) => f.path).sort(), [...names].sort());
  for (const f of c.files) assert.deepEqual(f.added, [{ line: 2, text: 'b' }]);
});

test('the diff parser: hunks with and without counts, no-newline markers, mode-only changes', () => {
  const diff = [
    'diff --git a/x.ts b/x.ts',
    'index 1..2 100644',
    '--- a/x.ts',
    '+++ b/x.ts',
    '@@ -1 +1 @@',
    '-old',
    '+new',
    '\\ No newline at end of file',
    '@@ -10,0 +11,2 @@ function f()',
    '+a',
    '+b',
    'diff --git a/run.sh b/run.sh',
    'old mode 100644',
    'new mode 100755',
  ].join('\n');
  assert.deepEqual(parseUnifiedDiff(diff), [
    { path: 'x.ts', change: 'modified', added: [{ line: 1, text: 'new' }, { line: 11, text: 'a' }, { line: 12, text: 'b' }] },
    { path: 'run.sh', change: 'modified', added: [] },
  ]);
});

test('files on disk: every line counts as added; folders are walked; paths outside the repository are refused', (t) => {
  const repo = gitRepo(t);
  write(repo, 'src/a.ts', 'one\ntwo\n');
  write(repo, 'src/deep/b.ts', 'three\n');
  const files = filesOnDisk(repo, ['src'], repo);
  assert.deepEqual(files.map((f) => [f.path, f.added.length]).sort(), [['src/a.ts', 2], ['src/deep/b.ts', 1]]);
  assert.throws(() => filesOnDisk(repo, ['..'], repo), /outside the repository/);
});

test('the diff read piece by piece as git writes it: any cut, even inside a character, gives what the whole text gives', () => {
  const diff = Buffer.from([
    'diff --git a/café/x.ts b/café/x.ts',
    '--- a/café/x.ts',
    '+++ b/café/x.ts',
    '@@ -1 +1,2 @@',
    '-old',
    '+const prix = "10 €";',
    '+naïve()',
    'diff --git "a/quo\\"te.rb" "b/quo\\"te.rb"',
    'new file mode 100644',
    '--- /dev/null',
    '+++ "b/quo\\"te.rb"',
    '@@ -0,0 +1 @@',
    '+has_secure_password',
    'diff --git a/gone.rb b/gone.rb',
    'deleted file mode 100644',
    '--- a/gone.rb',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-bye',
    '',
  ].join('\n'), 'utf8');
  const whole = parseUnifiedDiff(diff.toString('utf8'));
  assert.deepEqual(whole.map((f) => [f.path, f.change, f.added.map((l) => l.text)]), [
    ['café/x.ts', 'modified', ['const prix = "10 €";', 'naïve()']],
    ['quo"te.rb', 'added', ['has_secure_password']],
    ['gone.rb', 'deleted', []],
  ]);
  for (let size = 1; size <= diff.length; size += size < 8 ? 1 : 7) {
    const got: ChangedFile[] = [];
    const seenBeforeEnd: string[] = [];
    const reader = new UnifiedDiffReader((f) => got.push(f));
    for (let at = 0; at < diff.length; at += size) {
      reader.push(diff.subarray(at, at + size));
      seenBeforeEnd.splice(0, seenBeforeEnd.length, ...got.map((f) => f.path));
    }
    reader.end();
    assert.deepEqual(got, whole, `pieces of ${size} bytes`);
    // A file is handed over once the next one starts, not only at the end.
    assert.deepEqual(seenBeforeEnd, ['café/x.ts', 'quo"te.rb'], `pieces of ${size} bytes`);
  }
});

test('reading changes as they come: every file once, the untracked ones marked, and a failing reader of them is an error', async (t) => {
  const repo = gitRepo(t);
  for (let i = 0; i < 300; i++) write(repo, `app/m${i}.rb`, `class M${i}\nend\n`);
  const base = commitAll(repo, 'base');
  for (let i = 0; i < 300; i++) write(repo, `app/m${i}.rb`, `class M${i}\n  ${'x'.repeat(2000)}\nend\n`); // a diff larger than a pipe holds
  for (let i = 0; i < 200; i++) write(repo, `new/n${i}.rb`, `${'y'.repeat(3000)}\n`); // more than one slice of untracked files
  const seen: [string, boolean][] = [];
  const read = await readChangesSince(repo, base, (f, untracked) => seen.push([f.path, untracked]));
  assert.equal(read.base, base);
  assert.equal(seen.length, 500);
  assert.equal(new Set(seen.map(([p]) => p)).size, 500);
  assert.deepEqual(seen.filter(([, u]) => u).map(([p]) => p).sort(), read.untracked.sort());
  assert.equal(read.untracked.length, 200);
  const all = await changesSince(repo, base);
  assert.deepEqual(all.files.map((f) => f.path), [...seen.filter(([, u]) => !u), ...seen.filter(([, u]) => u)].map(([p]) => p));
  await assert.rejects(readChangesSince(repo, base, (f) => {
    if (f.path === 'app/m150.rb') throw new Error('reader broke');
  }), /reader broke/);
  await assert.rejects(readChangesSince(repo, base, (f) => {
    if (f.path === 'new/n150.rb') throw new Error('reader broke on an untracked file');
  }), /reader broke on an untracked file/);
});

test('files read whole one after another: a long one, one past the read limit (cut at its last whole line), a short one after them, a binary one', (t) => {
  const repo = gitRepo(t);
  // ~3 MB, read with a 4 MB limit: larger than anything read before in this process, so the read buffer grows.
  const long = Array.from({ length: 80_000 }, (_, i) => `line ${i} ${'x'.repeat(30)}`).join('\n') + '\nlast = true\n';
  write(repo, 'a/long.rb', long);
  write(repo, 'a/huge.rb', 'begin\n' + 'y'.repeat(200) + '\ntail line cut here');
  write(repo, 'a/short.rb', 'short = 1\n');
  write(repo, 'a/bin.dat', Buffer.from([1, 2, 0, 3]));
  const texts = (maxBytes: number): Record<string, string[]> =>
    Object.fromEntries(['a/long.rb', 'a/huge.rb', 'a/short.rb', 'a/bin.dat'].map((p) => [p, readAddedFile(join(repo, p), p, 'added', maxBytes).file.added.map((l) => l.text)]));
  const whole = texts(4 << 20);
  assert.equal(whole['a/long.rb']!.length, 80_001);
  assert.equal(whole['a/long.rb']![0], `line 0 ${'x'.repeat(30)}`);
  assert.equal(whole['a/long.rb']![40_000], `line 40000 ${'x'.repeat(30)}`);
  assert.equal(whole['a/long.rb']!.at(-1), 'last = true');
  assert.deepEqual(whole['a/short.rb'], ['short = 1'], 'nothing of the longer files read before it');
  assert.deepEqual(whole['a/bin.dat'], []);
  const limited = texts(100);
  assert.equal(limited['a/long.rb']!.length, 2, 'only the whole lines within 100 bytes');
  assert.deepEqual(limited['a/huge.rb'], ['begin'], 'the line cut at the limit is not counted');
  assert.deepEqual(limited['a/short.rb'], ['short = 1']);
});
