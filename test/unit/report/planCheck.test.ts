import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTranscripts } from '../../../src/core/capture/claudeImport';
import { hookEvents } from '../../../src/core/capture/hook';
import { cwdMatcher, workspaceRoots } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import { archiveOlderThan } from '../../../src/core/record/archive';
import type { FlightTrail, PlanAnswer } from '../../../src/core/report/flightTrail';
import { buildTrail } from '../../../src/core/report/trail';
import { planMentions } from '../../../src/core/report/planCheck';
import { trailToMarkdown } from '../../../src/core/report/trailMarkdown';
import { renderDashboard } from '../../../src/core/report/dashboard';
import { projectFolderName, TranscriptWriter } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

const START = Date.UTC(2026, 10, 20, 9, 0, 0);

/** Imports one transcript, written by `script`, into a fresh record of a fresh repository; a task may frame it. */
async function recordOf(
  t: { after(fn: () => void): void },
  sessionId: string,
  script: (w: TranscriptWriter, repo: string) => void,
  task?: { intent: string; allow?: string[]; forbid?: string[]; requiredChecks?: string[] },
): Promise<{ store: RecordStore; repo: string; trail: FlightTrail }> {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-plan-');
  const project = join(projects, projectFolderName(repo));
  mkdirSync(project, { recursive: true });
  const w = new TranscriptWriter({ sessionId, cwd: repo, start: START });
  script(w, repo);
  writeFileSync(join(project, `${sessionId}.jsonl`), w.toString());
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  t.after(() => store.close());
  if (task) store.append([{ kind: 'task.started', at: START - 60_000, source: 'vscode', data: { allow: [], forbid: [], requiredChecks: [], ...task } }]);
  await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) });
  const trail = buildTrail(store.db, sessionId);
  assert.ok(trail);
  return { store, repo, trail };
}

const answer = (trail: FlightTrail, id: PlanAnswer['id']): PlanAnswer => {
  const a = trail.planCheck.answers.find((x) => x.id === id);
  assert.ok(a, `no answer ${id}`);
  return a;
};

const PLAN = `## Plan\n\n1. Validate the email in \`api/signup.ts\` (reject duplicates with 409).\n2. Cover it in api/signup.test.ts.\n3. Run \`npm test\`.`;

test('a session that stays in bounds: its ExitPlanMode plan is recorded and every answer is fine, with evidence', async (t) => {
  const { trail } = await recordOf(t, 'in-bounds', (w, repo) => {
    w.prompt('add server-side validation to signup endpoint');
    w.tool('ExitPlanMode', { plan: PLAN }, { text: 'User has approved your plan.' });
    w.tool('Edit', { file_path: `${repo}/api/signup.ts`, old_string: 'export function signup() {}', new_string: 'export function signup(b) { if (!b.email) throw 400; }' }, { text: 'ok' });
    w.tool('Write', { file_path: `${repo}/api/signup.test.ts`, content: "test('409', () => { expect(signup({})).toBe(409); });" }, { text: 'created', structured: { type: 'create', filePath: `${repo}/api/signup.test.ts` } });
    w.bash('npm test', 0, 'PASS');
  }, { intent: 'add server-side validation to signup endpoint', allow: ['api/**'] });

  assert.equal(trail.planCheck.plan.origin, 'ExitPlanMode');
  assert.equal(trail.planCheck.plan.text, PLAN);
  assert.deepEqual(trail.planCheck.answers.map((a) => a.id), ['boundary', 'unplanned', 'checks', 'weakened', 'rollback']);
  assert.equal(answer(trail, 'boundary').verdict, 'ok');
  assert.deepEqual(answer(trail, 'boundary').evidence, ['api/signup.ts', 'api/signup.test.ts']);
  assert.equal(answer(trail, 'unplanned').verdict, 'ok', answer(trail, 'unplanned').answer);
  assert.equal(answer(trail, 'weakened').verdict, 'ok');
  assert.equal(answer(trail, 'checks').verdict, 'ok');
  assert.match(answer(trail, 'checks').evidence.join('\n'), /test: `npm test` passed at \d\d:\d\d:\d\d \(turn 1\)/);

  const md = trailToMarkdown(trail);
  assert.match(md, /^## Plan check$/m);
  assert.match(md, /^- Plan: ExitPlanMode at 2026-11-20T/m);
  assert.match(md, /^ {2}> 1\. Validate the email in `api\/signup\.ts`/m);
  assert.match(md, /^- ✓ Did the agent stay inside the requested boundary\? Yes: all 2 changed files are inside "only api\/\*\*"\.$/m);
});

test('a session out of bounds: the boundary and the plan are held against the files, each with when it changed and in which turn', async (t) => {
  const { trail } = await recordOf(t, 'out-of-bounds', (w, repo) => {
    w.prompt('add server-side validation to signup endpoint');
    w.tool('TodoWrite', { todos: [{ content: 'Validate the email in api/signup.ts', status: 'completed', activeForm: 'Validating' }, { content: 'Run the tests', status: 'pending', activeForm: 'Running' }] }, { text: 'Todos have been modified successfully.' });
    w.tool('Edit', { file_path: `${repo}/api/signup.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
    w.prompt('also tidy the billing helper');
    w.tool('Edit', { file_path: `${repo}/lib/billing/invoice.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  }, { intent: 'add server-side validation to signup endpoint', allow: ['api/**'] });

  assert.equal(trail.planCheck.plan.origin, 'TodoWrite');
  assert.deepEqual(trail.planCheck.plan.todos, [{ content: 'Validate the email in api/signup.ts', status: 'completed' }, { content: 'Run the tests', status: 'pending' }]);
  const boundary = answer(trail, 'boundary');
  assert.equal(boundary.verdict, 'concern');
  assert.deepEqual(boundary.evidence.length, 1);
  assert.match(boundary.evidence[0] ?? '', /^lib\/billing\/invoice\.ts: outside api\/\*\*, changed at \d\d:\d\d:\d\d \(turn 2\)$/);
  const unplanned = answer(trail, 'unplanned');
  assert.equal(unplanned.verdict, 'concern');
  assert.match(unplanned.answer, /^Yes: 1 of 2 changed files are not named/);
  assert.match(unplanned.evidence[0] ?? '', /^lib\/billing\/invoice\.ts, changed at .* \(turn 2\)$/);
  // Payments is a policy category that requires tests: none ran.
  const checks = answer(trail, 'checks');
  assert.equal(checks.verdict, 'concern');
  assert.match(checks.evidence.join('\n'), /^test for payments \(lib\/billing\/invoice\.ts\): not run after the last change at .* \(turn 2\)$/m);
  // High risk, nothing committed: rollback is not obvious.
  assert.equal(answer(trail, 'rollback').verdict, 'concern');
  assert.match(answer(trail, 'rollback').evidence[0] ?? '', /^risk: high \(touches payments; crosses its boundary\)$/);
});

test('a test deleted after it failed is a weaker design accepted: named with the failure it followed', async (t) => {
  const { trail } = await recordOf(t, 'deleted-test', (w) => {
    w.prompt('make the signup tests pass');
    w.bash('npm test', 1, 'FAIL api/signup.test.ts');
    w.bash('rm api/signup.test.ts', 0, '');
    w.bash('npm test', 0, 'no tests');
  });
  const weak = answer(trail, 'weakened');
  assert.equal(weak.verdict, 'concern');
  assert.equal(weak.evidence.length, 1);
  assert.match(weak.evidence[0] ?? '', /^api\/signup\.test\.ts at .* \(turn 1\): test file deleted: api\/signup\.test\.ts — after `npm test` failed \(exit 1\) at .*; it passed next at /);
});

test('an assertion loosened after a failure, and a skip added, are found in the edits themselves', async (t) => {
  const { trail, store } = await recordOf(t, 'loosened', (w, repo) => {
    w.prompt('fix the duplicate email test');
    w.bash('npx vitest run', 1, 'expected 409, got 500');
    w.tool('Edit', { file_path: `${repo}/api/signup.test.ts`, old_string: '  expect(res.status).toBe(409);', new_string: '  expect(res.status).toBeGreaterThan(0);' }, { text: 'ok' });
    w.tool('Edit', { file_path: `${repo}/api/login.test.ts`, old_string: "it('locks after 5 tries', () => {", new_string: "it.skip('locks after 5 tries', () => {" }, { text: 'ok' });
    // Refused by the person: it did not happen, so it is not held against the session.
    w.tool('Edit', { file_path: `${repo}/api/other.test.ts`, old_string: 'assert.equal(a, 1);', new_string: '' }, { text: "The user doesn't want to proceed with this tool use.", isError: true });
    w.bash('npx vitest run', 0, 'ok');
  });
  const weak = answer(trail, 'weakened');
  assert.equal(weak.verdict, 'concern');
  assert.equal(weak.evidence.length, 2, weak.evidence.join('\n'));
  assert.match(weak.evidence[0] ?? '', /^api\/signup\.test\.ts at .*: expect\(res\.status\)\.toBe\(409\); → expect\(res\.status\)\.toBeGreaterThan\(0\); — after `npx vitest run` failed \(exit 1\)/);
  assert.match(weak.evidence[1] ?? '', /^api\/login\.test\.ts at .*: skipped: it\.skip\('locks after 5 tries'/);
  assert.match(weak.answer, /^Yes: 2 weakenings right after a failing check/);
  // Recorded once each, and replaying the journal changes nothing.
  const count = (): number => Number(store.db.exec('SELECT count(*) FROM weakenings')[0]?.values[0]?.[0]);
  assert.equal(count(), 3);
  store.catchUp();
  assert.equal(count(), 3);
});

test('a check removed from package.json scripts after it failed', async (t) => {
  const { trail } = await recordOf(t, 'script-removed', (w, repo) => {
    w.prompt('get CI green');
    w.bash('npm run lint', 1, '3 problems');
    w.tool('Edit', { file_path: `${repo}/package.json`, old_string: '    "lint": "eslint .",\n    "build": "tsc"', new_string: '    "build": "tsc"' }, { text: 'ok' });
  });
  const weak = answer(trail, 'weakened');
  assert.equal(weak.verdict, 'concern');
  assert.match(weak.evidence[0] ?? '', /^package\.json at .*: script "lint" \(eslint \.\) removed from package\.json — after `npm run lint` failed/);
});

test('turns: what each prompt changed, and since which turn a check fails with what changed since it last passed', async (t) => {
  const { trail, repo } = await recordOf(t, 'turns', (w, r) => {
    w.prompt('add the greeting');
    w.tool('Write', { file_path: `${r}/src/greet.js`, content: 'x' }, { text: 'created', structured: { type: 'create', filePath: `${r}/src/greet.js` } });
    w.bash('npm test', 0, 'ok');
    w.prompt('now make it formal');
    w.tool('Edit', { file_path: `${r}/src/greet.js`, old_string: 'x', new_string: 'y' }, { text: 'ok' });
    w.prompt('and translate it to French <b>vite</b>');
    w.tool('Edit', { file_path: `${r}/src/i18n.js`, old_string: 'x', new_string: 'y' }, { text: 'ok' });
    w.bash('npm test', 1, 'FAIL');
  });
  assert.ok(repo);
  assert.deepEqual(trail.turns.map((x) => [x.n, x.prompt, x.files.map((f) => `${f.path} ${f.change}`), x.checks.map((c) => c.passed)]), [
    [1, 'add the greeting', ['src/greet.js created'], [true]],
    [2, 'now make it formal', ['src/greet.js modified'], []],
    [3, 'and translate it to French <b>vite</b>', ['src/i18n.js modified'], [false]],
  ]);
  assert.equal(trail.checkBreaks.length, 1);
  const [b] = trail.checkBreaks;
  assert.equal(b?.command, 'npm test');
  assert.equal(b?.failingSince.turn, 3);
  assert.equal(b?.lastPassed?.turn, 1);
  assert.equal(b?.lastPassed?.session, '');
  assert.deepEqual(b?.changedBetween, ['src/greet.js', 'src/i18n.js']);
  const md = trailToMarkdown(trail);
  assert.match(md, /^- npm test fails since turn 3, .*; last passed turn 1, .*; changed in between: src\/greet\.js, src\/i18n\.js$/m);
  assert.match(md, /^### Turn 3 \(.*\): and translate it to French &lt;b&gt;vite&lt;\/b&gt;$/m);
  assert.match(md, /^- Files: src\/i18n\.js$/m);
  const reader = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  t.after(() => reader.close());
  const html = renderDashboard(reader.db, { title: 'r' });
  assert.match(html, /3\. and translate it to French &lt;b&gt;vite&lt;\/b&gt;/);
  assert.doesNotMatch(html, /<b>vite/);
  assert.match(html, /What broke since it last worked/);
});

test('a check failing since the session began last passed in an earlier session, which is named', async (t) => {
  const { store } = await recordOf(t, 'earlier', (w) => {
    w.prompt('first session');
    w.bash('npm test', 0, 'ok');
  });
  store.append([
    { kind: 'session.started', session: 'later', at: START + 3_600_000, source: 'claude-transcript', data: { agent: 'claude-code' } },
    { kind: 'prompt.submitted', session: 'later', at: START + 3_600_000, source: 'claude-transcript', data: { text: 'second session' } },
    { kind: 'tool.called', session: 'later', at: START + 3_601_000, source: 'claude-transcript', data: { toolUseId: 'L1', tool: 'Bash', command: 'npm test', check: 'test' } },
    { kind: 'tool.result', session: 'later', at: START + 3_602_000, source: 'claude-transcript', data: { toolUseId: 'L1', tool: 'Bash', command: 'npm test', check: 'test', outcome: 'error', exitCode: 1 } },
  ]);
  const trail = buildTrail(store.db, 'later');
  assert.equal(trail?.checkBreaks[0]?.lastPassed?.session, 'earlier');
  assert.equal(trail?.checkBreaks[0]?.lastPassed?.sessionIntent, 'first session');
  assert.equal(trail?.checkBreaks[0]?.failingSince.turn, 1);
});

test('a plan from hooks (PreToolUse and PostToolUse) and the transcript is one plan; replay keeps it one', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  const base = { session_id: 'hooked', transcript_path: '/tmp/x.jsonl', cwd: '/tmp/repo', permission_mode: 'plan', tool_name: 'ExitPlanMode', tool_input: { plan: PLAN }, tool_use_id: 'toolu_plan_1' };
  store.append([
    ...hookEvents('PreToolUse', { ...base, hook_event_name: 'PreToolUse' }, START),
    ...hookEvents('PostToolUse', { ...base, hook_event_name: 'PostToolUse', tool_response: { plan: PLAN } }, START + 5),
    ...hookEvents('PreToolUse', { ...base, hook_event_name: 'PreToolUse', tool_name: 'TodoWrite', tool_input: { todos: [{ content: 'Edit api/signup.ts', status: 'in_progress', activeForm: 'x' }] }, tool_use_id: 'toolu_todo_1' }, START + 10),
  ]);
  const plans = (s: RecordStore): unknown[][] => s.db.exec('SELECT origin, text IS NOT NULL, todos FROM plans ORDER BY at')[0]?.values ?? [];
  assert.deepEqual(plans(store), [['ExitPlanMode', 1, null], ['TodoWrite', 0, '[{"content":"Edit api/signup.ts","status":"in_progress"}]']]);
  store.close();
  // Reopened without a snapshot: the journal is replayed.
  const again = await RecordStore.open(dir);
  t.after(() => again.close());
  assert.equal(plans(again).length, 2);
  const trail = buildTrail(again.db, 'hooked');
  assert.equal(trail?.planCheck.plan.origin, 'ExitPlanMode');
  assert.deepEqual(trail?.planCheck.plan.todos, [{ content: 'Edit api/signup.ts', status: 'in_progress' }]);
});

test('the real Claude Code 2.x session: one turn with its files, commands and checks; the plan is its prompt', async (t) => {
  const repo = gitRepo(t);
  const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'claude-code-2.x');
  const projects = tempDir(t, 'fd-real-');
  const project = join(projects, projectFolderName(repo));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'real.jsonl'), readFileSync(join(fixtures, 'transcript.jsonl'), 'utf8').replaceAll('/tmp/fixture-repo', repo).replaceAll(projectFolderName('/tmp/fixture-repo'), projectFolderName(repo)));
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  t.after(() => store.close());
  await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) });
  const trail = buildTrail(store.db, '46b79c32-de78-4bcc-9a51-4fc834049366');
  assert.ok(trail);
  assert.equal(trail.turns.length, 1);
  assert.deepEqual(trail.turns[0]?.files.map((f) => f.path).sort(), ['CHANGELOG.md', 'notes.txt', 'src/greet.js']);
  assert.equal(trail.turns[0]?.commands.length, 5);
  assert.deepEqual(trail.turns[0]?.checks.map((c) => [c.command, c.passed]), [['npm test', true]]);
  assert.equal(trail.planCheck.plan.origin, 'intent');
  const unplanned = answer(trail, 'unplanned');
  assert.equal(unplanned.verdict, 'concern');
  assert.deepEqual(unplanned.evidence.map((e) => e.split(/[ ,]/)[0]).sort(), ['CHANGELOG.md', 'notes.txt']);
  assert.equal(answer(trail, 'boundary').verdict, 'unknown');
  assert.equal(trail.checkBreaks.length, 0);
});

test('a plan names a file by its path, its name, or a folder named on its own', () => {
  const named = planMentions('1. Validate in `api/signup.ts`.\n2. Everything under lib/mail/ may change.\n3. Update the README.md');
  assert.ok(named('api/signup.ts'));
  assert.ok(named('API/Signup.ts'));
  assert.ok(named('docs/README.md'), 'by its name');
  assert.ok(named('lib/mail/send.ts'), 'in a folder the plan names');
  assert.ok(!named('api/login.ts'), 'a folder in another file\'s path is not named');
  assert.ok(!named('src/signup.tsx'));
  assert.ok(!named('lib/other.ts'));
});

test('an archived session keeps its turns and plan check: they come from derived rows, not from its events', async (t) => {
  const { store, trail: before } = await recordOf(t, 'archived', (w, repo) => {
    w.prompt('first ask');
    w.tool('Edit', { file_path: `${repo}/src/a.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
    w.bash('npm test', 1, 'FAIL');
    w.tool('Edit', { file_path: `${repo}/src/a.test.ts`, old_string: 'expect(a).toBe(1);', new_string: 'expect(a).toBeDefined();' }, { text: 'ok' });
    w.prompt('second ask');
    w.tool('Edit', { file_path: `${repo}/src/b.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  });
  const result = archiveOlderThan(store, 1, START + 400 * 86_400_000);
  assert.equal(result.sessions, 1);
  assert.equal(Number(store.db.exec(`SELECT count(*) FROM events WHERE session_id = 'archived'`)[0]?.values[0]?.[0]), 0);
  const after = buildTrail(store.db, 'archived');
  assert.deepEqual(after?.turns.map((x) => [x.n, x.prompt, x.files.map((f) => f.path)]), [[1, 'first ask', ['src/a.ts', 'src/a.test.ts']], [2, 'second ask', ['src/b.ts']]]);
  assert.deepEqual(after?.planCheck.answers, before.planCheck.answers);
  assert.equal(answer(before, 'weakened').verdict, 'concern');
});
