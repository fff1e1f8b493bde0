// Agent end-to-end for Codex: the real Codex CLI (pinned, .agents-test/codex) works a scripted task in a
// temporary git repository with `codex exec`, against a local stand-in for the Responses API
// (scriptedResponses.mjs) configured as its model provider in a temporary CODEX_HOME. Then
// `flightdeck ingest codex --sessions-dir …` must record exactly what it did. Flightdeck is connected first
// (`flightdeck connect codex`: its hooks in that CODEX_HOME's config.toml), and the hooks must fire and be recorded.
//   node test/agents/run-codex.mjs [--keep] [--save-fixtures] [--codex-bin PATH]
// --keep leaves the temporary folder; --save-fixtures writes the rollout to test/fixtures/codex/;
// --codex-bin runs another Codex (an older release, to record its format) instead of the pinned one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CODEX, codexBin as pinnedBin, installStamp, repoRoot } from './codexVersion.mjs';
import { runAgent } from './runAgent.mjs';
import { check, expect, expectEqual, fail, finish, show } from './checks.mjs';
import { gitAs, makeGreeterRepo } from './greeterRepo.mjs';
import { startScriptedResponses } from './scriptedResponses.mjs';

const keep = process.argv.includes('--keep');
const saveFixturesToo = process.argv.includes('--save-fixtures');
const binArg = process.argv.indexOf('--codex-bin');
const codexBin = binArg > 0 ? process.argv[binArg + 1] : pinnedBin;
const cli = join(repoRoot, 'dist', 'cli.js');
const BRANCH = 'fix/greeting';
// A model this Codex knows (its bundled catalogue): unknown ones get no apply_patch tool.
const MODEL = process.env.CODEX_TEST_MODEL ?? (binArg > 0 ? 'gpt-5' : 'gpt-5.5');
const PROMPT = 'The greeting in src/greet.js is missing its comma and exclamation mark, so `npm test` fails. '
  + 'Fix it, note the fix in a CHANGELOG, and make sure the tests pass.';

// --- preconditions: the build and the pinned Codex -------------------------------------------------
if (binArg < 0 && (!existsSync(installStamp) || !existsSync(codexBin))) {
  fail(`Codex ${CODEX} is not installed in .agents-test/: run node scripts/install-codex.mjs`);
  finish();
}
if (!existsSync(cli)) {
  fail(`${cli} is missing: run node esbuild.mjs --tests`);
  finish();
}
const version = spawnSync(codexBin, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^codex-cli\s*/, '');

// --- a small repository with one commit, on a feature branch ----------------------------------------
const tmpRoot = realpathSync(mkdtempSync(join(tmpdir(), 'fd-codex-')));
const repo = join(tmpRoot, 'repo');
const home = join(tmpRoot, 'home');
const codexHome = join(home, '.codex');
mkdirSync(codexHome, { recursive: true });
const git = gitAs(home);
const head = makeGreeterRepo(repo, git, BRANCH);

// --- the script the model plays: a command that passes, one that fails, a patch, the tests --------------
const PATCH = [
  '*** Begin Patch',
  '*** Update File: src/greet.js',
  '@@',
  ' function greet(name) {',
  "-  return 'Hello ' + name;",
  '+  return `Hello, ${name}!`;',
  ' }',
  '*** Add File: CHANGELOG.md',
  '+# Changelog',
  '+',
  "+- Fix the greeting's punctuation.",
  '*** End Patch',
].join('\n');
const steps = [
  { text: "I'll start by looking at the project layout.", shell: 'ls' },
  { text: 'Checking the Node runtime before running the tests.', shell: 'node -e "process.exit(3)"' },
  { text: 'The comma and the exclamation mark are missing; adding a changelog entry too.', patch: PATCH },
  { text: 'Running the tests.', shell: 'npm test' },
  { text: 'Fixed the greeting in src/greet.js (it now reads "Hello, Ada!"), noted it in CHANGELOG.md, and `npm test` passes.' },
];

// --- run Codex ----------------------------------------------------------------------------------------------
const serverLog = [];
const model = await startScriptedResponses({ steps, prompt: PROMPT, log: (line) => serverLog.push(line) });
// A provider of our own whose base_url is the scripted server; commands run without asking (no sandbox:
// the test's repository is a temporary folder).
writeFileSync(join(codexHome, 'config.toml'), [
  `model = "${MODEL}"`,
  'model_provider = "scripted"',
  'approval_policy = "never"',
  'sandbox_mode = "danger-full-access"',
  '',
  '[model_providers.scripted]',
  'name = "Scripted"',
  `base_url = "${model.url}/v1"`,
  'wire_api = "responses"',
  'env_key = "SCRIPTED_API_KEY"',
  '',
].join('\n'));
// --- connect Flightdeck: its hooks at the end of config.toml, the rest as it was -----------------------------
const configPath = join(codexHome, 'config.toml');
const userConfig = readFileSync(configPath, 'utf8');
let connected;
check('flightdeck connect codex adds its hooks to config.toml and keeps the settings there', () => {
  connected = JSON.parse(flightdeck(['connect', 'codex', '--json'], { CODEX_HOME: codexHome }));
  expectEqual([connected.configPath, connected.changed], [configPath, true]);
  const text = readFileSync(configPath, 'utf8');
  expect(text.startsWith(userConfig), 'the test\'s own settings were changed');
  for (const e of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'Stop']) expect(text.includes(`[[hooks.${e}.hooks]]`), `no ${e} hook in ${text}`);
});
check('connecting again changes nothing', () => {
  const before = readFileSync(configPath, 'utf8');
  expectEqual(JSON.parse(flightdeck(['connect', 'codex', '--json'], { CODEX_HOME: codexHome })).changed, false, 'changed: ');
  expectEqual(readFileSync(configPath, 'utf8'), before);
});

const codexEnv = {
  PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
  HOME: home, CODEX_HOME: codexHome, SHELL: '/bin/bash', LANG: 'C.UTF-8',
  SCRIPTED_API_KEY: 'test', npm_config_update_notifier: 'false',
};
const started = Date.now();
// Codex runs a hook only once a person trusted it (in the TUI, or /hooks): `exec` cannot ask, so this run skips
// that review (without the flag the hooks do not run at all: checked by hand, the hook check then fails).
const trust = binArg > 0 ? [] : ['--dangerously-bypass-hook-trust'];
const run = await runAgent(codexBin, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', ...trust, PROMPT], {
  cwd: repo, env: codexEnv,
});
await model.close();
console.log(`codex ${version} exec ran ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${run.code ?? run.signal}; ${model.requests.length} model requests:`);
for (const line of serverLog) console.log(`  ${line}`);

check('Codex finishes the scripted task (exit 0, final answer)', () => {
  expect(run.code === 0, `exit ${run.code ?? run.signal}; stderr: ${run.stderr.trim().slice(-1500)}; stdout: ${run.stdout.trim().slice(-1000)}`);
  expect(`${run.stdout}\n${run.stderr}`.includes(steps[steps.length - 1].text), `final answer missing from the output: ${run.stdout.slice(-500)}`);
});
check('the scripted model played every step, in order', () => {
  expectEqual(model.problems, [], 'problems: ');
  const mainSteps = model.requests.filter((r) => r.role.startsWith('main')).map((r) => r.role);
  expectEqual([...new Set(mainSteps)], steps.map((_, i) => `main step ${i}`));
});
check('the patch really changed the repository', () => {
  expect(readFileSync(join(repo, 'src/greet.js'), 'utf8').includes('`Hello, ${name}!`'), 'src/greet.js not fixed');
  expect(existsSync(join(repo, 'CHANGELOG.md')), 'CHANGELOG.md was not written');
});

// --- the rollout Codex wrote, and what Flightdeck records from it -------------------------------------------
const sessionsDir = join(codexHome, 'sessions');
const rollouts = existsSync(sessionsDir)
  ? readdirSync(sessionsDir, { recursive: true }).map(String).filter((f) => /^\d{4}\/\d{2}\/\d{2}\/rollout-.+\.jsonl$/.test(f)).map((f) => join(sessionsDir, f))
  : [];
check('Codex wrote one rollout in sessions/YYYY/MM/DD/', () => expectEqual(rollouts.length, 1, `rollouts ${show(rollouts)}: `));
const sessionId = /([0-9a-f-]{36})\.jsonl$/.exec(rollouts[0] ?? '')?.[1];

function flightdeck(args, env = {}) {
  const r = spawnSync(process.execPath, [cli, ...args, '--repo', repo], { encoding: 'utf8', env: { ...process.env, HOME: home, ...env } });
  if (r.status !== 0) throw new Error(`flightdeck ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}
let record;
let first;
try {
  first = JSON.parse(flightdeck(['ingest', 'codex', '--sessions-dir', sessionsDir, '--json']));
  record = JSON.parse(flightdeck(['show', 'latest', '--format', 'json']));
} catch (err) {
  check('flightdeck ingest codex and show latest', () => { throw err; });
}
if (record) {
  check('one session of this repository, nothing malformed', () => expectEqual({ sessions: first.sessions, malformed: first.malformed }, { sessions: 1, malformed: 0 }));
  check('session id is Codex\'s', () => expectEqual(record.id, sessionId));
  check('agent is codex, with its version', () => expectEqual({ agent: record.agent, version: record.agentVersion || version }, { agent: 'codex', version }));
  check('intent is the prompt (not the injected context)', () => expectEqual(record.intent, PROMPT));
  check('model', () => (binArg > 0 && !record.model ? undefined : expectEqual(record.model, MODEL)));
  check('branch', () => expectEqual(record.branch, BRANCH));
  check('startCommit is HEAD', () => expectEqual(record.startCommit?.slice(0, 7), head.slice(0, 7)));
  check('commands with exit codes, in order', () => expectEqual(record.commands.map((c) => ({ command: c.command, exitCode: c.exitCode, outcome: c.outcome })), [
    { command: 'ls', exitCode: 0, outcome: 'ok' },
    { command: 'node -e "process.exit(3)"', exitCode: 3, outcome: 'error' },
    { command: 'npm test', exitCode: 0, outcome: 'ok' },
  ]));
  check('every command has a duration', () => expect(record.commands.every((c) => typeof c.durationMs === 'number' && c.durationMs >= 0), show(record.commands.map((c) => c.durationMs))));
  check('files changed by the patch, relative to the repository', () => expectEqual(
    [...record.filesChanged].map(({ path, change }) => ({ path, change })).sort((a, b) => a.path.localeCompare(b.path)),
    [{ path: 'CHANGELOG.md', change: 'created' }, { path: 'src/greet.js', change: 'modified' }],
  ));
  check('npm test is a passing test check at HEAD', () => {
    expectEqual(record.checks.map(({ kind, command, passed: p, exitCode }) => ({ kind, command, passed: p, exitCode })),
      [{ kind: 'test', command: 'npm test', passed: true, exitCode: 0 }]);
    expectEqual(record.checks[0].commit?.slice(0, 7), head.slice(0, 7), 'check commit: ');
  });
  check('a second ingest adds nothing', () => {
    const again = JSON.parse(flightdeck(['ingest', 'codex', '--sessions-dir', sessionsDir, '--json']));
    expectEqual(again.added, 0, 'added: ');
  });
  check('`flightdeck ingest` alone finds Codex through CODEX_HOME', () => {
    const all = JSON.parse(flightdeck(['ingest', '--json'], { CODEX_HOME: codexHome }));
    expect(all.codex && all.codex.sessions === 1, `summaries: ${show(all)}`);
  });
  check('Codex\'s hooks fired and were recorded under its session: start, the prompt, each command before it ran, the turn\'s end', () => {
    if (binArg > 0) return; // An older Codex may have no hooks.
    const hooks = JSON.parse(flightdeck(['log', '--kind', 'hook.received', '--limit', '500', '--json']))
      .filter((e) => e.source === 'codex-hook').reverse();
    expect(hooks.length > 0, 'no Codex hook was recorded');
    expectEqual([...new Set(hooks.map((e) => e.session))], [sessionId], 'sessions: ');
    const names = hooks.map((e) => e.data.hook);
    for (const e of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'Stop']) expect(names.includes(e), `no ${e} in ${show(names)}`);
    expectEqual(hooks.find((e) => e.data.hook === 'UserPromptSubmit')?.data.prompt, PROMPT, 'prompt: ');
    const ran = hooks.filter((e) => e.data.hook === 'PreToolUse' && e.data.tool === 'Bash').map((e) => e.data.command);
    expectEqual(ran, ['ls', 'node -e "process.exit(3)"', 'npm test'], 'PreToolUse commands: ');
  });
  check('sessions lists it as a codex session', () => {
    const list = JSON.parse(flightdeck(['sessions', '--json']));
    expectEqual(list.map((s) => [s.id, s.agent]), [[sessionId, 'codex']]);
  });
}

check('flightdeck disconnect codex leaves config.toml as it was before connecting', () => {
  flightdeck(['disconnect', 'codex'], { CODEX_HOME: codexHome });
  expectEqual(readFileSync(configPath, 'utf8'), userConfig);
});

if (saveFixturesToo && rollouts[0]) {
  const { saveCodexFixture } = await import('./codexFixtures.mjs');
  const out = saveCodexFixture({ rollout: rollouts[0], tmpRoot, version, model: MODEL, prompt: PROMPT, requests: model.requests });
  console.log(`fixture written to ${out}`);
}
if (keep) console.log(`kept ${tmpRoot}`);
else rmSync(tmpRoot, { recursive: true, force: true });
finish();
