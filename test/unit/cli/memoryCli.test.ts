import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { MEMORY_END, MEMORY_START } from '../../../src/core/report/memoryBlock';
import { MEMORY_FILE, readMemoryFile } from '../../../src/core/report/memoryFile';
import { gitRepo } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
// Built at run time: no secret-shaped literal in the source.
const SECRET = `ghp_${'0123456789abcdefghijABCDEFGHIJklmnop'}`;

function fd(args: string[], cwd: string, input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('flightdeck decide records a decision about files, durably, in the agent\'s session; memory and history show it', async (t) => {
  const repo = gitRepo(t);
  mkdirSync(join(repo, 'api'));
  writeFileSync(join(repo, 'api', 'signup.ts'), 'export {};\n');
  // An agent session in progress, as its hooks record it.
  const session = 'agent-session-0001';
  const start = fd(['hook', 'SessionStart'], repo, JSON.stringify({ session_id: session, cwd: repo, hook_event_name: 'SessionStart', source: 'startup' }));
  assert.equal(start.code, 0, start.err);
  assert.equal(start.out, '', 'nothing to hand on in a fresh record: stdout stays empty');
  const r = fd(['decide', `Signup keeps bcrypt cost 12 (token ${SECRET} is a test fixture)`, '--file', 'signup.ts', '--json'], join(repo, 'api'));
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as { id: string; session: string; files: string[] };
  assert.equal(out.session, session, 'the agent\'s active session');
  assert.deepEqual(out.files, ['api/signup.ts'], 'relative to the folder it ran in, stored relative to the repository');
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const [row] = store.db.exec('SELECT text, session_id FROM decisions')[0]?.values ?? [];
  store.close();
  assert.ok(row && !String(row[0]).includes(SECRET), 'the text is redacted before it is stored');
  assert.equal(row?.[1], session);
  assert.ok(readMemoryFile(join(repo, '.git', 'flightdeck'))?.any.includes('Signup keeps bcrypt cost 12'), 'the hand-off beside the record was rebuilt');

  const memory = fd(['memory'], repo);
  assert.equal(memory.code, 0, memory.err);
  assert.match(memory.out, /## Decisions[\s\S]*\[api\/signup\.ts\]: Signup keeps bcrypt cost 12/);
  assert.ok(!memory.out.includes(SECRET));
  const history = fd(['history', 'api/signup.ts'], repo);
  assert.equal(history.code, 0, history.err);
  assert.match(history.out, /# History of api\/signup\.ts[\s\S]*## Decisions[\s\S]*Signup keeps bcrypt cost 12/);

  assert.equal(fd(['decide', '   '], repo).code, 2, 'an empty decision is a usage error');
  const outside = fd(['decide', 'x', '--file', '/etc/hosts'], repo);
  assert.equal(outside.code, 2);
  assert.match(outside.err, /not a file inside/);
  assert.equal(fd(['memory', '--max-chars', '10'], repo).code, 2);
});

test('the SessionStart hook hands the memory to Claude Code: stdout is exactly the JSON, capped, for the branch', async (t) => {
  const repo = gitRepo(t);
  const dir = join(repo, '.git', 'flightdeck');
  const store = await RecordStore.open(dir);
  const t0 = Date.now() - 3_600_000;
  const events = [];
  for (let i = 0; i < 60; i++) {
    events.push({ kind: 'session.started', session: `old-${i}`, at: t0 + i * 10, data: { agent: 'claude-code', intent: `Session ${i} on main: ${'detail '.repeat(20)}`, branch: 'main', repo, cwd: repo } });
    events.push({ kind: 'check.recorded', session: `old-${i}`, at: t0 + i * 10 + 1, data: { kind: 'test', command: `npm test -- part${i}`, passed: false, exitCode: 1 } });
  }
  for (let i = 0; i < 12; i++) events.push({ kind: 'decision.recorded', at: t0 + 4000 + i, data: { text: `Decision ${i}: ${'because '.repeat(30)}`, files: ['api/log.ts'] } });
  events.push({ kind: 'decision.recorded', at: t0 + 5000, data: { text: `Never log request bodies (${SECRET})`, files: ['api/log.ts'] } });
  store.append(events);
  store.close();
  // Written by the next process that holds the record (here the CLI's ingest of nothing: `memory --out` does not write it).
  const decide = fd(['decide', 'Payments go through the ledger service', '--file', 'README.md'], repo);
  assert.equal(decide.code, 0, decide.err);
  const file = JSON.parse(readFileSync(join(dir, MEMORY_FILE), 'utf8')) as { branches: Record<string, string> };
  assert.ok(file.branches.main, 'main has its own memory');

  const payload = JSON.stringify({ session_id: 'new-session', transcript_path: '/t.jsonl', cwd: repo, hook_event_name: 'SessionStart', source: 'startup' });
  const r = fd(['hook', 'SessionStart'], repo, payload);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const parsed = JSON.parse(r.out) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  assert.deepEqual(Object.keys(parsed), ['hookSpecificOutput']);
  assert.equal(r.out, JSON.stringify(parsed), 'stdout is exactly one JSON value, nothing around it');
  const context = parsed.hookSpecificOutput.additionalContext;
  assert.equal(parsed.hookSpecificOutput.hookEventName, 'SessionStart');
  assert.ok(context.length <= 4000, `capped: ${context.length}`);
  assert.match(context, /^# Flightdeck memory for branch main/);
  assert.match(context, /Payments go through the ledger service/);
  assert.match(context, /still failing: `npm test -- part59`/);
  assert.match(context, /more lines? left out/);
  assert.ok(!context.includes(SECRET), 'the planted secret never reaches the agent');
  // The hook still recorded the session's start.
  const after = await RecordStore.open(dir, { readOnly: true });
  assert.equal(Number(after.db.exec(`SELECT count(*) FROM sessions WHERE id = 'new-session'`)[0]?.values[0]?.[0]), 1);
  after.close();
  // A PreToolUse hook never carries the memory.
  const pre = fd(['hook', 'PreToolUse'], repo, JSON.stringify({ session_id: 'new-session', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: 'x' }, tool_use_id: 'toolu_1' }));
  assert.equal(pre.out, '');
});

test('flightdeck memory --out AGENTS.md writes between the markers and leaves the rest of the file alone', (t) => {
  const repo = gitRepo(t);
  assert.equal(fd(['decide', 'Feature flags live in config/flags.json'], repo).code, 0);
  const agents = join(repo, 'AGENTS.md');
  const mine = '# How to work here\n\nRun the tests with `npm test`.\n';
  writeFileSync(agents, `${mine}\n${MEMORY_START}\nold memory someone edited\n${MEMORY_END}\n\n## Footer\nkeep this\n`);
  const r = fd(['memory', '--out', 'AGENTS.md'], repo);
  assert.equal(r.code, 0, r.err);
  const text = readFileSync(agents, 'utf8');
  assert.ok(text.startsWith(`${mine}\n${MEMORY_START}\n# Flightdeck memory`));
  assert.ok(text.endsWith(`${MEMORY_END}\n\n## Footer\nkeep this\n`));
  assert.match(text, /Feature flags live in config\/flags\.json/);
  assert.ok(!text.includes('old memory someone edited'));
  writeFileSync(agents, `${mine}${MEMORY_START}\nno end marker\n## My notes\n`);
  const refused = fd(['memory', '--out', 'AGENTS.md'], repo);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /markers/);
  assert.equal(readFileSync(agents, 'utf8'), `${mine}${MEMORY_START}\nno end marker\n## My notes\n`, 'the file is untouched');
});
