import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../src/core/risk/policy';
import { policyHash } from '../../../src/core/risk/load';
import { parsePolicy } from '../../../src/core/risk/validate';

test('the policy\'s deploy block: optional (the default policy and its hash are unchanged), checked with line:column', () => {
  assert.equal(DEFAULT_POLICY.deploy, undefined);
  const none = parsePolicy('{}', DEFAULT_POLICY);
  assert.ok('policy' in none && policyHash(none.policy) === policyHash(DEFAULT_POLICY));
  const good = parsePolicy('{"deploy": {"lock": "remote", "remote": "upstream", "graceSeconds": 30, "requiredChecks": ["test"], "base": "upstream/main"}}', DEFAULT_POLICY);
  assert.ok('policy' in good);
  assert.deepEqual(good.policy.deploy, { lock: 'remote', remote: 'upstream', graceSeconds: 30, requiredChecks: ['test'], base: 'upstream/main' });
  const bad = parsePolicy('{\n  "deploy": {\n    "lock": "global"\n  }\n}', DEFAULT_POLICY);
  assert.ok('problem' in bad);
  assert.match(bad.problem.message, /deploy\.lock must be "local" or "remote", not "global"/);
  assert.equal(bad.problem.line, 3);
  const typo = parsePolicy('{"deploy": {"graceSecond": 5}}', DEFAULT_POLICY);
  assert.ok('problem' in typo && /did you mean "graceSeconds"/.test(typo.problem.message));
  const check = parsePolicy('{"deploy": {"requiredChecks": ["tests"]}}', DEFAULT_POLICY);
  assert.ok('problem' in check && /"tests" is not a check kind/.test(check.problem.message));
});
