import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultClassifier } from '../../../src/core/capture/transcript';
import { isTestFile, weakenings } from '../../../src/core/capture/weakening';

const kinds = (path: string, before: string, after: string): string[] => weakenings(path, before, after, defaultClassifier).map((w) => w.kind);

test('skips and focused tests added to a test file weaken it; ones already there do not', () => {
  assert.deepEqual(kinds('src/a.test.ts', "it('x', () => {", "it.skip('x', () => {"), ['test-skipped']);
  assert.deepEqual(kinds('tests/test_api.py', 'def test_x():', '@pytest.mark.skip(reason="flaky")\ndef test_x():'), ['test-skipped']);
  assert.deepEqual(kinds('pkg/api_test.go', 'func TestX(t *testing.T) {', 'func TestX(t *testing.T) {\n\tt.Skip("later")'), ['test-skipped']);
  assert.deepEqual(kinds('src/a.spec.js', "describe('x', () => {", "describe.only('x', () => {"), ['test-skipped']);
  assert.deepEqual(kinds('src/a.test.ts', "it.skip('x', () => {\n  a();", "it.skip('x', () => {\n  b();"), []);
  // Not a test file: the same text is not a skipped test.
  assert.deepEqual(kinds('src/runner.ts', "it('x')", "it.skip('x')"), []);
});

test('assertions removed, loosened or with their expectation changed; one added or kept is fine', () => {
  assert.deepEqual(kinds('a.test.ts', 'expect(r.status).toBe(409);', 'expect(r.status).toBeTruthy();'), ['assertion-loosened']);
  assert.deepEqual(kinds('a.test.ts', 'assert.deepStrictEqual(out, [1, 2]);', 'assert.ok(out);'), ['assertion-loosened']);
  assert.deepEqual(kinds('a.test.ts', 'expect(a).toBe(1);\nexpect(b).toBe(2);', 'expect(a).toBe(1);'), ['assertion-removed']);
  assert.deepEqual(kinds('a.test.ts', 'expect(r.status).toBe(409);', 'expect(r.status).toBe(500);'), ['expectation-changed']);
  assert.deepEqual(kinds('a.test.ts', 'expect(a).toBe(1);', 'expect(a).toBe(1);\nexpect(b).toEqual([2]);'), []);
  assert.deepEqual(kinds('a.test.ts', 'const x = 1;', 'const x = 2;'), []);
});

test('checks removed from package.json scripts or CI, or made to let failures through', () => {
  assert.deepEqual(kinds('package.json', '"test": "vitest run",', ''), ['check-removed']);
  assert.deepEqual(kinds('package.json', '"test": "vitest run",', '"test": "vitest run --passWithNoTests",'), ['check-removed']);
  assert.deepEqual(kinds('package.json', '"test": "vitest run",', '"test": "echo skipped",'), ['check-removed']);
  assert.deepEqual(kinds('package.json', '"test": "vitest run",', '"test": "vitest run --reporter dot",'), []);
  assert.deepEqual(kinds('package.json', '"start": "node app.js",', ''), []);
  assert.deepEqual(kinds('.github/workflows/ci.yml', '      - run: npm ci\n      - run: npm test', '      - run: npm ci'), ['check-removed']);
  assert.deepEqual(kinds('.github/workflows/ci.yml', '      - run: npm test', '      - run: npm test\n        continue-on-error: true'), ['check-removed']);
  assert.deepEqual(weakenings('.github/workflows/ci.yml', '      - run: npm run lint', '', defaultClassifier)[0]?.check, 'lint');
});

test('test files by the usual conventions', () => {
  for (const p of ['src/a.test.ts', 'src/a.spec.jsx', 'tests/x.py', 'test_x.py', 'x_test.go', 'spec/models/user_spec.rb', 'src/__tests__/a.js', 'FooTest.java']) assert.ok(isTestFile(p), p);
  for (const p of ['src/a.ts', 'latest.py', 'contest/x.js', 'src/testing.ts']) assert.ok(!isTestFile(p), p);
});
