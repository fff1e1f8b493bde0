import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTranscripts } from '../../../src/core/capture/claudeImport';
import { PlanError, userPlanEvent } from '../../../src/core/capture/userPlan';
import { cwdMatcher, workspaceRoots } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import type { FlightTrail, PlanAnswer } from '../../../src/core/report/flightTrail';
import { buildTrail } from '../../../src/core/report/trail';
import { trailToMarkdown } from '../../../src/core/report/trailMarkdown';
import { renderDashboard } from '../../../src/core/report/dashboard';
import { projectFolderName, TranscriptWriter } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

const START = Date.UTC(2026, 10, 20, 9, 0, 0);
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
// Built at run time: no secret-shaped literal in the source.
const SECRET = `ghp_${'0123456789abcdefghijABCDEFGHIJklmnop'}`;
const AGENT_PLAN = '## Plan\n\n1. Change api/signup.ts and lib/mail/send.ts.\n2. Run npm test.';

function fd(args: string[], cwd: string, input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A session that presents a plan with ExitPlanMode and changes api/signup.ts and lib/mail/send.ts. */
async function recorded(t: { after(fn: () => void): void }, id = 'planned'): Promise<{ store: RecordStore; repo: string; dir: string }> {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-uplan-');
  const project = join(projects, projectFolderName(repo));
  mkdirSync(project, { recursive: true });
  const w = new TranscriptWriter({ sessionId: id, cwd: repo, start: START });
  w.prompt('add validation to signup');
  w.tool('ExitPlanMode', { plan: AGENT_PLAN }, { text: 'User has approved your plan.' });
  w.tool('Edit', { file_path: `${repo}/api/signup.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  w.tool('Edit', { file_path: `${repo}/lib/mail/send.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  writeFileSync(join(project, `${id}.jsonl`), w.toString());
  const dir = join(repo, '.git', 'flightdeck');
  const store = await RecordStore.open(dir);
  t.after(() => store.close());
  await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) });
  return { store, repo, dir };
}

const answer = (trail: FlightTrail | undefined, id: PlanAnswer['id']): PlanAnswer => {
  const a = trail?.planCheck.answers.find((x) => x.id === id);
  assert.ok(a, `no answer ${id}`);
  return a;
};

test('without a plan from the user, the agent\'s ExitPlanMode plan is held against the session and the evidence says so', async (t) => {
  const { store } = await recorded(t);
  const trail = buildTrail(store.db, 'planned');
  assert.equal(trail?.planCheck.plan.origin, 'ExitPlanMode');
  const unplanned = answer(trail, 'unplanned');
  assert.equal(unplanned.verdict, 'ok', unplanned.answer);
  assert.match(unplanned.evidence.at(-1) ?? '', /^plan from the agent's ExitPlanMode at \d\d:\d\d:\d\d \(turn 1\)$/);
});

test('the user\'s plan is authoritative over the agent\'s: files only the agent\'s plan named are unplanned; its files count as named', async (t) => {
  const { store } = await recorded(t);
  // The user's plan covers only the signup file (by --file) and says nothing of mail.
  store.append([{ ...userPlanEvent({ text: `Only fix signup validation; keep ${SECRET} out of it`, files: ['api/signup.ts'], session: 'planned', by: 'ada@example.com', source: 'cli' }), at: START + 60_000 }]);
  const trail = buildTrail(store.db, 'planned');
  const plan = trail?.planCheck.plan;
  assert.equal(plan?.origin, 'user');
  assert.ok(plan?.text.startsWith('Only fix signup validation'));
  assert.ok(!plan?.text.includes(SECRET), 'the plan is redacted before it is stored');
  assert.deepEqual(plan?.files, ['api/signup.ts']);
  assert.equal(plan?.agentPlan?.origin, 'ExitPlanMode');
  const unplanned = answer(trail, 'unplanned');
  assert.equal(unplanned.verdict, 'concern');
  assert.match(unplanned.answer, /^Yes: 1 of 2 changed files are not named in your plan/);
  assert.match(unplanned.evidence[0] ?? '', /^lib\/mail\/send\.ts, changed at /);
  assert.match(unplanned.evidence.at(-1) ?? '', /^plan from you \(ada@example\.com\) at 09:01:00 \(turn 1\); it takes the place of the agent's ExitPlanMode plan at .*; it covers api\/signup\.ts$/);

  // Shown wherever plans show: the Markdown export (flightdeck show) and the dashboard.
  const md = trailToMarkdown(trail as FlightTrail);
  assert.match(md, /^- Plan: plan from you \(ada@example\.com\) at 2026-11-20T09:01:00\.000Z; it takes the place of the agent's ExitPlanMode plan/m);
  assert.match(md, /^ {2}> Only fix signup validation/m);
  assert.match(md, /^ {2}- Files it covers: api\/signup\.ts$/m);
  const html = renderDashboard(store.db, { title: 'plans' });
  assert.ok(html.includes('Plan: plan from you (ada@example.com)'), 'the dashboard names the user\'s plan');
  assert.ok(html.includes('Files it covers: api/signup.ts'));
});

test('a folder the user\'s plan covers holds the files inside it; a later user plan replaces the text and adds its files', async (t) => {
  const { store } = await recorded(t);
  store.append([
    { ...userPlanEvent({ text: 'first: signup only', files: ['api/signup.ts'], session: 'planned', source: 'vscode' }), at: START + 60_000 },
    { ...userPlanEvent({ text: 'then: mail too', files: ['lib/mail'], session: 'planned', source: 'vscode' }), at: START + 120_000 },
  ]);
  const trail = buildTrail(store.db, 'planned');
  assert.equal(trail?.planCheck.plan.text, 'then: mail too');
  assert.deepEqual(trail?.planCheck.plan.files, ['api/signup.ts', 'lib/mail']);
  assert.equal(answer(trail, 'unplanned').verdict, 'ok', answer(trail, 'unplanned').evidence.join('\n'));
});

test('a user plan is refused without text, without a session, or too long', () => {
  assert.throws(() => userPlanEvent({ text: '  ', files: [], session: 's', source: 'cli' }), PlanError);
  assert.throws(() => userPlanEvent({ text: 'x', files: [], session: '', source: 'cli' }), /belongs to a session/);
  assert.throws(() => userPlanEvent({ text: 'x'.repeat(20_001), files: [], session: 's', source: 'cli' }), /at most 20000 characters/);
});

test('flightdeck plan records the user\'s plan for the agent\'s active session (or --session), redacted; show prints it', async (t) => {
  const repo = gitRepo(t);
  mkdirSync(join(repo, 'api'));
  writeFileSync(join(repo, 'api', 'signup.ts'), 'export {};\n');
  assert.equal(fd(['plan', 'no session yet'], repo).code, 2, 'no active session: a usage error');
  const session = 'agent-session-plan-1';
  const start = fd(['hook', 'SessionStart'], repo, JSON.stringify({ session_id: session, cwd: repo, hook_event_name: 'SessionStart', source: 'startup' }));
  assert.equal(start.code, 0, start.err);
  const r = fd(['plan', `Validate signup only (token ${SECRET})`, '--file', 'signup.ts', '--json'], join(repo, 'api'));
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as { id: string; session: string; files: string[] };
  assert.equal(out.session, session);
  assert.deepEqual(out.files, ['api/signup.ts']);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const rows = store.db.exec('SELECT origin, text, files, session_id FROM plans')[0]?.values ?? [];
  store.close();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.[0], 'user');
  assert.ok(!String(rows[0]?.[1]).includes(SECRET), 'redacted before it is stored');
  assert.equal(rows[0]?.[2], '["api/signup.ts"]');

  const show = fd(['show', session], repo);
  assert.equal(show.code, 0, show.err);
  assert.match(show.out, /^- Plan: plan from you/m);
  assert.match(show.out, /Files it covers: api\/signup\.ts/);

  const byId = fd(['plan', 'a second plan', '--session', 'agent-session-plan'], repo);
  assert.equal(byId.code, 0, byId.err);
  const unknown = fd(['plan', 'x', '--session', 'nope'], repo);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /no session "nope"/);
  assert.equal(fd(['plan', 'x', '--file', '/etc/hosts'], repo).code, 2, 'a file outside the repository is refused');
});
