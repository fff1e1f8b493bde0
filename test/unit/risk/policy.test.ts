import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '../../../src/core/risk/policy';
import { canonicalJson, defaultPolicyText, describePolicyState, LAST_GOOD_FILE, loadPolicy, policyHash } from '../../../src/core/risk/load';
import { parsePolicy } from '../../../src/core/risk/validate';
import { parseJson, JsonSyntaxError } from '../../../src/core/risk/json';
import { gitRepo, tempDir } from '../helpers/tmp';
import { globSource } from '../../../src/core/capture/task';

const problem = (text: string): { message: string; line: number; column: number } => {
  const r = parsePolicy(text, DEFAULT_POLICY);
  assert.ok('problem' in r, `expected a problem in ${text}`);
  return r.problem;
};

test('the defaults: seven categories, advisory, the usual protected branches, and each category knows what it requires', () => {
  assert.equal(DEFAULT_POLICY.mode, 'advisory');
  assert.deepEqual(DEFAULT_POLICY.protectedBranches, ['main', 'master', 'release/*', 'production']);
  assert.deepEqual(DEFAULT_POLICY.categories.map((c) => c.id).sort(), ['auth', 'dependencies', 'infra', 'migrations', 'payments', 'permissions', 'secrets']);
  const byId = new Map(DEFAULT_POLICY.categories.map((c) => [c.id, c]));
  assert.deepEqual(byId.get('auth')?.requiredChecks, ['test']);
  assert.deepEqual(byId.get('payments')?.requiredChecks, ['test']);
  assert.ok(new RegExp(byId.get('migrations')?.requiredCheckPattern ?? '^$', 'i').test('npm run test:migrations'));
  for (const c of DEFAULT_POLICY.categories) for (const p of c.content) assert.doesNotThrow(() => new RegExp(p, 'i'), `${c.id}: ${p}`);
  // The validator takes these as compiling without building them (validate.ts): they must.
  const globs = [...DEFAULT_POLICY.protectedBranches, ...DEFAULT_POLICY.ignore, ...DEFAULT_POLICY.categories.flatMap((c) => [...c.paths, ...(c.contentPaths ?? []), ...c.exclude])];
  for (const g of globs) assert.doesNotThrow(() => new RegExp(globSource(g)), g);
});

test('the text Create policy writes parses back to exactly the defaults (same hash)', () => {
  const r = parsePolicy(defaultPolicyText(), DEFAULT_POLICY);
  assert.ok('policy' in r);
  assert.equal(policyHash(r.policy), policyHash(DEFAULT_POLICY));
});

test('syntax errors give the 1-based line and column of the mistake', () => {
  assert.deepEqual(problem('{\n  "mode": "advisory",\n}'), { message: 'a trailing comma before "}"', line: 3, column: 1 });
  const missingComma = problem('{\n  "mode": "enforce"\n  "ignore": []\n}');
  assert.equal(missingComma.line, 3);
  assert.equal(missingComma.column, 3);
  assert.match(missingComma.message, /expected "," or "}"/);
  assert.deepEqual({ ...problem('{"mode": \'enforce\'}'), message: '' }, { message: '', line: 1, column: 10 });
  assert.equal(problem('{\n"a": 1 // note\n}').line, 2);
  assert.match(problem('').message, /expected a value/);
  assert.match(problem('{"content": ["\\d"]}').message, /not a JSON escape/);
});

test('validation errors say which key is wrong, where, and what was meant', () => {
  const typo = problem('{\n  "version": 1,\n  "categorys": []\n}');
  assert.deepEqual([typo.line, typo.column], [3, 3]);
  assert.match(typo.message, /unknown key "categorys".*did you mean "categories"/);
  const mode = problem('{"mode": "strict"}');
  assert.match(mode.message, /mode must be "advisory" or "enforce"/);
  assert.equal(mode.column, 10);
  const regex = problem('{\n "categories": [\n  {"id": "auth", "content": ["ok", "(unclosed"]}\n ]\n}');
  assert.match(regex.message, /categories\[0\]\.content\[1\]: not a valid regular expression/);
  assert.deepEqual([regex.line, regex.column], [3, 36]);
  assert.match(problem('{"categories": [{"id": "auth", "paths": ["src/{a,b"]}]}').message, /categories\[0\]\.paths\[0\].*unbalanced braces/);
  assert.match(problem('{"categories": [{"id": "auth", "paths": "src/**"}]}').message, /categories\[0\]\.paths must be a list of strings/);
  assert.match(problem('{"categories": [{"id": "auth", "reveiw": true}]}').message, /unknown key "reveiw".*did you mean "review"/);
  assert.match(problem('{"categories": [{"id": "auth", "requiredChecks": ["tests"]}]}').message, /"tests" is not a check kind/);
  assert.match(problem('{"categories": [{"id": "billing-v2"}]}').message, /is new, so it needs "paths" or "content"/);
  assert.match(problem('{"categories": [{"id": "auth"}, {"id": "auth"}]}').message, /given twice/);
  assert.match(problem('[]').message, /the file must be an object/);
  assert.match(problem('{"deploy": {"acceptTeamChecks": "yes"}}').message, /deploy\.acceptTeamChecks must be true or false/);
});

test('a file merges over the defaults by category id: given fields replace, new ids add, enabled:false drops', () => {
  const r = parsePolicy(
    JSON.stringify({
      mode: 'enforce',
      categories: [
        { id: 'auth', paths: ['src/login/**'] },
        { id: 'dependencies', enabled: false },
        { id: 'exports', title: 'Data exports', paths: ['**/export*/**'], requiredChecks: ['test'] },
      ],
    }),
    DEFAULT_POLICY,
  );
  assert.ok('policy' in r);
  const p = r.policy;
  assert.equal(p.mode, 'enforce');
  assert.deepEqual(p.protectedBranches, DEFAULT_POLICY.protectedBranches, 'absent keys keep the defaults');
  const auth = p.categories.find((c) => c.id === 'auth');
  const defaultAuth = DEFAULT_POLICY.categories.find((c) => c.id === 'auth');
  assert.deepEqual(auth?.paths, ['src/login/**']);
  assert.deepEqual(auth?.content, defaultAuth?.content, 'fields not given keep the default');
  assert.equal(p.categories.some((c) => c.id === 'dependencies'), false);
  assert.deepEqual(p.categories.find((c) => c.id === 'exports'), { id: 'exports', title: 'Data exports', paths: ['**/export*/**'], content: [], exclude: [], review: true, requiredChecks: ['test'] });
  assert.equal(DEFAULT_POLICY.categories.find((c) => c.id === 'auth')?.paths.includes('src/login/**'), false, 'the defaults are not changed');
});

test('the hash is of canonical JSON: key order does not change it, a value does', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  const a = parsePolicy('{"mode":"enforce","version":1}', DEFAULT_POLICY);
  const b = parsePolicy('{"version":1,"mode":"enforce"}', DEFAULT_POLICY);
  assert.ok('policy' in a && 'policy' in b);
  assert.equal(policyHash(a.policy), policyHash(b.policy));
  assert.notEqual(policyHash(a.policy), policyHash(DEFAULT_POLICY));
  assert.match(policyHash(DEFAULT_POLICY), /^[0-9a-f]{64}$/);
});

test('loading: no file gives the defaults; a good file is in force and kept beside the record; a broken one leaves the last good in force', (t) => {
  const repo = gitRepo(t);
  const record = join(repo, '.git', 'flightdeck');
  const none = loadPolicy(repo);
  assert.equal(none.source, 'default');
  assert.equal(none.error, undefined);

  mkdirSync(join(repo, '.flightdeck'));
  const good = '{\n  "mode": "enforce"\n}\n';
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), good);
  const loaded = loadPolicy(repo);
  assert.equal(loaded.source, 'file');
  assert.equal(loaded.policy.mode, 'enforce');
  assert.equal(readFileSync(join(record, LAST_GOOD_FILE), 'utf8'), good);

  writeFileSync(join(repo, '.flightdeck', 'policy.json'), '{\n  "mode": "advisory",\n  "categorys": []\n}\n');
  const broken = loadPolicy(repo);
  assert.equal(broken.source, 'last-good');
  assert.equal(broken.policy.mode, 'enforce', 'the last good policy, not the defaults');
  assert.equal(broken.hash, loaded.hash);
  assert.deepEqual([broken.error?.line, broken.error?.column], [3, 3]);
  assert.equal(readFileSync(join(record, LAST_GOOD_FILE), 'utf8'), good, 'a broken file never replaces the last good copy');
  assert.match(describePolicyState(broken), /^policy: \.flightdeck\/policy\.json:3:3: unknown key "categorys".*\(the last good version of it is in force\)$/);

  // Deleted (an agent's `rm`, a checkout): not a way back to the defaults; how to go back on purpose is said.
  rmSync(join(repo, '.flightdeck'), { recursive: true });
  const gone = loadPolicy(repo);
  assert.equal(gone.source, 'last-good');
  assert.equal(gone.policy.mode, 'enforce');
  assert.match(gone.error?.message ?? '', /policy\.json is missing \(deleted or moved\); to go back to the defaults on purpose, delete .*policy\.last-good\.json too/);
  rmSync(join(record, LAST_GOOD_FILE));
  assert.deepEqual([loadPolicy(repo).source, loadPolicy(repo).error], ['default', undefined]);
});

test('a file the same as its last good copy is read at once, to the same policy; a mistake in it is still found, with its place', (t) => {
  const repo = gitRepo(t);
  const record = join(repo, '.git', 'flightdeck');
  mkdirSync(join(repo, '.flightdeck'));
  const written = defaultPolicyText().replace('"mode": "advisory"', '"mode": "enforce"');
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), written);
  const first = loadPolicy(repo); // the strict parse, and the copy kept
  assert.equal(readFileSync(join(record, LAST_GOOD_FILE), 'utf8'), written);
  const again = loadPolicy(repo); // the same text as the copy
  assert.deepEqual([again.source, again.hash, again.error], ['file', first.hash, undefined]);
  assert.equal(again.policy.mode, 'enforce');
  // A copy this version would refuse (kept by hand here; an older version's rules could differ): refused again, at its place.
  const refused = '{\n  "mode": "enforce",\n  "ignore": ["/abs/*"]\n}\n';
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), refused);
  writeFileSync(join(record, LAST_GOOD_FILE), refused);
  const s = loadPolicy(repo);
  assert.equal(s.source, 'default');
  assert.deepEqual([s.error?.line, s.error?.column], [3, 14]);
  assert.match(s.error?.message ?? '', /must be relative to the repository/);
});

test('a broken file with no last good copy leaves the defaults in force and says so', (t) => {
  const repo = gitRepo(t);
  mkdirSync(join(repo, '.flightdeck'));
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), '{"mode": }');
  const s = loadPolicy(repo, { persist: false });
  assert.equal(s.source, 'default');
  assert.equal(s.hash, policyHash(DEFAULT_POLICY));
  assert.deepEqual([s.error?.line, s.error?.column], [1, 10]);
  assert.match(describePolicyState(s), /the default policy is in force/);
});

test('a read-only load does not write the last good copy', (t) => {
  const repo = gitRepo(t);
  const record = tempDir(t);
  mkdirSync(join(repo, '.flightdeck'));
  writeFileSync(join(repo, '.flightdeck', 'policy.json'), '{}');
  assert.equal(loadPolicy(repo, { recordDir: record, persist: false }).source, 'file');
  assert.equal(existsSync(join(record, LAST_GOOD_FILE)), false);
});

test('the JSON parser finds the position of values and keys by path', () => {
  const p = parseJson('{\n  "a": [1, {"b": true}]\n}');
  assert.deepEqual(p.value, { a: [1, { b: true }] });
  assert.deepEqual(p.positionOf(['a', 1, 'b']), { line: 2, column: 18 });
  assert.deepEqual(p.positionOf(['a', 1, 'b'], true), { line: 2, column: 13 });
  assert.deepEqual(p.positionOf(['a', 1, 'missing']), { line: 2, column: 12 }, 'a missing member points at its parent');
  assert.throws(() => parseJson('{"a": 1} x'), (e: unknown) => e instanceof JsonSyntaxError && e.column === 10);
  assert.throws(() => parseJson('{"a": 1, "a": 2}'), /given twice/);
});
