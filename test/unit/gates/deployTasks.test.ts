import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DEPLOY_RULES, compileCommandPatterns, matchDeployCommand, matchDeployTask } from '../../../src/core/gates/deployTasks';

test('deploy tasks by name: whole words, not flags or longer words', () => {
  for (const name of ['deploy', 'Deploy to staging', 'npm: release', 'publish:docs', 'shell: deploy-prod']) {
    assert.equal(matchDeployTask({ name }, DEFAULT_DEPLOY_RULES)?.by, 'task name', name);
  }
  for (const name of ['build', 'cargo build --release', 'redeployment notes', 'unpublished drafts', 'test', 'pre-release check']) {
    assert.equal(matchDeployTask({ name }, DEFAULT_DEPLOY_RULES), undefined, name);
  }
});

test('deploy tasks by command: the shared built-in list, word by word', () => {
  assert.deepEqual(matchDeployTask({ name: 'infra', commandLine: 'cd infra && terraform apply -auto-approve' }, DEFAULT_DEPLOY_RULES), { by: 'command', pattern: 'terraform apply' });
  assert.equal(matchDeployTask({ name: 'k8s', commandLine: 'kubectl apply -f k8s/' }, DEFAULT_DEPLOY_RULES)?.pattern, 'kubectl apply');
  assert.equal(matchDeployTask({ name: 'plan', commandLine: 'terraform plan' }, DEFAULT_DEPLOY_RULES), undefined);
  assert.equal(matchDeployTask({ name: 'notes', commandLine: 'grep release NOTES.md' }, DEFAULT_DEPLOY_RULES), undefined);
  assert.equal(matchDeployCommand('npm publish --access public', DEFAULT_DEPLOY_RULES)?.pattern, 'npm publish');
  assert.equal(matchDeployCommand('echo "terraform apply"', DEFAULT_DEPLOY_RULES), undefined);
});

test('the user\'s words and expressions add to the built-ins, or replace them; a bad expression is reported', () => {
  const rules = { taskNames: ['ship it'], commands: ['^\\./bin/rollout\\b'], builtIn: true };
  assert.equal(matchDeployTask({ name: 'Ship it now' }, rules)?.pattern, 'ship it');
  assert.equal(matchDeployTask({ name: 'roll', commandLine: './bin/rollout --env prod' }, rules)?.pattern, '^\\./bin/rollout\\b');
  assert.equal(matchDeployTask({ name: 'deploy' }, rules)?.pattern, 'deploy');
  const only = { ...rules, builtIn: false };
  assert.equal(matchDeployTask({ name: 'deploy', commandLine: 'terraform apply' }, only), undefined);
  assert.equal(matchDeployTask({ name: 'ship it' }, only)?.by, 'task name');
  const compiled = compileCommandPatterns(['(unclosed', 'ok']);
  assert.equal(compiled.res.length, 1);
  assert.match(compiled.errors[0] ?? '', /"\(unclosed"/);
  assert.equal(matchDeployCommand('anything', { taskNames: [], commands: ['(unclosed'], builtIn: false }), undefined);
});
