import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { addedWhole, compilePolicy, compilePolicyForFewFiles, riskOf, type ChangedFile } from '../../../src/core/risk/classify';
import { defaultGlobWords, defaultPatternWords } from '../../../src/core/risk/defaultPolicyWords';
import { globTester, globWords } from '../../../src/core/risk/globMatch';
import { DEFAULT_POLICY, SOURCE_FILES } from '../../../src/core/risk/policy';
import { requiredLiterals } from '../../../src/core/risk/requiredLiterals';
import { globSource } from '../../../src/core/capture/task';
import type { Policy } from '../../../src/core/risk/types';

const ROOT = join(__dirname, '..', '..', '..');

/** Real changed files (path, words of added lines) of three application histories. */
function historyFiles(): ChangedFile[] {
  const dir = join(ROOT, 'test', 'fixtures', 'risk-history');
  const out: ChangedFile[] = [];
  for (const name of readdirSync(dir)) {
    const data = JSON.parse(gunzipSync(readFileSync(join(dir, name))).toString('utf8')) as { data: { files: { path: string; words?: string[] }[] }[] };
    for (const c of data.data) for (const f of c.files) out.push({ path: f.path, change: 'modified', added: (f.words ?? []).map((text, i) => ({ line: i + 1, text })) });
  }
  return out;
}

/** Lines of real code (this repository's own), under names of the kinds the policy reads. */
function codeFiles(): ChangedFile[] {
  const out: ChangedFile[] = [];
  const names = ['src/auth/session.ts', 'app/models/user.rb', 'billing/charge.py', 'db/schema.sql', 'lib/util.go', 'README.md', '.env.example', 'config/settings.yml'];
  const dir = join(ROOT, 'src', 'core', 'risk');
  let k = 0;
  for (const file of readdirSync(dir)) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i += 12) {
      out.push({ path: names[k++ % names.length] as string, change: 'modified', added: lines.slice(i, i + 12 + (k % 9)).map((text, j) => ({ line: i + j + 1, text })) });
    }
  }
  return out;
}

/** Lines that the default content patterns are there to find, in several cases and spellings. */
const RISKY_LINES = [
  'session.regenerate();', 'SESSION.Regenerate()', 'req.session.destroy()', 'const hash = await bcrypt.hash(pw, 10);',
  'stripe.charges.create({ amount })', 'Stripe::PaymentIntent.create', 'add_column :users, :admin, :boolean', 'ALTER TABLE users ADD COLUMN x',
  'if (user.role === "admin")', 'authorize! :read, @doc', 'can? :edit, post', 'GRANT SELECT ON t TO u', 'AKIAABCDEFGHIJKLMNOP',
  '-----BEGIN RSA PRIVATE KEY-----', 'api_key = "abcdefghijklmnop"', 'token = jwt.sign(payload)', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz',
  'ſession.regenerate()', 'ſtripe', 'KEY', 'cookies.signed[:x] = 1', 'trial_ends_at: now', 'Money.new(100)', 'SecureRandom.hex(32)',
];

function assertSame(policy: Policy, files: readonly ChangedFile[]): void {
  const many = compilePolicy(policy);
  const few = compilePolicyForFewFiles(policy);
  for (const f of files) assert.deepEqual(riskOf(few, f), riskOf(many, f), `${f.path}: ${f.added.map((l) => l.text).join(' | ').slice(0, 200)}`);
}

test('classifying a file or two gives exactly what the policy expressions give, on real histories and real code', () => {
  const files = [...historyFiles(), ...codeFiles()];
  assert.ok(files.length > 3000);
  assertSame(DEFAULT_POLICY, files);
  const lines = RISKY_LINES.map((text, i) => ({ path: ['src/lib/thing.ts', 'app/x.rb', 'db/migrate/1.sql', 'docs/a.md'][i % 4] as string, change: 'modified' as const, added: [{ line: 1, text }] }));
  assertSame(DEFAULT_POLICY, lines);
  // Whole files and long edits take the whole-text scan.
  assertSame(DEFAULT_POLICY, [addedWhole('src/a.ts', 'added', RISKY_LINES.join('\r\n') + '\n'), addedWhole('src/b.ts', 'added', RISKY_LINES.join('\n'))]);
  assertSame(DEFAULT_POLICY, [{ path: 'src/a.ts', change: 'modified', added: [...RISKY_LINES, ...RISKY_LINES].map((text, i) => ({ line: i + 1, text })) }]);
  // Something in it is risky, so the comparison compared something.
  assert.ok(riskOf(compilePolicyForFewFiles(DEFAULT_POLICY), { path: 'src/lib/thing.ts', change: 'modified', added: [{ line: 1, text: 'session.regenerate();' }] }));
});

test('odd globs and patterns a user may write classify the same both ways', () => {
  const policy: Policy = {
    ...DEFAULT_POLICY,
    ignore: ['gen/**', '*.lock'],
    categories: [{
      id: 'odd', title: 'Odd', exclude: ['**/{a,{b,c}}/x?.ts'], review: true, requiredChecks: [],
      paths: ['src/{a,b}*/**/z.{ts,js}', '{x,y', 'lit,comma/*', 'a}b/**', '**', 'ü/**', '**/*.Tf', 'q?/r', './root.txt', 'end**'],
      content: ['(?<=pre)fix', '(\\w)\\1', 'a{2,}b', 'x(?!y)', 'colou?r', '\\bfoo\\.bar\\b', '[abc]{3}', '(?:alpha|beta)+gamma', 'Ünïcode', '\\u0041BC', 'a|'],
      contentPaths: ['**'],
    }],
  };
  const paths = ['src/a1/q/z.ts', 'src/b/z.js', 'src/c/z.ts', '{x,y', 'lit,comma/f', 'a}b/c/d', 'ü/x', 'x/y/main.TF', 'q1/r', 'q/r', 'root.txt', 'endless/x',
    'a/x1.ts', 'b/x2.ts', 'c/xx.ts', 'gen/foo', 'Cargo.lock', 'deep/a/b/c', 'with\nbreak/x', 'ÜBER/x', ''];
  const lines = ['prefix', 'fix', 'aa', 'aab', 'xy', 'xz', 'color', 'COLOUR', 'foo.bar', 'fooXbar', 'abc', 'alphabetagamma', 'Ünïcode', 'ünïcode', 'ABC', 'nothing'];
  const files = paths.flatMap((path) => [{ path, change: 'modified' as const, added: lines.map((text, i) => ({ line: i + 1, text })) }, { path, change: 'deleted' as const, added: [] }]);
  assertSame(policy, files);
});

test('a glob matcher agrees with the glob expression on every default glob', () => {
  const globs = [...DEFAULT_POLICY.ignore, ...DEFAULT_POLICY.categories.flatMap((c) => [...c.paths, ...c.exclude, ...(c.contentPaths ?? [])])];
  const paths = historyFiles().map((f) => f.path).concat(['AUTH/X.TS', 'src/Auth.ts', 'a/.env', '.env.local', 'x/.github/workflows/a.yml', '.github/workflows/a.yml', 'Dockerfile', 'a/Dockerfile.dev']);
  let matched = 0;
  for (const glob of globs) {
    const g = glob.includes('/') ? glob : `**/${glob}`;
    const re = new RegExp(g.startsWith('**/') ? `(?:^|/)${globSource(g.slice(3))}$` : `^${globSource(g)}$`, 'i');
    const tester = globTester(glob);
    assert.ok(tester, glob);
    for (const p of paths) {
      const want = re.test(p);
      assert.equal(tester.test(p), want, `${glob} on ${p}`);
      if (want) matched++;
    }
  }
  assert.ok(matched > 1000, `only ${matched} matches: the comparison compared little`);
});

test('the words a pattern needs are read conservatively from its source', () => {
  assert.deepEqual(requiredLiterals('\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b'), ['akia', 'asia']);
  assert.deepEqual(requiredLiterals('-----BEGIN (?:RSA |EC )?PRIVATE KEY'), ['-----begin ']);
  assert.deepEqual(requiredLiterals('\\b(?:sk|rk)_live_[0-9a-zA-Z]{16,}'), ['_live_']);
  assert.deepEqual(requiredLiterals('colou?r'), ['colo']);
  assert.deepEqual(requiredLiterals('ab+c'), ['ab']);
  assert.deepEqual(requiredLiterals('\\bfoo\\.bar\\b'), ['foo.bar']);
  // Nothing known: the pattern is always asked.
  for (const p of ['a|', '[abc]+', '(\\w)\\1', 'x*', '\\u0041', 'Ü+', '(?<name>a', 'a{2', '.+']) assert.equal(requiredLiterals(p), undefined, p);
  // Every default pattern has words, or the hook would compile it for every edit.
  for (const c of DEFAULT_POLICY.categories) for (const p of c.content) assert.ok(requiredLiterals(p), p);
});

test('a pattern never matches a line that lacks all of its words', () => {
  const patterns = DEFAULT_POLICY.categories.flatMap((c) => c.content);
  const lines = [...RISKY_LINES, ...codeFiles().flatMap((f) => f.added.map((l) => l.text)), ...historyFiles().flatMap((f) => f.added.map((l) => l.text))];
  let matches = 0;
  for (const p of patterns) {
    const re = new RegExp(p, 'i');
    const words = requiredLiterals(p) as readonly string[];
    for (const line of lines) {
      if (!re.test(line)) continue;
      matches++;
      assert.ok(words.some((w) => line.toLowerCase().includes(w)), `/${p}/ matched "${line}" without any of ${words.join(', ')}`);
    }
  }
  assert.ok(matches > 100, `only ${matches} matches`);
});

test('the default policy words written out ahead (defaultPolicyWords.ts) are the ones its rules give', () => {
  const globs = new Set([...DEFAULT_POLICY.ignore, ...SOURCE_FILES, ...DEFAULT_POLICY.categories.flatMap((c) => [...c.paths, ...c.exclude, ...(c.contentPaths ?? [])])]);
  const patterns = new Set(DEFAULT_POLICY.categories.flatMap((c) => c.content));
  const fix = 'out of date: run `node scripts/policy-words.mjs`';
  assert.deepEqual(Object.keys(defaultGlobWords()).sort(), [...globs].sort(), fix);
  for (const g of globs) assert.deepEqual(defaultGlobWords()[g], globWords(g) ?? null, `${g}: ${fix}`);
  assert.deepEqual(Object.keys(defaultPatternWords()).sort(), [...patterns].sort(), fix);
  for (const p of patterns) assert.deepEqual(defaultPatternWords()[p], requiredLiterals(p) ?? null, `${p}: ${fix}`);
});
