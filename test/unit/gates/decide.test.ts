import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advisePostToolUse, decidePreToolUse, type GateContext } from '../../../src/core/gates/decide';
import { applyGateEvent, emptyGateState, type GateEvent, type GateState, type GateStateRead } from '../../../src/core/gates/state';
import { DEFAULT_POLICY } from '../../../src/core/risk/policy';

const ROOT = '/work/repo';
const NOW = Date.UTC(2026, 5, 1, 12);
let seq = 0;
const ev = (kind: string, data: Record<string, unknown>, at = NOW - 60_000): GateEvent => ({ id: `e${++seq}`, kind, at, data });

function stateWith(...events: GateEvent[]): GateState {
  const s = emptyGateState();
  for (const e of events) applyGateEvent(s, e);
  return s;
}

const openReview = (id = 'rev-1'): GateEvent[] => [
  ev('review.opened', { reviewId: id, subject: 'auth: src/auth/session.ts', files: [{ path: 'src/auth/session.ts' }], changeHash: 'c1' }),
  ev('review.verdict', {
    reviewId: id, engine: 'rules', status: 'concerns', changeHash: 'c1',
    concerns: [{ file: 'src/auth/session.ts', line: 12, severity: 'high', title: 'Idle sessions never expire' }, { file: 'src/auth/session.ts', severity: 'medium', title: 'No test' }],
  }),
];

function ctx(mode: 'advisory' | 'enforce', state: GateStateRead, extra: Partial<GateContext> = {}): GateContext {
  return { repoRoot: ROOT, mode, policy: { ...DEFAULT_POLICY, mode }, state, currentBranch: () => 'main', now: NOW, ...extra };
}
const ok = (s: GateState): GateStateRead => ({ ok: true, state: s });
const bash = (command: string, c: GateContext) => decidePreToolUse('Bash', { command }, ROOT, c);
const edit = (file: string, c: GateContext, tool = 'Edit', more: Record<string, unknown> = {}) => decidePreToolUse(tool, { file_path: file, new_string: 'x', ...more }, ROOT, c);

test('enforce: git push to a protected branch and deploys are denied while a review is open, with a reason naming it and what to do', () => {
  const c = ctx('enforce', ok(stateWith(...openReview())));
  const push = bash('git push origin main', c);
  assert.equal(push.action, 'deny');
  assert.ok(push.action === 'deny' && push.gate === 'push');
  const reason = push.action === 'deny' ? push.reason : '';
  assert.match(reason, /git push to main is gated: review rev-1 of auth: src\/auth\/session\.ts has 2 open concerns \(src\/auth\/session\.ts:12 Idle sessions never expire; src\/auth\/session\.ts No test\)/);
  assert.match(reason, /re-run `flightdeck review`/);
  assert.match(reason, /flightdeck override rev-1 --reason/);
  assert.match(reason, /ask the user to mark it resolved or override it: that is theirs to do, in their own terminal \(`flightdeck resolve rev-1`, `flightdeck override rev-1 --reason "…"`\)/);
  assert.equal(bash('terraform apply -auto-approve', c).action, 'deny');
  assert.equal(bash('git push origin feature/x', c).action, 'allow', 'not a protected branch');
  assert.equal(bash('npm test', c).action, 'allow');
  assert.equal(decidePreToolUse('Read', { file_path: `${ROOT}/src/auth/session.ts` }, ROOT, c).action, 'allow');
});

test('a review that passed, was resolved or is overridden opens the gate; an override past its expiry closes it again', () => {
  const passed = stateWith(...openReview(), ev('review.verdict', { reviewId: 'rev-1', engine: 'rules', status: 'passed', changeHash: 'c1', concerns: [] }, NOW - 1000));
  assert.equal(bash('git push', ctx('enforce', ok(passed))).action, 'allow');
  const resolved = stateWith(...openReview(), ev('review.resolved', { reviewId: 'rev-1', supersededBy: 'rev-2' }));
  assert.equal(bash('git push', ctx('enforce', ok(resolved))).action, 'allow');
  const overridden = stateWith(...openReview(), ev('override.recorded', { reviewId: 'rev-1', reason: 'hotfix INC-1, checked', expiresAt: NOW + 60_000 }));
  assert.equal(bash('git push', ctx('enforce', ok(overridden))).action, 'allow');
  assert.equal(bash('git push', ctx('enforce', ok(overridden), { now: NOW + 120_000 })).action, 'deny', 'the override lapsed');
  // A verdict on a newer change lifts the override given for the older one.
  const newer = stateWith(...openReview(), ev('override.recorded', { reviewId: 'rev-1', reason: 'hotfix INC-1, checked' }),
    ev('review.verdict', { reviewId: 'rev-1', engine: 'rules', status: 'concerns', changeHash: 'c2', concerns: [{ file: 'a', severity: 'high', title: 't' }] }, NOW - 500));
  assert.equal(bash('git push', ctx('enforce', ok(newer))).action, 'deny');
  // A gate override holds an hour by default.
  const gate = stateWith(...openReview(), ev('override.recorded', { gate: 'push', reason: 'release train, QA signed off', by: 'Ann' }, NOW - 1000));
  assert.equal(bash('git push', ctx('enforce', ok(gate))).action, 'allow');
  assert.equal(bash('terraform apply', ctx('enforce', ok(gate))).action, 'deny', 'the push gate is not the deploy gate');
  assert.equal(bash('git push', ctx('enforce', ok(gate), { now: NOW + 3_600_000 })).action, 'deny');
});

test('a stale, missing or unreadable state fails closed in enforce mode and never blocks in advisory mode', () => {
  const unknown: GateStateRead = { ok: false, why: 'gates.json is missing' };
  for (const [name, d] of [
    ['push', bash('git push origin main', ctx('enforce', unknown))],
    ['deploy', bash('helm upgrade api ./chart', ctx('enforce', unknown))],
    ['edit', edit(`${ROOT}/src/app.ts`, ctx('enforce', unknown))],
  ] as const) {
    assert.equal(d.action, 'deny', name);
    assert.match(d.action === 'deny' ? d.reason : '', /cannot be read \(gates\.json is missing\); enforce mode fails closed\. Run `flightdeck gates`/);
  }
  assert.equal(bash('npm test', ctx('enforce', unknown)).action, 'allow', 'ungated calls go on');
  for (const d of [bash('git push origin main', ctx('advisory', unknown)), bash('terraform apply', ctx('advisory', unknown)), edit(`${ROOT}/src/app.ts`, ctx('advisory', unknown))]) {
    assert.notEqual(d.action, 'deny');
  }
  const broken = ctx('enforce', ok(emptyGateState()), { policyProblem: '.flightdeck/policy.json:3:5: expected a comma' });
  const d = bash('git push origin main', broken);
  assert.equal(d.action, 'deny');
  assert.match(d.action === 'deny' ? d.reason : '', /the policy cannot be read \(\.flightdeck\/policy\.json:3:5: expected a comma\)/);
});

test('advisory: the agent is told (not blocked) about open reviews before a push, risky files and files outside the task', () => {
  const task = ev('task.started', { intent: 'validate the signup form', allow: ['src/forms/**', 'test/**'], forbid: ['schema'] });
  const c = ctx('advisory', ok(stateWith(...openReview(), task)));
  const push = bash('git push', c);
  assert.equal(push.action, 'advise');
  assert.match(push.action === 'advise' ? push.reason : '', /git push to main while review rev-1 .* has 2 open concerns.*not blocked/);
  const outside = edit(`${ROOT}/src/billing/invoice.ts`, c);
  assert.equal(outside.action, 'advise');
  assert.match(outside.action === 'advise' ? outside.reason : '', /src\/billing\/invoice\.ts is outside the task's boundary \(outside src\/forms\/\*\*, test\/\*\*\)\. The task: "validate the signup form"/);
  const schema = edit(`${ROOT}/src/forms/migrations/001_add.sql`, c, 'Write', { content: 'ALTER TABLE users ADD x int;' });
  assert.match(schema.action === 'advise' ? schema.reason : '', /no schema changes/);
  assert.equal(edit(`${ROOT}/src/forms/validate.ts`, c).action, 'allow', 'inside the boundary, not risky');
  const risky = edit(`${ROOT}/src/signup/session.ts`, ctx('advisory', ok(emptyGateState())), 'Write', { content: 'export const x = 1;\n' });
  assert.equal(risky.action, 'advise');
  assert.match(risky.action === 'advise' ? risky.reason : '', /src\/signup\/session\.ts is risky \(auth: /);
  // Risky by what the edit adds, in a generically named file.
  const content = edit(`${ROOT}/src/util/helpers.ts`, ctx('advisory', ok(emptyGateState())), 'Edit', { new_string: 'const ok = await bcrypt.compare(password, user.passwordHash);' });
  assert.equal(content.action, 'advise');
  assert.equal(edit('/elsewhere/notes.txt', c).action, 'allow', 'outside the repository');
});

test('enforce: an edit the task boundary forbids is denied unless the boundary gate is overridden; risky edits are only told', () => {
  const task = ev('task.started', { intent: 'validate the signup form', allow: [], forbid: ['schema', 'auth'] });
  const c = ctx('enforce', ok(stateWith(task)));
  const d = edit(`${ROOT}/db/migrations/002.sql`, c, 'Write', { content: 'DROP TABLE users;' });
  assert.equal(d.action, 'deny');
  assert.match(d.action === 'deny' ? d.reason : '', /editing db\/migrations\/002\.sql is gated: the task's boundary forbids it \(no schema changes\)\. The task: "validate the signup form"\. Leave this file alone/);
  assert.equal(decidePreToolUse('NotebookEdit', { notebook_path: `${ROOT}/src/auth/login.ipynb`, new_source: 'x' }, ROOT, c).action, 'deny');
  assert.equal(edit(`${ROOT}/src/forms/validate.ts`, c).action, 'allow');
  const ended = ctx('enforce', ok(stateWith(task, ev('task.ended', {}, NOW - 100))));
  assert.equal(edit(`${ROOT}/db/migrations/002.sql`, ended).action, 'advise', 'no task: a migration is only risky');
  const overridden = ctx('enforce', ok(stateWith(task, ev('override.recorded', { gate: 'boundary', reason: 'the owner asked for the column', expiresAt: NOW + 1000 }))));
  assert.notEqual(edit(`${ROOT}/db/migrations/002.sql`, overridden).action, 'deny');
});

test('after an edit, open concerns on that file are told to the agent', () => {
  const c = ctx('advisory', ok(stateWith(...openReview())));
  const d = advisePostToolUse('Edit', { file_path: `${ROOT}/src/auth/session.ts` }, ROOT, c);
  assert.equal(d.action, 'advise');
  assert.match(d.action === 'advise' ? d.reason : '', /review rev-1 has open concerns on src\/auth\/session\.ts: \[high\] line 12: Idle sessions never expire; \[medium\] No test/);
  assert.equal(advisePostToolUse('Edit', { file_path: `${ROOT}/src/other.ts` }, ROOT, c).action, 'allow');
  assert.equal(advisePostToolUse('Bash', { command: 'ls' }, ROOT, c).action, 'allow');
});

test('the policy is the owner\'s: enforce denies an agent\'s edit of it or a command that changes it unless the boundary gate is overridden; advisory tells', () => {
  const c = ctx('enforce', ok(emptyGateState()));
  for (const tool of ['Edit', 'Write', 'MultiEdit']) {
    const d = edit(`${ROOT}/.flightdeck/policy.json`, c, tool);
    assert.ok(d.action === 'deny' && d.gate === 'boundary', tool);
    assert.match(d.reason, /editing \.flightdeck\/policy\.json is gated: the project's policy \(\.flightdeck\/policy\.json\) is the owner's, not the agent's, to change\. Ask the user/);
    assert.match(d.reason, /flightdeck override --gate boundary --reason/);
  }
  assert.equal(decidePreToolUse('NotebookEdit', { notebook_path: '.flightdeck/policy.json', new_source: '{}' }, ROOT, c).action, 'deny');
  assert.equal(edit('.Flightdeck/Policy.json', c).action, 'deny', 'the same file on a case-insensitive disk');
  assert.equal(edit(`${ROOT}/docs/policy.json`, c).action, 'allow');
  const rm = bash('rm -f .flightdeck/policy.json', c);
  assert.ok(rm.action === 'deny' && rm.gate === 'boundary');
  assert.match(rm.reason, /`rm -f \.flightdeck\/policy\.json` is gated/);
  assert.equal(bash('echo \'{"mode":"advisory"}\' > .flightdeck/policy.json', c).action, 'deny');
  assert.equal(bash('cat .flightdeck/policy.json', c).action, 'allow', 'reading it is fine');
  assert.equal(bash('mkdir -p .flightdeck', c).action, 'allow');
  const unreadable = edit(`${ROOT}/.flightdeck/policy.json`, ctx('enforce', { ok: false, why: 'gates.json is missing' }));
  assert.ok(unreadable.action === 'deny' && /no override can be seen/.test(unreadable.reason), 'fails closed');
  const overridden = ctx('enforce', ok(stateWith(ev('override.recorded', { gate: 'boundary', reason: 'switch to advisory for the demo', by: 'Ann' }, NOW - 1000))));
  assert.equal(edit(`${ROOT}/.flightdeck/policy.json`, overridden).action, 'allow');
  assert.equal(bash('rm .flightdeck/policy.json', overridden).action, 'allow');
  const pushGate = ctx('enforce', ok(stateWith(ev('override.recorded', { gate: 'push', reason: 'release', by: 'Ann' }, NOW - 1000))));
  assert.equal(edit(`${ROOT}/.flightdeck/policy.json`, pushGate).action, 'deny', 'only the boundary gate lets it through');
  const advisory = edit(`${ROOT}/.flightdeck/policy.json`, ctx('advisory', ok(emptyGateState())));
  assert.ok(advisory.action === 'advise' && /the owner's to change\. The project is in advisory mode, so this is not blocked/.test(advisory.reason));
  assert.equal(bash('rm .flightdeck/policy.json', ctx('advisory', ok(emptyGateState()))).action, 'advise');
});

test('an override or resolve is a person\'s: enforce denies the agent running it, in any mode of the state; the push denial tells the agent to ask the user', () => {
  for (const state of [ok(stateWith(...openReview())), ok(emptyGateState()), { ok: false, why: 'gates.json is missing' } as GateStateRead]) {
    const c = ctx('enforce', state);
    const d = bash('flightdeck override --gate push --reason "QA signed off"', c);
    assert.ok(d.action === 'deny' && d.gate === 'push');
    assert.match(d.reason, /`flightdeck override` is refused to agents: an override is the owner's decision and must be given by a person/);
    assert.match(d.reason, /Ask the user to run it in their own terminal \(`flightdeck override …`\) or with `Flightdeck: Override gate…` in VS Code/);
    const deploy = bash('node ./node_modules/flightdeck/dist/cli.js override --gate deploy --reason x', c);
    assert.ok(deploy.action === 'deny' && deploy.gate === 'deploy');
    assert.equal(bash('npx flightdeck resolve rev-1', c).action, 'deny');
  }
  const advisory = bash('flightdeck override rev-1 --reason x', ctx('advisory', ok(stateWith(...openReview()))));
  assert.ok(advisory.action === 'advise' && /ask the user to run it themselves/.test(advisory.reason));
  const push = bash('git push origin main', ctx('enforce', ok(stateWith(...openReview()))));
  assert.match(push.action === 'deny' ? push.reason : '', /or ask the user to mark it resolved or override it: that is theirs to do, in their own terminal \(`flightdeck resolve rev-1`, `flightdeck override rev-1 --reason "…"`\) or with `Flightdeck: Override gate…`/);
});

test('enforce: a push or deploy hidden in a shell wrapper, a prefix or split quotes is held like the bare command', () => {
  const c = ctx('enforce', ok(stateWith(...openReview())));
  for (const line of ["bash -c 'git push origin main'", "git pu''sh origin main", 'env FOO=1 git push origin main', 'sudo -u deploy git push origin main']) {
    const d = bash(line, c);
    assert.ok(d.action === 'deny' && d.gate === 'push', line);
  }
  for (const line of ['sh -c "kubectl apply -f k8s/"', 'sudo -u deploy kubectl apply -f k8s/', "terra''form apply", 'nohup ./deploy.sh &']) {
    const d = bash(line, c);
    assert.ok(d.action === 'deny' && d.gate === 'deploy', line);
  }
  assert.equal(bash("bash -c 'rm .flight''deck/policy.json'", ctx('enforce', ok(emptyGateState()))).action, 'deny');
});
