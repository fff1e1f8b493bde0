import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { importTranscripts } from '../../../src/core/capture/claudeImport';
import { codexFormat, commandLine, parseRolloutLine, readOutput, RolloutContext } from '../../../src/core/capture/codex/rollout';
import { patchedFiles, patchInCommand } from '../../../src/core/capture/codex/patch';
import { codexWatchDirs } from '../../../src/core/capture/codex/home';
import { AGENTS, formatOf } from '../../../src/core/capture/agents';
import { cwdMatcher, workspaceRoots } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { gitRepo, tempDir } from '../helpers/tmp';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'codex');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const idOf = (text: string): string => /"id":"([0-9a-f-]{36})"/.exec(text)?.[1] ?? '';
const commitOf = (text: string): string => /"commit_hash":"([0-9a-f]{40})"/.exec(text)?.[1] ?? '';

/** A sessions date tree holding `text` as one rollout, with the fixture's repository placed at `repo`. */
function sessionsWith(t: { after(fn: () => void): void }, text: string, name = 'rollout-2026-01-02T03-04-05-x.jsonl'): string {
  const sessions = tempDir(t, 'fd-codex-sessions-');
  mkdirSync(join(sessions, '2026', '01', '02'), { recursive: true });
  writeFileSync(join(sessions, '2026', '01', '02', name), text);
  return sessions;
}

async function importCodex(repo: string, sessions: string) {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  const roots = workspaceRoots(repo);
  const summary = await importTranscripts(store, { projectsDir: sessions, accept: cwdMatcher(roots), roots, format: codexFormat });
  return { store, summary };
}

function setupRepo(t: { after(fn: () => void): void }): { repo: string; head: string } {
  const repo = realpathSync(gitRepo(t));
  execFileSync('git', ['checkout', '-q', '-b', 'fix/greeting'], { cwd: repo });
  return { repo, head: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim() };
}

/** The fixture as if Codex had worked in `repo` at `head`. */
const placed = (text: string, repo: string, head: string): string => text.split('/tmp/fixture/repo').join(repo).split(commitOf(text)).join(head);

const SCRIPTED = [
  ['ls', 0, 'ok'],
  ['node -e "process.exit(3)"', 3, 'error'],
  ['npm test', 0, 'ok'],
];

for (const [file, version, model] of [['codex-0.171.0.jsonl', '0.171.0', 'gpt-5.5'], ['codex-0.36.0.jsonl', '0.36.0', 'gpt-5'], ['codex-0.20.0.jsonl', '', null]] as const) {
  test(`a real ${file} rollout becomes the session's flight record`, async (t) => {
    const { repo, head } = setupRepo(t);
    const text = placed(fixture(file), repo, head);
    const sessions = sessionsWith(t, text);
    const { store, summary } = await importCodex(repo, sessions);
    t.after(() => store.close());
    assert.equal(summary.sessions, 1);
    assert.equal(summary.malformed, 0);
    const trail = buildTrail(store.db, idOf(text));
    assert.ok(trail, 'the session is recorded under Codex\'s id');
    assert.equal(trail.agent, 'codex');
    assert.equal(trail.agentVersion || '', version);
    assert.equal(trail.model || null, model);
    assert.equal(trail.intent, 'The greeting in src/greet.js is missing its comma and exclamation mark, so `npm test` fails. Fix it, note the fix in a CHANGELOG, and make sure the tests pass.');
    assert.equal(trail.startCommit, head);
    assert.deepEqual(trail.commands.map((c) => [c.command, c.exitCode, c.outcome]), SCRIPTED);
    assert.ok(trail.commands.every((c) => typeof c.durationMs === 'number' && c.durationMs >= 0));
    assert.deepEqual([...trail.filesChanged].sort((a, b) => a.path.localeCompare(b.path)), [
      { path: 'CHANGELOG.md', change: 'created' },
      { path: 'src/greet.js', change: 'modified' },
    ]);
    assert.deepEqual(trail.checks.map((c) => [c.kind, c.command, c.passed, c.exitCode]), [['test', 'npm test', true, 0]]);
    // Usage: token counts where this version wrote them (0.20.0 wrote none).
    const usage = store.db.exec('SELECT count(*) FROM events WHERE kind = ? AND session_id = ?', ['usage.recorded', idOf(text)])[0]?.values[0]?.[0];
    assert.equal(Number(usage) > 0, version !== '');
    // Idempotent: the same files again add nothing.
    const again = await importTranscripts(store, { projectsDir: sessions, accept: cwdMatcher(workspaceRoots(repo)), roots: workspaceRoots(repo), format: codexFormat });
    assert.equal(again.added, 0);
  });
}

test('an older rollout whose commit is not in this repository is another workspace\'s', async (t) => {
  const { repo } = setupRepo(t);
  const sessions = sessionsWith(t, fixture('codex-0.20.0.jsonl'));
  const { store, summary } = await importCodex(repo, sessions);
  t.after(() => store.close());
  assert.equal(summary.sessions, 0);
  assert.ok(summary.otherWorkspace > 0);
  assert.equal(store.db.exec('SELECT count(*) FROM sessions')[0]?.values[0]?.[0], 0);
});

test('a rollout of another folder is never read; one in a subfolder is this workspace\'s', async (t) => {
  const { repo, head } = setupRepo(t);
  mkdirSync(join(repo, 'src'), { recursive: true });
  const text = fixture('codex-0.171.0.jsonl');
  const elsewhere = sessionsWith(t, text.split('/tmp/fixture/repo').join('/somewhere/else'));
  const a = await importCodex(repo, elsewhere);
  assert.equal(a.summary.sessions, 0);
  assert.equal(a.summary.otherWorkspace, 1, 'counted once, from the file\'s head');
  a.store.close();
  const sub = sessionsWith(t, placed(text, join(repo, 'src'), head));
  const b = await importCodex(repo, sub);
  t.after(() => b.store.close());
  assert.equal(b.summary.sessions, 1);
  assert.equal(buildTrail(b.store.db, idOf(text))?.repo, repo);
});

test('malformed and truncated lines are counted, never fatal; an unterminated last line waits for its end', async (t) => {
  const { repo, head } = setupRepo(t);
  const text = placed(fixture('damaged.jsonl'), repo, head);
  const sessions = sessionsWith(t, text);
  const { store, summary } = await importCodex(repo, sessions);
  t.after(() => store.close());
  assert.equal(summary.malformed, 3, 'not JSON, not an object, cut in the middle');
  assert.equal(summary.sessions, 1);
  const id = idOf(text);
  const trail = buildTrail(store.db, id);
  assert.ok(trail);
  // The cut line was ls's output: ls is recorded without an exit code; the next command with its own.
  assert.deepEqual(trail.commands.map((c) => [c.command, c.exitCode]), [['ls', null], ['node -e "process.exit(3)"', 3]]);
  const usage = (): number => Number(store.db.exec('SELECT count(*) FROM events WHERE kind = ?', ['usage.recorded'])[0]?.values[0]?.[0]);
  assert.equal(usage(), 0, 'the unterminated token_count line is not read yet');
  // Codex finishes the line: the next import reads it, from the cursor, as part of the same session.
  const full = placed(fixture('codex-0.171.0.jsonl'), repo, head).split('\n').find((l) => l.includes('"token_count"')) ?? '';
  const written = text.slice(text.lastIndexOf('\n') + 1);
  assert.ok(full.startsWith(written));
  appendFileSync(join(sessions, '2026', '01', '02', 'rollout-2026-01-02T03-04-05-x.jsonl'), full.slice(written.length) + '\n');
  const again = await importTranscripts(store, { projectsDir: sessions, accept: cwdMatcher(workspaceRoots(repo)), format: codexFormat });
  assert.equal(again.malformed, 0);
  assert.equal(usage(), 1);
  assert.equal(store.db.exec('SELECT session_id FROM events WHERE kind = ?', ['usage.recorded'])[0]?.values[0]?.[0], id);
});

test('an import resumed mid-file knows the session from the first line and records what one import would', async (t) => {
  const { repo, head } = setupRepo(t);
  const text = placed(fixture('codex-0.171.0.jsonl'), repo, head);
  const cut = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
  const sessions = sessionsWith(t, text.slice(0, cut));
  const { store } = await importCodex(repo, sessions);
  t.after(() => store.close());
  appendFileSync(join(sessions, '2026', '01', '02', 'rollout-2026-01-02T03-04-05-x.jsonl'), text.slice(cut));
  await importTranscripts(store, { projectsDir: sessions, accept: cwdMatcher(workspaceRoots(repo)), format: codexFormat });
  // The same rollout read in one go, into a record of its own.
  const repo2 = setupRepo(t);
  const one = await importCodex(repo2.repo, sessionsWith(t, placed(fixture('codex-0.171.0.jsonl'), repo2.repo, repo2.head)));
  t.after(() => one.store.close());
  const view = (s: RecordStore) => {
    const tr = buildTrail(s.db, idOf(text));
    return tr && { intent: tr.intent, model: tr.model, commands: tr.commands.map((c) => [c.command, c.exitCode]), files: tr.filesChanged.length, checks: tr.checks.length };
  };
  assert.deepEqual(view(store), view(one.store));
  const events = (s: RecordStore): number => Number(s.db.exec("SELECT count(*) FROM events WHERE session_id = ? AND kind != 'capture.cursor'", [idOf(text)])[0]?.values[0]?.[0]);
  assert.equal(events(store), events(one.store));
});

const line = (type: string, payload: Record<string, unknown>, at = '2026-01-02T03:04:05.000Z'): string => JSON.stringify({ timestamp: at, type, payload });

test('secrets in commands and prompts are redacted; injected context is not the intent; rejections are recorded', () => {
  const ctx = new RolloutContext((cwd) => (cwd.startsWith('/w') ? '/w' : undefined));
  const run = (l: string, offset = 0) => parseRolloutLine(l, ctx, offset);
  run(line('session_meta', { id: '11111111-2222-4333-8444-555555555555', timestamp: '2026-01-02T03:04:05.000Z', cwd: '/w', cli_version: '0.171.0' }));
  assert.deepEqual(run(line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/w</cwd>\n</environment_context>' }] })), []);
  assert.deepEqual(run(line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: '# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>x</INSTRUCTIONS>' }] })), []);
  const [prompt] = run(line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'deploy with token ghp_abcdefghijklmnopqrstuvwxyz0123456789' }] }), 500);
  assert.equal(prompt?.kind, 'prompt.submitted');
  assert.ok(!String(prompt?.data.text).includes('ghp_abcdefghijklmnopqrstuvwxyz0123456789'));
  const [called] = run(line('response_item', { type: 'function_call', name: 'exec_command', call_id: 'c1', arguments: JSON.stringify({ cmd: 'curl -H "Authorization: Bearer sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789" https://x' }) }));
  assert.ok(!String(called?.data.command).includes('sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789'));
  run(line('response_item', { type: 'function_call', name: 'exec_command', call_id: 'c2', arguments: JSON.stringify({ cmd: 'rm -rf build' }) }));
  const [rejected] = run(line('response_item', { type: 'function_call_output', call_id: 'c2', output: 'exec command rejected by user' }));
  assert.equal(rejected?.data.outcome, 'rejected');
  const [reasoning] = [run(line('response_item', { type: 'reasoning', summary: [{ type: 'summary_text', text: 'secret thoughts' }] }))];
  assert.deepEqual(reasoning, [], 'reasoning is left out');
  assert.equal(ctx.stats.skippedTypes.reasoning, 1);
});

test('tool outputs: JSON metadata (older), exit code headers (newer), a command still running', () => {
  assert.deepEqual(readOutput('{"output":"hi\\n","metadata":{"exit_code":2,"duration_seconds":1.5}}'), { exitCode: 2, durationMs: 1500, body: 'hi\n' });
  assert.deepEqual(readOutput('Exit code: 0\nWall time: 0.2 seconds\nOutput:\nSuccess.\n'), { exitCode: 0, durationMs: 200, body: 'Success.\n', running: false });
  const unified = readOutput('Chunk ID: ab12\nWall time: 0.4469 seconds\nProcess exited with code 1\nOriginal token count: 3\nOutput:\nfail\n');
  assert.deepEqual([unified.exitCode, unified.durationMs, unified.body], [1, 447, 'fail\n']);
  assert.equal(readOutput('Chunk ID: x\nWall time: 10.0 seconds\nProcess running with session ID 3\nOutput:\n').running, true);
  assert.equal(commandLine(['bash', '-lc', 'npm test']), 'npm test');
  assert.equal(commandLine(['/bin/zsh', '-c', 'ls']), 'ls');
  assert.equal(commandLine(['git', 'commit', '-m', 'a b']), "git commit -m 'a b'");
});

test('apply_patch headers name the files changed, relative paths made absolute against the folder', () => {
  const patch = '*** Begin Patch\n*** Add File: a/new.ts\n+x\n*** Update File: b.ts\n@@\n-x\n+y\n*** Delete File: /abs/c.ts\n*** Update File: d.ts\n*** Move to: e.ts\n@@\n-1\n+2\n*** End Patch';
  assert.deepEqual(patchedFiles(patch, '/w'), [
    { path: '/w/a/new.ts', change: 'created' },
    { path: '/w/b.ts', change: 'modified' },
    { path: '/abs/c.ts', change: 'deleted' },
    { path: '/w/d.ts', change: 'deleted' },
    { path: '/w/e.ts', change: 'modified' },
  ]);
  assert.equal(patchInCommand(['apply_patch', patch], ''), patch);
  assert.equal(patchInCommand(undefined, `apply_patch <<'EOF'\n${patch}\nEOF`), patch);
  assert.equal(patchInCommand(undefined, 'echo apply_patch'), undefined);
});

test('a live tail of the date tree watches today\'s and yesterday\'s folders only', () => {
  const dirs = codexWatchDirs('/s', new Date(2026, 0, 1, 10));
  assert.deepEqual(dirs, ['/s', '/s/2025', '/s/2025/12', '/s/2025/12/31', '/s/2026', '/s/2026/01', '/s/2026/01/01']);
});

test('the agents list: Claude Code and Codex, each by its format', () => {
  assert.deepEqual(AGENTS.map((a) => [a.id, a.agent, a.format.id]), [['claude', 'claude-code', 'claude'], ['codex', 'codex', 'codex']]);
  assert.equal(formatOf('codex'), codexFormat);
  assert.equal(formatOf(undefined).id, 'claude', 'a worker job from before names no agent');
});

test('a command left running and continued by write_stdin is recorded once, with its final exit code and whole duration', async (t) => {
  const { repo } = setupRepo(t);
  const id = '22222222-3333-4444-8555-666666666666';
  const at = (s: number): string => new Date(Date.UTC(2026, 0, 2, 3, 4, s)).toISOString();
  const fc = (call_id: string, name: string, args: unknown, s: number) => line('response_item', { type: 'function_call', name, call_id, arguments: JSON.stringify(args) }, at(s));
  const out = (call_id: string, output: string, s: number) => line('response_item', { type: 'function_call_output', call_id, output }, at(s));
  const text = [
    line('session_meta', { id, timestamp: at(0), cwd: repo, cli_version: '0.171.0' }, at(0)),
    line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'run the slow tests' }] }, at(1)),
    fc('c1', 'exec_command', { cmd: 'npm test', yield_time_ms: 10000 }, 2),
    out('c1', 'Chunk ID: a\nWall time: 10.0 seconds\nProcess running with session ID 7\nOriginal token count: 1\nOutput:\nrunning…\n', 12),
    fc('c2', 'write_stdin', { session_id: 7, chars: '', yield_time_ms: 30000 }, 13),
    out('c2', 'Chunk ID: b\nWall time: 30.0 seconds\nProcess running with session ID 7\nOriginal token count: 1\nOutput:\nstill…\n', 43),
    fc('c3', 'write_stdin', { session_id: 7, chars: '', yield_time_ms: 30000 }, 44),
    out('c3', 'Chunk ID: c\nWall time: 2.5 seconds\nProcess exited with code 1\nOriginal token count: 1\nOutput:\n1 failing\n', 47),
    // Codex says the same end again as an item: it must not make a second result.
    line('event_msg', { type: 'item_completed', item: { type: 'CommandExecution', id: 'c1', exit_code: 1, duration: { secs: 45, nanos: 0 } } }, at(47)),
    '',
  ].join('\n');
  const { store, summary } = await importCodex(repo, sessionsWith(t, text));
  t.after(() => store.close());
  assert.equal(summary.malformed, 0);
  const trail = buildTrail(store.db, id);
  assert.ok(trail);
  assert.deepEqual(trail.commands.map((c) => [c.command, c.exitCode, c.outcome, c.durationMs]), [['npm test', 1, 'error', 45_000]]);
  assert.deepEqual(trail.checks.map((c) => [c.kind, c.passed, c.exitCode]), [['test', false, 1]]);
  const results = store.db.exec("SELECT count(*) FROM events WHERE kind = 'tool.result' AND session_id = ?", [id])[0]?.values[0]?.[0];
  assert.equal(Number(results), 2, 'the first (still running) result and the final one');
});

test('a command left running whose end only Codex\'s item tells still gets its exit code', () => {
  const ctx = new RolloutContext((cwd) => (cwd.startsWith('/w') ? '/w' : undefined));
  const run = (l: string) => parseRolloutLine(l, ctx, 0);
  run(line('session_meta', { id: '11111111-2222-4333-8444-555555555555', timestamp: '2026-01-02T03:04:05.000Z', cwd: '/w' }));
  run(line('response_item', { type: 'function_call', name: 'exec_command', call_id: 'c1', arguments: JSON.stringify({ cmd: 'npm run build' }) }));
  const [first] = run(line('response_item', { type: 'function_call_output', call_id: 'c1', output: 'Chunk ID: a\nWall time: 10.0 seconds\nProcess running with session ID 3\nOutput:\n' }));
  assert.equal(first?.data.background, true);
  assert.equal(first?.data.exitCode, undefined);
  const [end] = run(line('event_msg', { type: 'item_completed', item: { type: 'CommandExecution', id: 'c1', exit_code: 0, aggregated_output: 'ok' } }, '2026-01-02T03:04:35.000Z'));
  assert.deepEqual([end?.kind, end?.data.command, end?.data.exitCode, end?.data.outcome, end?.data.durationMs], ['tool.result', 'npm run build', 0, 'ok', 30_000]);
  assert.deepEqual(run(line('event_msg', { type: 'item_completed', item: { type: 'CommandExecution', id: 'c1', exit_code: 0 } })), [], 'said once');
});
