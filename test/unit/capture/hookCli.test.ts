import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { CHECK_RULES_FILE, writeCheckRules } from '../../../src/core/capture/checkRules';
import { projectFolderName, TranscriptWriter } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const SESSION = 'hook-session-0000-4000-8000-000000000001';

function fd(args: string[], cwd: string, input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function hook(event: string, payload: unknown, cwd: string): { code: number; out: string; err: string } {
  return fd(['hook', event], cwd, typeof payload === 'string' ? payload : JSON.stringify(payload));
}

test('hook payloads are recorded, and a tool call seen by hooks and transcript is one event', async (t) => {
  const repo = gitRepo(t);
  const common = { session_id: SESSION, transcript_path: '/x.jsonl', cwd: repo, permission_mode: 'default' };
  const toolUseId = 'toolu_01HookAndTranscript';
  const steps: [string, Record<string, unknown>][] = [
    ['SessionStart', { ...common, hook_event_name: 'SessionStart', source: 'startup' }],
    ['UserPromptSubmit', { ...common, hook_event_name: 'UserPromptSubmit', prompt: 'run the signup tests' }],
    ['PreToolUse', { ...common, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test -- signup' }, tool_use_id: toolUseId }],
    ['PostToolUseFailure', { ...common, hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'npm test -- signup' }, tool_use_id: toolUseId, error: 'Exit code 1\nFAIL signup', is_interrupt: false }],
  ];
  for (const [event, payload] of steps) {
    const r = hook(event, payload, repo);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '', 'stdout stays empty: Claude Code reads it as a hook decision');
  }
  // The same call in the transcript, imported afterwards.
  const w = new TranscriptWriter({ sessionId: SESSION, cwd: repo });
  w.prompt('run the signup tests');
  w.assistant([{ type: 'tool_use', id: toolUseId, name: 'Bash', input: { command: 'npm test -- signup' } }]);
  w.push({ type: 'user', sessionId: SESSION, uuid: 'r-1', cwd: repo, timestamp: new Date().toISOString(), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'Exit code 1\nFAIL signup', is_error: true }] } });
  const projects = tempDir(t, 'fd-claude-');
  mkdirSync(join(projects, projectFolderName(repo)));
  writeFileSync(join(projects, projectFolderName(repo), `${SESSION}.jsonl`), w.toString());
  const ingest = fd(['ingest', 'claude', '--projects-dir', projects], repo);
  assert.equal(ingest.code, 0, ingest.err);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const count = (sql: string): number => Number(store.db.exec(sql)[0]?.values[0]?.[0]);
  assert.equal(count(`SELECT count(*) FROM events WHERE kind = 'tool.called'`), 1);
  assert.equal(count(`SELECT count(*) FROM events WHERE kind = 'tool.result'`), 1);
  assert.equal(count(`SELECT count(*) FROM commands`), 1);
  assert.equal(count(`SELECT exit_code FROM commands`), 1);
  assert.equal(count(`SELECT count(*) FROM checks WHERE passed = 0`), 1);
  assert.equal(count(`SELECT count(*) FROM events WHERE kind = 'hook.received'`), 4);
  store.close();
  const show = JSON.parse(fd(['show', 'latest', '--format', 'json'], repo).out) as { id: string; failures: string[]; intent: string };
  assert.equal(show.id, SESSION);
  assert.equal(show.failures.length, 1);
  assert.match(show.failures[0] ?? '', /^npm test -- signup failed \(exit 1\) at [0-9a-f]{12}$/);
  assert.equal(show.intent, 'run the signup tests');
});

test('a hook payload that is not JSON is recorded as such and never blocks the agent', async (t) => {
  const repo = gitRepo(t);
  const r = hook('PreToolUse', '{"session_id": "s", "tool_na', repo);
  assert.equal(r.code, 0);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  assert.equal(Number(store.db.exec(`SELECT count(*) FROM events WHERE kind = 'hook.malformed'`)[0]?.values[0]?.[0]), 1);
  store.close();
  const missing = fd(['hook'], repo, '{}');
  assert.equal(missing.code, 0, 'even a broken hook configuration does not block');
  assert.match(missing.err, /hook wants the event name/);
});

test('show and sessions on the CLI: markdown, json keys, errors', (t) => {
  const repo = gitRepo(t);
  assert.match(fd(['sessions'], repo).out, /no sessions recorded yet/);
  const none = fd(['show', 'latest'], repo);
  assert.equal(none.code, 2);
  assert.match(none.err, /no sessions recorded yet/);
  hook('PreToolUse', { session_id: SESSION, cwd: repo, tool_name: 'Read', tool_input: { file_path: `${repo}/a.ts` }, tool_use_id: 'toolu_r' }, repo);
  const md = fd(['show', SESSION.slice(0, 12)], repo);
  assert.equal(md.code, 0, md.err);
  assert.match(md.out, /- Files read: a\.ts$/m);
  const json = JSON.parse(fd(['show', 'latest', '--json'], repo).out) as Record<string, unknown>;
  for (const key of ['id', 'agent', 'model', 'intent', 'boundary', 'repo', 'branch', 'startCommit', 'endCommit', 'startedAt', 'endedAt',
    'filesRead', 'filesChanged', 'commands', 'checks', 'failures', 'retries', 'skippedChecks', 'dependencyChanges', 'configChanges',
    'boundaryViolations', 'approvals', 'overrides', 'reviews', 'commits', 'diffStat', 'rollback']) {
    assert.ok(key in json, `key ${key}`);
  }
  assert.match(fd(['show', 'latest', '--format', 'xml'], repo).err, /--format wants md or json/);
});

test('hooks classify checks with the user\'s own rules, which the extension keeps beside the record', async (t) => {
  const repo = gitRepo(t);
  const dir = join(repo, '.git', 'flightdeck');
  mkdirSync(dir, { recursive: true });
  const call = (id: string, command: string) =>
    hook('PreToolUse', { session_id: SESSION, cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: id }, repo);
  assert.equal(call('toolu_before', './scripts/verify-all.sh').code, 0);
  assert.ok(writeCheckRules(dir, [{ kind: 'test', pattern: '^\\./scripts/verify-all\\.sh' }]));
  assert.equal(writeCheckRules(dir, [{ kind: 'test', pattern: '^\\./scripts/verify-all\\.sh' }]), false, 'unchanged rules are not rewritten');
  assert.equal(call('toolu_after', './scripts/verify-all.sh').code, 0);
  writeFileSync(join(dir, CHECK_RULES_FILE), '[{"kind": "test", "pattern": "('); // torn or hand-edited
  const torn = call('toolu_torn', './scripts/verify-all.sh');
  assert.equal(torn.code, 0, 'a broken rules file never blocks the agent');
  assert.equal(call('toolu_builtin', 'npm test').code, 0);
  const store = await RecordStore.open(dir, { readOnly: true });
  const kinds = Object.fromEntries(store.db.exec('SELECT id, check_kind FROM commands')[0]?.values.map(([id, k]) => [id, k]) ?? []);
  assert.deepEqual(kinds, { toolu_before: null, toolu_after: 'test', toolu_torn: null, toolu_builtin: 'test' });
  store.close();
  // `flightdeck ingest` classifies transcripts with the same rules.
  writeCheckRules(dir, [{ kind: 'lint', pattern: '^\\./scripts/house-style' }]);
  const w = new TranscriptWriter({ sessionId: 'rules-session', cwd: repo });
  w.prompt('tidy up');
  w.bash('./scripts/house-style --fix', 0, 'ok');
  const projects = tempDir(t, 'fd-claude-');
  mkdirSync(join(projects, projectFolderName(repo)));
  writeFileSync(join(projects, projectFolderName(repo), 'rules-session.jsonl'), w.toString());
  const ingest = fd(['ingest', 'claude', '--projects-dir', projects], repo);
  assert.equal(ingest.code, 0, ingest.err);
  const after = await RecordStore.open(dir, { readOnly: true });
  assert.deepEqual(after.db.exec(`SELECT check_kind FROM commands WHERE command = './scripts/house-style --fix'`)[0]?.values, [['lint']]);
  after.close();
});

test('a hook process loads only what it needs: no node:crypto, no streams (each costs milliseconds on every tool call that is not a check)', (t) => {
  const repo = gitRepo(t);
  const probe = join(tempDir(t), 'probe.js');
  // Reported at exit, after the hook ran: the built-in modules the process loaded.
  writeFileSync(probe, `process.on('exit', () => require('fs').writeSync(3, JSON.stringify(process.moduleLoadList)));`);
  const payload = { session_id: SESSION, cwd: repo, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'ls -la src' }, tool_use_id: 'toolu_probe', tool_response: {} };
  const r = spawnSync(process.execPath, ['-r', probe, CLI, 'hook', 'PostToolUse'], { cwd: repo, input: JSON.stringify(payload), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);
  const loaded = JSON.parse(String(r.output[3])) as string[];
  assert.ok(loaded.includes('NativeModule fs'), 'the probe saw the module list');
  for (const heavy of ['NativeModule crypto', 'NativeModule stream', 'NativeModule internal/streams/readable']) {
    assert.ok(!loaded.includes(heavy), `${heavy} was loaded`);
  }
});

test('an edit\'s decision keeps compiled code of its own, apart from a Bash call\'s, saved once and then used as it is', (t) => {
  const repo = gitRepo(t);
  mkdirSync(join(repo, 'src', 'auth'), { recursive: true });
  writeFileSync(join(repo, 'src', 'auth', 'session.ts'), 'export const ttl = 1;\n');
  const edit = (id: string): { code: number; out: string; err: string } =>
    hook('PreToolUse', { session_id: SESSION, cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_use_id: id, tool_input: { file_path: join(repo, 'src', 'auth', 'session.ts'), old_string: 'ttl = 1', new_string: 'ttl = 2' } }, repo);
  const dist = dirname(CLI);
  const caches = (kind = 'edit'): string[] => readdirSync(dist).filter((f) => f.startsWith(`cli-hook.js.PreToolUse-${kind}.`) && f.endsWith('.v8cache'));
  for (const f of [...caches(), ...caches('bash')]) rmSync(join(dist, f));
  const first = edit('toolu_edit_1');
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /src\/auth\/session\.ts is risky \(auth: path/, 'the advice the agent reads');
  const [cache] = caches();
  assert.ok(cache, 'the first run saved its compiled code');
  const before = statSync(join(dist, cache));
  for (const id of ['toolu_edit_2', 'toolu_edit_3']) assert.match(edit(id).out, /is risky/);
  const after = statSync(join(dist, cache));
  assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], 'V8 took the saved code: it was not saved again');
  // A Bash call runs other code: it keeps its own, and leaves the edit's alone.
  const bash = hook('PreToolUse', { session_id: SESSION, cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 'toolu_bash', tool_input: { command: 'npm test' } }, repo);
  assert.equal(bash.code, 0, bash.err);
  assert.equal(caches('bash').length, 1);
  const last = statSync(join(dist, cache));
  assert.deepEqual([last.ino, last.mtimeMs], [before.ino, before.mtimeMs]);
});

test('after `flightdeck ingest` of a long history, the next open replays at most a few hundred events', async (t) => {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-claude-');
  mkdirSync(join(projects, projectFolderName(repo)));
  for (let n = 0; n < 3; n++) {
    const w = new TranscriptWriter({ sessionId: `history-${n}`, cwd: repo });
    w.prompt(`chore ${n}`);
    for (let i = 0; i < 300; i++) w.bash(`npm run build -- --step ${i}`, 0, 'built\n'.repeat(40));
    writeFileSync(join(projects, projectFolderName(repo), `history-${n}.jsonl`), w.toString());
  }
  const ingest = fd(['ingest', 'claude', '--projects-dir', projects, '--json'], repo);
  assert.equal(ingest.code, 0, ingest.err);
  assert.ok((JSON.parse(ingest.out) as { added: number }).added > 1_000);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  t.after(() => store.close());
  assert.ok(store.report.replayed <= 300, `replayed ${store.report.replayed}`);
  assert.equal(Number(store.db.exec('SELECT count(*) FROM commands')[0]?.values[0]?.[0]), 900, 'nothing lost');
});
