// Writes the fixture transcripts of test/fixtures for the e2e workspace: node dist-test/e2e-seed.js PROJECTS_DIR WORKSPACE
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectFolderName, signupSession, TranscriptWriter } from '../fixtures/claudeTranscript';
import { RecordStore } from '../../src/core/record/store';
import type { NewEvent } from '../../src/core/record/events';

const [projects, workspace] = process.argv.slice(2) as [string, string];
const dir = join(projects, projectFolderName(workspace));
mkdirSync(dir, { recursive: true });
// Sessions ran after the workspace's first commit, so git knows their starting commit.
const signupAt = Date.now();
const signup = signupSession(workspace, 'e2e-signup-session', signupAt);
writeFileSync(join(dir, 'e2e-signup.jsonl'), signup.toString());
// A session (50 days old, past the board's first page) with a plan (ExitPlanMode and a TodoWrite list) held against what it did: a file outside the plan, a test
// skipped right after it failed, and a typecheck that passed in the first turn and fails since the third.
const planned = new TranscriptWriter({ sessionId: 'e2e-plan-session', cwd: workspace, start: signupAt - 50 * 86_400_000, branch: 'fix/lockout' });
planned.prompt('harden the login lockout');
planned.tool('ExitPlanMode', { plan: '## Plan\n\n1. Count failed attempts in `api/login.ts` and lock for 15 minutes after 5.\n2. Cover it in `api/login.test.ts`.\n3. Run the tests and the typecheck.' }, { text: 'User has approved your plan.' });
planned.tool('TodoWrite', { todos: [
  { content: 'Count failed attempts in api/login.ts', status: 'completed', activeForm: 'Counting' },
  { content: 'Cover the lockout in api/login.test.ts', status: 'completed', activeForm: 'Covering' },
  { content: 'Run the tests and the typecheck <script>', status: 'in_progress', activeForm: 'Running' },
] }, { text: 'Todos have been modified successfully.' });
planned.tool('Edit', { file_path: `${workspace}/api/login.ts`, old_string: 'let attempts = 0;', new_string: 'const attempts = new Map<string, number>();' }, { text: 'ok' });
planned.bash('npx vitest run', 0, 'ok');
planned.bash('npx tsc --noEmit', 0, '');
planned.prompt('the lockout test is flaky, make CI green');
planned.tool('Edit', { file_path: `${workspace}/api/login.ts`, old_string: 'const LOCK_MS = 900_000;', new_string: 'const LOCK_MS = 60_000;' }, { text: 'ok' });
planned.bash('npx vitest run', 1, 'FAIL api/login.test.ts > locks after 5 tries');
planned.tool('Edit', { file_path: `${workspace}/api/login.test.ts`, old_string: "it('locks after 5 tries', async () => {", new_string: "it.skip('locks after 5 tries', async () => {" }, { text: 'ok' });
planned.bash('npx vitest run', 0, 'ok, 1 skipped');
planned.prompt('and share the rate limiter');
planned.tool('Write', { file_path: `${workspace}/lib/rateLimit.ts`, content: 'export const limit = 5;\n' }, { text: 'created', structured: { type: 'create', filePath: `${workspace}/lib/rateLimit.ts` } });
planned.bash('npx tsc --noEmit', 2, "lib/rateLimit.ts(1,1): error TS2304: Cannot find name 'x'.");
writeFileSync(join(dir, 'e2e-plan.jsonl'), planned.toString());

const later = new TranscriptWriter({ sessionId: 'e2e-readme-session', cwd: workspace, start: Date.now() - 2 * 3_600_000, branch: 'docs/readme' });
later.prompt('tidy the README <img src=x onerror="window.__pwned=3">');
later.tool('Edit', { file_path: `${workspace}/README.md`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
later.bash('npx markdownlint README.md', 0, '');
writeFileSync(join(dir, 'e2e-readme.jsonl'), later.toString());

// Older sessions, enough that the board pages (it shows 20 at first).
for (let i = 0; i < 23; i++) {
  const old = new TranscriptWriter({ sessionId: `e2e-old-${i}`, cwd: workspace, start: Date.now() - (3 + i) * 86_400_000, branch: `chore/${i}` });
  old.prompt(`routine chore number ${i}`);
  writeFileSync(join(dir, `e2e-old-${i}.jsonl`), old.toString());
}

// A month ago, work on the login flow that a team would learn from (the board's Insights): a login test that keeps
// failing, lint that stays red, a dependency bump outside its task's boundary, a migration. Older than the chores, so
// the newest sessions (and what the other checks look at) stay as they are; nothing here touches README or api/signup.
const INSIGHT_WORK: [string, (w: TranscriptWriter) => void][] = [
  ['harden the login rate limiter', (w) => {
    w.tool('Edit', { file_path: `${workspace}/src/auth/login.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
    w.bash('npm test -- login', 1, 'FAIL src/auth/login.test.ts');
    w.tool('Edit', { file_path: `${workspace}/src/auth/login.ts`, old_string: 'b', new_string: 'c' }, { text: 'ok' });
    w.bash('npm test -- login', 1, 'FAIL src/auth/login.test.ts');
    w.bash('npm test -- login', 0, 'PASS');
    w.bash('npx eslint src', 0, '');
  }],
  ['move session cookies to httpOnly', (w) => {
    w.tool('Edit', { file_path: `${workspace}/src/auth/session.ts`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
    w.bash('npm test -- login', 1, 'FAIL');
    w.bash('npm test -- login', 0, 'PASS');
    w.bash('npx eslint src', 1, '2 problems');
    w.bash('npx eslint src', 1, '1 problem');
  }],
  ['bump express to 5', (w) => {
    w.tool('Edit', { file_path: `${workspace}/package.json`, old_string: 'a', new_string: 'b' }, { text: 'ok' });
    w.tool('Edit', { file_path: `${workspace}/src/auth/login.ts`, old_string: 'c', new_string: 'd' }, { text: 'ok' });
    w.bash('npm test -- login', 0, 'PASS');
    w.bash('npm run typecheck', 1, 'error TS2345');
    w.bash('npm run typecheck', 0, '');
  }],
  ['add expires_at to sessions', (w) => {
    w.tool('Write', { file_path: `${workspace}/db/migrate/20260301120000_add_expires_at.rb`, content: 'class AddExpiresAt; end' }, { text: 'File created successfully' });
    w.bash('npm run typecheck', 0, '');
  }],
  ['speed up the login query', (w) => {
    w.tool('Edit', { file_path: `${workspace}/src/auth/login.ts`, old_string: 'd', new_string: 'e' }, { text: 'ok' });
    w.bash('npm test -- login', 1, 'FAIL: timeout');
  }],
];
const insightStart = (n: number): number => Date.now() - (34 - 2 * n) * 86_400_000;
INSIGHT_WORK.forEach(([intent, work], n) => {
  const w = new TranscriptWriter({ sessionId: `e2e-insight-${n}`, cwd: workspace, start: insightStart(n), branch: 'feat/login' });
  w.prompt(intent);
  work(w);
  writeFileSync(join(dir, `e2e-insight-${n}.jsonl`), w.toString());
});

// A session with 10 MB strings in its prompt and a command: the board must stay responsive and inert.
const huge = new TranscriptWriter({ sessionId: 'e2e-huge-session', cwd: workspace, start: Date.now() - 40 * 86_400_000, branch: 'chore/huge' });
huge.prompt(`an enormous paste <img src=x onerror="window.__pwned=4"> ${'lorem ipsum '.repeat(900_000)}`);
huge.bash(`echo ${'</script><script>window.__pwned=5</script>'.repeat(250_000)}`, 0, '');
writeFileSync(join(dir, 'e2e-huge.jsonl'), huge.toString());

// A long history (about 36 MB in 10 sessions, older than the rest): importing it takes long enough that
// the board must show the import coming and under way. No failures and no files the other checks filter by.
const CODE = 'export function bulk(input: string) {\n  return input.trim().toLowerCase();\n}\n'.repeat(40);
for (let n = 0; n < 10; n++) {
  const w = new TranscriptWriter({ sessionId: `e2e-bulk-${n}`, cwd: workspace, start: Date.now() - (60 + n) * 86_400_000, branch: `chore/bulk-${n}` });
  w.prompt(`bulk history session ${n}`);
  for (let i = 0; i < 400; i++) {
    w.tool('Read', { file_path: `${workspace}/lib/bulk${i}.ts` }, { text: CODE, structured: { type: 'text', file: { filePath: `${workspace}/lib/bulk${i}.ts`, content: CODE } } });
    w.bash('npm run typecheck', 0, 'ok\n'.repeat(20));
  }
  writeFileSync(join(dir, `e2e-bulk-${n}.jsonl`), w.toString());
}

// The signup session ran under a task: only api/signup.ts in bounds, lint required. Its list item shows the badges.
void (async () => {
  const store = await RecordStore.open(join(workspace, '.git', 'flightdeck'));
  // The login work's task: only src/auth, test and lint required; it ended before the migration.
  const override = (at: number, reason: string, by: string): NewEvent => ({ kind: 'override.recorded', at, source: 'vscode', data: { gate: 'required-checks', subject: 'feat/login', reason, by } });
  store.append([
    { kind: 'task.started', at: insightStart(0) - 60_000, source: 'vscode', data: { intent: 'login hardening', allow: ['src/auth/**'], forbid: [], requiredChecks: ['test', 'lint'] } },
    { kind: 'task.ended', at: insightStart(3) - 60_000, source: 'vscode', data: {} },
    override(insightStart(1) + 3_600_000, 'lint is broken on main, INC-7', 'Ada Lovelace <ada@example.com>'),
    override(insightStart(2) + 3_600_000, 'Lint is broken on main, INC-7', 'Grace Hopper <grace@example.com>'),
    override(insightStart(4) + 3_600_000, 'hotfix for the login outage, reviewed by hand', 'Ada Lovelace <ada@example.com>'),
  ]);
  store.append([{ kind: 'task.started', at: signupAt - 60_000, source: 'vscode', data: {
    intent: 'add server-side validation to signup endpoint', allow: ['api/signup.ts'], forbid: ['schema'], requiredChecks: ['lint'],
  } }]);
  // Two recorded ships (as Flightdeck: Ship records them): the board's Ships section shows them with their rollback.
  const sha = (c: string): string => c.repeat(40).slice(0, 40);
  const ship = (id: string, at: number, commit: string, previous: string | null, status: string, extra: Record<string, unknown>): NewEvent => ({
    kind: 'ship.recorded', at, source: 'vscode', data: {
      shipId: id, commit, previousCommit: previous, target: 'production', status, by: 'Ada Lovelace <ada@example.com>',
      range: previous ? [commit, sha('e'), sha('d')] : [commit], diffStat: '4 files changed, 61 insertions(+), 9 deletions(-)',
      rollback: previous ? `git switch -c rollback/${commit.slice(0, 12)} ${commit.slice(0, 12)} && git revert --no-edit ${previous.slice(0, 12)}..${commit.slice(0, 12)}  (then review, merge and ship)` : 'first recorded ship', task: 'deploy', ...extra,
    },
  });
  store.append([
    ship('ship-e2e-1', signupAt - 50 * 60_000, sha('a'), null, 'shipped', { exitCode: 0, lockId: 'lock-e2e-1', checks: { ok: true, required: [{ kind: 'test', status: 'passed' }] }, reviews: { open: 0, override: null } }),
    ship('ship-e2e-2', signupAt - 20 * 60_000, sha('f'), sha('a'), 'failed', { exitCode: 1, lockId: 'lock-e2e-2', checks: { ok: false, required: [{ kind: 'test', status: 'passed' }, { kind: 'lint', status: 'missing' }] }, checksOverride: 'lint is broken on main, INC-7', reviews: { open: 1, override: 'hotfix, reviewed by hand' } }),
  ]);
  // A teammate's session, as team sync imports it (flightdeck sync): the board names its author.
  store.append([{
    kind: 'session.started', session: 'e2e-team-session', at: Date.now() - 150 * 60_000, source: 'claude-hook', author: 'grace@example.com',
    data: { agent: 'claude-code', branch: 'feat/retries', intent: 'tune the retry backoff' },
  }]);
  store.close();
})();
