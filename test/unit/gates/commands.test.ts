import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployCommand, flightdeckFolderChange, gitPushes, personOnlyFlightdeckCommand, protectedPushTargets, simpleCommands } from '../../../src/core/gates/commands';

const PROTECTED = ['main', 'master', 'release/*', 'production'];

test('deploy commands are found in real command lines, and words that only mention deploying are not', () => {
  const deploys: [string, string][] = [
    ['terraform apply -auto-approve', 'terraform apply'],
    ['cd infra && terraform -chdir=prod apply', 'terraform apply'],
    ['kubectl -n prod apply -f k8s/deploy.yaml', 'kubectl apply'],
    ['helm upgrade --install api ./chart', 'helm upgrade'],
    ['fly deploy --remote-only', 'fly deploy'],
    ['FOO=1 npx vercel --prod', 'vercel --prod'],
    ['./node_modules/.bin/vercel deploy --prod --yes', 'vercel --prod'],
    ['npm run deploy -- --env production', 'npm run deploy'],
    ['npm publish --access public', 'npm publish'],
    ['./scripts/deploy.sh staging', 'deploy'],
    ['sudo -E ansible-playbook site.yml', 'ansible-playbook'],
    ['npm test && npm run release', 'npm run release'],
    ['echo start; $(firebase deploy --only hosting)', 'firebase deploy'],
  ];
  for (const [line, pattern] of deploys) assert.equal(deployCommand(line), pattern, line);
  const not = [
    'echo "terraform apply"', 'grep -r deploy src', 'cat docs/release.md', 'git commit -m "deploy fix"', 'terraform plan', 'vercel',
    'kubectl get pods', 'npm run build', 'helm template ./chart', 'git log --grep release', 'ls deploy/',
  ];
  for (const line of not) assert.equal(deployCommand(line), undefined, line);
});

test('simple commands split on operators and keep quoted words whole', () => {
  assert.deepEqual(simpleCommands(`git commit -m 'a && b' && git push origin "feature x"`), [['git', 'commit', '-m', 'a && b'], ['git', 'push', 'origin', 'feature x']]);
  assert.deepEqual(simpleCommands('a | b; c\nd'), [['a'], ['b'], ['c'], ['d']]);
});

test('git push targets: explicit refspecs, HEAD, the current branch, deletions, options and git -C', () => {
  assert.deepEqual(protectedPushTargets('git push origin main', 'feature', PROTECTED), ['main']);
  assert.deepEqual(protectedPushTargets('git push', 'main', PROTECTED), ['main'], 'no refspec: the current branch');
  assert.deepEqual(protectedPushTargets('git push', 'feature', PROTECTED), []);
  assert.deepEqual(protectedPushTargets('git push origin HEAD', 'main', PROTECTED), ['main']);
  assert.deepEqual(protectedPushTargets('git push origin HEAD:main', 'feature', PROTECTED), ['main']);
  assert.deepEqual(protectedPushTargets('git push origin feature:refs/heads/release/2.1', 'feature', PROTECTED), ['release/2.1']);
  assert.deepEqual(protectedPushTargets('git push -u --force-with-lease origin +feature:master', 'feature', PROTECTED), ['master']);
  assert.deepEqual(protectedPushTargets('git -C ../api push origin main', undefined, PROTECTED), ['main']);
  assert.deepEqual(protectedPushTargets('git push -o ci.skip origin feature', 'main', PROTECTED), [], 'the option value is not a refspec');
  assert.deepEqual(protectedPushTargets('git push origin :production', 'feature', PROTECTED), [], 'a deletion is not a push of a change');
  assert.deepEqual(protectedPushTargets('git push origin feature release/9', 'x', PROTECTED), ['release/9']);
  assert.deepEqual(protectedPushTargets('git push --all origin', 'feature', PROTECTED), ['main'], '--all includes the protected branches');
  assert.deepEqual(protectedPushTargets('npm test && git push origin main && echo done', 'main', PROTECTED), ['main']);
  assert.deepEqual(protectedPushTargets('echo "git push origin main"', 'main', PROTECTED), []);
  assert.deepEqual(protectedPushTargets('git stash push -m wip', 'main', PROTECTED), []);
  assert.deepEqual(protectedPushTargets('git push origin release', 'x', PROTECTED), [], 'release/* is not release');
  assert.equal(gitPushes('git push upstream main', 'x')[0]?.remote, 'upstream');
});

test('commands that write, move or delete the .flightdeck folder or its policy are found; reading it is not', () => {
  const changes = [
    'rm .flightdeck/policy.json', 'rm -rf .flightdeck', 'rm -rf ./.flightdeck/', 'mv .flightdeck/policy.json /tmp/p.json', 'mv /tmp/p.json .flightdeck/policy.json',
    'echo {} > .flightdeck/policy.json', 'echo {} >>.flightdeck/policy.json', 'jq . p.json 1> /work/repo/.flightdeck/policy.json', 'cat x | tee .flightdeck/policy.json',
    "sed -i 's/enforce/advisory/' .flightdeck/policy.json", "sed -i.bak -e 's/a/b/' .flightdeck/policy.json", "perl -pi -e 's/enforce/advisory/' .flightdeck/policy.json",
    'git rm -q .flightdeck/policy.json', 'git checkout -- .flightdeck', 'git checkout HEAD~3 -- .flightdeck/policy.json', 'git restore .flightdeck/policy.json',
    'cp /tmp/open.json .flightdeck/policy.json', 'truncate -s 0 .flightdeck/policy.json', 'npm test && rm .flightdeck/policy.json', 'sudo rm .flightdeck/policy.json',
  ];
  for (const line of changes) assert.ok(flightdeckFolderChange(line), line);
  const not = [
    'cat .flightdeck/policy.json', 'jq .mode .flightdeck/policy.json', 'cp .flightdeck/policy.json /tmp/p.json', "sed 's/a/b/' .flightdeck/policy.json",
    'git diff .flightdeck', 'git add .flightdeck/policy.json', 'echo "rm .flightdeck/policy.json"', 'ls .flightdeck', 'rm -rf node_modules/.flightdeck-cache', 'git checkout -- src',
  ];
  for (const line of not) assert.equal(flightdeckFolderChange(line), undefined, line);
  assert.equal(flightdeckFolderChange('npm test; rm -f .flightdeck/policy.json'), 'rm -f .flightdeck/policy.json');
});

test('Flightdeck\'s override and resolve are found however the CLI is run; other words for them are not', () => {
  const runs: [string, { subcommand: string; gate?: string }][] = [
    ['flightdeck override --gate push --reason "checked"', { subcommand: 'override', gate: 'push' }],
    ['npx flightdeck override rev-1 --reason ok', { subcommand: 'override' }],
    ['npx -y flightdeck@latest override --gate=deploy --reason ok', { subcommand: 'override', gate: 'deploy' }],
    ['node dist/cli.js override --gate boundary --reason x', { subcommand: 'override', gate: 'boundary' }],
    ['node ~/.vscode/extensions/acme.flightdeck-1.4.0/dist/cli.js resolve rev-2', { subcommand: 'resolve' }],
    ['npm exec -- flightdeck override rev-1 --reason x', { subcommand: 'override' }],
    ['/usr/local/bin/flightdeck --repo . override rev-1 --reason x', { subcommand: 'override' }],
    ['npm test && FLIGHTDECK_DEBUG=1 flightdeck resolve rev-3', { subcommand: 'resolve' }],
  ];
  for (const [line, run] of runs) assert.deepEqual(personOnlyFlightdeckCommand(line), run, line);
  const not = ['flightdeck gates', 'flightdeck review', 'git log --grep override', 'grep -rn override src/flightdeck', 'echo "flightdeck override"', 'npm run resolve', 'git commit -m "flightdeck override docs"'];
  for (const line of not) assert.equal(personOnlyFlightdeckCommand(line), undefined, line);
});

test('a push or deploy inside a shell wrapper or behind a prefix is still seen: bash -c, sh -c, sudo -u, env, xargs, nohup, time, command, exec, eval', () => {
  const pushes = [
    "bash -c 'git push origin main'", 'sh -c "cd api && git push origin main"', "bash -lc 'git push origin main'", 'env FOO=1 git push origin main',
    'sudo -u deploy git push origin main', 'echo main | xargs git push origin', 'xargs -n 1 git push origin < branches', 'nohup git push origin main &',
    'time git push origin main', 'command git push origin main', 'exec git push origin main', "eval 'git push origin main'",
    `bash -c "sh -c 'git push origin main'"`, "timeout 60 git push origin main", "git pu''sh origin main",
  ];
  for (const line of pushes) assert.deepEqual(protectedPushTargets(line, 'feature', PROTECTED), ['main'], line);
  const deploys: [string, string][] = [
    ['sh -c "kubectl apply -f k8s/"', 'kubectl apply'],
    ['sudo -u deploy kubectl apply -f k8s/', 'kubectl apply'],
    ["bash -c 'cd infra && terraform apply -auto-approve'", 'terraform apply'],
    ['env NODE_ENV=production npm publish', 'npm publish'],
    ['nohup ./deploy.sh &', 'deploy'],
    ['ls charts | xargs -I{} helm upgrade {} ./charts/{}', 'helm upgrade'],
    ["sudo sh -c 'exec kubectl apply -f k8s/'", 'kubectl apply'],
  ];
  for (const [line, pattern] of deploys) assert.equal(deployCommand(line), pattern, line);
  assert.equal(deployCommand("bash -c 'echo terraform apply'"), undefined);
  assert.deepEqual(protectedPushTargets("bash -c 'git stash push -m wip'", 'main', PROTECTED), []);
});
