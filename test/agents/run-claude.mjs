// Agent end-to-end: the real Claude Code CLI (pinned, .agents-test/claude-code) works a scripted task in a
// temporary git repository, against a local scripted model (scriptedModel.mjs), with Flightdeck's hooks
// connected as the extension connects them. Then it checks what Flightdeck records from the hooks alone,
// from the transcript alone (`flightdeck ingest claude`) and from both, field by field.
//   node test/agents/run-claude.mjs [--keep] [--save-fixtures]
// --keep leaves the temporary folder; --save-fixtures writes test/fixtures/claude-code-2.x from this run.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CLAUDE_CODE, claudeBin, installStamp, repoRoot } from './claudeCodeVersion.mjs';
import { runAgent } from './runAgent.mjs';
import { check, expect, expectEqual, fail, finish, show } from './checks.mjs';
import { gitAs, makeGreeterRepo } from './greeterRepo.mjs';
import { startScriptedModel } from './scriptedModel.mjs';
import { saveFixtures } from './fixtures.mjs';

const keep = process.argv.includes('--keep');
const saveFixturesToo = process.argv.includes('--save-fixtures');
const cli = join(repoRoot, 'dist', 'cli.js');
const recorder = join(repoRoot, 'test', 'agents', 'recordHookPayload.mjs');
const BRANCH = 'fix/greeting';
const PROMPT = 'The greeting in src/greet.js is missing its comma and exclamation mark, so `npm test` fails. '
  + 'Fix it, note the fix in a CHANGELOG, and make sure the tests pass.';
// Hook events recorded raw besides Flightdeck's own (all known to this Claude Code: an unknown event
// name makes Claude Code ignore the whole settings file).
const RAW_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PostToolBatch',
  'PermissionRequest', 'PermissionDenied', 'Notification', 'Stop', 'StopFailure', 'SubagentStart', 'SubagentStop', 'SessionEnd'];


/** The flightdeck CLI with this Node; its parsed JSON output, or an error with what it said. */
function flightdeck(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`flightdeck ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

// --- preconditions: the build and the pinned Claude Code ------------------------------------------
if (!existsSync(installStamp) || !existsSync(claudeBin)) {
  fail(`Claude Code ${CLAUDE_CODE} is not installed in .agents-test/: run node scripts/install-claude-code.mjs`);
  finish();
}
for (const built of [cli]) {
  if (!existsSync(built)) {
    fail(`${built} is missing: run node esbuild.mjs --tests`);
    finish();
  }
}

// --- a small repository with one commit, on a feature branch ----------------------------------------
const tmpRoot = realpathSync(mkdtempSync(join(tmpdir(), 'fd-agents-')));
const repo = join(tmpRoot, 'repo');
const home = join(tmpRoot, 'home');
mkdirSync(home);
const git = gitAs(home);
const head = makeGreeterRepo(repo, git, BRANCH);

// --- hooks: a raw payload recorder of our own, then Flightdeck's, as Connect Claude Code adds them -----
const settingsPath = join(repo, '.claude', 'settings.local.json');
const rawHooks = join(tmpRoot, 'hook-payloads.jsonl');
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const rawSettings = { hooks: Object.fromEntries(RAW_EVENTS.map((event) => [event, [{
  ...(event.includes('ToolUse') || event.startsWith('Permission') ? { matcher: '*' } : {}),
  hooks: [{ type: 'command', command: `${q(process.execPath)} ${q(recorder)} ${q(rawHooks)} ${event}`, timeout: 10 }],
}]])) };
mkdirSync(dirname(settingsPath), { recursive: true });
writeFileSync(settingsPath, JSON.stringify(rawSettings, null, 2) + '\n');
// `flightdeck connect claude`: the same code as the Connect command, asking this Claude Code its version.
const connectRun = spawnSync(process.execPath, [cli, 'connect', 'claude', '--repo', repo, '--json'], {
  encoding: 'utf8', env: { PATH: `${dirname(claudeBin)}:${process.env.PATH}`, HOME: home },
});
if (connectRun.status !== 0) throw new Error(`flightdeck connect claude exited ${connectRun.status}: ${connectRun.stderr}`);
const connected = JSON.parse(connectRun.stdout);
const added = connected.connected;
check('connect found this Claude Code and connected every event it knows', () => {
  expectEqual(connected.claude.version, CLAUDE_CODE, 'version: ');
  expect(added.includes('PostToolUseFailure') && added.includes('UserPromptSubmit'), `connected ${JSON.stringify(added)}`);
});

// --- the script the model plays -----------------------------------------------------------------------
const abs = (p) => join(repo, p);
const steps = [
  { text: "I'll start by looking at the project layout.", tool: { name: 'Bash', input: { command: 'ls', description: 'List the project files' } } },
  { text: 'Checking the Node runtime before running the tests.', tool: { name: 'Bash', input: { command: 'node -e "process.exit(3)"', description: 'Probe the Node runtime' } } },
  { text: 'Any TODO markers left in the sources?', tool: { name: 'Bash', input: { command: 'grep -rn "TODO" src', description: 'Look for TODO markers' } } },
  { text: 'Adding a changelog entry.', tool: { name: 'Write', input: { file_path: abs('CHANGELOG.md'), content: "# Changelog\n\n- Fix the greeting's punctuation.\n" } } },
  { text: 'Keeping a scratch note.', tool: { name: 'Bash', input: { command: 'echo hello > notes.txt', description: 'Write a scratch note' } } },
  { text: 'Now the greeting itself.', tool: { name: 'Read', input: { file_path: abs('src/greet.js') } } },
  { text: 'The comma and the exclamation mark are missing.', tool: { name: 'Edit', input: { file_path: abs('src/greet.js'), old_string: "return 'Hello ' + name;", new_string: 'return `Hello, ${name}!`;' } } },
  { text: 'Running the tests.', tool: { name: 'Bash', input: { command: 'npm test', description: 'Run the test suite' } } },
  { text: 'Fixed the greeting in src/greet.js (it now reads "Hello, Ada!"), noted it in CHANGELOG.md, and `npm test` passes.' },
];

// --- run Claude Code ------------------------------------------------------------------------------------
const serverLog = [];
const model = await startScriptedModel({ steps, prompt: PROMPT, log: (line) => serverLog.push(line) });
const claudeEnv = {
  PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
  HOME: home,
  SHELL: '/bin/bash',
  LANG: 'C.UTF-8',
  ANTHROPIC_BASE_URL: model.url,
  ANTHROPIC_API_KEY: 'test',
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  // `npm test` inside the session: no registry call for npm's update notice.
  npm_config_update_notifier: 'false',
};
const started = Date.now();
const run = await runAgent(claudeBin, ['-p', PROMPT, '--allowedTools', 'Bash Write Edit Read', '--output-format', 'json'], {
  cwd: repo, env: claudeEnv,
});
await model.close();
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`claude ${CLAUDE_CODE} -p ran ${seconds} s, exit ${run.code ?? run.signal}; ${model.requests.length} model requests:`);
for (const line of serverLog) console.log(`  ${line}`);

let result = {};
check('Claude Code finishes the scripted task (exit 0, final answer, no error)', () => {
  expect(run.code === 0, `exit ${run.code ?? run.signal}; stderr: ${run.stderr.trim().slice(0, 1000)}; stdout: ${run.stdout.trim().slice(0, 1000)}`);
  result = JSON.parse(run.stdout);
  expectEqual(result.is_error, false, 'is_error: ');
  expectEqual(result.result, steps[steps.length - 1].text, 'final answer: ');
});
check('the scripted model played every step, in order', () => {
  expectEqual(model.problems, [], 'problems: ');
  const mainSteps = model.requests.filter((r) => r.role.startsWith('main')).map((r) => r.role);
  expectEqual([...new Set(mainSteps)], steps.map((_, i) => `main step ${i}`));
});
check('the edits really happened in the repository', () => {
  expectEqual(readFileSync(abs('src/greet.js'), 'utf8').includes('`Hello, ${name}!`'), true, 'src/greet.js fixed: ');
  expectEqual(readFileSync(abs('notes.txt'), 'utf8'), 'hello\n', 'notes.txt: ');
  expect(existsSync(abs('CHANGELOG.md')), 'CHANGELOG.md was not written');
});

// --- what Claude Code sent to the hooks, and what it wrote in its transcript ----------------------------
const raw = existsSync(rawHooks) ? readFileSync(rawHooks, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const projects = join(home, '.claude', 'projects');
const transcripts = existsSync(projects)
  ? readdirSync(projects, { recursive: true }).filter((f) => String(f).endsWith('.jsonl')).map((f) => join(projects, String(f)))
  : [];
const transcript = transcripts.length ? readFileSync(transcripts[0], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const sessionId = result.session_id ?? raw[0]?.payload.session_id;
console.log(`hook events: ${raw.map((r) => r.event).join(' ')}`);
console.log(`transcripts: ${transcripts.map((t) => t.slice(home.length)).join(', ') || '(none)'}; ${transcript.length} lines`);

const toolIds = steps.filter((s) => s.tool).map((_, i) => `toolu_e2e_${String(i + 1).padStart(2, '0')}`);
const after = (id) => raw.filter((r) => r.payload.tool_use_id === id && r.event !== 'PreToolUse').map((r) => r.event);
check('hooks: Claude Code ran the project hooks (SessionStart, UserPromptSubmit, Stop)', () => {
  for (const event of ['SessionStart', 'UserPromptSubmit', 'Stop']) expect(raw.some((r) => r.event === event), `no ${event} payload; got ${show(raw.map((r) => r.event))}`);
  expectEqual(raw.find((r) => r.event === 'UserPromptSubmit')?.payload.prompt, PROMPT, 'UserPromptSubmit prompt: ');
});
check('hooks: every tool call has a PreToolUse and one PostToolUse or PostToolUseFailure, with the transcript\'s tool_use_id', () => {
  expectEqual(raw.filter((r) => r.event === 'PreToolUse').map((r) => r.payload.tool_use_id), toolIds, 'PreToolUse ids: ');
  for (const id of toolIds) expectEqual(after(id).filter((e) => e.startsWith('PostToolUse')).length, 1, `${id} post events ${show(after(id))}: `);
  const transcriptIds = transcript.flatMap((e) => (Array.isArray(e.message?.content) ? e.message.content : [])).filter((b) => b.type === 'tool_use').map((b) => b.id);
  expectEqual(transcriptIds, toolIds, 'transcript tool_use ids: ');
});
check('hooks: the failing command comes as PostToolUseFailure with "Exit code 3"', () => {
  const failure = raw.find((r) => r.payload.tool_use_id === toolIds[1] && r.event === 'PostToolUseFailure');
  expect(failure, `no PostToolUseFailure for ${toolIds[1]}; got ${show(after(toolIds[1]))}`);
  expect(/^Exit code 3\b/.test(failure.payload.error ?? ''), `error: ${show(failure.payload.error)}`);
});
check('hooks: grep with no match comes as PostToolUse with a returnCodeInterpretation', () => {
  const post = raw.find((r) => r.payload.tool_use_id === toolIds[2] && r.event === 'PostToolUse');
  expect(post, `no PostToolUse for ${toolIds[2]}; got ${show(after(toolIds[2]))}`);
  expectEqual(post.payload.tool_response?.returnCodeInterpretation, 'No matches found', 'tool_response.returnCodeInterpretation: ');
});

// --- the three records -------------------------------------------------------------------------------------
const recordDir = join(repo, '.git', 'flightdeck');
const aside = (name) => join(repo, '.git', `flightdeck-${name}`);
const records = {};
const showLatest = () => JSON.parse(flightdeck('show', 'latest', '--format', 'json', '--repo', repo));
const ingest = () => flightdeck('ingest', 'claude', '--projects-dir', projects, '--repo', repo);
try {
  // (a) hooks only: what the hooks wrote while Claude Code ran.
  check('hooks-only: the hooks wrote a record', () => expect(existsSync(recordDir), `no ${recordDir}`));
  records.hooks = existsSync(recordDir) ? showLatest() : undefined;
  if (existsSync(recordDir)) renameSync(recordDir, aside('hooks'));
  // (b) transcript only: a fresh record from `flightdeck ingest claude`.
  ingest();
  records.transcript = showLatest();
  renameSync(recordDir, aside('transcript'));
  // (c) both: the hooks' record, then the same ingest.
  if (existsSync(aside('hooks'))) cpSync(aside('hooks'), recordDir, { recursive: true });
  ingest();
  records.both = showLatest();
} catch (err) {
  check('the three records can be built and shown', () => { throw err; });
}

const commandsExpected = [
  { command: 'ls', exitCode: 0 },
  { command: 'node -e "process.exit(3)"', exitCode: 3 },
  { command: 'grep -rn "TODO" src', exitCode: 1 },
  { command: 'echo hello > notes.txt', exitCode: 0 },
  { command: 'npm test', exitCode: 0 },
];
const filesExpected = [
  { path: 'CHANGELOG.md', change: 'created' },
  // The command's text says a file was written, not whether it existed before: a shell write is recorded as modified.
  { path: 'notes.txt', change: 'modified' },
  { path: 'src/greet.js', change: 'modified' },
];
/** A commit id names HEAD: a prefix of its full id, at least 7 characters. */
const namesHead = (id, what) => expect(typeof id === 'string' && id.length >= 7 && head.startsWith(id), `${what}: expected HEAD ${head} (or a prefix of it), got ${show(id)}`);
const byPath = (a, b) => a.path.localeCompare(b.path);

for (const [name, r] of Object.entries({ 'hooks-only': records.hooks, 'transcript-only': records.transcript, both: records.both })) {
  if (!r) {
    check(`${name}: record`, () => { throw new Error('no session in this record'); });
    continue;
  }
  check(`${name}: session id is Claude Code's`, () => expectEqual(r.id, sessionId));
  check(`${name}: intent is the prompt`, () => expectEqual(r.intent, PROMPT));
  check(`${name}: branch`, () => expectEqual(r.branch, BRANCH));
  check(`${name}: startCommit`, () => namesHead(r.startCommit, 'startCommit'));
  check(`${name}: endCommit`, () => namesHead(r.endCommit, 'endCommit'));
  check(`${name}: commands with exit codes`, () => expectEqual(r.commands.map((c) => ({ command: c.command, exitCode: c.exitCode })), commandsExpected));
  check(`${name}: filesChanged`, () => expectEqual([...r.filesChanged].map(({ path, change }) => ({ path, change })).sort(byPath), filesExpected));
  check(`${name}: filesRead has src/greet.js`, () => expect(r.filesRead.includes('src/greet.js'), `filesRead: ${show(r.filesRead)}`));
  check(`${name}: checks`, () => {
    expectEqual(r.checks.map(({ kind, command, passed: p, exitCode }) => ({ kind, command, passed: p, exitCode })),
      [{ kind: 'test', command: 'npm test', passed: true, exitCode: 0 }]);
    namesHead(r.checks[0].commit, 'checks[0].commit');
  });
  // Sanity facts from the script, each on its own so a failure reads plainly.
  const cmd = (c) => r.commands.find((x) => x.command === c);
  check(`${name}: the failing command has exit code 3`, () => expectEqual(cmd('node -e "process.exit(3)"')?.exitCode, 3, 'node -e "process.exit(3)" exitCode: '));
  check(`${name}: grep with no match has exit code 1 and is not a failure`, () => {
    expectEqual(cmd('grep -rn "TODO" src')?.exitCode, 1, 'grep exitCode: ');
    expect(!r.failures.some((f) => f.includes('grep')), `failures: ${show(r.failures)}`);
  });
  check(`${name}: npm test is a passing test check`, () => {
    const c = r.checks.find((x) => x.command === 'npm test');
    expectEqual(c && { kind: c.kind, passed: c.passed }, { kind: 'test', passed: true }, 'npm test check: ');
  });
  check(`${name}: notes.txt (made by the shell) and CHANGELOG.md (Write) are in filesChanged`, () => {
    const paths = r.filesChanged.map((f) => f.path);
    for (const p of ['notes.txt', 'CHANGELOG.md']) expect(paths.includes(p), `${p} missing from filesChanged ${show(paths)}`);
  });
}

// The three records of one session should tell the same story.
for (const field of ['intent', 'branch', 'startCommit', 'endCommit', 'commands', 'filesChanged', 'checks']) {
  const view = (r) => {
    if (!r) return undefined;
    if (field === 'commands') return r.commands.map((c) => ({ command: c.command, exitCode: c.exitCode }));
    if (field === 'checks') return r.checks.map(({ kind, command, passed: p, exitCode, commit }) => ({ kind, command, passed: p, exitCode, commit }));
    if (field === 'filesChanged') return [...r.filesChanged].sort(byPath);
    return r[field];
  };
  check(`the three records agree on ${field}`, () => {
    const [h, t, b] = [view(records.hooks), view(records.transcript), view(records.both)];
    expect(isDeepStrictEqual(h, t) && isDeepStrictEqual(t, b), `hooks-only ${show(h)}\ntranscript-only ${show(t)}\nboth ${show(b)}`);
  });
}

if (saveFixturesToo) {
  const out = join(repoRoot, 'test', 'fixtures', 'claude-code-2.x');
  const sizes = saveFixtures({ out, tmpRoot, repo, home, raw, transcriptPath: transcripts[0], version: CLAUDE_CODE, head, branch: BRANCH, prompt: PROMPT, requests: model.requests });
  console.log(`fixtures written to ${out} (hook payloads ${sizes.hooksBytes} bytes, transcript ${sizes.transcriptBytes} bytes)`);
}
if (keep) console.log(`kept ${tmpRoot} (records in ${join(repo, '.git')}: flightdeck-hooks, flightdeck-transcript, flightdeck = both)`);
else rmSync(tmpRoot, { recursive: true, force: true });
finish(`Flightdeck hooks added for: ${added.join(', ')}`);
