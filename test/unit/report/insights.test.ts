import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { importTranscripts } from '../../../src/core/capture/claudeImport';
import { cwdMatcher, workspaceRoots } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import { buildInsights } from '../../../src/core/report/insights';
import { renderDashboard } from '../../../src/core/report/dashboard';
import { insightPanels } from '../../../src/core/report/insightPanels';
import { insightsHtml } from '../../../src/core/report/insightsHtml';
import { buildTrail } from '../../../src/core/report/trail';
import { projectFolderName, signupSession, TranscriptWriter } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

const T1 = Date.UTC(2026, 10, 20, 9);
const HOUR = 3_600_000;

/**
 * Five sessions in Claude Code's transcript format, imported as the extension imports them, under two tasks, with
 * overrides recorded as the override command records them:
 * - signup (T1): the issue's example; `npm test -- signup` fails, is fixed, passes 6 s later; under a task allowing only
 *   api/signup.ts and requiring lint (never run); it also created api/signup.test.ts (out of bounds). 11 responses.
 * - flaky (T1 + 2 h, no task): `npm test -- login` fails twice, passes 592.5 s after the first failure's call (a second
 *   stretch of the same session, 10 min after it began; a check is timed at its call); `npx eslint src` fails and never passes. Edits src/auth/login.ts, api/signup.ts. 6 responses.
 * - docs (T1 + 3 h): a task allowing docs/** and requiring test and lint; edits README.md (out of bounds), writes
 *   docs/login.md, then lint passes; test never runs. 3 responses.
 * - deps (T1 + 4 h, the task ended): edits package.json, src/auth/session.ts, README.md; no checks. 3 responses.
 * - idle (a day before): a prompt and nothing else.
 * Every response carries 1,200 input, 150 output and 9,300 cache tokens (300 written, 9,000 read).
 */
async function fixture(t: { after(fn: () => void): void }): Promise<RecordStore> {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-claude-');
  const project = join(projects, projectFolderName(repo));
  mkdirSync(project, { recursive: true });
  const write = (name: string, ...writers: TranscriptWriter[]): void => writeFileSync(join(project, `${name}.jsonl`), writers.map(String).join(''));

  write('signup', signupSession(repo, 'ins-signup', T1));
  const flaky = new TranscriptWriter({ sessionId: 'ins-flaky', cwd: repo, start: T1 + 2 * HOUR });
  flaky.prompt('make the login test pass');
  flaky.tool('Edit', { file_path: `${repo}/src/auth/login.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  flaky.tool('Edit', { file_path: `${repo}/api/signup.ts`, old_string: 'b', new_string: 'c' }, { text: 'ok' });
  flaky.bash('npm test -- login', 1, 'FAIL');
  flaky.bash('npm test -- login', 1, 'FAIL');
  flaky.bash('npx eslint src', 1, '3 problems');
  const flakyLater = new TranscriptWriter({ sessionId: 'ins-flaky', cwd: repo, start: T1 + 2 * HOUR + 600_000 });
  flakyLater.bash('npm test -- login', 0, 'PASS');
  write('flaky', flaky, flakyLater);
  const docs = new TranscriptWriter({ sessionId: 'ins-docs', cwd: repo, start: T1 + 3 * HOUR });
  docs.prompt('document the login flow');
  docs.tool('Edit', { file_path: `${repo}/README.md`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  docs.tool('Write', { file_path: `${repo}/docs/login.md`, content: '# Login' }, { text: 'File created successfully' });
  docs.bash('npm run lint', 0, '');
  write('docs', docs);
  const deps = new TranscriptWriter({ sessionId: 'ins-deps', cwd: repo, start: T1 + 4 * HOUR });
  deps.prompt('add left-pad');
  for (const f of ['package.json', 'src/auth/session.ts', 'README.md']) deps.tool('Edit', { file_path: `${repo}/${f}`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
  write('deps', deps);
  const idle = new TranscriptWriter({ sessionId: 'ins-idle', cwd: repo, start: T1 - 24 * HOUR });
  idle.prompt('look around');
  write('idle', idle);

  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) });
  const override = (at: number, reason: string, by: string) => ({ kind: 'override.recorded', at, source: 'vscode', data: { gate: 'required-checks', subject: 'abc', reason, by } });
  store.append([
    { kind: 'task.started', at: T1 - 60_000, source: 'vscode', data: { intent: 'signup validation', allow: ['api/signup.ts'], forbid: ['schema'], requiredChecks: ['lint'] } },
    { kind: 'task.ended', at: T1 + HOUR, source: 'vscode', data: {} },
    { kind: 'task.started', at: T1 + 2.5 * HOUR, source: 'vscode', data: { intent: 'docs', allow: ['docs/**'], forbid: [], requiredChecks: ['test', 'lint'] } },
    { kind: 'task.ended', at: T1 + 3.5 * HOUR, source: 'vscode', data: {} },
    override(T1 + 0.5 * HOUR, 'hotfix, reviewed by hand', 'Ada'),
    override(T1 + 2 * HOUR + 300_000, 'Hotfix,  reviewed by hand ', 'Bob'),
    override(T1 + 3 * HOUR + 300_000, 'lint is broken on main, INC-7', 'Ada'),
    override(T1 - 48 * HOUR, 'before any session', 'Eve'),
  ]);
  t.after(() => store.close());
  return store;
}

test('insights across sessions: failing and skipped checks, files, categories, boundaries, retries, overrides, tokens, time to green', async (t) => {
  const store = await fixture(t);
  const i = buildInsights(store.db);
  assert.equal(i.sessions, 5);
  assert.deepEqual(i.failingChecks, [
    { command: 'npm test -- login', kind: 'test', runs: 3, failed: 2, sessions: 1 },
    { command: 'npm test -- signup', kind: 'test', runs: 2, failed: 1, sessions: 1 },
    { command: 'npx eslint src', kind: 'lint', runs: 1, failed: 1, sessions: 1 },
  ]);
  assert.deepEqual(i.skippedChecks, [{ kind: 'lint', sessions: 1 }, { kind: 'test', sessions: 1 }]);
  assert.deepEqual(i.files, [
    { path: 'README.md', sessions: 2 }, { path: 'api/signup.ts', sessions: 2 },
    { path: 'api/signup.test.ts', sessions: 1 }, { path: 'docs/login.md', sessions: 1 }, { path: 'package.json', sessions: 1 },
    { path: 'src/auth/login.ts', sessions: 1 }, { path: 'src/auth/session.ts', sessions: 1 },
  ]);
  assert.deepEqual(i.categories.map((c) => [c.id, c.sessions, c.files]), [['auth', 2, 2], ['dependencies', 1, 1]], 'src/auth/login.ts (flaky), src/auth/session.ts (deps); api/signup.ts is auth only by its content');
  assert.equal(i.categories[0]?.title, 'Authentication and sessions');
  assert.deepEqual(i.boundary, { bounded: 2, violating: 2, files: [{ path: 'README.md', sessions: 1 }, { path: 'api/signup.test.ts', sessions: 1 }] });
  assert.deepEqual(i.retries, { buckets: [1, 1, 1, 0, 0], total: 3, sessions: 3 }, 'docs 0, signup 1, flaky 2; deps ran no checks');
  assert.equal(i.overrides.total, 4);
  assert.deepEqual(i.overrides.reasons.map((r) => [r.reason, r.count, r.by]), [
    ['Hotfix, reviewed by hand', 2, 'Bob'], ['lint is broken on main, INC-7', 1, 'Ada'], ['before any session', 1, 'Eve'],
  ]);
  assert.deepEqual(i.tokens.sessions.map((s) => [s.id, s.input, s.output, s.cache]), [
    ['ins-signup', 13_200, 1_650, 102_300], ['ins-flaky', 7_200, 900, 55_800], ['ins-docs', 3_600, 450, 27_900], ['ins-deps', 3_600, 450, 27_900],
  ], 'oldest first; the idle session used none');
  assert.equal(i.tokens.total, 117_150 + 63_900 + 31_950 + 31_950);
  assert.equal(i.tokens.median, (31_950 + 63_900) / 2);
  assert.deepEqual(i.recovery, { buckets: [1, 0, 1, 0, 0], medianMs: (6_000 + 592_500) / 2, recovered: 2, open: 1 });

  // The same rules as each session's own flight record.
  const trails = ['ins-signup', 'ins-docs'].map((id) => buildTrail(store.db, id)!);
  assert.deepEqual(trails.map((tr) => tr.boundaryViolations.length), [1, 1]);
  assert.deepEqual(trails.map((tr) => tr.skippedChecks.map((s) => s.split(':')[0])), [['lint'], ['test']]);
});

test('insights look at the newest sessions only: the window bounds what they read, overrides included', async (t) => {
  const store = await fixture(t);
  const i = buildInsights(store.db, { window: 2 });
  assert.deepEqual([i.sessions, i.window], [2, 2]);
  assert.deepEqual(i.failingChecks, [], 'docs and deps failed nothing');
  assert.deepEqual(i.retries, { buckets: [1, 0, 0, 0, 0], total: 0, sessions: 1 });
  assert.deepEqual(i.boundary, { bounded: 1, violating: 1, files: [{ path: 'README.md', sessions: 1 }] });
  assert.deepEqual(i.overrides.reasons.map((r) => r.reason), ['lint is broken on main, INC-7'], 'only those since the oldest session in the window');
  assert.deepEqual(i.tokens.sessions.map((s) => s.id), ['ins-docs', 'ins-deps']);
  assert.equal(i.from! < i.to!, true);
});

test('insights cost the same few queries however many sessions the record holds', async (t) => {
  const store = await fixture(t);
  const counted = (db: Database): { db: Database; calls: () => number } => {
    let calls = 0;
    const proxy = new Proxy(db, { get: (target, key) => (key === 'exec' ? (...a: Parameters<Database['exec']>) => (calls++, target.exec(...a)) : Reflect.get(target, key)) });
    return { db: proxy, calls: () => calls };
  };
  const few = counted(store.db);
  buildInsights(few.db);
  store.append(Array.from({ length: 300 }, (_, k) => [
    { kind: 'session.started', session: `bulk-${k}`, at: T1 + 5 * HOUR + k * 1000, source: 'bench', data: { agent: 'claude-code', intent: `bulk ${k}` } },
    { kind: 'check.recorded', session: `bulk-${k}`, at: T1 + 5 * HOUR + k * 1000 + 1, source: 'bench', data: { kind: 'test', command: 'npm test', passed: k % 3 > 0 } },
  ]).flat());
  const many = counted(store.db);
  const i = buildInsights(many.db);
  assert.equal(many.calls(), few.calls());
  assert.ok(many.calls() <= 6, `${many.calls()} queries`);
  assert.equal(i.sessions, 200, 'the default window');
  assert.deepEqual(i.failingChecks[0], { command: 'npm test', kind: 'test', runs: 200, failed: 66, sessions: 200 }, 'bulk-100…299: multiples of 3, 99 - 33 of them');
});

test('the dashboard carries the insights as charts readable without JavaScript, every string escaped', async (t) => {
  const store = await fixture(t);
  store.append([{ kind: 'override.recorded', at: T1 + 4 * HOUR, source: 'vscode', data: { gate: 'g', subject: 's', reason: '<img src=x onerror=alert(1)> because', by: '<b>Mallory</b>' } }]);
  const html = renderDashboard(store.db, { title: 'x', generatedAt: T1 });
  const section = html.slice(html.indexOf('<section class="insights"'), html.indexOf('</section>', html.indexOf('<section class="insights"')));
  assert.ok(section.length > 100, 'an Insights section');
  assert.ok(!/<script/i.test(html), 'no script anywhere');
  assert.ok(!section.includes('<img'), 'the hostile reason is text');
  assert.ok(section.includes('&lt;img src=x onerror=alert(1)&gt; because'));
  for (const text of ['npm test -- login', 'Authentication and sessions', 'README.md', '5–15 min', '2 of 2 bounded sessions']) {
    assert.ok(section.includes(text), `shows ${text}`);
  }
  assert.ok(/<svg[^>]*role="img"[^>]*aria-label="[^"]*"/.test(section), 'charts are labelled images');
});

test('an empty record teaches nothing, and says so in every panel', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const i = buildInsights(store.db);
  assert.deepEqual([i.sessions, i.failingChecks, i.files, i.tokens.total, i.recovery.medianMs], [0, [], [], 0, undefined]);
  const panels = insightPanels(i);
  assert.equal(panels.length, 9);
  assert.ok(panels.every((p) => p.bars.length === 0), 'no chart without data');
  assert.deepEqual(panels.map((p) => p.takeaway), [
    'No check failed.', 'No check failed.', 'No session ran a check.', 'No required check was skipped (a task names its required checks).',
    'No session ran under a boundary (Start task gives one).', 'No file changed.', 'No change fell into a risk category of the policy.',
    'No gate was overridden.', 'No token use recorded.',
  ]);
  const html = insightsHtml(i);
  assert.ok(!/NaN|undefined|Infinity/.test(html), html);
});
