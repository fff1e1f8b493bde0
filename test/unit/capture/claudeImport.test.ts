import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cursorOf, importTranscripts } from '../../../src/core/capture/claudeImport';
import { cwdMatcher, projectFolderFilter, workspaceRoots } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail, resolveSessionId } from '../../../src/core/report/trail';
import { trailToMarkdown } from '../../../src/core/report/trailMarkdown';
import { projectFolderName, signupSession, TranscriptWriter } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

const SESSION = 'a1b2c3d4-0000-4000-8000-000000000001';

function setup(t: { after(fn: () => void): void }): { repo: string; projects: string; project: string } {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-claude-');
  const project = join(projects, projectFolderName(repo));
  mkdirSync(project, { recursive: true });
  return { repo, projects, project };
}

async function importInto(repo: string, projects: string) {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  const summary = await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) });
  return { store, summary };
}

test('a call a PreToolUse hook blocked is a denial, and Flightdeck\'s own gate is named as the one that refused', async (t) => {
  const { repo, projects, project } = setup(t);
  const w = new TranscriptWriter({ sessionId: SESSION, cwd: repo });
  w.prompt('ship the session fix');
  // The text Claude Code 2.1.332 wrote when Flightdeck's hook exited 2 (from the real agents gates run).
  w.tool('Bash', { command: 'git push origin main' }, { isError: true,
    text: "PreToolUse:Bash hook error: [FLIGHTDECK_MARK='flightdeck-hook' '/usr/bin/node' '/x/dist/cli.js' hook PreToolUse]: Flightdeck (enforce): git push to main is gated: review rev-1 has 2 open concerns." });
  w.tool('Bash', { command: 'rm -rf build' }, { isError: true, text: 'PreToolUse:Bash hook error: [./guard.sh]: no deletes here' });
  w.bash('npm test', 1, 'FAIL');
  writeFileSync(join(project, `${SESSION}.jsonl`), w.toString());
  const { store } = await importInto(repo, projects);
  const trail = buildTrail(store.db, SESSION);
  assert.ok(trail);
  assert.deepEqual(trail.approvals.map((a) => [a.kind, a.subject, a.by]), [
    ['denial', 'Bash: git push origin main', "Flightdeck's gate"],
    ['denial', 'Bash: rm -rf build', 'a hook'],
  ]);
  assert.deepEqual(trail.failures, ['npm test failed (exit 1)'], 'a blocked call is not a failed command');
  store.close();
});

test('a session transcript becomes the artifact trail of the issue\'s example', async (t) => {
  const { repo, projects, project } = setup(t);
  writeFileSync(join(project, `${SESSION}.jsonl`), signupSession(repo, SESSION).toString() + '{"type":"assistant","unterminated');
  const { store, summary } = await importInto(repo, projects);
  assert.equal(summary.sessions, 1);
  assert.equal(summary.malformed, 1, 'the garbage line in the middle');
  assert.ok(summary.skippedTypes.summary && summary.skippedTypes.frobnicate && summary.skippedTypes.system);
  const trail = buildTrail(store.db, SESSION);
  assert.ok(trail);
  assert.equal(trail.agent, 'claude-code');
  assert.equal(trail.agentVersion, '2.0.31');
  assert.equal(trail.model, 'claude-sonnet-4-5-20250929');
  assert.equal(trail.intent, 'add server-side validation to signup endpoint');
  assert.equal(trail.branch, 'feature/signup');
  assert.deepEqual(trail.filesRead, ['api/signup.ts']);
  assert.deepEqual(trail.filesChanged, [
    { path: 'api/signup.ts', change: 'modified' },
    { path: 'api/signup.test.ts', change: 'created' },
  ]);
  assert.deepEqual(trail.commands.map((c) => [c.command, c.exitCode]), [
    ['npm test -- signup', 1],
    ['npm test -- signup', 0],
    ['npm run typecheck', 0],
    ['curl -H "Authorization: Bearer [REDACTED:anthropic-key]" https://api.example.com', 0],
    ['git push origin main', null],
    ['cat .env', null],
  ]);
  assert.ok(trail.commands.every((c) => c.durationMs !== null && c.durationMs >= 0));
  assert.deepEqual(trail.checks.map((c) => [c.kind, c.command, c.passed, c.attempt]), [
    ['test', 'npm test -- signup', false, 1],
    ['test', 'npm test -- signup', true, 2],
    ['typecheck', 'npm run typecheck', true, 1],
  ]);
  assert.deepEqual(trail.failures, ['npm test -- signup failed (exit 1)']);
  assert.deepEqual(trail.retries, ['npm test -- signup: failed 1×, then passed after 2 runs']);
  assert.deepEqual(trail.approvals.map((a) => [a.kind, a.subject, a.by]), [
    ['rejection', 'Bash: git push origin main', 'user'],
    ['denial', 'Bash: cat .env', 'permissions'],
  ]);
  const md = trailToMarkdown(trail);
  assert.match(md, /- Task: add server-side validation to signup endpoint/);
  assert.match(md, /- Failed checks: npm test -- signup failed \(exit 1\)/);
  assert.match(md, /- Final checks: npm test -- signup passed; npm run typecheck passed/);
  assert.doesNotMatch(JSON.stringify(store.db.exec('SELECT data FROM events')), /sk-ant-api03/);
  store.close();
});

test('re-importing is idempotent, and an appended (resumed) session continues from the cursor', async (t) => {
  const { repo, projects, project } = setup(t);
  const file = join(project, `${SESSION}.jsonl`);
  const w = signupSession(repo, SESSION);
  writeFileSync(file, w.toString());
  let { store, summary } = await importInto(repo, projects);
  const first = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
  assert.ok(summary.added > 10);
  summary = await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) });
  assert.equal(summary.added, 0);
  assert.equal(summary.bytes, 0, 'nothing is read twice');
  store.close();
  // Resumed: the same session id continues in the same file.
  const more = new TranscriptWriter({ sessionId: SESSION, cwd: repo, start: Date.UTC(2026, 10, 20, 10) });
  more.bash('npm run lint', 0, 'clean');
  appendFileSync(file, more.toString());
  ({ store, summary } = await importInto(repo, projects));
  assert.ok(summary.added >= 2 && summary.added <= 4, `added ${summary.added}`);
  const count = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
  assert.equal(count, first + summary.added + 1, 'new events plus one cursor');
  assert.deepEqual(buildTrail(store.db, SESSION)?.checks.map((c) => c.command).pop(), 'npm run lint');
  store.close();
});

test('subagent files join their session; other workspaces\' sessions stay out', async (t) => {
  const { repo, projects, project } = setup(t);
  writeFileSync(join(project, `${SESSION}.jsonl`), signupSession(repo, SESSION).toString());
  const sub = new TranscriptWriter({ sessionId: SESSION, cwd: join(repo, 'api') });
  sub.prompt('search for signup usages', { isSidechain: true, agentId: 'agent-1' });
  sub.tool('Read', { file_path: `${repo}/api/users.ts` }, { text: '…' });
  mkdirSync(join(project, SESSION, 'subagents'), { recursive: true });
  writeFileSync(join(project, SESSION, 'subagents', 'agent-1.jsonl'), sub.toString());
  const other = new TranscriptWriter({ sessionId: 'other-session', cwd: '/somewhere/else' });
  other.prompt('unrelated work');
  mkdirSync(join(projects, '-somewhere-else'));
  writeFileSync(join(projects, '-somewhere-else', 'other-session.jsonl'), other.toString());
  const { store, summary } = await importInto(repo, projects);
  assert.equal(summary.sessions, 1);
  assert.ok(summary.otherWorkspace >= 1);
  const trail = buildTrail(store.db, SESSION);
  assert.ok(trail?.filesRead.includes('api/users.ts'));
  assert.equal(trail?.intent, 'add server-side validation to signup endpoint', 'a subagent prompt is not the intent');
  assert.equal(resolveSessionId(store.db, 'other-session'), undefined);
  assert.equal(resolveSessionId(store.db, 'latest'), SESSION);
  store.close();
});

test('a tool result imported in a later run than its call still gets the call\'s duration', async (t) => {
  const { repo, projects, project } = setup(t);
  const file = join(project, `${SESSION}.jsonl`);
  const w = new TranscriptWriter({ sessionId: SESSION, cwd: repo });
  w.prompt('run the tests');
  w.assistant([{ type: 'tool_use', id: 'toolu_split', name: 'Bash', input: { command: 'npm test' } }]);
  writeFileSync(file, w.toString());
  const first = await importInto(repo, projects);
  first.store.close();
  // The result lands after the first import ended (Claude Code was still running the tests).
  const later = new TranscriptWriter({ sessionId: SESSION, cwd: repo, start: Date.UTC(2026, 10, 20, 9, 0, 0) + 60_000 });
  later.push({ type: 'user', sessionId: SESSION, uuid: 'r-split', cwd: repo, timestamp: new Date(Date.UTC(2026, 10, 20, 9, 0, 45)).toISOString(),
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_split', content: 'all passed', is_error: false }] } });
  appendFileSync(file, later.toString());
  const second = await importInto(repo, projects);
  const [row] = second.store.db.exec(`SELECT exit_code, duration_ms, started_at FROM commands WHERE id = 'toolu_split'`)[0]?.values ?? [];
  assert.equal(row?.[0], 0);
  assert.equal(row?.[1], Date.UTC(2026, 10, 20, 9, 0, 45) - Number(row?.[2]), 'from the call to the result');
  assert.ok(Number(row?.[1]) > 0);
  second.store.close();
});

test('a large import parsed in a worker thread records exactly what an in-process import does', async (t) => {
  const { repo, projects, project } = setup(t);
  for (let i = 0; i < 6; i++) {
    const w = signupSession(repo, `worker-session-${i}`, Date.UTC(2026, 10, 20, 9 + i));
    writeFileSync(join(project, `worker-session-${i}.jsonl`), w.toString() + (i === 2 ? '{"type":"assistant","unterminated' : ''));
  }
  const worker = { script: join(__dirname, '..', '..', '..', 'dist', 'import-worker.js'), roots: workspaceRoots(repo), minBytes: 0 };
  const snapshot = (store: RecordStore): string => JSON.stringify(['events', 'commands', 'files', 'checks', 'sessions', 'approvals'].map((table) =>
    store.db.exec(`SELECT * FROM ${table} ${table === 'events' ? "WHERE kind <> 'capture.cursor' ORDER BY id" : 'ORDER BY 1, 2'}`)[0]?.values.map((r) => r.filter((_, i) => !(table === 'events' && i === 0)))));
  const accept = cwdMatcher(workspaceRoots(repo));
  // The same transcripts into two records: one parsed here, one in the worker.
  const plain = await RecordStore.open(tempDir(t));
  const plainSummary = await importTranscripts(plain, { projectsDir: projects, accept });
  const expected = snapshot(plain);
  plain.close();
  // The worker encodes journal lines only while this thread is behind: each way must record the same.
  for (const encodeFrom of [0, Infinity]) {
    const store = await RecordStore.open(tempDir(t));
    const first = await importTranscripts(store, { projectsDir: projects, accept, worker: { ...worker, encodeFrom } });
    assert.equal(first.sessions, 6);
    assert.equal(first.parsedInWorker, true);
    assert.deepEqual([first.malformed, first.lines, first.events, first.added, first.filesRead], [plainSummary.malformed, plainSummary.lines, plainSummary.events, plainSummary.added, plainSummary.filesRead]);
    assert.ok(first.added > 0);
    const again = await importTranscripts(store, { projectsDir: projects, accept, worker: { ...worker, encodeFrom } });
    assert.equal(again.added, 0, 'idempotent through the worker too');
    assert.equal(snapshot(store), expected);
    assert.equal(cursorOf(store, `claude:${join(project, 'worker-session-2.jsonl')}`) > 0, true, 'cursors recorded');
    store.close();
  }
});

test('when the import worker cannot run, the import goes on in-process', async (t) => {
  const { repo, projects, project } = setup(t);
  writeFileSync(join(project, `${SESSION}.jsonl`), signupSession(repo, SESSION).toString());
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  const summary = await importTranscripts(store, {
    projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)), worker: { script: join(repo, 'no-such-worker.js'), roots: workspaceRoots(repo), minBytes: 0 },
  });
  assert.equal(summary.sessions, 1);
  assert.equal(summary.parsedInWorker, false);
  assert.equal(buildTrail(store.db, SESSION)?.checks.length, 3);
  store.close();
});

test('only this workspace\'s project folders are read: its own, its subfolders\', its worktrees\', and cut long names', async (t) => {
  const { repo, projects } = setup(t);
  const worktree = join(tempDir(t, 'fd-wt-'), 'feature');
  execFileSync('git', ['worktree', 'add', '-q', '-b', 'feature', worktree], { cwd: repo });
  const write = (folder: string, id: string, cwd: string): void => {
    mkdirSync(join(projects, folder), { recursive: true });
    const w = new TranscriptWriter({ sessionId: id, cwd });
    w.prompt(`work of ${id}`);
    writeFileSync(join(projects, folder, `${id}.jsonl`), w.toString());
  };
  write(projectFolderName(repo), 'mine', repo);
  write(projectFolderName(join(repo, 'api')), 'in-a-subfolder', join(repo, 'api'));
  write(projectFolderName(worktree), 'in-the-worktree', worktree);
  // Claude Code cuts names over 200 characters and adds a hash: such a folder no longer says whose it is.
  const deep = join(repo, 'x'.repeat(230));
  write(`${projectFolderName(deep).slice(0, 200)}-1a2b3c`, 'deep', deep);
  // Other projects, one with a name this repository's is a prefix of: only that one is opened (and left out by cwd).
  for (let i = 0; i < 5; i++) write(`-elsewhere-project-${i}`, `theirs-${i}`, `/elsewhere/project-${i}`);
  write(`${projectFolderName(repo)}-other`, 'sibling', `${repo}-other`);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  t.after(() => store.close());
  const roots = workspaceRoots(repo);
  const summary = await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher(roots), folders: projectFolderFilter(roots) });
  assert.equal(summary.files, 5, 'the four folders of this workspace and the one whose name it prefixes; no other project\'s');
  assert.equal(summary.sessions, 4);
  assert.equal(summary.otherWorkspace, 1, 'the sibling folder, opened and left out by its cwd');
  for (const id of ['mine', 'in-a-subfolder', 'in-the-worktree', 'deep']) assert.equal(resolveSessionId(store.db, id), id);
  assert.equal(resolveSessionId(store.db, 'sibling'), undefined);
});

test('a project folder is worth opening when its name may belong to a workspace root', () => {
  const accept = projectFolderFilter(['/home/a/my app (v2.0)', '/srv/wt/feature']);
  assert.equal(accept('-home-a-my-app--v2-0-'), true);
  assert.equal(accept('-home-a-my-app--v2-0--api'), true, 'a subfolder');
  assert.equal(accept('-srv-wt-feature'), true, 'a worktree');
  assert.equal(accept('-home-a-other'), false);
  assert.equal(accept('-srv-wt'), false, 'a parent folder is another project');
  assert.equal(accept(`-home-b-${'x'.repeat(200)}-hash`), true, 'a cut long name may be anyone\'s');
});
